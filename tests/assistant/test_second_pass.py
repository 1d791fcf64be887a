"""The second passes of `Assistant.ask` with a stand-in `ask` and index: each asks once more and
keeps the second answer only where it answers."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.records import Answer, Hit, Passages
from assistant.second_pass import NOTE_ON_ITS_OWN, names_a_new_subject, on_its_own, respelt

TEXTS = {"artemis": "NASA launched Artemis I. The Artemis rocket flew.", "given": "The Ever Given was freed."}


class Index:
    def lexical_search(self, text, k):
        return [SimpleNamespace(chunk=SimpleNamespace(text=t)) for w, t in TEXTS.items() if w == text][:k]


def asked(answers: dict[str, Answer]):
    calls = []

    def ask(question, history=None, **filters):
        calls.append((question, history, filters))
        return answers.get(question, Answer(question, "n/a", abstained=True))
    return ask, calls


def test_a_respelt_question_is_kept_only_where_it_answers_and_says_what_was_read():
    passages = Passages([Hit(0, "a", 0, 26, "The Ever Given was freed.", 1.0)], {})
    ask, calls = asked({"Was the Ever Given freed?": Answer("Was the Ever Given freed?", "It was freed.")})
    got = respelt(ask, Index(), "Was the Ever Givn freed?", passages, None, {"k": 3})
    assert got.text == "It was freed." and got.question == "Was the Ever Givn freed?"
    assert got.notes == ["Read “Givn” as “Given”."] and calls == [("Was the Ever Given freed?", None, {"k": 3})]
    ask, _ = asked({})
    assert respelt(ask, Index(), "Was the Ever Givn freed?", passages, None, {}) is None  # abstained again
    assert respelt(ask, Index(), "Was the Ever Given freed?", passages, None, {}) is None  # nothing to respell
    named = Passages([Hit(0, "a", 0, 40, "The Ever Given Freight Service sailed.", 1.0)], {})
    ask, calls = asked({})
    assert respelt(ask, Index(), "What does EGFS stand for?", named, None, {}) is None and not calls  # initials define nothing


def test_a_new_subject_is_a_word_no_turn_used_that_the_articles_write_as_a_name():
    history = [("What happened to the Ever Given?", Answer("q", "The Ever Given was freed."))]
    assert names_a_new_subject(Index(), "When was the artemis launch?", history)
    assert not names_a_new_subject(Index(), "When was the given launch?", history)  # "given": said before
    assert not names_a_new_subject(Index(), "who paid for the rescue?", history)  # no name in the articles
    assert names_a_new_subject(Index(), "earthquake", history)  # a topic typed alone


def test_asked_on_its_own_is_kept_only_where_it_answers():
    first = Answer("artemis launch date", "n/a", abstained=True)
    ask, calls = asked({"artemis launch date": Answer("artemis launch date", "16 November 2022.")})
    got = on_its_own(ask, "artemis launch date", first, {})
    assert got.text == "16 November 2022." and NOTE_ON_ITS_OWN in got.notes and calls[0][1] is None
    ask, _ = asked({})
    assert on_its_own(ask, "artemis launch date", first, {}) is first
