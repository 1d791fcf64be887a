"""The write side of the default store (SQLite + FAISS in one directory), as `NewsStore` names it.

`LocalWrites` is mixed into `index.news_index.NewsIndex`; its methods are the transactions the
pipeline used to write itself, unchanged: an article with its chunks, vectors, FTS rows and
near-duplicate group row in one SQLite transaction, FAISS following only after the commit, the
FAISS file saved by `flush()`. `SqliteFeeds` puts the `feeds` table of `index.web.state` behind
the `FeedState` seam. Callers hold `write_lock()` around every write.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np

from index.dedup import groups, minhash
from index.records import Chunk
from index.store import Store
from index.stores.base import AddResult, NewArticle, StoredArticle, rrf_merge

EXPORT_BATCH = 200  # articles read per query while exporting


class LocalWrites:
    """Write methods of `NewsIndex` (needs `self.store`, a `Store`, and `self.vectors`)."""

    def generation(self) -> int:
        return self.store.generation()

    def prepare_writes(self) -> None:
        """Before writing: articles of an index made before near-duplicate groups get
        their group rows (earliest first)."""
        if groups.needs_backfill(self.store):
            groups.backfill(self.store)

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        return self.store.existing_ids(ids)

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        return self.store.ids_with_prefix(prefix, limit)

    def article_ids_for_path(self, path: str) -> list[str]:
        return self.store.article_ids_for_path(path)

    def add_articles(self, items: Sequence[NewArticle]) -> AddResult:
        """One transaction for the whole batch; then FAISS, so memory never runs ahead of SQLite."""
        # signatures are numpy work: done before the transaction so SQLite's lock is held briefly
        sigs = [minhash.of_text(it.article.text) for it in items]
        new_ids, new_vecs, removed, replaced = [], [], [], []
        with self.store.transaction() as c:
            for it, (shingles, sig) in zip(items, sigs):
                a = it.article
                if it.replace_path:
                    for old in Store.article_ids_for_path_tx(c, a.path):
                        removed.extend(Store.delete_article(c, old))
                        replaced.append(old)
                new_ids.extend(Store.insert_article(c, a, it.spans, it.vectors))
                groups.assign(c, a.id, a.published, shingles, sig)
                new_vecs.append(it.vectors)
            Store.bump_generation(c)
        self.vectors.remove(removed)
        if new_vecs:
            self.vectors.add(np.asarray(new_ids, dtype=np.int64), np.concatenate(new_vecs))
        return AddResult(new_ids, replaced)

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        """Remove articles with their chunks, vectors, FTS and group rows in one transaction."""
        removed: list[int] = []
        with self.store.transaction() as c:
            for t in article_ids:
                removed.extend(Store.delete_article(c, t))
            Store.bump_generation(c)
        self.vectors.remove(removed)

    def flush(self) -> None:
        """Write the FAISS file for what is committed (see `save_vectors`)."""
        self.save_vectors()

    def feeds(self) -> "SqliteFeeds":
        return SqliteFeeds(self.store)

    def hybrid_search(self, query_vec: np.ndarray, text: str, k: int, *, sources=None, since=None, until=None,
                      rrf_k: int = 60):
        """Dense and BM25 top k under the filters, fused by reciprocal rank (`rrf_merge`)."""
        where = {"sources": sources, "since": since, "until": until}
        return rrf_merge([self.dense_search(query_vec, k, **where), self.lexical_search(text, k, **where)], k, rrf_k)

    def export(self) -> Iterator[StoredArticle]:
        """Every article in the order it was added, with its chunks and their vectors."""
        conn = self.store.conn
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY rowid")]
        for i in range(0, len(ids), EXPORT_BATCH):
            part = ids[i:i + EXPORT_BATCH]
            found = {a.id: a for a in self.store.articles(part)}
            rows: dict[str, list] = {}
            marks = ",".join("?" * len(part))
            q = f"SELECT id, article_id, ord, start, end, text, vector FROM chunks WHERE article_id IN ({marks}) ORDER BY id"
            for r in conn.execute(q, part):
                rows.setdefault(r[1], []).append(r)
            for aid in part:
                if aid not in found:
                    continue  # deleted while exporting
                mine = rows.get(aid, [])
                chunks = tuple(Chunk(r[0], r[1], r[2], r[3], r[4], r[5]) for r in mine)
                vecs = (np.frombuffer(b"".join(r[6] for r in mine), dtype=np.float32).reshape(len(mine), self.dim)
                        if mine else np.zeros((0, self.dim), np.float32))
                yield StoredArticle(found[aid], chunks, vecs)


class SqliteFeeds:
    """`FeedState` over the `feeds` table of one SQLite store (reads use the calling thread's
    connection; `record` and `load` write in their own transaction)."""

    def __init__(self, store: Store):
        self.store = store

    def validators(self, url: str) -> tuple[str, str]:
        from index.web import state

        return state.validators(self.store.conn, url)

    def known_urls(self, urls: Sequence[str]) -> dict[str, str]:
        from index.web import state

        return state.known_urls(self.store.conn, urls)

    def record(self, polls: Sequence) -> None:
        from index.web import state

        with self.store.transaction() as c:
            state.migrate(c)  # also the articles(url) index the next poll looks items up with
            state.record(c, polls)

    def statuses(self):
        from index.web import state

        return state.statuses(self.store.conn)

    def dump(self) -> list[dict]:
        from index.web import state

        return state.dump(self.store.conn)

    def load(self, rows: Sequence[dict]) -> None:
        from index.web import state

        with self.store.transaction() as c:
            state.load(c, rows)
