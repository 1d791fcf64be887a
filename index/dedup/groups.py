"""Near-duplicate article groups (wire copies, light rewrites), kept in SQLite beside the articles.

Every article has one `article_groups` row: its MinHash signature (see `minhash`) and `group_id`,
the id of the group's first article (its own id when it has no copies). The row is written by
`assign()` inside the transaction that inserts the article, so an article and its group row are
present or absent together. `minhash_bands` holds the LSH band keys; a new article is compared
only with the articles sharing a band (an index lookup per band), never with the whole index.

Two articles are the same report when the exact Jaccard similarity of their word 5-shingle sets
is >= JACCARD (0.8). For two texts of similar length that share a fraction s of their shingles,
J = s / (2 - s): J = 0.8 is s ≈ 0.89, the "about 90 % overlap" of a syndicated copy with a new
intro line or one reworded sentence; two reworded sentences in a 300-word article fall below it,
and different reports of the same event share almost no 5-shingles (J < 0.1). Jaccard, not
containment: a short brief wholly contained in a long feature is not grouped with it, since
retrieval shows one article per group and must not hide the feature's other paragraphs.
Reports published more than MAX_DAYS_APART days apart are never grouped (a template reused
months later is a different report). An article joins the group of its most similar match;
groups never merge, so chains of light rewrites stay with the first group they met.

Deleting an article's row (explicitly or by the articles foreign-key cascade) fires a trigger
that hands the group id to the earliest remaining member, so `group_id` always names an article
that exists. Indexes made before groups existed get the tables on open (`migrate`) and their
articles' rows at the next ingest (`backfill`); until then those articles count as groups of one.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Iterable, Sequence

import numpy as np

from index.dedup import minhash

JACCARD = 0.8  # exact 5-shingle Jaccard at which two articles are one report
PREFILTER = 0.6  # estimated Jaccard below which a candidate isn't checked exactly (>5 std errors below JACCARD)
MAX_DAYS_APART = 14
MAX_ROWS = 1024  # band rows read per new article: a huge group must not make each insert read all of it
MAX_VERIFY = 8  # exact checks per new article, best estimates first

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS article_groups (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        group_id TEXT NOT NULL,  -- the group's first article; its own id when alone
        signature BLOB NOT NULL  -- minhash.NUM_HASHES little-endian uint32
    )""",
    "CREATE INDEX IF NOT EXISTS article_groups_group ON article_groups(group_id)",
    """CREATE TABLE IF NOT EXISTS minhash_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (band, hash, article_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS minhash_bands_article ON minhash_bands(article_id)",
    # promotion: the group keeps a name that exists, whichever path deleted its first article
    """CREATE TRIGGER IF NOT EXISTS article_groups_promote AFTER DELETE ON article_groups
    WHEN EXISTS (SELECT 1 FROM article_groups WHERE group_id = OLD.article_id)
    BEGIN
        UPDATE article_groups SET group_id = (
            SELECT g.article_id FROM article_groups g JOIN articles a ON a.id = g.article_id
            WHERE g.group_id = OLD.article_id ORDER BY a.rowid LIMIT 1)
        WHERE group_id = OLD.article_id;
    END""",
)


def create(c: sqlite3.Connection) -> None:
    for stmt in SCHEMA:
        c.execute(stmt)


def present(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='trigger' AND name='article_groups_promote'"
                        ).fetchone() is not None


def migrate(store) -> bool:
    """Create the group tables in an index made before them; False when that isn't possible now
    (read-only file, or another writer holding SQLite's lock): readers then treat every article
    as a group of one, and the next open or ingest tries again."""
    if present(store.conn):
        return True
    try:
        with store.transaction() as c:
            create(c)
        return True
    except sqlite3.OperationalError:
        return False


# -- writing (inside the caller's transaction) --------------------------------------------------------
def assign(c: sqlite3.Connection, article_id: str, published: date | None, shingles: np.ndarray,
           sig: np.ndarray) -> str:
    """Write an article's group row and band keys (after its `articles` row, in the same
    transaction); return its group id. `shingles, sig` come from `minhash.of_text(article.text)`."""
    keys = minhash.band_keys(sig)
    group = _best_group(c, article_id, published, shingles, sig, keys) or article_id
    c.execute("INSERT OR REPLACE INTO article_groups(article_id, group_id, signature) VALUES (?, ?, ?)",
              (article_id, group, minhash.to_blob(sig)))
    c.executemany("INSERT OR IGNORE INTO minhash_bands(band, hash, article_id) VALUES (?, ?, ?)",
                  [(b, k, article_id) for b, k in enumerate(keys)])
    return group


def candidates(c: sqlite3.Connection, keys: Sequence[int], exclude: str) -> list[str]:
    """Articles sharing at least one band key, most shared bands first. One indexed lookup per
    key in a single query; at most MAX_ROWS rows read, so even a group of thousands of copies
    costs each new article a bounded amount of work."""
    if not keys:
        return []
    values = ",".join("(?, ?)" for _ in keys)
    # CROSS JOIN keeps SQLite's plan: walk the keys, search the primary key for each
    q = (f"WITH k(band, hash) AS (VALUES {values}) SELECT m.article_id FROM k "
         f"CROSS JOIN minhash_bands m ON m.band = k.band AND m.hash = k.hash LIMIT {MAX_ROWS}")
    shared: dict[str, int] = {}
    for (aid,) in c.execute(q, [x for b, k in enumerate(keys) for x in (b, k)]):
        if aid != exclude:
            shared[aid] = shared.get(aid, 0) + 1
    return sorted(shared, key=lambda a: -shared[a])


def _best_group(c, article_id: str, published: date | None, shingles, sig, keys) -> str | None:
    cands = candidates(c, keys, article_id)
    if not cands:
        return None
    q = ("SELECT g.article_id, g.group_id, g.signature, a.published FROM article_groups g "
         "JOIN articles a ON a.id = g.article_id WHERE g.article_id IN ({})")
    rows = []
    for i in range(0, len(cands), 500):
        part = cands[i:i + 500]
        rows.extend((aid, gid, minhash.from_blob(blob), p)
                    for aid, gid, blob, p in c.execute(q.format(",".join("?" * len(part))), part))
    return choose_group(published, shingles, sig, rows,
                        lambda aid: c.execute("SELECT text FROM articles WHERE id=?", (aid,)).fetchone()[0])


def choose_group(published: date | None, shingles, sig, rows, text_of) -> str | None:
    """The group a new article joins, or None: among `rows` (candidate article id, its group id,
    its signature, its ISO publication date or None) published close enough, the best MinHash
    estimates are checked exactly (`text_of(article_id)` gives a candidate's text) and the most
    similar one at Jaccard >= JACCARD names the group. Shared by every store."""
    scored = []
    for aid, gid, other_sig, other_published in rows:
        if not _close_in_time(published, other_published):
            continue
        est = minhash.estimate(sig, other_sig)
        if est >= PREFILTER:
            scored.append((est, aid, gid))
    best, best_j = None, JACCARD
    for est, aid, gid in sorted(scored, reverse=True)[:MAX_VERIFY]:
        j = minhash.jaccard(shingles, minhash.shingles(text_of(aid)))
        if j >= best_j:
            best, best_j = gid, j
    return best


def _close_in_time(a: date | None, b: str | None) -> bool:
    if a is None or not b:
        return True  # an undated copy is judged on its text alone
    return abs((a - date.fromisoformat(b)).days) <= MAX_DAYS_APART


def backfill(store, batch: int = 200) -> int:
    """Give group rows to articles that lack them (an index made before groups), earliest first
    so the first article of a group names it; one transaction per batch, so an interrupted
    backfill leaves whole rows and resumes next time. Returns how many. Call under the write lock."""
    if not migrate(store):
        return 0
    done, after = 0, -1
    while True:
        rows = store.conn.execute(
            "SELECT a.rowid, a.id, a.text, a.published FROM articles a "
            "LEFT JOIN article_groups g ON g.article_id = a.id "
            "WHERE a.rowid > ? AND g.article_id IS NULL ORDER BY a.rowid LIMIT ?", (after, batch)).fetchall()
        if not rows:
            return done
        after = rows[-1][0]
        prepared = [(aid, date.fromisoformat(p) if p else None, *minhash.of_text(text)) for _, aid, text, p in rows]
        with store.transaction() as c:
            for aid, published, sh, sig in prepared:
                assign(c, aid, published, sh, sig)
        done += len(rows)


def needs_backfill(store) -> bool:
    """True when some article of `store` has no group row yet (an index made before groups)."""
    conn = store.conn
    if not present(conn):
        return True
    a = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    g = conn.execute("SELECT count(*) FROM article_groups").fetchone()[0]
    return a != g


# -- reading --------------------------------------------------------------------------------------------
def members_of(conn: sqlite3.Connection, article_ids: Iterable[str], where: str = "1=1",
               params: Sequence = ()) -> dict[str, tuple[str, ...]]:
    """For each given article that has copies: every article of its group passing `where` (SQL on
    `articles a`), itself included, first article first. Articles alone are left out."""
    ids = list(dict.fromkeys(article_ids))
    if not ids or not present(conn):
        return {}
    by_group: dict[str, list[str]] = {}
    wanted: dict[str, str] = {}
    for i in range(0, len(ids), 400):
        part = ids[i:i + 400]
        q = ("SELECT g.article_id, m.group_id, m.article_id FROM article_groups g "
             "JOIN article_groups m ON m.group_id = g.group_id JOIN articles a ON a.id = m.article_id "
             f"WHERE g.article_id IN ({','.join('?' * len(part))}) AND {where} ORDER BY a.rowid")
        for asked, gid, member in conn.execute(q, [*part, *params]):
            wanted[asked] = gid
            members = by_group.setdefault(gid, [])
            if member not in members:
                members.append(member)
    return {a: tuple(by_group[g]) for a, g in wanted.items() if len(by_group[g]) > 1}


def count(conn: sqlite3.Connection) -> int:
    """Distinct reports: groups, plus articles not yet given a group row (each its own group)."""
    n_articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if not present(conn):
        return n_articles
    rows, groups = conn.execute("SELECT count(*), count(DISTINCT group_id) FROM article_groups").fetchone()
    return groups + n_articles - rows
