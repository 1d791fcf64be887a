"""The reads of `MilvusIndex`: chunks and articles by id, lists of articles, stats.

Milvus has no ORDER BY or GROUP BY, so what the default store asks SQLite for is kept or done
here: outlet counts, the earliest and latest publication dates and the last time an article was
added are counters in `news_meta` kept by every write; `newest(n)` reads widening date windows
below the latest date; `list_articles` and `articles()` read the matching rows' ids and dates
and sort them here. Those last two therefore cost time in proportion to the articles they
match (a full listing of 10M articles is a scan); everything a question needs is by id.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator, Sequence

from index.records import Article, Chunk, IndexStats
from index.stores.milvus import groups
from index.stores.milvus.feeds import MilvusFeeds
from index.stores.milvus.schema import (ARTICLE_FIELDS, ARTICLES, CHUNK_FIELDS, CHUNKS, PARTS, day,
                                        filter_expr, from_day, in_list)

BY_ID = 500  # ids per query
_WINDOWS = (7, 31, 366, 3660)  # days below the latest date that newest() reads, widening


class MilvusReads:
    """Read methods of `MilvusIndex` (needs `self.client`, `self.location`, `self.meta`)."""

    def _forget_cached(self) -> None:
        """Called by refresh() when the index changed; nothing is cached here yet."""

    def _count(self, collection: str, expr: str = "") -> int:
        rows = self.client.query(collection, filter=expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def _scan(self, collection: str, expr: str, fields: list[str], batch: int = 2000) -> Iterator[dict]:
        """Every row matching `expr`, in pages (pymilvus' query iterator)."""
        log = logging.getLogger("pymilvus")
        level = log.level
        log.setLevel(logging.ERROR)  # the iterator warns when it falls back to a client-side timestamp
        try:
            it = self.client.query_iterator(collection, batch_size=batch, filter=expr, output_fields=fields)
        finally:
            log.setLevel(level)
        try:
            while rows := it.next():
                yield from rows
        finally:
            it.close()

    # -- chunks and articles by id -------------------------------------------------------------------
    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, Chunk]:
        ids = list(dict.fromkeys(int(i) for i in chunk_ids))
        out = {}
        for i in range(0, len(ids), BY_ID):
            for r in self.client.get(CHUNKS, ids=ids[i:i + BY_ID], output_fields=CHUNK_FIELDS):
                out[int(r["id"])] = Chunk(int(r["id"]), r["article_id"], int(r["ord"]), int(r["start_char"]),
                                          int(r["end_char"]), r["text"])
        return out

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """The given articles that exist, in the order given; all of them (by date, then title)
        when `ids` is None."""
        if ids is None:
            rows = list(self._scan(ARTICLES, "", ARTICLE_FIELDS))
            rows.sort(key=lambda r: (r["published"] != 0, r["published"], r["title"]))  # undated first, as SQLite
            return self._articles_of(rows)
        wanted = list(dict.fromkeys(ids))
        rows = []
        for i in range(0, len(wanted), BY_ID):
            rows.extend(self.client.get(ARTICLES, ids=wanted[i:i + BY_ID], output_fields=ARTICLE_FIELDS))
        by_id = {r["id"]: r for r in rows}
        return self._articles_of([by_id[i] for i in wanted if i in by_id])

    def _articles_of(self, rows: list[dict]) -> list[Article]:
        long = [r["id"] for r in rows if r["parts"] > 1]
        rest: dict[str, list[tuple[int, str]]] = {}
        for i in range(0, len(long), BY_ID):
            for p in self.client.query(PARTS, filter=in_list("article_id", long[i:i + BY_ID]),
                                       output_fields=["article_id", "n", "text"]):
                rest.setdefault(p["article_id"], []).append((p["n"], p["text"]))
        return [Article(id=r["id"], title=r["title"], text=r["text"] + "".join(t for _, t in sorted(rest.get(r["id"], []))),
                        source=r["source"], url=r["url"], published=from_day(r["published"]),
                        authors=tuple(json.loads(r["authors"])), path=r["path"]) for r in rows]

    def published(self, article_ids: Iterable[str]) -> dict[str, date | None]:
        ids = list(dict.fromkeys(article_ids))
        out = {}
        for i in range(0, len(ids), BY_ID):
            for r in self.client.get(ARTICLES, ids=ids[i:i + BY_ID], output_fields=["id", "published"]):
                out[r["id"]] = from_day(r["published"])
        return out

    # -- what the counters answer ----------------------------------------------------------------------
    def newest_date(self) -> date | None:
        return from_day(int(self._meta(["max_published"]).get("max_published", 0)))

    def outlets(self) -> dict[str, int]:
        """Outlet -> number of articles ("" for articles without one), most first."""
        counts = json.loads(self._meta(["outlets"]).get("outlets", "{}"))
        return dict(sorted(((s, n) for s, n in counts.items() if n > 0), key=lambda x: (-x[1], x[0])))

    def any_published(self, since: date | None, until: date | None) -> bool:
        return bool(self.client.query(ARTICLES, filter=filter_expr(None, since, until) or 'id != ""',
                                      output_fields=["id"], limit=1))

    # -- lists -----------------------------------------------------------------------------------------
    def newest(self, n: int = 20) -> list[Article]:
        """The `n` most recently published articles, newest first (undated ones last)."""
        latest = self.newest_date()
        rows: list[dict] = []
        if latest is not None:
            for days in _WINDOWS + (None,):
                lo = day(latest - timedelta(days=days)) if days is not None else 1
                rows = self.client.query(ARTICLES, filter=f"published >= {lo}", output_fields=["id", "published"],
                                         limit=16_384)
                if len(rows) >= n or days is None:
                    break
        rows.sort(key=lambda r: (-r["published"], r["id"]))
        ids = [r["id"] for r in rows[:n]]
        if len(ids) < n:
            ids += [r["id"] for r in self.client.query(ARTICLES, filter="published == 0", output_fields=["id"],
                                                       limit=n - len(ids))]
        return self.articles(ids)

    def list_articles(self, *, sources: Sequence[str] | None = None, since: date | None = None,
                      until: date | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Article]]:
        """(articles passing the filters, one page of them): newest first, undated last, then by id."""
        rows = list(self._scan(ARTICLES, filter_expr(sources, since, until), ["id", "published"]))
        rows.sort(key=lambda r: (r["published"] == 0, -r["published"], r["id"]))
        page = [r["id"] for r in rows[int(offset):int(offset) + int(limit)]]
        return len(rows), self.articles(page)

    # -- near-duplicate groups -------------------------------------------------------------------------
    def group_members(self, article_id: str) -> list[Article]:
        ids = groups.members_of(self.client, [article_id]).get(article_id, (article_id,))
        found = {a.id: a for a in self.articles(ids)}
        return [found[i] for i in ids if i in found]

    def groups_of(self, article_ids: Sequence[str], *, sources: Sequence[str] | None = None,
                  since: date | None = None, until: date | None = None) -> dict[str, tuple[str, ...]]:
        return groups.members_of(self.client, article_ids, sources, since, until)

    # -- stats -----------------------------------------------------------------------------------------
    def stats(self) -> IndexStats:
        m = self._meta(["min_published", "max_published", "last_added"])
        feeds = tuple(MilvusFeeds(self.client).statuses())
        last_added = m.get("last_added")
        from index.stores.milvus.schema import dense_index

        return IndexStats(
            index_dir=self.location.uri, articles=self._count(ARTICLES), chunks=self._count(CHUNKS),
            outlets=self.outlets(), first_published=from_day(int(m.get("min_published", 0))),
            last_published=from_day(int(m.get("max_published", 0))), model=self.meta["model"], dimension=self.dim,
            format_version=int(self.meta["format_version"]),
            index_type=f"{self.location.kind} {dense_index(self.location.kind)['index_type']}",
            size_bytes=_size(self.location), groups=groups.count(self.client),
            last_added=datetime.fromisoformat(last_added).replace(tzinfo=timezone.utc) if last_added else None,
            last_poll=max((f.polled_at for f in feeds), default=None), feeds=feeds)


def _size(loc) -> int:
    """Bytes on disk of a Lite database; 0 for a server (its storage is the server's to report)."""
    if loc.kind != "milvus-lite" or loc.path is None or not loc.path.exists():
        return 0
    return sum(f.stat().st_size for f in loc.path.rglob("*") if f.is_file())
