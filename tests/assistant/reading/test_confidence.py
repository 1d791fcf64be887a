"""The abstention model: the evidence gathered about the best sentence, and a confidence in [0, 1]
that rises with support and falls with a missing name, a missing number or a missing answer type
(with every feature at work; the shipped fit, made on the training weeks, may leave some at 0,
and never lets one push the wrong way). Directions only; the fitted values are not asserted."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.reading.confidence import FEATURES, SIGNS, Evidence, confidence, gather, load_coef
from assistant.reading.question import analyse

BASE = Evidence(semantic=0.5, score=0.4, number_missing=False, type_missing=False)


def test_confidence_is_a_probability():
    for e in (BASE, replace(BASE, semantic=0.0, score=0.0, number_missing=True, type_missing=True,
                            name_missing=True, cover=0.0), replace(BASE, semantic=1.0, score=1.0)):
        assert 0.0 < confidence(e) < 1.0


def test_confidence_rises_with_support():
    values = [confidence(replace(BASE, semantic=s)) for s in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)]
    assert values == sorted(values) and len(set(values)) == len(values)
    # a sentence the model scores low but whose words and answer type fit still counts
    both = [confidence(replace(BASE, semantic=0.1, score=s)) for s in (0.2, 0.4, 0.6, 0.8)]
    assert both == sorted(both) and len(set(both)) == len(both)


def test_strong_support_and_weak_support_fall_on_either_side_of_the_default_threshold():
    from assistant.reading.compose import AnswerSettings

    t = AnswerSettings(ranker="rules").threshold
    assert confidence(replace(BASE, semantic=0.9, score=0.7)) > t
    assert confidence(replace(BASE, semantic=0.05, score=0.05, name_missing=True)) < t


WARNINGS = [{"number_missing": True}, {"type_missing": True}, {"name_missing": True}, {"other_year": True},
            {"cover": 0.5}]
# every feature at work, each the way it was built to push (the shipped fit may leave some at 0)
ALL_AT_WORK = {"bias": -3.0, **{k: 2.0 * SIGNS[k] for k in FEATURES}}


@pytest.mark.parametrize("change", WARNINGS)
def test_each_warning_sign_lowers_the_confidence(change):
    assert confidence(replace(BASE, **change), ALL_AT_WORK) < confidence(BASE, ALL_AT_WORK)


@pytest.mark.parametrize("change", WARNINGS)
def test_no_warning_sign_raises_the_shipped_confidence(change):
    assert confidence(replace(BASE, **change)) <= confidence(BASE)


def test_the_shipped_coefficients_push_the_way_each_feature_was_built_for():
    coef = load_coef()
    assert all(coef[k] * SIGNS[k] >= 0 for k in FEATURES)
    assert coef["support"] + coef["score"] + coef["semantic"] > 0 and coef["cover"] > 0  # support counts


# -- gather -----------------------------------------------------------------------------------------

Q = "How many ships were queued at the Suez canal?"
IDF = {"ships": 1.0, "queued": 2.0, "suez": 4.0, "canal": 1.5}


def ev(question=Q, sentence="422 ships were queued at the Suez canal.", article=None, idf=IDF, type_match=True):
    article = sentence if article is None else article
    return gather(analyse(question), sentence, article, idf, type_match, 0.6, 0.5)


def test_nothing_missing_when_the_article_has_every_term():
    e = ev()
    assert not e.number_missing and not e.type_missing and not e.name_missing and e.cover == pytest.approx(1.0)
    assert (e.semantic, e.score) == (0.6, 0.5)


def test_number_missing_from_the_article():
    q = "How many ships were queued at the Suez canal in 2021?"
    idf = {**IDF, "2021": 3.0}
    assert ev(q, idf=idf, article="In 2021, 422 ships were queued at the Suez canal.").number_missing is False
    assert ev(q, idf=idf, article="In 2019, 422 ships were queued at the Suez canal.").number_missing is True


def test_type_missing_only_for_number_and_date_questions():
    assert ev(type_match=False).type_missing
    assert ev("When were ships queued at the Suez canal?", type_match=False).type_missing
    assert not ev("Who queued ships at the Suez canal?", type_match=False).type_missing


def test_unanswerable_looking_evidence_scores_below_answerable_evidence():
    good = ev()
    s = "422 ships were queued at the Suez canal."
    idf = {"insurers": 5.0, "pay": 2.0, "suez": 4.0, "canal": 1.5, "grounding": 3.0, "2021": 3.0}
    bad = gather(analyse("How much did insurers pay out for the Suez canal grounding in 2021?"), s, s, idf, False, 0.6, 0.5)
    assert bad.cover < 0.5 and bad.number_missing and bad.type_missing
    assert confidence(bad) < confidence(good)


def test_an_article_covering_less_of_the_question_lowers_the_confidence():
    values = [confidence(replace(BASE, cover=c)) for c in (1.0, 0.7, 0.4, 0.1)]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)


def test_cover_and_names_come_from_the_whole_article():
    q = analyse("Who is the president of France?")
    idf = {"president": 1.7, "france": 2.6}
    football = "France, the defending champions, looked beaten until the 80th minute."
    e = gather(q, football, football, idf, True, 0.3, 0.5)
    assert e.cover == pytest.approx(2.6 / 4.3) and not e.name_missing
    q = analyse("Who is the prime minister of Canada?")
    tonga = "Prime Minister Siaosi Sovaleni described the eruption as a disaster for Tonga."
    e = gather(q, tonga, tonga, {"prime": 2.6, "minister": 2.6, "canada": 2.6}, True, 0.2, 0.5)
    assert e.name_missing and e.cover == pytest.approx(2 / 3)


def test_a_sentence_about_another_year_than_the_one_asked_halves_the_confidence():
    q = analyse("Who won the 1998 World Cup final?")
    s = "Argentina won the 2022 World Cup on 18 December 2022."
    e = gather(q, s, s, {"won": 3.0, "1998": 4.0, "world": 2.0, "cup": 2.0, "final": 2.0}, True, 0.5, 0.6)
    assert e.other_year
    assert confidence(e) == pytest.approx(confidence(replace(e, other_year=False)) / 2)
    # the asked year anywhere in the article, or no year in the sentence: no conflict
    assert not gather(q, s, s + " France won in 1998.", {}, True, 0.5, 0.6).other_year
    assert not gather(q, "Argentina won the final.", "Argentina won the final.", {}, True, 0.5, 0.6).other_year


def test_a_name_counts_as_present_in_its_adjective_or_a_hyphenated_word():
    q = analyse("What did Israel say its strikes targeted?")
    s = "The Israeli military stated the strikes targeted weapons depots."
    e = gather(q, s, s, {"israel": 3.0, "strikes": 2.0, "targeted": 2.0}, True, 0.6, 0.6)
    assert not e.name_missing and e.cover == pytest.approx(1.0)
    q = analyse("What did Jawlani tell Homs residents?")
    s = 'Abu Mohammed al-Jawlani declared to Homs residents, "your time has come."'
    assert not gather(q, s, s, {"jawlani": 4.0, "homs": 3.0, "residents": 1.0}, True, 0.6, 0.6).name_missing
    # but a short name must match whole, and another name is still missing
    q = analyse("What did Iraq say about Laos?")
    s = "Iraqi officials spoke about the Iranian drones."
    assert gather(q, s, s, {"iraq": 3.0, "laos": 3.0}, True, 0.6, 0.6).name_missing
