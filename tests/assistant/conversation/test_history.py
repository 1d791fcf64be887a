"""`History` and `Turn`: the one conversation history type. It keeps turns, hands over the recent
ones, converts to and from plain data, and reads exactly like a list of (question, Answer)
pairs wherever a history is read (`followup`, `cited_in`), so Python callers' lists keep working."""

from __future__ import annotations

import copy
import json

import pytest

import assistant
from assistant import Answer, Citation, History, Turn
from assistant.assistant import cited_in
from assistant.conversation.followup import is_followup, retry_query, rewrite
from assistant.conversation.history import HISTORY_TURNS


def cite(aid: str) -> Citation:
    return Citation(1, aid, "Ever Given Refloated", "Harbor Ledger", "", None, "/data/suez.md",
                    "The Ever Given was refloated.", "The Ever Given was refloated.", 0, 29, 0.5)


def answer(q: str, aid: str = "a", **kw) -> Answer:
    return Answer(q, f"answer to {q} [1]", [cite(aid)], **{"query": q, **kw})


def test_exported_from_the_package():
    assert assistant.History is History and assistant.Turn is Turn
    assert {"History", "Turn"} <= set(assistant.__all__)


def test_turn_is_a_named_pair():
    t = Turn("q", answer("q"))
    q, a = t
    assert (q, a) == t and t.question == q == t[0] and t.answer is a is t[1]


def test_append_recent_last_and_reset():
    h = History()
    assert not h and h.last is None and h.recent() == []
    for i in range(HISTORY_TURNS + 2):
        turn = h.append(f"q{i}", answer(f"q{i}"))
    assert turn == h[-1] and len(h) == HISTORY_TURNS + 2 and h.last is turn.answer
    assert [t.question for t in h.recent()] == [f"q{i}" for i in range(2, HISTORY_TURNS + 2)]
    assert [t.question for t in h.recent(1)] == [f"q{HISTORY_TURNS + 1}"] and h.recent(0) == []
    assert isinstance(h[:2], History) and [q for q, _ in h[:2]] == ["q0", "q1"]
    h.reset()
    assert len(h) == 0 and h.last is None


def test_plain_data_round_trip_is_json_and_deep_copyable():
    h = History([("How many vessels?", answer("How many vessels?", conflicts=[]))])
    data = h.to_list()
    assert json.loads(json.dumps(data)) == data and copy.deepcopy(data) == data
    assert data[0][0] == "How many vessels?" and data[0][1]["citations"][0]["article_id"] == "a"
    back = History.from_list(data)
    assert back == h and back[0].answer.citations[0].path == "/data/suez.md"


def test_from_list_takes_bare_answer_dicts_and_refuses_junk():
    d = answer("Which ship?").to_dict()
    h = History.from_list([d, ["asked as typed", d]])
    assert [t.question for t in h] == ["Which ship?", "asked as typed"]
    assert History.from_list(None) == History() == History.from_list([])
    for junk in (["just a string"], [{"text": "no question"}], [[1, 2, 3]]):
        with pytest.raises((ValueError, TypeError, KeyError)):
            History.from_list(junk)


PAIRS = [("Which container ship blocked the Suez Canal?", answer("Which container ship blocked the Suez Canal?",
                                                                 query="Ever Given Suez Canal")),
         ("Who owns it?", answer("Who owns it?", "b"))]


@pytest.mark.parametrize("question", ["Who owns it?", "And the captain?", "How long did the blockage last?",
                                      "What happened to the Ever Given?",
                                      "How many crew members were aboard during the whole blockage?"])
def test_history_reads_like_a_list_of_pairs(question):
    for n in (1, 2):
        pairs, h = PAIRS[:n], History(PAIRS[:n])
        assert is_followup(question, h) == is_followup(question, pairs)
        assert rewrite(question, h) == rewrite(question, pairs)
        assert retry_query(question, h) == retry_query(question, pairs)
        assert cited_in(h) == cited_in(pairs) == cited_in(h.recent())
