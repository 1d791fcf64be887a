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
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Protocol, Sequence

import numpy as np

from index import Article, ConfigError, SearchHit

from assistant.news.copies import TextIn, collapse_groups
from assistant.records import Filters, Hit, Passages, Query


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


def articles_matching(index: "SearchableIndex", text: str, k: int, filters: Filters | None = None,
                      leave_out: Iterable[str] = ()) -> list[Article]:
    """The articles of the `k` chunks BM25 finds for `text` within `filters`, best first, each
    once, those in `leave_out` skipped: for a word the answer must hold wherever it stands in the
    index (a definition, every story naming a subject, a quote's article), not only in the
    passages retrieved for a question."""
    f = filters or Filters()
    skip = set(leave_out)
    hits = index.lexical_search(text, k, sources=f.sources, since=f.since, until=f.until)
    ids = [i for i in dict.fromkeys(h.chunk.article_id for h in hits) if i not in skip]
    by_id = {a.id: a for a in index.articles(ids)} if ids else {}
    return [by_id[i] for i in ids if i in by_id]


_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;\n]\W*)$")  # what comes before a word that opens a sentence


def written_as_names(index: "SearchableIndex", terms: Iterable[str], k: int = 5) -> list[str]:
    """Those of `terms` (lower-case words) that the index's text writes capitalised inside its
    sentences wherever BM25 finds them (at least four in five times, in the `k` best chunks; a
    word opening a sentence says nothing): a name typed in lower case ("artemis"), which the
    question's own capitals cannot show."""
    out = []
    for term in terms:
        seen = [m.group(0) for h in index.lexical_search(term, k)
                for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", h.chunk.text, re.I)
                if not _OPENS_SENTENCE.search(h.chunk.text[max(0, m.start() - 4):m.start()])]
        if seen and 5 * sum(w[:1].isupper() for w in seen) >= 4 * len(seen):
            out.append(term)
    return out


class SearchableIndex(Protocol):
    """What retrieval needs from an index (`index.NewsIndex` is one; tests plug in stand-ins).
    Every search takes the same outlet/date filters; `groups_of` maps an article to the other
    members of its near-duplicate group (empty when it has none)."""

    def dense_search(self, query_vec: np.ndarray, k: int, *, sources: Sequence[str] | None = None,
                     since: date | None = None, until: date | None = None) -> list[SearchHit]: ...

    def lexical_search(self, text: str, k: int, *, sources: Sequence[str] | None = None,
                       since: date | None = None, until: date | None = None) -> list[SearchHit]: ...

    def published(self, article_ids: Iterable[str]) -> dict[str, date | None]: ...

    def newest_date(self) -> date | None: ...

    def groups_of(self, article_ids: Sequence[str], *, sources: Sequence[str] | None = None,
                  since: date | None = None, until: date | None = None) -> dict[str, tuple[str, ...]]: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]: ...


class Retriever:
    def __init__(self, index: SearchableIndex, settings: RetrievalSettings | None = None):
        self.index = index
        self.settings = settings or RetrievalSettings()

    def retrieve(self, query: Query, query_vec: np.ndarray, k: int | None = None) -> Passages:
        """The hits for `query` and their articles (a hit's wire copies too, so citations can name
        them); hits of articles deleted since the search are dropped."""
        hits = self.search(query.text, query_vec, k=k, filters=query.filters)
        wanted = {h.article_id for h in hits} | {m for h in hits for m in h.group}
        articles = {a.id: a for a in self.index.articles(wanted)}
        return Passages([h for h in hits if h.article_id in articles], articles)

    def search(self, text: str, query_vec: np.ndarray, *, k: int | None = None,
               filters: Filters = Filters()) -> list[Hit]:
        """Fused, group-collapsed, per-article-capped hits for `text` under `filters`
        (`filters.as_of`: the reference date of the recency boost, default the newest article's)."""
        s = self.settings
        k = k or s.k
        n = max(s.candidates, k)
        where = {"sources": filters.sources, "since": filters.since, "until": filters.until}
        dense = self.index.dense_search(query_vec, n, **where)
        lexical = self.index.lexical_search(text, n, **where)
        fused = rrf([[h.chunk.id for h in dense], [h.chunk.id for h in lexical]], s.rrf_k)
        chunks = {h.chunk.id: h.chunk for h in dense}
        chunks.update({h.chunk.id: h.chunk for h in lexical})
        d_score = {h.chunk.id: h.score for h in dense}
        l_score = {h.chunk.id: h.score for h in lexical}
        if s.recency and fused:
            reference = filters.as_of or self.index.newest_date()
            if reference is not None:
                article_of = {cid: c.article_id for cid, c in chunks.items()}
                published = self.index.published(set(article_of.values()))
                fused = recency_boost(fused, article_of, published, reference, s.recency, s.recency_days)
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        hits = [Hit(cid, chunks[cid].article_id, chunks[cid].start, chunks[cid].end, chunks[cid].text,
                    fused[cid], d_score.get(cid), l_score.get(cid)) for cid in ranked]
        if hits:
            groups = self.index.groups_of({h.article_id for h in hits}, **where)
            if groups:
                hits = collapse_groups(hits, groups, TextIn(self.index))
        return cap_per_article(hits, k, s.per_article)
