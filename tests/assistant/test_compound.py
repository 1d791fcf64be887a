"""A question asking two things, split and its answers joined (`assistant.compound`)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.compound import NOTE, joined, split
from assistant.records import Answer, Citation, Conflict, ConflictValue


@pytest.mark.parametrize("question, parts", [
    ("When did the ship run aground and when was it freed?", ("When did the ship run aground?", "When was it freed?")),
    ("Who won the final, and what was the score?", ("Who won the final?", "What was the score?")),
    ("How many people died in Coral Bay and Port Vale?", None),  # one question about two places
    ("Coral Bay is famous for tourism and what named district?", None),  # no question before "and"
    ("Who won and why?", None),  # too short to be two questions
    ("Which stories mention the ferry?", None),
])
def test_two_questions_joined_by_and_are_told_apart(question, parts):
    assert split(question) == parts


def cite(n: int, aid: str, start: int) -> Citation:
    return Citation(n, aid, "Title", "Harbor Ledger", "", date(2031, 3, 2), "", f"quote {aid}{start}", "passage",
                    start, start + 10, 0.5)


def test_the_answers_are_joined_with_the_seconds_marks_numbered_on_and_shared_sentences_kept_once():
    first = Answer("q1", "It ran aground on 23 March. [1] Crews arrived. [2]", [cite(1, "a", 0), cite(2, "b", 5)],
                   confidence=0.8, query="q1")
    second = Answer("q2", "It was freed on 29 March. [1] Crews arrived. [2]", [cite(1, "c", 0), cite(2, "b", 5)],
                    confidence=0.6, query="q2", notes=["a note"],
                    conflicts=[Conflict("date", (ConflictValue("29 March", (1,)), ConflictValue("30 March", (2,))))])
    got = joined("q1 and q2", [("q1", first), ("q2", second)])
    assert got.text == "It ran aground on 23 March. [1] Crews arrived. [2] It was freed on 29 March. [3] Crews arrived. [2]"
    assert [(c.n, c.article_id) for c in got.citations] == [(1, "a"), (2, "b"), (3, "c")]
    assert [v.citations for v in got.conflicts[0].values] == [(3,), (2,)]
    assert got.confidence == 0.6 and got.notes == [NOTE, "a note"] and not got.abstained


def test_a_part_the_articles_do_not_answer_is_named_and_all_unanswered_is_an_abstention():
    answered = Answer("q1", "It ran aground on 23 March. [1]", [cite(1, "a", 0)], confidence=0.8)
    none = Answer("When was it freed?", "The articles don't say.", [cite(1, "z", 0)], abstained=True, confidence=0.2)
    got = joined("q", [("When did it run aground?", answered), ("When was it freed?", none)])
    assert got.text == "It ran aground on 23 March. [1] On “When was it freed”, the articles don't say."
    assert not got.abstained and [c.article_id for c in got.citations] == ["a"]  # no related reading as support
    both = joined("q", [("When did it run aground?", none), ("When was it freed?", none)])
    assert both.abstained and both.citations == none.citations
