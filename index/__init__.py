"""The index: load news articles, chunk and embed them, keep them in SQLite + FAISS.

Public API (imported lazily so `import index` stays cheap):
    ingest(paths, index_dir=None) -> IngestReport
    open_index(index_dir=None) -> NewsIndex
    delete(article_ids, paths=..., index_dir=None) -> list[str]
    rebuild(index_dir=None) -> IngestReport
and the records Article, Chunk, IngestReport, IndexStats, plus the errors in `index.errors`.

Rooms: `loading/` (files to `Article` records), `chunking`, `encoders/` (the embedding model),
`store` (SQLite), `vectors` (FAISS), `dedup/` (near-duplicate groups), `text/` (the one text
toolkit: words, stems, stopwords, months, numbers), `news_index` (the open index), `pipeline`
(the write paths).
"""

from __future__ import annotations

from .errors import (ArticleNotFoundError, ConfigError, IndexBusyError, IndexCorruptError,
                     IndexMismatchError, IndexNotFoundError, ModelLoadError, NewsIndexError)
from .records import Article, Chunk, IndexStats, IngestReport, LoadWarning, Progress, SearchHit, Skipped

_LAZY = {
    "ingest": ".pipeline", "open_index": ".pipeline", "delete": ".pipeline", "rebuild": ".pipeline",
    "NewsIndex": ".news_index", "IndexConfig": ".config", "resolve_index_dir": ".config", "DB_NAME": ".config",
    "parse_day": ".text.dates",
    "SentenceTransformerEmbedder": ".encoders.embedder", "Embedder": ".encoders.embedder",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")


__all__ = [
    "ingest", "open_index", "delete", "rebuild", "NewsIndex", "IndexConfig", "resolve_index_dir", "DB_NAME", "parse_day",
    "SentenceTransformerEmbedder", "Embedder", "Article", "Chunk", "IndexStats", "IngestReport", "LoadWarning",
    "Progress", "SearchHit", "Skipped", "ArticleNotFoundError", "ConfigError", "IndexBusyError",
    "IndexCorruptError", "IndexMismatchError", "IndexNotFoundError", "ModelLoadError", "NewsIndexError",
]
