"""Where an index is kept, behind one seam (`base.NewsStore`), and the factory that opens it.

`open_store(location)` reads the location as `base.resolve_location` does: a path opens the
default store (SQLite + FAISS in that directory, `index.news_index.NewsIndex`); a `milvus://`
URI opens `milvus.MilvusIndex` (Milvus Lite for `milvus:///abs/path/news.db`, a server for
`milvus://HOST:19530[/db]`). Nothing of Milvus is imported unless a `milvus://` location is
opened, so the default store never needs `pymilvus`.
"""

from __future__ import annotations

from index.stores.base import (AddResult, FeedState, NewArticle, NewsStore, StoredArticle, StoreLocation,
                               resolve_location, rrf_merge)


def open_store(index_dir=None, *, embedder=None, config=None, create: bool = False) -> NewsStore:
    """Open the index at `index_dir` (a path or a `milvus://` URI; see `resolve_location`).
    `IndexNotFoundError` when there is none and `create` is False; `StoreUnavailableError` when a
    Milvus location cannot be reached or `pymilvus` is not installed."""
    loc = resolve_location(index_dir)
    if loc.is_milvus:
        from index.stores.milvus import MilvusIndex

        return MilvusIndex.open(loc, embedder=embedder, config=config, create=create)
    from index.news_index import NewsIndex

    return NewsIndex.open(loc.path, embedder=embedder, config=config, create=create)


__all__ = ["open_store", "resolve_location", "StoreLocation", "NewsStore", "FeedState", "NewArticle",
           "AddResult", "StoredArticle", "rrf_merge"]
