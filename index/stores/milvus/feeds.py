"""The followed feeds of a Milvus index: `index.web.state`'s table, one JSON row per URL.

Same columns and the same update rule as the SQLite table (`state.record`: kind and title kept
when a poll has none, validators kept unless the poll brings new ones, failures counted in a
row), so `watch` behaves the same on both stores. Known URLs are looked up in `news_articles`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Sequence

from index.records import FeedStatus
from index.stores.milvus.schema import ARTICLES, FEEDS, NO_VECTOR, in_list

_COLUMNS = ("url", "kind", "title", "etag", "last_modified", "polled_at", "outcome", "error", "http_status",
            "new_items", "known_items", "skipped_items", "transient", "failures")


class MilvusFeeds:
    """`FeedState` (see `index.stores.base`) over the `news_feeds` collection."""

    def __init__(self, client):
        self.client = client

    def _rows(self, urls: Sequence[str] | None = None) -> dict[str, dict]:
        expr = in_list("url", list(urls)) if urls is not None else 'url != ""'
        if urls is not None and not urls:
            return {}
        return {r["url"]: json.loads(r["row"]) for r in self.client.query(FEEDS, filter=expr, output_fields=["url", "row"])}

    def validators(self, url: str) -> tuple[str, str]:
        row = self._rows([url]).get(url)
        return (row.get("etag") or "", row.get("last_modified") or "") if row else ("", "")

    def known_urls(self, urls: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(urls))
        for i in range(0, len(unique), 500):
            rows = self.client.query(ARTICLES, filter=in_list("url", unique[i:i + 500]), output_fields=["id", "url", "seq"])
            for r in sorted(rows, key=lambda r: r["seq"]):
                found.setdefault(r["url"], r["id"])
        return found

    def record(self, polls: Sequence) -> None:
        old = self._rows([p.status.url for p in polls])
        out = []
        for poll in polls:
            s = poll.status
            before = old.get(s.url, {})
            failed = s.outcome == "failed"
            row = {
                "url": s.url, "kind": s.kind or before.get("kind"), "title": s.title or before.get("title"),
                "etag": poll.etag if poll.etag is not None else before.get("etag"),
                "last_modified": poll.last_modified if poll.last_modified is not None else before.get("last_modified"),
                "polled_at": s.polled_at.isoformat(), "outcome": s.outcome, "error": s.error,
                "http_status": s.http_status, "new_items": s.new_items, "known_items": s.known_items,
                "skipped_items": s.skipped_items, "transient": int(s.transient),
                "failures": (before.get("failures", 0) + 1) if failed else 0,
            }
            old[s.url] = row  # a URL polled twice in one record: the second builds on the first
            out.append(row)
        self._write(out)

    def _write(self, rows: Sequence[dict]) -> None:
        if rows:
            latest = {r["url"]: r for r in rows}
            self.client.upsert(FEEDS, [{"url": u, "row": json.dumps(r), "_v": NO_VECTOR} for u, r in latest.items()])

    def statuses(self) -> list[FeedStatus]:
        rows = [r for r in self._rows().values() if r.get("polled_at")]
        rows.sort(key=lambda r: r["url"])
        rows.sort(key=lambda r: r["polled_at"], reverse=True)
        return [FeedStatus(url=r["url"], outcome=r.get("outcome") or "unchanged",
                           polled_at=datetime.fromisoformat(r["polled_at"]), kind=r.get("kind") or "",
                           title=r.get("title") or "", new_items=r.get("new_items") or 0,
                           known_items=r.get("known_items") or 0, skipped_items=r.get("skipped_items") or 0,
                           http_status=r.get("http_status"), error=r.get("error") or "",
                           transient=bool(r.get("transient"))) for r in rows]

    def dump(self) -> list[dict]:
        return [{c: r.get(c) for c in _COLUMNS} for r in self._rows().values()]

    def load(self, rows: Sequence[dict]) -> None:
        self._write([{c: r.get(c) for c in _COLUMNS} for r in rows])
