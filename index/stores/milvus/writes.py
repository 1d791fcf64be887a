"""The writes of `MilvusIndex`: adding a batch of articles, deleting articles, exporting them.

Milvus has no transactions, so a batch is written in an order that the next writer can repair:
the batch's article ids are first noted in `news_meta.pending`; then the group rows and band
keys, the chunks (vectors, text, BM25 input), long texts' parts, and last the article rows,
which make the articles exist (`existing_ids` reads them); then the term counts and the meta
counters, and `pending` is cleared. A writer that finds `pending` set (`prepare_writes`)
removes whatever those articles left without their article row, so an interrupted batch is
simply not there and is ingested again next time. The term counts of a batch interrupted
between its article rows and its counts are off by that batch until it is copied or re-made.

Chunk ids come from the `next_chunk_id` counter (never reused, as the default store's), and
`seq` from `next_seq`: the order articles were added, which names a near-duplicate group.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone
from typing import Iterator, Sequence

import numpy as np

from index.records import Chunk
from index.stores.base import AddResult, NewArticle, StoredArticle
from index.stores.milvus import analysis, groups
from index.stores.milvus.feeds import MilvusFeeds
from index.stores.milvus.schema import ARTICLES, CHUNKS, NO_VECTOR, PART_CHARS, PARTS, TERMS, day, in_list, lit

_BY = 200  # articles per query while deleting or exporting
_HEX = re.compile(r"[0-9a-z~.-]*")


class MilvusWrites:
    """Write methods of `MilvusIndex` (the caller holds `write_lock()`)."""

    def prepare_writes(self) -> None:
        """Remove what an interrupted batch left (see the module docstring)."""
        pending = json.loads(self._meta(["pending"]).get("pending", "[]"))
        if pending:
            done = self.existing_ids(pending)
            self._remove_rows([a for a in pending if a not in done], count_terms=False)
            self._set_meta({"pending": "[]"})

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        out = set()
        for i in range(0, len(ids), 500):
            out.update(r["id"] for r in self.client.get(ARTICLES, ids=ids[i:i + 500], output_fields=["id"]))
        return out

    def ids_with_prefix(self, prefix: str, limit: int = 2) -> list[str]:
        if not _HEX.fullmatch(prefix):  # ids are hex digests: nothing else can match
            return []
        rows = self.client.query(ARTICLES, filter=f"id like {lit(prefix + '%')}", output_fields=["id"], limit=limit)
        return [r["id"] for r in rows if r["id"].startswith(prefix)][:limit]

    def article_ids_for_path(self, path: str) -> list[str]:
        rows = self.client.query(ARTICLES, filter=f"path == {lit(path)}", output_fields=["id", "seq"])
        return [r["id"] for r in sorted(rows, key=lambda r: r["seq"])]

    # -- adding ----------------------------------------------------------------------------------------
    def add_articles(self, items: Sequence[NewArticle]) -> AddResult:
        if not items:
            return AddResult()
        replaced = [old for it in items if it.replace_path for old in self.article_ids_for_path(it.article.path)]
        replaced = list(dict.fromkeys(replaced))
        if replaced:
            self._remove_rows(replaced)
        m = self._meta(["next_chunk_id", "next_seq", "outlets", "min_published", "max_published"])
        next_id, seq = int(m["next_chunk_id"]), int(m["next_seq"])
        self._set_meta({"pending": json.dumps([it.article.id for it in items])})
        batch_text = {it.article.id: it.article.text for it in items}

        def text_of(aid: str) -> str:
            if aid in batch_text:
                return batch_text[aid]
            found = self.article(aid)
            return found.text if found else ""

        from index.dedup import minhash

        groups.assign_batch(self.client, [(it.article, seq + n, *minhash.of_text(it.article.text))
                                          for n, it in enumerate(items)], text_of)
        chunk_rows, article_rows, part_rows, new_ids = [], [], [], []
        terms: Counter = Counter()
        for n, it in enumerate(items):
            a = it.article
            for span, vec in zip(it.spans, it.vectors):
                lexical = analysis.lexical_text(a.title, span.text)
                terms.update(set(lexical.split()))
                chunk_rows.append({"id": next_id, "article_id": a.id, "ord": span.order, "start_char": span.start,
                                   "end_char": span.end, "text": span.text, "lexical": lexical,
                                   "vector": np.asarray(vec, np.float32).tolist(),
                                   "source_key": a.source.casefold(), "published": day(a.published)})
                new_ids.append(next_id)
                next_id += 1
            parts = [a.text[i:i + PART_CHARS] for i in range(0, len(a.text), PART_CHARS)] or [""]
            part_rows.extend({"key": f"{a.id}#{i}", "article_id": a.id, "n": i, "text": t, "_v": NO_VECTOR}
                             for i, t in enumerate(parts) if i)
            article_rows.append({
                "id": a.id, "seq": seq + n, "title": a.title, "text": parts[0], "parts": len(parts), "source": a.source,
                "source_key": a.source.casefold(), "url": a.url, "published": day(a.published),
                "authors": json.dumps(list(a.authors)), "path": a.path, "added_at": _now(), "_v": NO_VECTOR})
        for i in range(0, len(chunk_rows), 512):
            self.client.insert(CHUNKS, chunk_rows[i:i + 512])
        if part_rows:
            self.client.upsert(PARTS, part_rows)
        self.client.upsert(ARTICLES, article_rows)  # from here on the articles exist
        self._add_terms(terms)
        outlets = Counter(json.loads(m.get("outlets", "{}")))
        outlets.update(a["source"] for a in article_rows)
        dated = [r["published"] for r in article_rows if r["published"]]
        lo, hi = int(m.get("min_published", 0)), int(m.get("max_published", 0))
        self._set_meta({
            "next_chunk_id": next_id, "next_seq": seq + len(items), "outlets": json.dumps(outlets),
            "min_published": min([lo] + dated if lo else dated, default=0), "max_published": max([hi] + dated),
            "last_added": article_rows[-1]["added_at"],
            "pending": "[]", "generation": self.generation() + 1})
        self._n_chunks = None
        return AddResult(new_ids, replaced)

    def _add_terms(self, delta: Counter) -> None:
        """Add `delta` (term -> chunks) to the document frequencies; a count reaching 0 goes."""
        terms = [t for t, d in delta.items() if d]
        if not terms:
            return
        have = self._term_counts(terms)
        keep = [{"term": t, "df": have.get(t, 0) + delta[t], "_v": NO_VECTOR} for t in terms]
        gone = [r["term"] for r in keep if r["df"] <= 0]
        keep = [r for r in keep if r["df"] > 0]
        for i in range(0, len(keep), 2000):
            self.client.upsert(TERMS, keep[i:i + 2000])
        if gone:
            self.client.delete(TERMS, ids=gone)
        self._df_cache = {}

    def _term_counts(self, terms: Sequence[str]) -> dict[str, int]:
        out = {}
        for i in range(0, len(terms), 1000):
            out.update((r["term"], int(r["df"])) for r in self.client.get(TERMS, ids=list(terms[i:i + 1000]),
                                                                          output_fields=["term", "df"]))
        return out

    # -- deleting --------------------------------------------------------------------------------------
    def delete_articles(self, article_ids: Sequence[str]) -> None:
        self._remove_rows(list(dict.fromkeys(article_ids)))
        self._set_meta({"generation": self.generation() + 1})

    def _remove_rows(self, article_ids: Sequence[str], count_terms: bool = True) -> None:
        """Delete articles with their chunks, parts, group rows and band keys; the counters follow."""
        if not article_ids:
            return
        gone: list[dict] = []
        for i in range(0, len(article_ids), _BY):
            part = list(article_ids[i:i + _BY])
            gone.extend(self.client.get(ARTICLES, ids=part, output_fields=["id", "source", "published"]))
            terms: Counter = Counter()
            if count_terms:
                for r in self.client.query(CHUNKS, filter=in_list("article_id", part), output_fields=["lexical"]):
                    terms.update(set(r["lexical"].split()))
            groups.remove(self.client, part)
            self.client.delete(CHUNKS, filter=in_list("article_id", part))
            self.client.delete(PARTS, filter=in_list("article_id", part))
            self.client.delete(ARTICLES, ids=part)
            self._add_terms(Counter({t: -n for t, n in terms.items()}))
        if gone:
            self._recount_after(gone)
        self._n_chunks = None

    def _recount_after(self, gone: list[dict]) -> None:
        m = self._meta(["outlets", "min_published", "max_published"])
        outlets = Counter(json.loads(m.get("outlets", "{}")))
        outlets.subtract(r["source"] for r in gone)
        values = {"outlets": json.dumps({s: n for s, n in outlets.items() if n > 0})}
        lo, hi = int(m.get("min_published", 0)), int(m.get("max_published", 0))
        if any(r["published"] in (lo, hi) for r in gone if r["published"]):
            dated = [r["published"] for r in self._scan(ARTICLES, "published > 0", ["published"])]
            values.update(min_published=min(dated, default=0), max_published=max(dated, default=0))
        self._set_meta(values)

    # -- the rest of the seam ----------------------------------------------------------------------------
    def flush(self) -> None:
        """Nothing to save: Milvus logs every write as it is made."""

    def feeds(self) -> MilvusFeeds:
        return MilvusFeeds(self.client)

    def export(self) -> Iterator[StoredArticle]:
        """Every article in the order it was added, with its chunks and their vectors."""
        order = sorted(self._scan(ARTICLES, "", ["id", "seq"]), key=lambda r: r["seq"])
        ids = [r["id"] for r in order]
        for i in range(0, len(ids), _BY):
            part = ids[i:i + _BY]
            rows: dict[str, list[dict]] = {}
            fields = ["id", "article_id", "ord", "start_char", "end_char", "text", "vector"]
            for r in self.client.query(CHUNKS, filter=in_list("article_id", part), output_fields=fields):
                rows.setdefault(r["article_id"], []).append(r)
            for a in self.articles(part):
                mine = sorted(rows.get(a.id, []), key=lambda r: r["id"])
                chunks = tuple(Chunk(int(r["id"]), r["article_id"], int(r["ord"]), int(r["start_char"]),
                                     int(r["end_char"]), r["text"]) for r in mine)
                vecs = (np.asarray([r["vector"] for r in mine], dtype=np.float32) if mine
                        else np.zeros((0, self.dim), np.float32))
                yield StoredArticle(a, chunks, vecs)


def _now() -> str:
    """UTC, as SQLite's datetime('now') writes it."""
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")

