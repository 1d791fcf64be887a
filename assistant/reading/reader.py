"""The trained ranker: every candidate sentence of the retrieved chunks is read by the trained
cross-encoder (`reader_model`), which gives the probability that it answers the question and
marks the short answer inside it. The probability is the sentence's score and the best one's is
the answer's confidence, so abstention is a threshold on it (`AnswerSettings.min_confidence`).

Work per question is bounded: at most `max_candidates` sentences are read (the cheap surface
score picks them when the chunks hold more), in length-sorted batches. The retrieval rank breaks
near ties (`RANK_WEIGHT`): of two sentences the reader finds equally good, the one from the better
passage leads. The few best are embedded too, so composition can tell two wordings of one fact.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.reading.article_cache import ArticleCache
from assistant.reading.question import analyse
from assistant.reading.ranking import Ranking, candidates
from assistant.reading.reader_model import Reader, ReadItem
from assistant.reading.scoring import Candidate, cheap_score, idf_weights, prescore
from assistant.records import Passages, Query, ShortAnswer

RANK_WEIGHT = 0.02  # score lost per retrieval rank below the first: a tie-breaker, not a signal
PREFER_BONUS = 0.02  # ranking bonus of a sentence from an article cited earlier in the conversation
EMBED_TOP = 8  # best sentences embedded for duplicate detection in composition

_LOADED: dict[tuple, Reader] = {}
_LOAD_LOCK = threading.Lock()


def shared_reader(path: Path | None = None, precision: str = "auto") -> Reader:
    """One loaded reader per weights file and precision in a process (it is read-only, so every
    Assistant and thread shares it)."""
    key = (str(path) if path else None, precision)
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = Reader.load(path, precision=precision)
        return _LOADED[key]


def context_of(sentences: list, i: int) -> str:
    """The neighbours of sentence `i`, previous first, as the reader was trained to see them."""
    return " ".join(s.text for s in (sentences[i - 1] if i > 0 else None,
                                     sentences[i + 1] if i + 1 < len(sentences) else None) if s is not None)


class ReaderRanker:
    """`index` gives document frequencies and the embedder; `reader` reads (default: the shipped
    weights, loaded once per process); `max_candidates` bounds the sentences read per question."""

    def __init__(self, index, cache: ArticleCache, *, reader: Reader | None = None, max_candidates: int = 48):
        self.index, self.cache, self.max_candidates = index, cache, max_candidates
        self._reader = reader

    @property
    def reader(self) -> Reader:
        if self._reader is None:
            self._reader = shared_reader()
        return self._reader

    def rank(self, query: Query, query_vec: np.ndarray, passages: Passages,
             prefer: set[str] | None = None) -> Ranking:
        q = analyse(query.text)
        df, n = self.index.doc_freqs(q.terms)
        found = prescore(q, candidates(passages, self.cache), idf_weights(q.terms, df, n))
        if len(found) > self.max_candidates:
            keep = set(map(id, sorted(found, key=cheap_score, reverse=True)[: self.max_candidates]))
            found = [c for c in found if id(c) in keep]
        if not found:
            return Ranking(q, [], 0.0)
        items = []
        for c in found:
            article = passages.articles[c.article_id]
            sents = self.cache.sentences(article)
            i = next((j for j, s in enumerate(sents) if s.start == c.sentence.start), 0)
            items.append(ReadItem(query.text, c.sentence.text, article.title, context_of(sents, i)))
        results = self.reader.score(items)
        read = {id(c): r for c, r in zip(found, results)}
        ranked = [replace(c, score=max(0.0, r.probability - RANK_WEIGHT * c.hit_rank), semantic=r.probability)
                  for c, r in zip(found, results)]
        spans = {(c.article_id, c.sentence.start): read[id(o)] for c, o in zip(ranked, found)}
        ranked.sort(key=lambda c: (-(c.score + PREFER_BONUS * bool(prefer and c.article_id in prefer)),
                                   c.hit_rank, c.sentence.start))
        best = ranked[0]
        top = ranked[:EMBED_TOP]
        vecs = self.index.embedder.embed([c.sentence.text for c in top])
        return Ranking(q, ranked, spans[(best.article_id, best.sentence.start)].probability,
                       {(c.article_id, c.sentence.start): v for c, v in zip(top, vecs)},
                       _short(best, spans[(best.article_id, best.sentence.start)]))


def _short(best: Candidate, r) -> ShortAnswer | None:
    """The reader's span in the best sentence, as offsets into its article; None when empty."""
    if r.end <= r.start:
        return None
    text = best.sentence.text[r.start:r.end]
    start = best.sentence.start + r.start
    return ShortAnswer(text, best.article_id, start, start + len(text), probability=round(r.span_probability, 4))
