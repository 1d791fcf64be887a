"""The index: load news articles, chunk and embed them, keep them in SQLite + FAISS.

Public API (imported lazily so `import index` stays cheap):
    ingest(paths_or_urls, index_dir=None, fetcher=None) -> IngestReport
    open_index(index_dir=None) -> NewsIndex or MilvusIndex (a directory, or a milvus:// URI)
    copy_index(source, target) -> CopyReport (articles, chunks and vectors, no re-embedding)
    delete(article_ids, paths=..., index_dir=None) -> list[str]
    rebuild(index_dir=None) -> IngestReport
    watch(urls, index_dir=None, every=..., once=False, stop=None, on_round=None) -> int
    Fetcher(allow_private=False, ...), FetchResult, is_url(value), parse_interval("15m"), PollRound
and the records Article, Chunk, IngestReport, IndexStats, FeedStatus, plus the errors in `index.errors`
(FetchError, UnsafeURLError, RobotsDisallowedError, FeedError among them).

Rooms: `loading/` (files to `Article` records), `chunking`, `encoders/` (the embedding model),
`store` (SQLite), `vectors` (FAISS), `stores/` (the store seam: `NewsStore`, the factory,
Milvus), `dedup/` (near-duplicate groups), `text/` (the one text
toolkit: words, stems, stopwords, months, numbers), `web/` (feeds and pages from URLs, following
them), `news_index` (the open index), `pipeline` (the write paths).
"""

from __future__ import annotations

from .errors import (ArticleNotFoundError, ClusterUnavailableError, ConfigError, FeedError, FetchError,
                     IndexBusyError, IndexCorruptError, IndexMismatchError, IndexNotFoundError, ModelLoadError,
                     NewsIndexError, RobotsDisallowedError, StoreUnavailableError, UnsafeURLError)
from .records import (Article, Chunk, FeedStatus, IndexStats, IngestReport, LoadWarning, Progress, SearchHit,
                      Skipped)

_LAZY = {
    "ingest": ".pipeline", "open_index": ".pipeline", "delete": ".pipeline", "rebuild": ".pipeline",
    "NewsIndex": ".news_index", "IndexConfig": ".config", "resolve_index_dir": ".config", "DB_NAME": ".config",
    "parse_day": ".text.dates",
    "SentenceTransformerEmbedder": ".encoders.embedder", "Embedder": ".encoders.embedder",
    "Fetcher": ".web.fetch", "FetchResult": ".web.fetch", "USER_AGENT": ".web.fetch", "is_url": ".web.urls",
    "watch": ".web.watch", "parse_interval": ".web.watch", "PollRound": ".web.watch",
    "open_store": ".stores", "resolve_location": ".stores", "StoreLocation": ".stores", "NewsStore": ".stores",
    "copy_index": ".stores.copy", "CopyReport": ".stores.copy", "MilvusIndex": ".stores.milvus",
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
    "Fetcher", "FetchResult", "USER_AGENT", "is_url", "watch", "parse_interval", "PollRound", "FeedStatus",
    "FetchError", "UnsafeURLError", "RobotsDisallowedError", "FeedError",
    "open_store", "resolve_location", "StoreLocation", "NewsStore", "copy_index", "CopyReport", "MilvusIndex",
    "StoreUnavailableError", "ClusterUnavailableError",
]
