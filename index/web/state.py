"""What an index remembers about the URLs it follows, in its own SQLite database.

Purpose: the `feeds` table holds one row per followed URL (every feed ingested, every URL
watched): the ETag and Last-Modified of its last full response, for conditional GETs in later
runs; when it was last polled and how that went (`FeedStatus`), for `assistant stats`; and how
many polls in a row have failed. `known_urls` finds the articles already stored under given
URLs, so a feed's items are fetched only once.

Limits: the table and the `articles(url)` index are created by the first write that needs them
(`migrate`, inside the writer's transaction); until then the reads here return nothing. Times are
UTC, stored as ISO 8601 text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from index.records import FeedStatus

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS feeds (
        url TEXT PRIMARY KEY,
        kind TEXT,
        title TEXT,
        etag TEXT,            -- validators of the last full response, sent back in conditional GETs
        last_modified TEXT,
        polled_at TEXT,       -- ISO 8601, UTC
        outcome TEXT,         -- new | unchanged | failed
        error TEXT,
        http_status INTEGER,
        new_items INTEGER,
        known_items INTEGER,
        skipped_items INTEGER,
        transient INTEGER,
        failures INTEGER NOT NULL DEFAULT 0  -- failed polls in a row
    )""",
    # feed items are looked up by URL before they are fetched
    "CREATE INDEX IF NOT EXISTS articles_url ON articles(url)",
)


@dataclass(frozen=True)
class PollRecord:
    """A poll to remember: its status, and the validators to send next time (None: keep the
    stored ones, e.g. after a 304 or when an item failed and must be retried)."""

    status: FeedStatus
    etag: str | None = None
    last_modified: str | None = None


def _has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='feeds'").fetchone() is not None


def migrate(c: sqlite3.Connection) -> None:
    """Create the table and index if missing (call inside a write transaction)."""
    for statement in SCHEMA:
        c.execute(statement)


def validators(conn: sqlite3.Connection, url: str) -> tuple[str, str]:
    """(ETag, Last-Modified) remembered for `url`, "" for each it has none of."""
    if not _has_table(conn):
        return "", ""
    row = conn.execute("SELECT etag, last_modified FROM feeds WHERE url=?", (url,)).fetchone()
    return (row[0] or "", row[1] or "") if row else ("", "")


def known_urls(conn: sqlite3.Connection, urls: Sequence[str]) -> dict[str, str]:
    """URL -> id of an article stored with that URL, for the given URLs that have one."""
    found: dict[str, str] = {}
    unique = list(dict.fromkeys(urls))
    for i in range(0, len(unique), 500):
        part = unique[i:i + 500]
        rows = conn.execute(f"SELECT url, id FROM articles WHERE url IN ({','.join('?' * len(part))})", part)
        for url, article_id in rows:
            found.setdefault(url, article_id)
    return found


def record(c: sqlite3.Connection, polls: Sequence[PollRecord]) -> None:
    """Store the polls (call inside a write transaction, after the articles they found)."""
    migrate(c)
    for poll in polls:
        s = poll.status
        failed = s.outcome == "failed"
        c.execute(
            "INSERT INTO feeds(url, kind, title, etag, last_modified, polled_at, outcome, error, http_status, "
            "new_items, known_items, skipped_items, transient, failures) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(url) DO UPDATE SET kind=coalesce(nullif(excluded.kind, ''), feeds.kind), "
            "title=coalesce(nullif(excluded.title, ''), feeds.title), "
            "etag=coalesce(excluded.etag, feeds.etag), last_modified=coalesce(excluded.last_modified, feeds.last_modified), "
            "polled_at=excluded.polled_at, outcome=excluded.outcome, error=excluded.error, "
            "http_status=excluded.http_status, new_items=excluded.new_items, known_items=excluded.known_items, "
            "skipped_items=excluded.skipped_items, transient=excluded.transient, "
            "failures=CASE WHEN excluded.failures > 0 THEN feeds.failures + 1 ELSE 0 END",
            (s.url, s.kind, s.title, poll.etag, poll.last_modified, s.polled_at.isoformat(), s.outcome, s.error,
             s.http_status, s.new_items, s.known_items, s.skipped_items, int(s.transient), int(failed)))


def statuses(conn: sqlite3.Connection) -> list[FeedStatus]:
    """The last poll of every followed URL, most recent first; [] when none is followed."""
    if not _has_table(conn):
        return []
    rows = conn.execute(
        "SELECT url, outcome, polled_at, kind, title, new_items, known_items, skipped_items, http_status, error, "
        "transient FROM feeds WHERE polled_at IS NOT NULL ORDER BY polled_at DESC, url")
    return [FeedStatus(url=r[0], outcome=r[1] or "unchanged", polled_at=datetime.fromisoformat(r[2]),
                       kind=r[3] or "", title=r[4] or "", new_items=r[5] or 0, known_items=r[6] or 0,
                       skipped_items=r[7] or 0, http_status=r[8], error=r[9] or "", transient=bool(r[10]))
            for r in rows]


def dump(conn: sqlite3.Connection) -> list[dict]:
    """Every row of the table, as it is (for `rebuild`, which moves them to a fresh index)."""
    if not _has_table(conn):
        return []
    cursor = conn.execute("SELECT * FROM feeds")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def load(c: sqlite3.Connection, rows: Sequence[dict]) -> None:
    """Put `dump`ed rows into this index's table (call inside a write transaction)."""
    migrate(c)
    for row in rows:
        c.execute(f"INSERT OR REPLACE INTO feeds({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                  list(row.values()))
