"""OpenAI-style messages to a question and a History, and an Answer to a reply's text and back."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import Answer
from tests.ui.fake_assistant import ARTICLES, FakeAssistant, citation
from ui.api.chat_format import ChatFormatError, answer_from_reply, reply_text, split_messages


def test_reply_text_lists_the_sources():
    answer = FakeAssistant().ask("How many vessels?")
    text = reply_text(answer)
    assert text.startswith(answer.text + "\n\nSources:\n")
    assert "[1] Ever Given Refloated — Harbor Ledger, 2021-03-29. https://example.org/ever-given" in text
    assert "[2] Ships Resume Suez Transits — Meridian Wire, 2021-03-30" in text  # no url, no trailing dot


def test_abstentions_list_related_reading():
    text = reply_text(FakeAssistant().ask("unanswerable thing"))
    assert "Related reading (these do not answer the question):\n[1]" in text and "Sources:" not in text


def test_a_reply_becomes_an_answer_follow_ups_can_read():
    answer = FakeAssistant().ask("How many vessels?")
    back = answer_from_reply("How many vessels?", reply_text(answer))
    assert back.text == answer.text and not back.abstained and back.query == "How many vessels?"
    assert [(c.n, c.title, c.source, c.published) for c in back.citations] == [
        (1, "Ever Given Refloated", "Harbor Ledger", date(2021, 3, 29)),
        (2, "Ships Resume Suez Transits", "Meridian Wire", date(2021, 3, 30))]
    assert back.citations[0].quote == ARTICLES[0][6] and back.citations[0].url == "https://example.org/ever-given"
    assert answer_from_reply("q", reply_text(FakeAssistant().ask("unanswerable"))).abstained


def test_any_assistant_text_still_makes_a_turn():
    back = answer_from_reply("Who leads it?", "Ahmed al-Sharaa leads the group.")
    assert back.citations[0].quote == "Ahmed al-Sharaa leads the group." and not back.abstained


def test_messages_to_question_and_history():
    msgs = [{"role": "system", "content": "Be helpful."},
            {"role": "user", "content": "Which ship blocked the canal?"},
            {"role": "assistant", "content": reply_text(Answer("q", "The Ever Given did. [1]",
                                                               [citation(1, ARTICLES[0])]))},
            {"role": "user", "content": [{"type": "text", "text": "Who owns it?"}, {"type": "image_url"}]}]
    question, history = split_messages(msgs)
    assert question == "Who owns it?" and len(history) == 1
    assert history[0].question == "Which ship blocked the canal?"
    assert history[0].answer.citations[0].quote == "The Ever Given did."


@pytest.mark.parametrize("msgs", [[], [{"role": "system", "content": "x"}],
                                  [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
                                  [{"role": "user", "content": "   "}]])
def test_no_question_is_an_error(msgs):
    with pytest.raises(ChatFormatError, match="last message must be a user message"):
        split_messages(msgs)
