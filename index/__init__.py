"""The index: load news articles, chunk and embed them, keep them in SQLite + FAISS.

Public API (imported lazily so `import index` stays cheap):
    ingest(paths, index_dir=None) -> IngestReport
    open_index(index_dir=None) -> NewsIndex
    delete(article_ids, paths=..., index_dir=None) -> list[str]
and the records Article, Chunk, IngestReport, IndexStats, plus the errors in `index.errors`.
"""

from __future__ import annotations

from .errors import (ArticleNotFoundError, ConfigError, IndexBusyError, IndexCorruptError,
                     IndexMismatchError, IndexNotFoundError, ModelLoadError, NewsIndexError)
from .models import Article, Chunk, IndexStats, IngestReport, LoadWarning, Progress, SearchHit, Skipped

_LAZY = {
    "ingest": ".ingest", "open_index": ".ingest", "delete": ".ingest", "rebuild": ".ingest",
    "NewsIndex": ".core", "IndexConfig": ".config", "SentenceTransformerEmbedder": ".embedder",
    "Embedder": ".embedder",
}


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
