"""The rule-based ranker: candidate sentences of the retrieved chunks scored by surface evidence
(see `scoring`) and the embedding model's cosine; confidence from a small logistic model over
evidence about the best sentence (see `confidence`).

Work per question is bounded whatever the corpus size: every sentence overlapping a retrieved
chunk is pre-scored cheaply (`shortlist`), and only the best `embed_top` are embedded (`finish`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.reading.article_cache import ArticleCache
from assistant.reading.confidence import Evidence, confidence, gather
from assistant.reading.question import Question, analyse
from assistant.reading.ranking import Ranking, candidates
from assistant.reading.scoring import Candidate, cheap_score, final_scores, idf_weights, prescore
from assistant.records import Passages, Query

PREFER_BONUS = 0.02  # ranking bonus of a sentence from an article cited earlier in the conversation


@dataclass(frozen=True)
class Shortlist:
    """The question as read, its terms' IDF weights, and the sentences kept for embedding (best
    first by the cheap signals)."""

    question: Question
    idf: dict[str, float]
    top: list[Candidate]


class RuleRanker:
    """`index` gives document frequencies and the embedder; `embed_top` bounds the model's work."""

    def __init__(self, index, cache: ArticleCache, embed_top: int = 16):
        self.index, self.cache, self.embed_top = index, cache, embed_top

    def warm(self) -> None:
        """Nothing to load: the rules use the embedder, which the Assistant warms."""

    def rank(self, query: Query, query_vec: np.ndarray, passages: Passages,
             prefer: set[str] | None = None) -> Ranking:
        return self.finish(self.shortlist(query, passages), query_vec, passages, prefer)

    def shortlist(self, query: Query, passages: Passages) -> Shortlist:
        """The first, cheap step: every candidate sentence pre-scored, the best `embed_top` kept."""
        q = analyse(query.text)
        df, n = self.index.doc_freqs(q.terms)
        idf = idf_weights(q.terms, df, n)
        unique = candidates(passages, self.cache)
        acronyms = {a: self.cache.acronyms(passages.articles[a]) for a in {c.article_id for c in unique}}
        pre = prescore(q, unique, idf, acronyms)
        pre.sort(key=cheap_score, reverse=True)
        return Shortlist(q, idf, pre[: self.embed_top])

    def finish(self, short: Shortlist, query_vec: np.ndarray, passages: Passages,
               prefer: set[str] | None = None) -> Ranking:
        """The second step: the shortlist embedded, scored with the cosine, ranked."""
        q, top = short.question, short.top
        if not top:
            return Ranking(q, [])
        svecs = self.index.embedder.embed([c.sentence.text for c in top])
        ranked = final_scores(top, svecs @ query_vec)
        if prefer:
            # in a conversation, near ties go to articles already cited; only the order changes,
            # not the scores, so the confidence (and abstention) stays calibrated
            ranked.sort(key=lambda c: -(c.score + PREFER_BONUS * (c.article_id in prefer)))
        vectors = {(c.article_id, c.sentence.start): v for c, v in zip(top, svecs)}
        ev = self._evidence(q, short.idf, ranked, passages)
        return Ranking(q, ranked, confidence(ev), vectors, evidence=ev)

    def _evidence(self, q: Question, idf: dict[str, float], ranked: list[Candidate], passages: Passages) -> Evidence:
        best = ranked[0]
        article = passages.articles[best.article_id]
        return gather(q, best.sentence.text, article.text, idf, best.type_match, best.semantic, best.score)
