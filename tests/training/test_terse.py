"""Terse questions for training (`training.reader.variants.terse`, `short_questions`)."""

from __future__ import annotations

import random

from training.reader.records import Group, Pair
from training.reader.variants import short_questions, terse

Q = "NFL safety Damar Hamlin was hospitalized this week. What team does he play for?"


def test_terse_keeps_the_question_word_and_two_to_four_words_of_the_whole_question_in_order():
    words = Q.replace("?", "").replace(".", "").split()
    for seed in range(30):
        t = terse(Q, random.Random(seed))
        assert t.startswith("What team ") and t.endswith("?")
        kept = t[len("What team "):-1].split()
        assert 2 <= len(kept) <= 4
        assert [words.index(w) for w in kept] == sorted(words.index(w) for w in kept)  # their order
        assert not {"this", "does", "for", "he"} & set(kept)  # stopwords never picked


def test_terse_draws_names_more_often_than_other_words():
    picks = [terse(Q, random.Random(s)) for s in range(300)]
    assert sum("Hamlin" in t for t in picks) > sum("hospitalized" in t for t in picks)


def test_terse_needs_a_question_word_in_the_last_sentence():
    assert terse("Name the team Damar Hamlin plays for.", random.Random(0)) is None


def _group(q: str, qid: str) -> Group:
    pos = Pair(q, "Hamlin plays for the Buffalo Bills.", "Bills safety", "", 1, (20, 34), "pos", qid)
    neg = Pair(q, "The game was suspended.", "Bills safety", "", 0, None, "neg-overlap", qid)
    return Group(qid, "answer", (pos,), (neg,))


def test_short_questions_rewrites_a_seeded_share_of_groups_in_every_pair():
    groups = [_group(Q, f"q{i}") for i in range(200)]
    out, n = short_questions(groups, 0.4, seed=13)
    again, _ = short_questions(groups, 0.4, seed=13)
    assert out == again and 50 < n < 110
    rewritten = [g for g in out if g.positives[0].question != Q]
    assert len(rewritten) == n
    for g in rewritten:
        assert {p.question for p in g.pairs()} == {g.positives[0].question}  # one question per group
        assert g.positives[0].span == (20, 34) and g.positives[0].label == 1  # labels kept
    assert short_questions(groups, 0.0, seed=13) == (groups, 0)


def test_short_questions_leave_an_altered_question_in_the_group_as_it_is():
    g = _group(Q, "q0")
    altered = Pair(Q.replace("Hamlin", "Jones"), g.positives[0].sentence, "Bills safety", "", 0, None, "none-swap", "q0")
    out, n = short_questions([Group("q0", "answer", g.positives, g.hard, (altered,))], 1.0, seed=13)
    assert n == 1
    terse_q = out[0].positives[0].question
    assert terse_q != Q and out[0].hard[0].question == terse_q
    assert out[0].easy == (altered,)  # not turned into the positive's own question labelled "no"
