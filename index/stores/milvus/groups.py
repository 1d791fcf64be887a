"""Near-duplicate groups (wire copies) in Milvus: the rules of `index.dedup.groups`, other tables.

`news_groups` holds one row per article (its group id, its MinHash signature as hex, its
insertion order `seq`, `is_head` when it names its group, and its outlet and date so group
members can be filtered like search hits); `news_bands` holds its LSH band keys. Assigning a
new article reads the articles sharing a band (at most `MAX_ROWS` per key) and lets
`index.dedup.groups.choose_group` decide, exactly as the default store does; a batch of
articles is assigned with two reads and two writes, whatever its size. Deleting an
article that names a group hands the name to the earliest remaining member (the default store
does it with a trigger; here `remove` does it before the rows go).

Limits: nothing here is transactional; `MilvusIndex` orders the writes so that an interrupted
batch is cleaned up by the next writer (see `writes`).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

import numpy as np

from index.dedup import minhash
from index.dedup.groups import MAX_ROWS, choose_group
from index.stores.milvus.schema import BANDS, GROUPS, NO_VECTOR, day, filter_expr, from_day, in_list

_ROW_FIELDS = ["article_id", "group_id", "is_head", "seq", "signature", "published", "source_key"]


def _sig_hex(sig: np.ndarray) -> str:
    return np.ascontiguousarray(sig, dtype="<u4").tobytes().hex()


def _sig(hex_text: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(hex_text), dtype="<u4").astype(np.uint32)


def assign_batch(client, batch, text_of) -> dict[str, str]:
    """Write the group rows and band keys of a batch of new articles, in order; return article
    id -> group id. `batch` holds (article, seq, shingles, signature) with shingles and signature
    from `minhash.of_text`; `text_of(article_id)` reads a candidate's text for the exact check.
    Two queries for the whole batch (band keys, then the candidates' rows); an article may join
    the group of one before it in the same batch, as it would one stored earlier."""
    keys_of = {a.id: list(dict.fromkeys(minhash.band_keys(sig))) for a, _, _, sig in batch}
    all_keys = list(dict.fromkeys(k for ks in keys_of.values() for k in ks))
    stored_by_key: dict[int, list[str]] = {}
    for i in range(0, len(all_keys), 1000):
        for h in client.query(BANDS, filter=in_list("band_key", all_keys[i:i + 1000]),
                              output_fields=["band_key", "article_id"], limit=MAX_ROWS * 8):
            stored_by_key.setdefault(int(h["band_key"]), []).append(h["article_id"])
    cand_ids = list(dict.fromkeys(a for ks in stored_by_key.values() for a in ks))
    rows = {}
    for i in range(0, len(cand_ids), 500):
        for r in client.query(GROUPS, filter=in_list("article_id", cand_ids[i:i + 500]), output_fields=_ROW_FIELDS):
            rows[r["article_id"]] = (r["article_id"], r["group_id"], _sig(r["signature"]), _iso(r["published"]))
    out: dict[str, str] = {}
    group_rows, band_rows = [], []
    for article, seq, shingles, sig in batch:
        shared: dict[str, int] = {}
        for k in keys_of[article.id]:
            for other in stored_by_key.get(k, [])[:MAX_ROWS]:
                if other != article.id:
                    shared[other] = shared.get(other, 0) + 1
        cands = sorted((rows[c] for c in shared if c in rows), key=lambda c: -shared[c[0]])
        group = (choose_group(article.published, shingles, sig, cands, text_of) if cands else None) or article.id
        out[article.id] = group
        # later articles of the batch see this one as stored
        rows[article.id] = (article.id, group, sig, article.published.isoformat() if article.published else None)
        for k in keys_of[article.id]:
            stored_by_key.setdefault(k, []).append(article.id)
        group_rows.append({"article_id": article.id, "group_id": group, "is_head": group == article.id, "seq": seq,
                           "signature": _sig_hex(sig), "published": day(article.published),
                           "source_key": article.source.casefold(), "_v": NO_VECTOR})
        band_rows.extend({"key": f"{k}:{article.id}", "band_key": k, "article_id": article.id, "_v": NO_VECTOR}
                         for k in keys_of[article.id])
    if group_rows:
        client.upsert(GROUPS, group_rows)
    for i in range(0, len(band_rows), 2000):
        client.upsert(BANDS, band_rows[i:i + 2000])
    return out


def _iso(n: int) -> str | None:
    d = from_day(n)
    return d.isoformat() if d else None


def remove(client, article_ids: Sequence[str]) -> None:
    """Delete the articles' group rows and band keys, first handing each group they name to its
    earliest remaining member."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return
    gone = set(ids)
    heads = [r["article_id"] for r in client.query(GROUPS, filter=in_list("article_id", ids) + " and is_head == true",
                                                    output_fields=["article_id"])]
    updates = []
    for head in heads:
        members = client.query(GROUPS, filter=in_list("group_id", [head]), output_fields=_ROW_FIELDS)
        left = sorted((m for m in members if m["article_id"] not in gone), key=lambda m: m["seq"])
        if left:
            new_head = left[0]["article_id"]
            updates.extend({**m, "group_id": new_head, "is_head": m["article_id"] == new_head, "_v": NO_VECTOR}
                           for m in left)
    if updates:
        client.upsert(GROUPS, updates)
    client.delete(GROUPS, filter=in_list("article_id", ids))
    client.delete(BANDS, filter=in_list("article_id", ids))


def members_of(client, article_ids: Iterable[str], sources=None, since: date | None = None,
               until: date | None = None) -> dict[str, tuple[str, ...]]:
    """For each given article that has copies: every article of its group passing the filters,
    itself included, first added first. Articles alone are left out."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return {}
    asked = client.query(GROUPS, filter=in_list("article_id", ids), output_fields=["article_id", "group_id"])
    group_of = {r["article_id"]: r["group_id"] for r in asked}
    gids = list(dict.fromkeys(group_of.values()))
    if not gids:
        return {}
    where = " and ".join(p for p in (in_list("group_id", gids), filter_expr(sources, since, until)) if p)
    by_group: dict[str, list[tuple[int, str]]] = {}
    for m in client.query(GROUPS, filter=where, output_fields=["article_id", "group_id", "seq"]):
        by_group.setdefault(m["group_id"], []).append((m["seq"], m["article_id"]))
    out = {}
    for aid, gid in group_of.items():
        members = [a for _, a in sorted(by_group.get(gid, []))]
        if len(members) > 1:  # the filters apply to the members, as in the default store
            out[aid] = tuple(members)
    return out


def count(client) -> int:
    """Distinct reports: the articles that name their group."""
    rows = client.query(GROUPS, filter="is_head == true", output_fields=["count(*)"])
    return int(rows[0]["count(*)"]) if rows else 0
