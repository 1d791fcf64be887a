"""Typed errors of the answering layer (the index's own errors live in `index.errors`)."""

from __future__ import annotations

from index.errors import ConfigError, IndexNotFoundError, NewsIndexError  # noqa: F401  (re-exported)


class AssistantError(NewsIndexError):
    """Base class of errors raised by the assistant on purpose."""


class EmptyQuestionError(AssistantError, ValueError):
    """The question is empty or only whitespace, or has no letter or digit ("???")."""

    def __init__(self, what: str = "is empty"):
        super().__init__(f"the question {what}: ask something about the articles")


class EvalFileError(AssistantError):
    """An evaluation file is malformed; the message names the file and line."""


class LLMError(AssistantError):
    """The optional LLM (an OpenAI-compatible server) could not give a usable reply. `reason` is a
    short phrase for a note ("timeout after 20 s"); `ask()` catches these and falls back to the
    extractive answer, so they only reach callers of `assistant.llm.client` directly."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"LLM unavailable: {reason}")


class LLMTimeoutError(LLMError):
    """The server did not answer (or stopped sending) within the timeout."""


class LLMConnectionError(LLMError):
    """The server could not be reached: connection refused, unknown host, reset."""


class LLMHTTPError(LLMError):
    """The server answered with an HTTP error status (`status`)."""

    def __init__(self, status: int, reason: str):
        self.status = status
        super().__init__(reason)


class LLMReplyError(LLMError):
    """The server's reply is not the chat-completions protocol, or holds no text."""
