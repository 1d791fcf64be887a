"""The store seam: what retrieval, answering and ingest need of wherever an index is kept.

`NewsStore` is that one `Protocol`. Two classes implement it:

* `index.news_index.NewsIndex` — the default: one directory on this machine, SQLite (articles,
  chunks, FTS5 BM25, near-duplicate groups, feeds) beside a FAISS file (vectors);
* `index.stores.milvus.MilvusIndex` — Milvus: a Milvus Lite database file, or a Milvus server,
  holding the same records in collections (chunk vectors with Milvus's own BM25, articles,
  groups, MinHash bands, term counts, feeds, meta).

Where an index is kept is a *location* string: a path (a directory, the default store), or a
`milvus://` URI (`resolve_location`). `index.stores.open_store` picks the implementation from it.

The records that cross the seam are the dataclasses of `index.records` (`Article`, `Chunk`,
`SearchHit`, `IndexStats`, `FeedStatus`) and the three below: `NewArticle` in (an article with
its chunk spans and vectors, ready to store), `AddResult` out, and `StoredArticle` (an article
with its chunks and vectors as stored, which is how `copy_index` moves an index without
re-embedding).

Limits: writes go through the caller holding `write_lock()`; between two processes that lock
is real for the default store and for a Milvus Lite file (a lock file beside it), while a Milvus
server has none here: run one writer at a time against a server.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence
from urllib.parse import urlsplit

import numpy as np

from index.errors import ConfigError
from index.records import Article, Chunk, FeedStatus, IndexStats, SearchHit

MILVUS_SCHEME = "milvus://"
MILVUS_PORT = 19530


@dataclass(frozen=True)
class StoreLocation:
    """Where an index is kept. `kind` is "local" (a directory: SQLite + FAISS), "milvus-lite"
    (a Milvus Lite database at `path`) or "milvus" (a server at `address`, database `db_name`).
    `uri` is how the location is written back to people (`--index` accepts it as is)."""

    kind: str
    uri: str
    path: Path | None = None
    address: str = ""
    db_name: str = ""

    @property
    def is_milvus(self) -> bool:
        return self.kind != "local"

    @property
    def key(self) -> str:
        """One string per index, whichever way it was written (for caches of open indexes)."""
        return str(self.path.resolve()) if self.path is not None and self.kind == "local" else self.uri

    def __str__(self) -> str:
        return self.uri


def resolve_location(index_dir: str | os.PathLike | None) -> StoreLocation:
    """`--index` (else $ASSISTANT_INDEX, else the user data directory) as a `StoreLocation`:

    * a path                        -> the default store in that directory;
    * `milvus:///abs/path/news.db`  -> a Milvus Lite database (an absolute path, three slashes);
    * `milvus://HOST[:19530][/DB]`  -> a Milvus server (database DB, default "default").
    """
    from index.config import default_index_dir

    value = index_dir if index_dir else (os.environ.get("ASSISTANT_INDEX") or None)
    if value is None:
        d = default_index_dir()
        return StoreLocation("local", str(d), path=d)
    text = os.fspath(value)
    if not text.lower().startswith(MILVUS_SCHEME):
        p = Path(text).expanduser()
        return StoreLocation("local", str(p), path=p)
    return _milvus_location(text)


def _milvus_location(text: str) -> StoreLocation:
    parts = urlsplit(text)
    if not parts.netloc:  # milvus:///abs/path/news.db
        path = Path(parts.path)
        if not parts.path.startswith("/") or path.suffix != ".db":
            raise ConfigError(f"{text}: a Milvus Lite location is milvus:///ABSOLUTE/PATH/NAME.db "
                              f"(an absolute path ending in .db)")
        return StoreLocation("milvus-lite", f"{MILVUS_SCHEME}{path}", path=path)
    try:
        port = parts.port or MILVUS_PORT
    except ValueError:
        raise ConfigError(f"{text}: the port must be a number, e.g. milvus://localhost:19530") from None
    host = parts.hostname or ""
    db = parts.path.strip("/")
    if not host or "/" in db:
        raise ConfigError(f"{text}: a Milvus server location is milvus://HOST[:PORT][/DATABASE]")
    shown = f"[{host}]" if ":" in host else host
    uri = f"{MILVUS_SCHEME}{shown}:{port}" + (f"/{db}" if db else "")
    return StoreLocation("milvus", uri, address=f"http://{shown}:{port}", db_name=db or "default")


@dataclass(frozen=True)
class NewArticle:
    """An article ready to store: its chunk spans (`index.chunking.Span`: order, start, end,
    text) and one L2-normalised vector per span. `replace_path`: the article's file or page held
    only this article, so articles stored earlier from the same path are replaced by it."""

    article: Article
    spans: Sequence
    vectors: np.ndarray
    replace_path: bool = False


@dataclass(frozen=True)
class AddResult:
    """What `add_articles` stored: the new chunk ids (in span order, article after article) and
    the ids of the older articles replaced by them."""

    chunk_ids: list[int] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoredArticle:
    """An article as a store holds it: its chunks (in order) and their vectors, row for row."""

    article: Article
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray


class FeedState(Protocol):
    """The followed feeds' table of one index (see `index.web.state` for the rows' meaning)."""

    def validators(self, url: str) -> tuple[str, str]: ...

    def known_urls(self, urls: Sequence[str]) -> dict[str, str]: ...

    def record(self, polls: Sequence) -> None: ...

    def statuses(self) -> list[FeedStatus]: ...

    def dump(self) -> list[dict]: ...

    def load(self, rows: Sequence[dict]) -> None: ...


class NewsStore(Protocol):
    """One open index, wherever it is kept. Every search takes the same outlet (case-insensitive)
    and publication-date filters (inclusive; an undated article passes no date filter)."""

    location: StoreLocation
    meta: dict[str, str]
    dim: int
    embedder: object  # index.encoders.embedder.Embedder

    # -- searching ----------------------------------------------------------------------------------
    def embed_query(self, text: str) -> np.ndarray: ...

    def dense_search(self, query_vec: np.ndarray, k: int, *, sources: Sequence[str] | None = None,
                     since: date | None = None, until: date | None = None) -> list[SearchHit]: ...

    def lexical_search(self, text: str, k: int, *, sources: Sequence[str] | None = None,
                       since: date | None = None, until: date | None = None) -> list[SearchHit]: ...

    def hybrid_search(self, query_vec: np.ndarray, text: str, k: int, *, sources: Sequence[str] | None = None,
                      since: date | None = None, until: date | None = None,
                      rrf_k: int = 60) -> list[SearchHit]: ...

    def doc_freqs(self, terms: Sequence[str]) -> tuple[dict[str, int], int]: ...

    # -- reading -----------------------------------------------------------------------------------
    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]: ...

    def published(self, article_ids: Iterable[str]) -> dict[str, date | None]: ...

    def newest_date(self) -> date | None: ...

    def newest(self, n: int = 20) -> list[Article]: ...

    def outlets(self) -> dict[str, int]: ...

    def any_published(self, since: date | None, until: date | None) -> bool: ...

    def list_articles(self, *, sources: Sequence[str] | None = None, since: date | None = None,
                      until: date | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Article]]: ...

    def group_members(self, article_id: str) -> list[Article]: ...

    def groups_of(self, article_ids: Sequence[str], *, sources: Sequence[str] | None = None,
                  since: date | None = None, until: date | None = None) -> dict[str, tuple[str, ...]]: ...

    def stats(self) -> IndexStats: ...

    def refresh(self) -> bool: ...

    def close(self) -> None: ...

    # -- writing (the caller holds write_lock) -----------------------------------------------------
    def write_lock(self, wait: float = 600.0) -> AbstractContextManager: ...

    def generation(self) -> int: ...

    def prepare_writes(self) -> None: ...

    def existing_ids(self, ids: Sequence[str]) -> set[str]: ...

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]: ...

    def article_ids_for_path(self, path: str) -> list[str]: ...

    def add_articles(self, items: Sequence[NewArticle]) -> AddResult: ...

    def delete_articles(self, article_ids: Sequence[str]) -> None: ...

    def flush(self) -> None: ...

    def feeds(self) -> FeedState: ...

    def export(self) -> Iterator[StoredArticle]: ...


def rrf_merge(lists: Sequence[Sequence[SearchHit]], k: int, rrf_k: int = 60) -> list[SearchHit]:
    """Reciprocal rank fusion of ranked hit lists (score = sum of 1 / (rrf_k + rank)), best
    first, ties by chunk id: the same rule as Milvus's `RRFRanker` and `assistant.retrieve.rrf`."""
    fused: dict[int, float] = {}
    chunks: dict[int, Chunk] = {}
    for hits in lists:
        for rank, h in enumerate(hits, start=1):
            fused[h.chunk.id] = fused.get(h.chunk.id, 0.0) + 1.0 / (rrf_k + rank)
            chunks.setdefault(h.chunk.id, h.chunk)
    best = sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]
    return [SearchHit(chunks[cid], fused[cid]) for cid in best]
