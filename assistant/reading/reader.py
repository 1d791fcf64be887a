"""The trained ranker: the rule-based ranker's best candidate sentences (cheap surface evidence,
then the embedding model's cosine; see `rules`) are read by the trained cross-encoder
(`reader_model`), which gives the probability that each answers the question and marks the short
answer inside it.

A sentence's score blends the reader's probability with the rules' score (`weight` on the
reader), and so does the answer's confidence: the reader reads meaning the rules miss (a
paraphrase, the wrong city's population), the rules keep what the reader was not trained on
(exact names and figures in unfamiliar prose). Work per question is bounded: at most
`read_top` sentences are read, in length-sorted batches. When the reader reads the rules' whole
shortlist (the default: 16 of 16), it reads while the rules embed the same sentences, on a
worker thread (8-16 ms less per question at 100k chunks: `python -m benchmarks perf-overlap`).
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.reading.article_cache import ArticleCache
from assistant.reading.ranking import Ranking
from assistant.reading.question import asks_what_was_said
from assistant.reading.reader_model import Reader, ReadItem
from assistant.reading.rules import PREFER_BONUS, RuleRanker
from assistant.reading.scoring import Candidate
from assistant.records import Passages, Query, ShortAnswer

_LOADED: dict[tuple, Reader] = {}
_LOAD_LOCK = threading.Lock()
# reads overlap the rules' embedding; a few workers so concurrent questions don't queue behind one
_WORKERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reader")


def shared_reader(path: Path | None = None, precision: str = "auto") -> Reader:
    """One loaded reader per weights file, precision and engine in a process (it is read-only,
    so every Assistant and thread shares it). The engine follows the process: torch where torch
    is already loaded (a long-lived process that warmed the torch embedder, or a caller that
    uses torch), numpy otherwise, so a one-off question never pays torch's import."""
    engine = "torch" if "torch" in sys.modules else "numpy"
    key = (str(path) if path else None, precision, engine)
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = Reader.load(path, precision=precision, engine=engine)
        return _LOADED[key]


def context_of(sentences: list, i: int) -> str:
    """The sentence before sentence `i` (empty for the first), as the reader was trained to see it:
    it carries what "it", "the toll" or "he" in the candidate refer to."""
    return sentences[i - 1].text if i > 0 else ""


class ReaderRanker:
    """`index` gives document frequencies and the embedder; `reader` reads (default: the shipped
    weights, loaded once per process); `read_top` bounds the sentences read per question;
    `weight` is the reader's share of a sentence's score and of the confidence; `overlap` reads on a
    worker thread while the rules embed (False: all on the calling thread, for processes pinned
    one per core)."""

    def __init__(self, index, cache: ArticleCache, *, reader: Reader | None = None, read_top: int = 16,
                 weight: float = 0.3, confidence_weight: float = 0.3, overlap: bool = True):
        self.index, self.cache = index, cache
        self.read_top, self.weight, self.confidence_weight = read_top, weight, confidence_weight
        self.overlap = overlap
        self.rules = RuleRanker(index, cache, embed_top=max(16, read_top))
        self._reader = reader

    @property
    def reader(self) -> Reader:
        # looked up per question unless given: the process may have loaded torch meanwhile
        return self._reader if self._reader is not None else shared_reader()

    def warm(self) -> None:
        """Load the torch engine of the shared reader: about 4x faster per question than numpy,
        for ~2.4 s of import once (a one-off question keeps numpy and never pays it)."""
        if self._reader is None:
            import torch  # noqa: F401 - from now on `shared_reader` picks the torch engine

            shared_reader()

    def rank(self, query: Query, query_vec: np.ndarray, passages: Passages,
             prefer: set[str] | None = None) -> Ranking:
        short = self.rules.shortlist(query, passages)
        if not short.top:
            return Ranking(short.question, [], 0.0)
        if self.read_top >= len(short.top):
            # the reader reads the whole shortlist, so it need not wait for the rules' embeddings:
            # it reads on a worker thread while this one embeds (torch and numpy release the GIL;
            # one question's two forward passes then use both cores)
            top = short.top
            items = [self.read_item(query, c, passages) for c in top]
            pending = _WORKERS.submit(self.reader.score, items) if self.overlap else None
            base = self.rules.finish(short, query_vec, passages)
            results = pending.result() if pending is not None else self.reader.score(items)
        else:
            base = self.rules.finish(short, query_vec, passages)
            top = base.ranked[: self.read_top]
            results = self.reader.score([self.read_item(query, c, passages) for c in top])
        w = self.weight
        read = {_key(c): r for c, r in zip(top, results)}
        ranked = [replace(c, score=w * read[_key(c)].probability + (1 - w) * c.score) if _key(c) in read
                  else replace(c, score=(1 - w) * c.score) for c in base.ranked]
        ranked.sort(key=lambda c: (-(c.score + PREFER_BONUS * bool(prefer and c.article_id in prefer)),
                                   c.hit_rank, c.sentence.start))
        best = ranked[0]
        r = read[_key(best)]
        # the reader was trained on 5 questions asking what someone said among 5,803: its
        # probability for them says nothing ("What did the NTSB chair say?": 0.04 for the one
        # sentence where the chair speaks), so the rules' confidence is the answer's
        cw = 0.0 if asks_what_was_said(query.text) else self.confidence_weight
        confidence = cw * r.probability + (1 - cw) * float(base.confidence or 0.0)
        return Ranking(base.analysis, ranked, confidence, base.vectors, _short(best, r), base.evidence)

    def read_item(self, query: Query, c: Candidate, passages: Passages) -> ReadItem:
        """What the reader reads for candidate `c`: the question, the sentence, its headline and
        the sentence before it (training builds its second-stage inputs with this too)."""
        article = passages.articles[c.article_id]
        sents = self.cache.sentences(article)
        i = next((j for j, s in enumerate(sents) if s.start == c.sentence.start), 0)
        return ReadItem(query.text, c.sentence.text, article.title, context_of(sents, i))


def _key(c: Candidate) -> tuple[str, int]:
    return c.article_id, c.sentence.start


def _short(best: Candidate, r) -> ShortAnswer | None:
    """The reader's span in the best sentence, as offsets into its article; None when empty."""
    if r.end <= r.start:
        return None
    text = best.sentence.text[r.start:r.end]
    start = best.sentence.start + r.start
    return ShortAnswer(text, best.article_id, start, start + len(text), probability=round(r.span_probability, 4))
