"""`NewsIndex`: one index directory — SQLite store + FAISS file + write lock — as one object.

It is the default implementation of the store seam (`index.stores.base.NewsStore`); its write
methods live in `index.stores.local.LocalWrites`.

Opening checks the format version and the embedding model recorded in the database against
what this program uses, and repairs a FAISS file that lags the database (after a crash
between the SQLite commit and the FAISS rename) by rebuilding it from the vectors SQLite keeps.
Writers take an exclusive lock file; readers never block and see the last commit.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np

from index.config import DB_NAME, IndexConfig, resolve_index_dir
from index.encoders.embedder import Embedder, SentenceTransformerEmbedder, usable_cores, resolve_model
from index.errors import IndexBusyError, IndexCorruptError, IndexMismatchError, IndexNotFoundError
from index.locks import file_lock
from index.records import Article, Chunk, IndexStats, SearchHit
from index.dedup import groups
from index.store import FORMAT_VERSION, Store, fts_terms
from index.stores.base import StoreLocation
from index.stores.local import LocalWrites
from index.vectors import VECTORS_NAME, VectorIndex, choose_kind

LOCK_NAME = "write.lock"
COMMON_SHARE = 0.05  # a search word in more chunks than this share is left out of BM25 (see _selective)
COMMON_MIN_CHUNKS = 20_000
SPLIT_MIN_CHUNKS = 200_000  # lexical search over more chunks than this runs on several threads
MAX_SPLIT = 4


class NewsIndex(LocalWrites):
    def __init__(self, index_dir: Path, store: Store, embedder: Embedder, meta: dict[str, str]):
        self.dir = index_dir
        self.location = StoreLocation("local", str(index_dir), path=index_dir)
        self.store = store
        self.embedder = embedder
        self.meta = meta
        self.dim = int(meta["dimension"])
        self.vectors: VectorIndex | None = None
        self._generation = -1
        self._reload_lock = threading.Lock()
        self._df_cache: dict[str, int] = {}
        self._df_generation = -1
        self._n_chunks = 0

    # -- opening -------------------------------------------------------------------------------------
    @classmethod
    def open(cls, index_dir=None, *, embedder: Embedder | None = None, config: IndexConfig | None = None,
             create: bool = False) -> "NewsIndex":
        d = resolve_index_dir(index_dir)
        db = d / DB_NAME
        store = Store(d)
        if not db.exists() or _blank_database(store):
            if not create:
                store.close()
                raise IndexNotFoundError(str(d))
            config = config or IndexConfig.from_env()
            embedder = embedder or SentenceTransformerEmbedder(
                config.model, precision=config.precision, batch_size=config.batch_size)
            d.mkdir(parents=True, exist_ok=True)
            store.create_schema({
                "format_version": FORMAT_VERSION, "model": embedder.name, "dimension": embedder.dim,
                "chunk_tokens": config.chunk_tokens, "chunk_overlap": config.chunk_overlap,
            })
        try:
            return cls._open_checked(d, store, embedder, config)
        except BaseException:
            store.close()  # no half-open index keeps the database file open
            raise

    @classmethod
    def _open_checked(cls, d: Path, store: Store, embedder: Embedder | None,
                      config: IndexConfig | None) -> "NewsIndex":
        try:
            meta = store.meta()
        except sqlite3.DatabaseError as e:  # not a database, or not one of ours
            raise IndexCorruptError(
                f"{store.path} is not a readable news-assistant index ({e}). Move {d} away and run "
                f"`assistant ingest` on your articles again.") from None
        stored_version = _as_int(meta.get("format_version"))
        if stored_version != FORMAT_VERSION:
            raise IndexMismatchError(
                str(d), "format version", meta.get("format_version") if stored_version is None else stored_version,
                FORMAT_VERSION, f"Re-create it: move {d} away and run `assistant ingest` on your articles again.")
        if embedder is None:
            # An existing index answers with its own model unless a config names another.
            cfg = config or IndexConfig.from_env(model=meta["model"])
            if resolve_model(cfg.model)[0] != meta["model"]:
                raise _model_mismatch(d, meta["model"], resolve_model(cfg.model)[0])
            embedder = SentenceTransformerEmbedder(meta["model"], precision=cfg.precision,
                                                   batch_size=cfg.batch_size)
        elif embedder.name != meta["model"]:
            raise _model_mismatch(d, meta["model"], embedder.name)
        groups.migrate(store)  # an index made before near-duplicate groups gets their (empty) tables
        idx = cls(d, store, embedder, meta)
        idx._load_vectors(repair=True)
        return idx

    def _load_vectors(self, repair: bool) -> None:
        """Load the FAISS file; rebuild it from SQLite when it lags the database or is missing."""
        path = self.dir / VECTORS_NAME
        gen = self.store.generation()
        header = VectorIndex.read_header(path)
        ok = (header is not None and header.get("generation") == gen
              and header.get("model") == self.meta["model"] and _as_int(header.get("dim")) == self.dim)
        if ok:
            try:
                loaded, _ = VectorIndex.load(path)
            except Exception:  # a damaged body behind a good header: SQLite has the vectors
                loaded = None
            if loaded is not None and loaded.dim == self.dim and loaded.ntotal == self.store.counts()[1]:
                self.vectors = loaded
                self._generation = gen
                return
            header = None
        if header is not None and not repair and self.vectors is not None:
            return  # a writer is mid-way; keep answering from what we have
        self.vectors, self._generation = self._vectors_from_store()
        if repair:
            try:
                with self.write_lock(wait=0):
                    # only if no writer committed since our snapshot: the file's header must name
                    # the generation its vectors belong to
                    if self.store.generation() == self._generation:
                        self.save_vectors()
            except IndexBusyError:
                pass  # the writer will save its own file when it finishes

    def _vectors_from_store(self) -> tuple[VectorIndex, int]:
        """(FAISS index of every chunk vector in SQLite, the generation they belong to), read in one
        SQLite read transaction: a writer committing meanwhile (readers rebuild while an ingest
        runs, since the FAISS file is saved only at its end) cannot make them disagree."""
        conn = self.store.conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")  # deferred: the snapshot is taken at the first read below
        try:
            gen = self.store.generation()
            _, n_chunks = self.store.counts()
            parts = list(self.store.iter_vectors(self.dim))
        finally:
            if own:
                conn.execute("COMMIT")
        if not parts:
            return VectorIndex(self.dim), gen
        ids = np.concatenate([p[0] for p in parts])
        vecs = np.concatenate([p[1] for p in parts])
        if len(ids) != n_chunks:
            raise IndexCorruptError(f"{self.dir}: chunk count changed while rebuilding vectors; try again")
        return VectorIndex.build(self.dim, ids, vecs, kind=choose_kind(len(ids))), gen

    def save_vectors(self) -> None:
        """Write the FAISS file for the current generation (caller holds the write lock)."""
        if self.vectors is not None and choose_kind(self.vectors.ntotal) != self.vectors.kind:
            self.vectors, _ = self._vectors_from_store()
        gen = self.store.generation()
        # a save killed mid-way leaves its temporary file; the lock says no other save is running
        for stale in self.dir.glob(VECTORS_NAME + ".tmp*"):
            stale.unlink(missing_ok=True)
        self.vectors.save(self.dir / VECTORS_NAME, {
            "format_version": FORMAT_VERSION, "model": self.meta["model"], "generation": gen})
        self._generation = gen

    def refresh(self) -> bool:
        """Pick up commits made by other processes since we loaded; True when something changed."""
        gen = self.store.generation()
        if gen == self._generation:
            return False
        with self._reload_lock:
            if gen != self._generation:
                self._load_vectors(repair=False)
        return True

    @contextmanager
    def write_lock(self, wait: float = 600.0):
        """Exclusive writer lock across processes; IndexBusyError after `wait` seconds."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with file_lock(self.dir / LOCK_NAME, wait, self.dir):
            yield

    def close(self) -> None:
        self.store.close()

    # -- reading -------------------------------------------------------------------------------------
    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed([text])[0]

    def dense_search(self, query_vec: np.ndarray, k: int, *, sources: Sequence[str] | None = None,
                     since: date | None = None, until: date | None = None) -> list[SearchHit]:
        allowed = self.store.filtered_chunk_ids(sources, since, until) if (sources or since or until) else None
        if allowed is not None and not len(allowed):
            return []
        scores, ids = self.vectors.search(query_vec.reshape(1, -1), k, allowed_ids=allowed)
        if not ids.size:
            return []
        pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        chunks = self.store.chunks([i for i, _ in pairs])
        # ids missing from SQLite were deleted after this FAISS copy was loaded: skip them
        return [SearchHit(chunks[i], s) for i, s in pairs if i in chunks]

    def lexical_search(self, text: str, k: int, *, sources=None, since=None, until=None) -> list[SearchHit]:
        text = self._selective(text)
        # thread start-up and merging cost ~1 ms: worth it only where BM25 takes tens of ms
        parts = min(usable_cores(), MAX_SPLIT) if self._chunk_total() > SPLIT_MIN_CHUNKS else 1
        return self.store.lexical_search(text, k, sources=sources, since=since, until=until, parts=parts)

    def _selective(self, text: str) -> str:
        return selective(text, self._chunk_total(), self.doc_freqs)

    def doc_freqs(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """(chunks containing each term, total chunks), cached until the index changes."""
        total = self._chunk_total()
        cache = self._df_cache
        out = {}
        for t in terms:
            n = cache.get(t)
            if n is None:
                if len(cache) > 50_000:
                    cache.clear()
                n = cache[t] = self.store.doc_freq(t)
            out[t] = n  # read from `out`, not the cache: another thread may clear it meanwhile
        return out, total

    def _chunk_total(self) -> int:
        """Chunks in the index; also drops the term-frequency cache when the index has changed."""
        if self._df_generation != self._generation:
            self._df_cache, self._df_generation = {}, self._generation
            self._n_chunks = self.store.counts()[1]
        return self._n_chunks

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def articles(self, ids=None) -> list[Article]:
        return self.store.articles(ids)

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]:
        return self.store.chunks(chunk_ids)

    def published(self, article_ids) -> dict[str, date | None]:
        """Article id -> publication date (None when undated) for the ids that exist."""
        return self.store.published(article_ids)

    def newest_date(self) -> date | None:
        return self.store.date_range()[1]

    def newest(self, n: int = 20) -> list[Article]:
        """The `n` most recently published articles, newest first (undated ones last)."""
        return self.store.newest(n)

    def outlets(self) -> dict[str, int]:
        """Outlet -> number of articles ("" for articles without one)."""
        return self.store.outlets()

    def any_published(self, since: date | None, until: date | None) -> bool:
        """True when some article was published in [since, until] (inclusive; None: open)."""
        return self.store.filtered_chunk_ids(None, since, until).size > 0

    # -- near-duplicate groups (wire copies; see `groups`) ----------------------------------------------
    def group_members(self, article_id: str) -> list[Article]:
        """Every article of `article_id`'s near-duplicate group, itself included, first article
        first; just that article when it has no copies; [] when it isn't in the index."""
        ids = self.store.group_members([article_id]).get(article_id, (article_id,))
        found = {a.id: a for a in self.store.articles(ids)}
        return [found[i] for i in ids if i in found]

    def groups_of(self, article_ids: Sequence[str], *, sources: Sequence[str] | None = None,
                  since: date | None = None, until: date | None = None) -> dict[str, tuple[str, ...]]:
        """Article id -> ids of its group's articles passing the filters (itself included, first
        article first), for the given articles that have copies; one query."""
        return self.store.group_members(article_ids, sources, since, until)

    def stats(self) -> IndexStats:
        n_articles, n_chunks = self.store.counts()
        first, last = self.store.date_range()
        size = sum(f.stat().st_size for f in self.dir.iterdir() if f.is_file())
        from index.web import state  # the followed feeds' table (see index.web)

        feeds = tuple(state.statuses(self.store.conn))
        return IndexStats(
            index_dir=str(self.dir), articles=n_articles, chunks=n_chunks, outlets=self.store.outlets(),
            first_published=first, last_published=last, model=self.meta["model"], dimension=self.dim,
            format_version=int(self.meta["format_version"]),
            index_type=self.vectors.kind if self.vectors else "flat", size_bytes=size,
            groups=self.store.group_count(), last_added=self.store.last_added(),
            last_poll=max((f.polled_at for f in feeds), default=None), feeds=feeds,
        )

    def list_articles(self, *, sources: Sequence[str] | None = None, since: date | None = None,
                      until: date | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Article]]:
        """(articles passing the filters, one page of them): newest first, undated last, then by
        id, so pages do not overlap while nothing is written. Outlets match case-insensitively."""
        where, params = Store._filter_sql(sources, since, until)
        conn = self.store.conn
        total = conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0]
        rows = conn.execute(
            "SELECT a.id, a.title, a.text, a.source, a.url, a.published, a.authors, a.path FROM articles a "
            f"WHERE {where} ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)])
        return total, [Store._article(r) for r in rows]


def selective(text: str, n_chunks: int, doc_freqs) -> str:
    """`text` without the words that are in more than 5 % of a large index's chunks ("new",
    "people"). BM25 ranks every chunk matching any word, so one such word costs most of a
    search at 1M chunks while adding almost nothing to the ranking (IDF below ~3): on the
    RealTimeQA questions at 1M the top 10 stayed 98 % the same at less than half the time.
    Small indexes keep every word (the limit is at least 20,000 chunks); the rarest word is
    always kept. `doc_freqs(terms) -> (df, total)` is the store's; both stores use this."""
    terms = fts_terms(text)
    if not terms or n_chunks <= COMMON_MIN_CHUNKS:  # no word can pass the limit
        return text
    df, n = doc_freqs(terms)
    limit = max(COMMON_SHARE * n, COMMON_MIN_CHUNKS)
    if max(df.values()) <= limit:
        return text
    keep = [t for t in terms if df[t] <= limit] or [min(terms, key=lambda t: df[t])]
    return " ".join(keep)


def _blank_database(store: Store) -> bool:
    """True for a database file without a single table: a process died between creating the
    file and committing its schema (or the file is empty). It holds nothing to lose, so opening
    treats it as no index yet instead of refusing it as corrupt."""
    try:
        return store.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    except sqlite3.DatabaseError:
        return False  # not a database at all: _open_checked reports it


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _model_mismatch(d: Path, stored: str, wanted: str) -> IndexMismatchError:
    return IndexMismatchError(
        str(d), "embedding model", stored, wanted,
        f"Use the index's own model (omit --model / ASSISTANT_MODEL), or re-embed every article "
        f"with the new one: assistant ingest --rebuild --model {wanted} --index {d}")
