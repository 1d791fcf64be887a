"""Typed errors of the answering layer (the index's own errors live in `index.errors`)."""

from __future__ import annotations

from index.errors import ConfigError, IndexNotFoundError, NewsIndexError  # noqa: F401  (re-exported)


class AssistantError(NewsIndexError):
    """Base class of errors raised by the assistant on purpose."""


class EmptyQuestionError(AssistantError, ValueError):
    """The question is empty or only whitespace."""

    def __init__(self):
        super().__init__("the question is empty: ask something about the articles")


class EvalFileError(AssistantError):
    """An evaluation file is malformed; the message names the file and line."""
