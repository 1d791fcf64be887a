"""Typed errors of the index. The library raises these; only the CLI and the UI turn
them into messages for people, so every message names the thing at fault and the fix."""

from __future__ import annotations


class NewsIndexError(Exception):
    """Base class of every error the index raises on purpose."""


class ConfigError(NewsIndexError, ValueError):
    """A setting has a bad value; the message names the setting."""


class IndexNotFoundError(NewsIndexError):
    """No index exists at the given directory."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        super().__init__(
            f"no index at {index_dir}. Create one with: assistant ingest PATH... "
            f"(or pass --index DIR / set ASSISTANT_INDEX to use another)"
        )


class IndexMismatchError(NewsIndexError):
    """The index was built with another embedding model or another format version."""

    def __init__(self, index_dir: str, what: str, stored, wanted, fix: str):
        self.index_dir, self.what, self.stored, self.wanted = index_dir, what, stored, wanted
        super().__init__(
            f"the index at {index_dir} was built with {what} {stored!r}, "
            f"but this program uses {what} {wanted!r}. {fix}"
        )


class IndexCorruptError(NewsIndexError):
    """The files of an index disagree in a way that cannot be repaired automatically."""


class ModelLoadError(NewsIndexError):
    """The embedding model could not be loaded (bad name or path, no network to a hub)."""


class IndexBusyError(NewsIndexError):
    """Another process is writing to the index."""


class ArticleNotFoundError(NewsIndexError):
    """No article in the index matches the id or path given."""
