"""The index: load news articles, chunk and embed them, keep them in SQLite + FAISS.

Public API (imported lazily so `import index` stays cheap):
    ingest(paths, index_dir=None) -> IngestReport
    open_index(index_dir=None) -> NewsIndex
    delete(article_ids, paths=..., index_dir=None) -> list[str]
and the records Article, Chunk, IngestReport, IndexStats, plus the errors in `index.errors`.
"""

from __future__ import annotations

import sys
import types

from .errors import (ArticleNotFoundError, ConfigError, IndexBusyError, IndexCorruptError,
                     IndexMismatchError, IndexNotFoundError, ModelLoadError, NewsIndexError)
from .models import Article, Chunk, IndexStats, IngestReport, LoadWarning, Progress, SearchHit, Skipped

_LAZY = {
    "open_index": ".ingest", "delete": ".ingest", "rebuild": ".ingest",
    "NewsIndex": ".core", "IndexConfig": ".config", "SentenceTransformerEmbedder": ".embedder",
    "Embedder": ".embedder",
}


class _IndexPackage(types.ModuleType):
    """`index.ingest` is the public function, not the submodule of the same name.

    Python binds a submodule onto its package when the submodule is first imported, which made
    `from index import ingest` hand back the module `index.ingest` instead of the function.
    Whatever is assigned to the name, the function is what it reads back (unless a non-module
    value, e.g. a test double, is assigned explicitly)."""

    @property
    def ingest(self):
        value = self.__dict__.get("ingest")
        if value is None or isinstance(value, types.ModuleType):
            from .ingest import ingest as value
        return value

    @ingest.setter
    def ingest(self, value):
        self.__dict__["ingest"] = value


sys.modules[__name__].__class__ = _IndexPackage


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")


__all__ = [
    "ingest", "open_index", "delete", "rebuild", "NewsIndex", "IndexConfig", "SentenceTransformerEmbedder",
    "Embedder", "Article", "Chunk", "IndexStats", "IngestReport", "LoadWarning", "Progress", "SearchHit",
    "Skipped", "ArticleNotFoundError", "ConfigError", "IndexBusyError", "IndexCorruptError",
    "IndexMismatchError", "IndexNotFoundError", "ModelLoadError", "NewsIndexError",
]
