"""Compose an answer from scored sentences: the best 1–3 that each add something, every one
cited, near-identical sentences from other articles cited together, or an honest abstention.

Abstention: `confidence` is the best sentence's combined score (see `scoring`), a number in
[0, 1]. Below `AnswerSettings.min_confidence` the assistant says the articles don't answer and
offers the closest passages as related reading. The default threshold was calibrated on the
SQuAD v2 dev half (see docs/QUALITY.md) and can be changed per Assistant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.errors import ConfigError
from index.models import Article

from .scoring import Candidate
from .types import Answer, Citation, Hit
from .values import salient_values

ABSTAIN_TEXT = "The articles don't say."


@dataclass(frozen=True)
class AnswerSettings:
    max_sentences: int = 3
    min_confidence: float = 0.42
    follow_ratio: float = 0.80  # a further sentence must score at least this share of the best
    duplicate_jaccard: float = 0.6  # content-word overlap at which two sentences state the same fact
    duplicate_cosine: float = 0.90
    embed_top: int = 24  # sentences embedded per question (bounds the model's work)
    related: int = 3  # passages offered as related reading when abstaining

    def __post_init__(self):
        if not isinstance(self.max_sentences, int) or not 1 <= self.max_sentences <= 10:
            raise ConfigError(f"max_sentences must be an integer from 1 to 10, got {self.max_sentences!r}")
        for name in ("min_confidence", "follow_ratio", "duplicate_jaccard", "duplicate_cosine"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise ConfigError(f"{name} must be a number from 0 to 1, got {v!r}")
        for name in ("embed_top", "related"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ConfigError(f"{name} must be a positive integer, got {v!r}")


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class _Citations:
    """Numbers citations in order of first use; one number per (article, sentence)."""

    def __init__(self, articles: dict[str, Article], hits: dict[int, Hit]):
        self.articles, self.hits = articles, hits
        self.items: list[Citation] = []
        self._index: dict[tuple[str, int], int] = {}

    def cite(self, c: Candidate) -> int:
        key = (c.article_id, c.sentence.start)
        if key in self._index:
            return self._index[key]
        a = self.articles[c.article_id]
        h = self.hits[c.chunk_id]
        p_start, p_end = min(h.start, c.sentence.start), max(h.end, c.sentence.end)
        n = len(self.items) + 1
        self.items.append(Citation(
            n=n, article_id=a.id, title=a.title, source=a.source, url=a.url, published=a.published,
            path=a.path, quote=c.sentence.text, passage=a.text[p_start:p_end], start=c.sentence.start,
            end=c.sentence.end, score=round(float(c.score), 4), passage_start=p_start))
        self._index[key] = n
        return n


def _same_fact(a: Candidate, b: Candidate, vecs: dict, s: AnswerSettings) -> bool:
    """Near-identical wording, near-identical meaning, or the same figure about the same topic."""
    overlap = jaccard(a.stems, b.stems)
    if overlap >= s.duplicate_jaccard:
        return True
    if overlap >= 0.15 and salient_values(a.sentence.text) & salient_values(b.sentence.text):
        return True
    va, vb = vecs.get((a.article_id, a.sentence.start)), vecs.get((b.article_id, b.sentence.start))
    return va is not None and vb is not None and float(va @ vb) >= s.duplicate_cosine


def compose(question: str, query: str, ranked: Sequence[Candidate], vecs: dict[tuple[str, int], np.ndarray],
            articles: dict[str, Article], hits: dict[int, Hit], settings: AnswerSettings) -> Answer:
    """`ranked` is best-first; `vecs` maps (article id, sentence start) -> unit vector."""
    cites = _Citations(articles, hits)
    if not ranked:
        return Answer(question, ABSTAIN_TEXT + " Nothing in the indexed articles matches the question.",
                      abstained=True, confidence=0.0, query=query)
    best = ranked[0]
    confidence = float(best.score)
    if confidence < settings.min_confidence:
        seen: set[str] = set()
        for c in ranked:
            if c.article_id not in seen:
                seen.add(c.article_id)
                cites.cite(c)
            if len(seen) >= settings.related:
                break
        return Answer(question, ABSTAIN_TEXT + " The closest passages are listed as related reading.",
                      citations=cites.items, abstained=True, confidence=confidence, query=query)

    chosen: list[Candidate] = [best]
    for c in ranked[1:]:
        if len(chosen) >= settings.max_sentences or c.score < settings.follow_ratio * best.score:
            break
        if not any(_same_fact(c, x, vecs, settings) for x in chosen):
            chosen.append(c)
    parts = []
    for c in chosen:
        numbers = [cites.cite(c)]
        # the same fact in other articles: cite them all, so agreement is visible
        for other in ranked:
            if other is c or other.article_id == c.article_id or other in chosen:
                continue
            if _same_fact(c, other, vecs, settings):
                n = cites.cite(other)
                if n not in numbers:
                    numbers.append(n)
        parts.append(c.sentence.text + " " + "".join(f"[{n}]" for n in numbers))
    return Answer(question, " ".join(parts), citations=cites.items, abstained=False,
                  confidence=confidence, query=query)
