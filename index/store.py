"""The SQLite half of an index: articles, chunks (with their vectors), BM25 search, meta.

SQLite is the source of truth. Each chunk row keeps its vector as float32 bytes, so the
FAISS file can always be rebuilt from here after a crash; an article and all its chunks,
vectors and FTS rows are written in one transaction, so each article is wholly present or
wholly absent. WAL mode lets readers in other processes keep answering from the last
commit while a writer works. `generation` in the meta table grows with every commit that
changes chunks; the FAISS file records the generation it was saved at. Near-duplicate groups
(`article_groups`, `minhash_bands`) are created and read through `groups`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from index.config import DB_NAME
from index.dedup import groups
from index.records import Article, Chunk, SearchHit
from index.text.words import SEARCH_STOPWORDS, SEARCH_WORD

FORMAT_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    published TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    path TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a reader's older FAISS copy may still hold old ids
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    title, text, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


def fts_terms(text: str, max_terms: int = 32) -> list[str]:
    """The content words of free text, lower-case, in order, once each: what BM25 searches for."""
    seen: list[str] = []
    for w in SEARCH_WORD.findall(text.lower()):
        if len(w) < 2 and not w.isdigit() or w in SEARCH_STOPWORDS or w in seen:
            continue
        seen.append(w)
    return seen[:max_terms]


def fts_query(text: str, max_terms: int = 32) -> str:
    """Turn free text into a safe FTS5 OR-query of its content words (quoted, so no syntax leaks)."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in fts_terms(text, max_terms))


_MIN_ROWID, _MAX_ROWID = -(2 ** 63), 2 ** 63 - 1  # SQLite's rowid range: "every chunk"


