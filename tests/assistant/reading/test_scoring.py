"""Sentence scoring with hand-checkable inputs: BM25-style IDF, IDF-weighted term overlap with the
focus word counting more, answer-type match, and the final ordering from 2-3 dimensional unit
vectors whose cosines can be read off. Orderings and monotonicity are tested, not the weights
(those are tuned)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from assistant.reading.question import analyse
from assistant.reading.scoring import (HEADLINE_FACTOR, NOTE_FACTOR, QUESTION_FACTOR, Candidate, cheap_score, final_scores,
                                      form_factor, idf_weights, lexical_score, prescore)
from assistant.reading.sentences import Sentence
from index.text.words import stems

LONG = "The Ever Given container ship was refloated on Monday after six days."  # 12 words


def cand(text: str = LONG, rank: int = 0, start: int = 0, article: str = "a", **kw) -> Candidate:
    return Candidate(article, Sentence(start, start + len(text), text), rank, 100 + rank, **kw)


# -- idf ----------------------------------------------------------------------------------------------

def test_idf_is_bm25_style_and_rarer_terms_weigh_more():
    idf = idf_weights(["rare", "common", "unseen"], {"rare": 1, "common": 9}, n_docs=10)
    assert idf["rare"] == pytest.approx(math.log(1 + 9.5 / 1.5))
    assert idf["unseen"] == pytest.approx(math.log(1 + 10.5 / 0.5))
    assert idf["unseen"] > idf["rare"] > idf["common"] > 0


def test_idf_of_a_term_in_every_document_is_floored_above_zero():
    idf = idf_weights(["everywhere", "also"], {"everywhere": 1000, "also": 1000}, n_docs=1000)
    assert idf["everywhere"] > 0 and idf["everywhere"] == idf["also"]
    assert idf["everywhere"] < idf_weights(["x"], {"x": 500}, n_docs=1000)["x"]
    assert idf_weights([], {}, 5) == {}


# -- lexical score -------------------------------------------------------------------------------------

def test_lexical_score_is_the_idf_weighted_share_of_question_terms():
    q = analyse("Why did the grid fail in Texas?")  # terms grid, fail, texas; focus: fail
    assert q.terms == ("grid", "fail", "texas") and q.focus == "fail"
    idf = {"grid": 1.0, "fail": 1.0, "texas": 3.0}
    sent = lambda text: frozenset(stems(text))  # noqa: E731
    assert lexical_score(q, sent("Texas lost power."), {**idf, "fail": 1.0}) == pytest.approx(
        3.0 / (1.0 + 1.0 * _boost(q, "fail") + 3.0))
    assert lexical_score(q, sent("The grid failed in Texas."), idf) == pytest.approx(1.0)
    assert lexical_score(q, sent("Nothing in common here."), idf) == 0.0
    # stems match across forms: "failed"/"fail", "grids"/"grid"
    assert lexical_score(q, sent("Grids failing."), idf) == lexical_score(q, sent("grid fail"), idf)


def _boost(q, term: str) -> float:
    """The focus boost, read from two scores rather than from the constant (which may be tuned)."""
    from assistant.reading.scoring import FOCUS_BOOST

    return FOCUS_BOOST if term == q.focus else 1.0


def test_the_focus_word_counts_more_than_another_term_of_equal_idf():
    q = analyse("What was the magnitude of the first earthquake?")
    assert q.focus == "magnitude"
    idf = {t: 1.0 for t in q.terms}
    with_focus = lexical_score(q, frozenset(stems("The magnitude was 7.8.")), idf)
    with_other = lexical_score(q, frozenset(stems("The earthquake was strong.")), idf)
    assert with_focus > with_other > 0
    # a question without a focus weighs its terms by idf alone
    q2 = replace(q, focus="")
    assert lexical_score(q2, frozenset(stems("The magnitude was 7.8.")), idf) == pytest.approx(1 / 3)


def test_lexical_score_of_a_question_without_terms_is_zero():
    q = analyse("What did they say about it?")
    assert q.terms == () and lexical_score(q, frozenset({"x"}), {}) == 0.0


def test_prescore_fills_stems_lexical_and_type():
    q = analyse("How many ships were waiting at the canal?")
    idf = {t: 1.0 for t in q.terms}
    a, b = prescore(q, [cand("More than 400 ships were waiting at the canal entrance."),
                        cand("Ships were waiting at the canal entrance for days.", rank=1)], idf)
    assert a.type_match and not b.type_match
    assert a.stems == frozenset(stems(a.sentence.text))
    assert a.lexical == pytest.approx(1.0) and b.lexical == pytest.approx(1.0)


# -- final scores with 2-D unit vectors -------------------------------------------------------------------

def unit(deg: float) -> np.ndarray:
    r = math.radians(deg)
    return np.array([math.cos(r), math.sin(r)], dtype=np.float32)


def test_hand_checkable_cosines_order_otherwise_equal_candidates():
    q = unit(0)
    vecs = np.stack([unit(60), unit(0), unit(90)])  # cosines 0.5, 1.0, 0.0
    assert vecs @ q == pytest.approx([0.5, 1.0, 0.0], abs=1e-6)
    cands = [cand(start=0), cand(start=100), cand(start=200)]
    out = final_scores(cands, vecs @ q)
    assert [c.sentence.start for c in out] == [100, 0, 200]
    assert [c.semantic for c in out] == pytest.approx([1.0, 0.5, 0.0], abs=1e-6)
    assert out[0].score > out[1].score > out[2].score > 0


def test_negative_cosine_counts_as_zero():
    out = final_scores([cand(start=0), cand(start=100)], np.array([-0.8, 0.0]))
    assert out[0].semantic == 0.0 and out[1].semantic == 0.0
    assert out[0].score == pytest.approx(out[1].score)
    assert [c.sentence.start for c in out] == [0, 100]  # a tie keeps text order


@pytest.mark.parametrize("better,worse", [
    ({"lexical": 0.9}, {"lexical": 0.2}),
    ({"type_match": True}, {"type_match": False}),
    ({"rank": 0}, {"rank": 5}),
])
def test_each_signal_raises_the_score_when_the_others_are_equal(better, worse):
    b, w = cand(start=0, **better), cand(start=100, **worse)
    sem = np.array([0.4, 0.4])
    out = final_scores([w, b], sem)
    assert out[0].sentence.start == 0 and out[0].score > out[1].score


def test_a_much_closer_sentence_wins_over_a_little_more_overlap():
    near = cand(start=0, lexical=0.5)
    far = cand(start=100, lexical=0.6)
    out = final_scores([far, near], np.array([0.1, 0.9]))
    assert out[0].sentence.start == 0


def test_fragments_and_walls_of_text_score_below_a_normal_sentence():
    normal = cand(LONG, start=0)
    fragment = cand("Read more here.", start=100)
    wall = cand(" ".join(["word"] * 80) + ".", start=300)
    out = final_scores([fragment, wall, normal], np.array([0.5, 0.5, 0.5]))
    assert out[0].sentence.start == 0
    assert out[1].score < out[0].score and out[2].score < out[0].score


def test_final_scores_returns_every_candidate_best_first():
    cands = [cand(start=i * 10, lexical=l) for i, l in enumerate([0.1, 0.7, 0.4, 0.7])]
    out = final_scores(cands, np.array([0.3, 0.3, 0.3, 0.3]))
    assert len(out) == 4
    assert [c.sentence.start for c in out] == [10, 30, 20, 0]  # equal scores: text order
    assert [c.score for c in out] == sorted((c.score for c in out), reverse=True)


# -- cheap score ----------------------------------------------------------------------------------------

def test_cheap_score_orders_by_overlap_then_type_then_rank():
    assert cheap_score(cand(lexical=0.8)) > cheap_score(cand(lexical=0.4))
    assert cheap_score(cand(lexical=0.4, type_match=True)) > cheap_score(cand(lexical=0.4))
    assert cheap_score(cand(lexical=0.4, rank=0)) > cheap_score(cand(lexical=0.4, rank=3))
    # term overlap matters more than the chunk's rank
    assert cheap_score(cand(lexical=0.9, rank=7)) > cheap_score(cand(lexical=0.3, rank=0))
    assert cheap_score(cand(lexical=0.0, rank=50)) > 0


@pytest.mark.parametrize("text, factor", [
    ("The toll rose to 21,000 on Friday.", 1.0),
    ("Who won the final?", QUESTION_FACTOR),
    ("Toll Rises in Quake Zone", HEADLINE_FACTOR),
    ("(Reporting by Ana Ruiz; Editing by Tom Lee)", NOTE_FACTOR),  # an editorial note, not the report
    ("(Sample article written for a demo; not a real news report.)", NOTE_FACTOR),
    ("(The figure was revised.) Officials said 21,000 had died (about 3 %).", 1.0),  # brackets, but not one note
])
def test_questions_headlines_and_bracketed_notes_rank_lower_than_reported_sentences(text, factor):
    assert form_factor(text) == factor
