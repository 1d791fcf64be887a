"""Greetings, thanks and goodbyes: told from questions, answered without a search, and passed
over when a later follow-up looks back (fake embedder, small index)."""

from __future__ import annotations

import pytest

from assistant.conversation.smalltalk import (ACK, GOODBYE, GREETING, HELP, HELP_TEXT, NOTE, THANKS, answer,
                                              kind_of, without_greeting)


@pytest.mark.parametrize("text, kind", [
    ("hi", GREETING), ("Hello!", GREETING), ("hey there", GREETING), ("Good morning 👋", GREETING),
    ("thanks", THANKS), ("Thank you so much!", THANKS), ("ok thanks", THANKS), ("thanks for the help", THANKS),
    ("ok", ACK), ("Got it.", ACK), ("great", ACK),
    ("bye", GOODBYE), ("thanks, bye!", GOODBYE), ("See you", GOODBYE),
    ("help", HELP), ("What can you do?", HELP), ("Who are you?", HELP), ("what can I ask you", HELP),
    ("Tell me about yourself", HELP), ("What do you know?", HELP),
    ("How does this work?", HELP), ("Help with the ferry timetable?", None), ("Who are you voting for?", None),
    # questions, however short
    ("Who?", None), ("Hi, who won?", None), ("thanks, and who owns it?", None), ("Hama?", None),
    ("Thank you for what?", None), ("great wall", None), ("Greetings card sales in 2024", None),
])
def test_small_talk_is_told_from_questions(text, kind):
    assert kind_of(text) == kind


@pytest.mark.parametrize("text, rest", [
    ("Hi, who won the final?", "who won the final?"),
    ("Hello there! What happened in Homs?", "What happened in Homs?"),
    ("hey who won?", "who won?"),
    ("Hi", "Hi"),  # nothing after it: the text itself
    ("Hey Jude sales", "Hey Jude sales"),  # no question follows the word
    ("History of the canal", "History of the canal"),
])
def test_a_greeting_opening_a_question_is_dropped(text, rest):
    assert without_greeting(text) == rest


def test_a_greeting_suggests_two_of_the_indexes_questions_and_the_others_say_a_line():
    hello = answer("hi", GREETING, lambda: ["What happened with Coral Bay?", "Who won?", "Third?"])
    assert hello.text == "Hello. Ask me about the indexed articles, for example: “What happened with Coral Bay?” " \
                         "or “Who won?”"
    assert not hello.citations and not hello.abstained and hello.notes == [NOTE]
    assert answer("hi", GREETING).text == "Hello. Ask me about the indexed articles."
    assert answer("thanks", THANKS).text.startswith("You're welcome.")
    assert answer("ok", ACK).text and answer("bye", GOODBYE).text == "Goodbye."
    helped = answer("What can you do?", HELP, lambda: ["Who won?"])
    assert helped.text == HELP_TEXT + " For example: “Who won?”" and not helped.citations


@pytest.fixture
def harbour_index(tmp_path):
    from tests.fakes import FakeEmbedder, fake_index

    rows = [("Ferry Strike Ends", "The harbour ferry service resumed on Monday after a two-week strike by its crews."),
            ("Coral Bay Schools Reopen", "Schools in Coral Bay reopened on Monday after the storm cleanup finished.")]
    return fake_index(tmp_path, [{"title": t, "text": x, "published": f"2031-03-{10 + i}", "source": "Harbor Ledger",
                                  "url": f"https://example.org/{i}"} for i, (t, x) in enumerate(rows)]), FakeEmbedder()


def test_in_a_conversation_thanks_is_answered_and_never_leaned_on(harbour_index):
    from assistant import Assistant

    d, emb = harbour_index
    a = Assistant(d, embedder=emb)
    try:
        chat = a.chat()
        hello = chat.ask("hello")
        assert hello.text.startswith("Hello.") and hello.query == "" and not hello.citations
        first = chat.ask("When did the ferry service resume?")
        assert "ferry service resumed" in first.text
        thanks = chat.ask("thanks!")  # was re-read as the previous question plus "thanks"
        assert thanks.text.startswith("You're welcome.") and not thanks.citations
        # a follow-up after the thanks leans on the question before it, not on "thanks!"
        again = chat.ask("And the schools?")
        assert again.query.lower() == "when did the ferry service resume the schools"
        greeted = a.ask("Hi, when did the schools reopen?")  # the question after the greeting is asked
        assert greeted.query == "when did the schools reopen?" and "Schools in Coral Bay reopened" in greeted.text
    finally:
        a.close()
