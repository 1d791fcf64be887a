"""How sure the assistant is that its best sentence answers the question: a number in [0, 1].

A small logistic model over evidence about the best sentence and its article:
- support: the larger of the question–sentence cosine and the sentence's combined score (see
  `scoring`), so a paraphrase the model scores low but whose words and answer type fit still
  counts; score: the combined score itself; semantic: the cosine alone;
- cover: the IDF-weighted share of the question's terms that its article has anywhere (an
  off-topic question meets an article on one word: "president of France" and a football report);
- name_missing: a name the question gives ("Canada", "Berlin") is nowhere in the article;
- number_missing: the question states a number ("22nd", "1349") its article doesn't have;
- type_missing: a number/date question whose best sentence holds no number/date;
- other_year (a rule after the model, not fitted): the question names a year its article never
  mentions and the sentence names another ("the 1998 final" against a report on 2022's). It fires
  on none of the 360 answerable dev questions and on 6 off-topic ones, too rare for the fit to
  weigh, so it halves the confidence outright.

Fitted (logistic regression, L2, each feature held to the direction it was built for) by
`python -m training.confidence` on the RealTime QA *training* weeks only (`../shared/train`):
every second week's search-result pages become a small index; its questions are asked of it
("answerable" where their pages hold the right choice, "not answered" where they don't: on the
subject, no answer) and of the index of a week half the sample away ("not answered": other
stories). 1,959 rows; the coefficients, their provenance and a two-fold cross-validation by week
are in `weights/confidence.json`; the thresholds and figures in docs/QUALITY.md. Two more warning
signs were tried and removed because this fit gave them no weight (the data would have had them
raise the confidence): a rare question term missing from the sentence and its neighbours, and a
negated question ("not", "never") against a sentence that is not.
Limits: surface evidence only, so SQuAD v2's adversarial unanswerables ("westward" for
"easterly", "22nd" for "32nd" in a paragraph that has both) mostly pass as answerable.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from index.text.words import stems

from assistant.reading.question import Question, name_stems

FEATURES = ("support", "score", "semantic", "cover", "name_missing", "number_missing", "type_missing")
# the direction each feature may push: evidence for an answer raises the confidence, a warning sign
# lowers it; the fit gives a feature the data would push the other way 0 (it is then not used)
SIGNS = {"support": 1, "score": 1, "semantic": 1, "cover": 1, "name_missing": -1, "number_missing": -1,
         "type_missing": -1}
FIT_FILE = Path(__file__).parent / "weights" / "confidence.json"  # written by `python -m training.confidence`


def load_coef(path: Path = FIT_FILE) -> dict[str, float]:
    """The fitted coefficients: a bias and one per feature (a missing one is an error, not a zero)."""
    coef = json.loads(Path(path).read_text(encoding="utf-8"))["coef"]
    missing = [k for k in ("bias", *FEATURES) if k not in coef]
    if missing:
        raise ValueError(f"{path}: coefficients missing for {', '.join(missing)}")
    return {k: float(v) for k, v in coef.items()}


COEF = load_coef()


@dataclass(frozen=True)
class Evidence:
    semantic: float
    score: float
    number_missing: bool
    type_missing: bool
    cover: float = 1.0
    name_missing: bool = False
    other_year: bool = False


def gather(q: Question, sentence: str, article_text: str, idf: dict[str, float],
           type_match: bool, semantic: float, score: float) -> Evidence:
    in_article = frozenset(stems(article_text))
    numbers = [s for t, s in zip(q.terms, q.term_stems) if re.search(r"\d", t)]
    total = sum(idf.get(t, 0.0) for t in q.terms) or 1.0
    names = name_stems(q)
    name_forms = _name_forms(in_article) if names else frozenset()
    found = [s in in_article or (t in q.capitals and _name_in(s, name_forms))
             for t, s in zip(q.terms, q.term_stems)]
    cover = sum(idf.get(t, 0.0) for t, f in zip(q.terms, found) if f) / total
    return Evidence(
        semantic=semantic, score=score,
        number_missing=any(s not in in_article for s in numbers),
        type_missing=q.kind in ("number", "date") and not type_match,
        cover=cover, name_missing=any(not _name_in(s, name_forms) for s in names),
        other_year=_other_year(q.text, sentence, article_text),
    )


def _name_forms(article_stems: frozenset[str]) -> frozenset[str]:
    """The article's words, and the parts of its hyphenated ones ("al-Jawlani" gives "jawlani")."""
    return article_stems | {p for w in article_stems if "-" in w for p in w.split("-") if p}


def _name_in(name: str, forms: frozenset[str]) -> bool:
    """A name the question gives is in the article as itself, as part of a hyphenated word, or
    as the start of a longer word: the adjective of a place ("Israel" in "Israeli", "Iran" in
    "Iranian", "Syria" in "Syrian"). Names shorter than 4 letters must match whole."""
    if name in forms:
        return True
    return len(name) >= 4 and any(f.startswith(name) for f in forms)


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def _other_year(question: str, sentence: str, article_text: str) -> bool:
    asked, said = set(_YEAR.findall(question)), set(_YEAR.findall(sentence))
    return bool(asked and said and not asked & said and not asked & set(_YEAR.findall(article_text)))


def features(e: Evidence) -> dict[str, float]:
    """The model's inputs, named as in `FEATURES` (what the fit in `training.confidence` reads)."""
    return {"support": max(e.semantic, e.score), "score": e.score, "semantic": e.semantic, "cover": e.cover,
            "name_missing": float(e.name_missing), "number_missing": float(e.number_missing),
            "type_missing": float(e.type_missing)}


def confidence(e: Evidence, coef: dict[str, float] | None = None) -> float:
    c = COEF if coef is None else coef
    z = c["bias"] + sum(c[k] * v for k, v in features(e).items())
    p = 1.0 / (1.0 + math.exp(-z))
    return p / 2 if e.other_year else p
