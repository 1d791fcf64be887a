"""How sure the assistant is that its best sentence answers the question: a number in [0, 1].

A small logistic model over evidence about the best sentence and its neighbours:
- support: the larger of the question–sentence cosine and the sentence's combined score (see
  `scoring`), so a paraphrase the model scores low but whose words and answer type fit still
  counts (the strongest single signal);
- score: the combined score itself;
- missing: the IDF of the rarest question term found neither in the sentence nor its
  neighbours, relative to the question's rarest term (an unanswerable question often names
  something the passage never mentions);
- number_missing: the question states a number ("22nd", "1349") its article doesn't have;
- negation_mismatch: the question is negated ("not", "never") and the sentence is not;
- type_missing: a number/date question whose best sentence holds no number/date.
Coefficients were fitted on the SQuAD v2 dev half in ../shared/eval (250 questions, 127
unanswerable; 5-fold cross-validation gave the same operating points) and rounded; see
docs/QUALITY.md. Limits: surface evidence only — questions that are unanswerable because of a
subtle change of relation ("westward" for "easterly") mostly pass as answerable.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .question import Question, stems, words

NEGATIONS = frozenset({"not", "never", "no", "n't", "without", "neither", "nor"})
COEF = {"bias": -1.435, "score": -0.72, "support": 3.57, "missing": -0.685, "number_missing": -1.13,
        "negation_mismatch": -1.79, "type_missing": -0.5}


@dataclass(frozen=True)
class Evidence:
    semantic: float
    score: float
    missing: float
    number_missing: bool
    negation_mismatch: bool
    type_missing: bool


def gather(q: Question, sentence: str, window: str, article_text: str, idf: dict[str, float],
           type_match: bool, semantic: float, score: float) -> Evidence:
    present = frozenset(stems(window))
    in_article = frozenset(stems(article_text))
    top = max(idf.values(), default=0.0) or 1.0
    missing = [idf.get(t, 0.0) for t, s in zip(q.terms, q.term_stems) if s not in present]
    numbers = [s for t, s in zip(q.terms, q.term_stems) if re.search(r"\d", t)]
    negated = bool(NEGATIONS & set(words(q.text)))
    return Evidence(
        semantic=semantic, score=score, missing=(max(missing) / top) if missing else 0.0,
        number_missing=any(s not in in_article for s in numbers),
        negation_mismatch=negated and not (NEGATIONS & set(words(sentence))),
        type_missing=q.kind in ("number", "date") and not type_match,
    )


def confidence(e: Evidence) -> float:
    z = (COEF["bias"] + COEF["score"] * e.score + COEF["support"] * max(e.semantic, e.score)
         + COEF["missing"] * e.missing
         + COEF["number_missing"] * e.number_missing + COEF["negation_mismatch"] * e.negation_mismatch
         + COEF["type_missing"] * e.type_missing)
    return 1.0 / (1.0 + math.exp(-z))