def _split_range(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    """[lo, hi] cut into `parts` contiguous, non-overlapping inclusive ranges (fewer if it is short)."""
    parts = max(1, min(parts, hi - lo + 1))
    step = (hi - lo + 1) / parts
    cuts = [lo + round(i * step) for i in range(parts)] + [hi + 1]
    return [(cuts[i], cuts[i + 1] - 1) for i in range(parts)]


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class Store:
    """One SQLite database. Reads use a connection per thread; writes go through `write()`."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / DB_NAME
        self._local = threading.local()
        self._pool = None  # threads for a lexical search split by rowid range (see lexical_search)
        self._pool_size = 0
        self._pool_conns: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()

    # -- connections -------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        # SQLite's lower() folds ASCII only; outlet filters must match "ÉCHOS" to "échos" too
        conn.create_function("casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s,
                             deterministic=True)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def create_schema(self, meta: dict[str, str]) -> None:
        with self.transaction() as c:
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    c.execute(stmt)
            groups.create(c)  # near-duplicate groups: its own statements (a trigger body holds ';')
            for k, v in meta.items():
                c.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (k, str(v)))
            c.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0')")

    class _Tx:
        def __init__(self, conn):
            self.c = conn

        def __enter__(self):
            self.c.execute("BEGIN IMMEDIATE")
            return self.c

        def __exit__(self, exc_type, exc, tb):
            self.c.execute("COMMIT" if exc_type is None else "ROLLBACK")
            return False

    def transaction(self):
        """`with store.transaction() as conn:` — one atomic, immediate-locked write."""
        return Store._Tx(self.conn)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
            for c in self._pool_conns:
                c.close()
            self._pool_conns.clear()

    # -- meta --------------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def generation(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    # -- writes (call inside a transaction) ----------------------------------------------------------
    @staticmethod
    def insert_article(c: sqlite3.Connection, a: Article, spans, vectors: np.ndarray) -> list[int]:
        """Insert one article with its chunks, vectors and FTS rows; return the new chunk ids."""
        c.execute(
            "INSERT INTO articles(id, title, text, source, url, published, authors, path) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.title, a.text, a.source, a.url,
             a.published.isoformat() if a.published else None, json.dumps(list(a.authors)), a.path),
        )
        ids = []
        for span, vec in zip(spans, vectors):
            cur = c.execute(
                "INSERT INTO chunks(article_id, ord, start, end, text, vector) VALUES (?, ?, ?, ?, ?, ?)",
                (a.id, span.order, span.start, span.end, span.text, np.asarray(vec, np.float32).tobytes()),
            )
            ids.append(cur.lastrowid)
            c.execute("INSERT INTO chunk_fts(rowid, title, text) VALUES (?, ?, ?)",
                      (cur.lastrowid, a.title, span.text))
        return ids

    @staticmethod
    def delete_article(c: sqlite3.Connection, article_id: str) -> list[int]:
        ids = [r[0] for r in c.execute("SELECT id FROM chunks WHERE article_id=?", (article_id,))]
        c.executemany("DELETE FROM chunk_fts WHERE rowid=?", [(i,) for i in ids])
        c.execute("DELETE FROM chunks WHERE article_id=?", (article_id,))
        c.execute("DELETE FROM articles WHERE id=?", (article_id,))
        return ids

    @staticmethod
    def article_ids_for_path_tx(c: sqlite3.Connection, path: str) -> list[str]:
        return [r[0] for r in c.execute("SELECT id FROM articles WHERE path=?", (path,))]

    @staticmethod
    def bump_generation(c: sqlite3.Connection) -> int:
        c.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")
        return int(c.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    # -- reads ---------------------------------------------------------------------------------------
    def _rows_in(self, select: str, ids: Sequence) -> Iterator[tuple]:
        """Rows of `select`, whose WHERE ends in `IN ({})`, for every id: 500 ids per query, well
        under SQLite's limit on bound variables."""
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            yield from self.conn.execute(select.format(",".join("?" * len(part))), part)

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        return {r[0] for r in self._rows_in("SELECT id FROM articles WHERE id IN ({})", ids)}

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT id, title, text, source, url, published, authors, path FROM articles WHERE id=?",
            (article_id,),
        ).fetchone()
        return self._article(row) if row else None

    @staticmethod
    def _article(row) -> Article:
        return Article(id=row[0], title=row[1], text=row[2], source=row[3], url=row[4],
                       published=_date_or_none(row[5]), authors=tuple(json.loads(row[6])), path=row[7])

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        cols = "id, title, text, source, url, published, authors, path"
        if ids is None:
            rows = self.conn.execute(f"SELECT {cols} FROM articles ORDER BY published, title")
            return [self._article(r) for r in rows]
        rows = self._rows_in(f"SELECT {cols} FROM articles WHERE id IN ({{}})", list(dict.fromkeys(ids)))
        return [self._article(r) for r in rows]

    def newest(self, n: int) -> list[Article]:
        """The `n` most recently published articles, newest first (undated ones after the dated)."""
        cols = "id, title, text, source, url, published, authors, path"
        # two reads, each walking the published index: a sort over the whole table is what 1M articles can't afford
        rows = self.conn.execute(f"SELECT {cols} FROM articles WHERE published IS NOT NULL "
                                 "ORDER BY published DESC LIMIT ?", (int(n),)).fetchall()
        if len(rows) < n:
            rows += self.conn.execute(f"SELECT {cols} FROM articles WHERE published IS NULL LIMIT ?",
                                      (int(n) - len(rows),)).fetchall()
        return [self._article(r) for r in rows]

    def published(self, ids: Iterable[str]) -> dict[str, date | None]:
        """Article id -> publication date, for the given ids that exist."""
        rows = self._rows_in("SELECT id, published FROM articles WHERE id IN ({})", list(dict.fromkeys(ids)))
        return {r[0]: _date_or_none(r[1]) for r in rows}

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        """Article ids starting with `prefix` (lower-case hex; compared exactly, not with LIKE,
        whose _ and % are wildcards), at most `limit`."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? LIMIT ?", (len(prefix), prefix, limit))]

    def article_ids_for_path(self, path: str) -> list[str]:
        return self.article_ids_for_path_tx(self.conn, path)

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]:
        rows = self._rows_in("SELECT id, article_id, ord, start, end, text FROM chunks WHERE id IN ({})",
                             [int(i) for i in chunk_ids])
        return {r[0]: Chunk(id=r[0], article_id=r[1], order=r[2], start=r[3], end=r[4], text=r[5]) for r in rows}

    def chunk_ids(self) -> np.ndarray:
        return np.fromiter((r[0] for r in self.conn.execute("SELECT id FROM chunks ORDER BY id")), dtype=np.int64)

    def iter_vectors(self, dim: int, batch: int = 20000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(ids, vectors) in batches, for rebuilding the FAISS index from the source of truth."""
        cur = self.conn.execute("SELECT id, vector FROM chunks ORDER BY id")
        while rows := cur.fetchmany(batch):
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)
            yield ids, vecs

    def filtered_chunk_ids(self, sources: Sequence[str] | None, since: date | None, until: date | None) -> np.ndarray:
        where, params = self._filter_sql(sources, since, until)
        q = f"SELECT c.id FROM chunks c JOIN articles a ON a.id = c.article_id WHERE {where}"
        return np.fromiter((r[0] for r in self.conn.execute(q, params)), dtype=np.int64)

    @staticmethod
    def _filter_sql(sources, since, until) -> tuple[str, list]:
        where, params = ["1=1"], []
        if sources:
            where.append(f"casefold(a.source) IN ({','.join('?' * len(sources))})")
            params.extend(s.casefold() for s in sources)
        if since:
            where.append("a.published >= ?")
            params.append(since.isoformat())
        if until:
            where.append("a.published <= ?")
            params.append(until.isoformat())
        return " AND ".join(where), params

    def lexical_search(self, query: str, k: int, sources=None, since=None, until=None,
                       parts: int = 1) -> list[SearchHit]:
        """BM25 over chunk text and article titles; scores are positive, higher is better.

        `parts` > 1 splits the search by chunk id range over that many threads, each with its own
        connection, and merges their top k: the same hits (BM25's statistics are the whole
        table's whatever the range), in less time where the bm25() call per matching row
        dominates - 1M chunks, 2 cores: 82 -> 58 ms per question."""
        match = fts_query(query)
        if not match:
            return []
        if not (sources or since or until):
            # top k inside FTS5 first, then read only those k chunk rows: joining every match
            # (each chunk row carries its vector) cost 2.4x the CPU at 1M chunks, same results
            q = ("SELECT c.id, c.article_id, c.ord, c.start, c.end, c.text, -f.r AS s FROM "
                 "(SELECT rowid, bm25(chunk_fts, 0.5, 1.0) AS r FROM chunk_fts WHERE chunk_fts MATCH ? "
                 "AND rowid BETWEEN ? AND ? ORDER BY r LIMIT ?) f JOIN chunks c ON c.id = f.rowid ORDER BY f.r")
            params = [match, k]
        else:
            where, filters = self._filter_sql(sources, since, until)
            q = (
                "SELECT c.id, c.article_id, c.ord, c.start, c.end, c.text, -bm25(chunk_fts, 0.5, 1.0) AS s "
                "FROM chunk_fts JOIN chunks c ON c.id = chunk_fts.rowid JOIN articles a ON a.id = c.article_id "
                f"WHERE chunk_fts MATCH ? AND chunk_fts.rowid BETWEEN ? AND ? AND {where} "
                "ORDER BY bm25(chunk_fts, 0.5, 1.0) LIMIT ?"
            )
            params = [match, *filters, k]
        ranges = [(_MIN_ROWID, _MAX_ROWID)]
        if parts > 1:
            # two subqueries: min() and max() in one SELECT scan the whole table (66 ms at 1M chunks)
            lo, hi = self.conn.execute("SELECT (SELECT min(id) FROM chunks), (SELECT max(id) FROM chunks)").fetchone()
            if lo is None:
                return []
            ranges = _split_range(lo, hi, parts)

        def run(bounds, conn=None):
            args = [params[0], *bounds, *params[1:]]
            return (conn or self._pool_conn()).execute(q, args).fetchall()

        if len(ranges) == 1:
            rows = run(ranges[0], self.conn)
        else:
            rows = [r for part in self._pool_for(len(ranges)).map(run, ranges) for r in part]
        rows = sorted(rows, key=lambda r: (-r[6], r[0]))[:k]  # one order however it was split
        return [SearchHit(Chunk(r[0], r[1], r[2], r[3], r[4], r[5]), float(r[6])) for r in rows]

    def _pool_for(self, n: int):
        with self._pool_lock:
            if self._pool is None or self._pool_size < n:
                from concurrent.futures import ThreadPoolExecutor

                old, self._pool = self._pool, ThreadPoolExecutor(max_workers=n, thread_name_prefix="bm25")
                self._pool_size = n
                if old is not None:
                    old.shutdown(wait=False)
            return self._pool

    def _pool_conn(self) -> sqlite3.Connection:
        """A pool thread's own connection, closed with the store."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            with self._pool_lock:
                self._pool_conns.append(conn)
        return conn

    def doc_freq(self, term: str) -> int:
        """How many chunks contain `term` (after the FTS tokenizer's stemming)."""
        match = fts_query(term, max_terms=1)
        if not match:
            return 0
        return self.conn.execute("SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH ?", (match,)).fetchone()[0]

    def counts(self) -> tuple[int, int]:
        a = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        c = self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return a, c

    def outlets(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC, source")
        return {r[0]: r[1] for r in rows}

    def group_members(self, article_ids: Iterable[str], sources=None, since=None,
                      until=None) -> dict[str, tuple[str, ...]]:
        """Article id -> ids of its near-duplicate group passing the filters (see `groups.members_of`)."""
        where, params = self._filter_sql(sources, since, until)
        return groups.members_of(self.conn, article_ids, where, params)

    def group_count(self) -> int:
        return groups.count(self.conn)

    def last_added(self) -> datetime | None:
        """When the most recently stored article was added (UTC), None for an empty index."""
        row = self.conn.execute("SELECT max(added_at) FROM articles").fetchone()
        return datetime.fromisoformat(row[0]).replace(tzinfo=timezone.utc) if row and row[0] else None

    def date_range(self) -> tuple[date | None, date | None]:
        lo, hi = self.conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
        return _date_or_none(lo), _date_or_none(hi)
