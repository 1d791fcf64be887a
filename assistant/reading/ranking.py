"""The seam between retrieval and composition: a `Ranker` reads the retrieved passages and
returns a `Ranking` - the candidate sentences best first, each with a score in [0, 1], and how
sure it is that the best one answers the question (`confidence`, what abstention thresholds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.news.copies import same_text_key
from assistant.reading.article_cache import ArticleCache
from assistant.reading.confidence import Evidence
from assistant.reading.question import Question
from assistant.reading.scoring import Candidate
from assistant.records import Passages, Query, ShortAnswer


@dataclass
class Ranking:
    """`ranked` best first; `vectors` maps (article id, sentence start) to the unit vector of
    the sentences that were embedded (duplicate detection compares them); `analysis` is the
    question as read; `short` the short answer inside the best sentence, when the ranker marks one;
    `evidence` what the rules' confidence read about the best sentence."""

    analysis: Question
    ranked: list[Candidate]
    confidence: float | None = None  # None: the best sentence's score
    vectors: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    short: ShortAnswer | None = None
    evidence: Evidence | None = None  # the rules' evidence about the best sentence (their confidence's inputs)


@dataclass(frozen=True)
class Reading:
    """What an answer is composed from (`Assistant.read`): the query as searched, the passages
    retrieval found, and the ranker's reading of their sentences."""

    query: Query
    passages: Passages
    ranking: Ranking


class Ranker(Protocol):
    def rank(self, query: Query, query_vec: np.ndarray, passages: Passages,
             prefer: set[str] | None = None) -> Ranking:
        """`prefer`: articles cited earlier in the conversation; near ties go to them."""
        ...

    def warm(self) -> None:
        """Load what a process answering many questions wants (may take a second or two)."""
        ...


def candidates(passages: Passages, cache: ArticleCache) -> list[Candidate]:
    """The sentences overlapping each hit's chunk (whole, even where the chunk cut one), in hit
    order; a sentence word for word in two articles of one wire-copy group counts once."""
    cands: list[Candidate] = []
    for rank, h in enumerate(passages.hits):
        for s in cache.sentences(passages.articles[h.article_id]):
            if s.end > h.start and s.start < h.end:
                cands.append(Candidate(h.article_id, s, rank, h.chunk_id))
    group_of = {h.article_id: h.group for h in passages.hits if h.group}
    seen, unique = set(), []
    for c in cands:
        key = (c.article_id, c.sentence.start)
        twin = same_text_key(c.article_id, c.sentence.text, group_of) if group_of else None
        if key not in seen and (twin is None or twin not in seen):
            seen.update((key, twin) if twin else (key,))
            unique.append(c)
    return unique
