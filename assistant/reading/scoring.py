"""Score candidate sentences against a question.

A sentence's score mixes four signals, each in [0, 1]:
- semantic: cosine between the question and the sentence, with the same model as the index;
- lexical: the share of the question's content terms (weighted by corpus IDF) the sentence has;
- answer type: the sentence holds what the question asks for (a number for "how many", a date
  for "when", a name for "who"/"where") and not just the question's own words;
- retrieval: how highly its chunk ranked, so context from the best passages wins ties.
Only the best `embed_top` sentences by the cheap signals are embedded, which bounds the
model's work per question whatever the corpus size.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from index.text.words import stems, words

from assistant.reading.acronyms import expanded
from assistant.reading.question import Question, has_answer_type
from assistant.reading.sentences import Sentence

WEIGHTS = {"semantic": 0.50, "lexical": 0.32, "type": 0.10, "retrieval": 0.08}


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved chunk, with its signals and final score."""

    article_id: str
    sentence: Sentence
    hit_rank: int  # rank of the chunk it came from (0 = best)
    chunk_id: int
    lexical: float = 0.0
    semantic: float = 0.0
    type_match: bool = False
    score: float = 0.0
    stems: frozenset[str] = frozenset()


def idf_weights(terms: Sequence[str], doc_freq: dict[str, int], n_docs: int) -> dict[str, float]:
    """BM25-style IDF, floored at a small positive value so every term still counts a little."""
    out = {}
    for t in terms:
        df = doc_freq.get(t, 0)
        out[t] = max(0.05, math.log(1 + (n_docs - df + 0.5) / (df + 0.5)))
    return out


FOCUS_BOOST = 2.0  # the word a question is about counts double: it is where its answer sits


def has_stem(term_stem: str, sent_stems: frozenset[str]) -> bool:
    """The term, or the noun of who does it: "leads" meets "leader", "owns" "owner", "rules" "ruler"."""
    return term_stem in sent_stems or (len(term_stem) >= 3 and (
        term_stem + "er" in sent_stems or term_stem + "r" in sent_stems))


def lexical_score(q: Question, sent_stems: frozenset[str], idf: dict[str, float]) -> float:
    weights = [idf.get(t, 1.0) * (FOCUS_BOOST if t == q.focus else 1.0) for t in q.terms]
    total = sum(weights)
    if total <= 0:
        return 0.0
    return sum(w for w, s in zip(weights, q.term_stems) if has_stem(s, sent_stems)) / total


def prescore(q: Question, cands: list[Candidate], idf: dict[str, float],
             acronyms: dict[str, dict[str, frozenset[str]]] | None = None) -> list[Candidate]:
    """`acronyms`: article id -> the acronyms it defines (`acronyms.stem_definitions`), so a
    sentence using one matches the question's words for the full name, and vice versa."""
    out = []
    for c in cands:
        st = frozenset(stems(c.sentence.text))
        if acronyms and acronyms.get(c.article_id):
            st = expanded(st, acronyms[c.article_id])
        lex = lexical_score(q, st, idf)
        typ = has_answer_type(q.kind, c.sentence.text, q)
        out.append(replace(c, stems=st, lexical=lex, type_match=typ))
    return out


def _retrieval_prior(rank: int) -> float:
    return 1.0 / (1.0 + 0.5 * rank)


def final_scores(cands: list[Candidate], sem: np.ndarray) -> list[Candidate]:
    w = WEIGHTS
    out = []
    for c, s in zip(cands, sem):
        s = float(max(0.0, s))
        n_words = len(words(c.sentence.text))
        # very short fragments ("Read more.") and run-on walls of text make poor answers
        shape = (1.0 if 6 <= n_words <= 60 else 0.85) * form_factor(c.sentence.text)
        score = shape * (w["semantic"] * s + w["lexical"] * c.lexical
                         + w["type"] * (1.0 if c.type_match else 0.0) + w["retrieval"] * _retrieval_prior(c.hit_rank))
        out.append(replace(c, semantic=s, score=score))
    return sorted(out, key=lambda c: (-c.score, c.hit_rank, c.sentence.start))


_CLOSERS = " \"'”’)]»"


def form_factor(text: str) -> float:
    """A question states nothing: quiz pages and explainers quote questions word for word, and
    such a sentence matches the question best while answering nothing. A line without closing
    punctuation is a headline, caption or list item, a weaker answer than a reported sentence.
    A sentence wholly in brackets is an editorial note ("(Reporting by ...; Editing by ...)",
    "(This story has been corrected ...)"), not the story's own report."""
    end = text.rstrip(_CLOSERS)[-1:]
    if end == "?":
        return QUESTION_FACTOR
    t = text.strip()
    if t[:1] in "([" and t[-1:] in ")]" and not re.search(r"[)\]].*[(\[]", t[1:-1]):
        return NOTE_FACTOR
    return 1.0 if end in (".", "!", ":", ";") or not end else HEADLINE_FACTOR


QUESTION_FACTOR = 0.6
NOTE_FACTOR = 0.6
HEADLINE_FACTOR = 0.9


def cheap_score(c: Candidate) -> float:
    return 0.7 * c.lexical + 0.2 * (1.0 if c.type_match else 0.0) + 0.1 * _retrieval_prior(c.hit_rank)
