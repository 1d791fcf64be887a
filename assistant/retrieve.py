"""Hybrid retrieval: dense (FAISS) and lexical (SQLite FTS5 BM25) candidates fused by
reciprocal rank fusion, then spread across articles.

RRF needs no score calibration between the two lists (cosines and BM25 live on different
scales); a chunk found by both rises to the top. Names, places and numbers in news questions
are where BM25 earns its place; paraphrases are where the dense side does. After fusion,
near-duplicate articles (wire copies grouped at ingest) are shown by the best-ranked one of their
group (see `copies`); then at most `per_article` chunks of one article are kept, so no single
article fills every slot.

Recency: news questions are mostly about the latest reports, so a chunk's fused score is raised
by up to `recency` (x1.2 by default) for an article published on the reference date (the caller's
`as_of`, else the newest article's date), fading with age (`exp(-age / recency_days)`: x1.07 at a
month, x1.01 at three months). It reorders near ties only: RRF scores of neighbouring ranks differ
by far less than a strong match on both lists. Undated articles get no boost; `recency=0` turns
it off. Fitted on nothing but this rule of thumb; its effect on RealTimeQA is in docs/QUALITY.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Sequence

import numpy as np

from index.errors import ConfigError

from assistant.news.copies import TextIn, collapse_groups
from assistant.records import Hit


@dataclass(frozen=True)
class RetrievalSettings:
    k: int = 8  # chunks handed to sentence selection
    candidates: int = 40  # taken from each of the dense and lexical lists
    rrf_k: int = 60
    per_article: int = 2
    recency: float = 0.2  # largest boost (a share of the fused score) for a report of the reference day
    recency_days: float = 30.0  # how fast that boost fades with the report's age

    def __post_init__(self):
        for name in ("k", "candidates", "rrf_k", "per_article"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ConfigError(f"{name} must be a positive integer, got {v!r}")
        if not isinstance(self.recency, (int, float)) or not 0.0 <= self.recency <= 1.0:
            raise ConfigError(f"recency must be a number from 0 to 1, got {self.recency!r}")
        if not isinstance(self.recency_days, (int, float)) or not self.recency_days > 0:
            raise ConfigError(f"recency_days must be a positive number, got {self.recency_days!r}")


def rrf(ranked_lists: Sequence[Sequence[int]], rrf_k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: id -> sum over lists of 1 / (rrf_k + rank), rank starting at 1."""
    fused: dict[int, float] = {}
    for ranked in ranked_lists:
        for rank, cid in enumerate(ranked, start=1):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (rrf_k + rank)
    return fused


def recency_boost(fused: dict[int, float], article_of: dict[int, str], published: dict[str, date | None],
                  reference: date, strength: float, days: float) -> dict[int, float]:
    """Fused scores raised by up to `strength` for articles published close to `reference`."""
    out = {}
    for cid, score in fused.items():
        p = published.get(article_of[cid])
        age = max(0, (reference - p).days) if p else None
        out[cid] = score * (1.0 + strength * math.exp(-age / days)) if age is not None else score
    return out


def cap_per_article(hits: Sequence[Hit], k: int, per_article: int) -> list[Hit]:
    """Best-first hits with at most `per_article` from any one article, `k` in all."""
    out, seen = [], {}
    for h in hits:
        if seen.get(h.article_id, 0) >= per_article:
            continue
        seen[h.article_id] = seen.get(h.article_id, 0) + 1
        out.append(h)
        if len(out) == k:
            break
    return out


class Retriever:
    def __init__(self, index, settings: RetrievalSettings | None = None):
        self.index = index
        self.settings = settings or RetrievalSettings()

    def search(self, query: str, query_vec: np.ndarray, *, k: int | None = None,
               sources: Sequence[str] | None = None, since: date | None = None,
               until: date | None = None, as_of: date | None = None) -> list[Hit]:
        """`as_of`: the reference date of the recency boost (default: the newest article's date)."""
        s = self.settings
        k = k or s.k
        n = max(s.candidates, k)
        dense = self.index.dense_search(query_vec, n, sources=sources, since=since, until=until)
        lexical = self.index.lexical_search(query, n, sources=sources, since=since, until=until)
        fused = rrf([[h.chunk.id for h in dense], [h.chunk.id for h in lexical]], s.rrf_k)
        chunks = {h.chunk.id: h.chunk for h in dense}
        chunks.update({h.chunk.id: h.chunk for h in lexical})
        d_score = {h.chunk.id: h.score for h in dense}
        l_score = {h.chunk.id: h.score for h in lexical}
        if s.recency and fused and hasattr(self.index, "published"):  # stand-ins in tests may lack dates
            reference = as_of or self.index.newest_date()
            if reference is not None:
                article_of = {cid: c.article_id for cid, c in chunks.items()}
                published = self.index.published(set(article_of.values()))
                fused = recency_boost(fused, article_of, published, reference, s.recency, s.recency_days)
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        hits = [Hit(cid, chunks[cid].article_id, chunks[cid].start, chunks[cid].end, chunks[cid].text,
                    fused[cid], d_score.get(cid), l_score.get(cid)) for cid in ranked]
        groups_of = getattr(self.index, "groups_of", None)  # index stand-ins in tests may lack groups
        if groups_of is not None and hits:
            groups = groups_of({h.article_id for h in hits}, sources=sources, since=since, until=until)
            if groups:
                hits = collapse_groups(hits, groups, TextIn(self.index))
        return cap_per_article(hits, k, s.per_article)
