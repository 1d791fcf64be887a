"""An outlet the question names as its source becomes the outlet filter (`news.outlet_ref`), and
through `ask` on a small index with the fake embedder."""

from __future__ import annotations

import pytest

from assistant.news.outlet_ref import resolve

OUTLETS = ["Harbor Ledger", "Meridian Wire", "Civic Daily Review", "CNN", ""]


@pytest.mark.parametrize("question, outlet, text", [
    ("What did Harbor Ledger say about the ferry strike?", "Harbor Ledger", "What did say about the ferry strike?"),
    ("According to Meridian Wire, how many ferries ran?", "Meridian Wire", "how many ferries ran?"),
    ("How many ferries ran, according to the Civic Daily Review?", "Civic Daily Review", "How many ferries ran?"),
    ("What was in Harbor Ledger's report on the strike?", "Harbor Ledger", "What was in report on the strike?"),
    ("What's the latest from meridian wire?", "Meridian Wire", "What's the latest from?"),
    ("What did CNN report about the fire?", "CNN", "What did report about the fire?"),
    ("Tell me about Harbor Ledger", "Harbor Ledger", "Tell me about"),  # a summary of the outlet alone: abstained
    ("What do you know about the Meridian Wire?", "Meridian Wire", "What do you know about?"),
])
def test_an_outlet_named_as_the_source_is_the_filter_and_leaves_the_searched_text(question, outlet, text):
    ref = resolve(question, OUTLETS)
    assert (ref.outlet, ref.text) == (outlet, text) and ref.phrase.lower() == outlet.lower()
    assert ref.phrase in question and ref.phrase in ref.note


@pytest.mark.parametrize("question", [
    "Which company bought CNN?",  # the subject, not the source
    "Who owns Harbor Ledger?",
    "What did the CNNs of the world say?",
    "Tell me about the CNN anchor's interview",  # a summary of something else
])
def test_an_outlet_named_as_a_subject_or_inside_a_word_is_searched_as_words(question):
    assert resolve(question, OUTLETS) is None


def test_ask_answers_from_the_named_outlets_articles_only(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    rows = [("Harbor Ledger", "Ferry Strike Ends", "The harbour ferry strike ended on Monday after nine days of talks."),
            ("Meridian Wire", "Ferry Strike Over", "The harbour ferry strike ended on Monday after eleven days of talks.")]
    d = fake_index(tmp_path, [{"title": t, "text": x, "source": s, "url": f"https://example.org/{i}",
                               "published": "2031-03-02"} for i, (s, t, x) in enumerate(rows)])
    a = Assistant(d, embedder=FakeEmbedder())
    try:
        got = a.ask("According to Meridian Wire, when did the ferry strike end?")
        assert {c.source for c in got.citations} == {"Meridian Wire"} and "Meridian Wire" not in got.query
        assert any("read as the outlet" in n for n in got.notes)
        given = a.ask("What did Meridian Wire say about the ferry strike?", sources=["Harbor Ledger"])
        assert {c.source for c in given.citations} <= {"Harbor Ledger"}  # the caller's filter wins
        brief = a.ask("What did Harbor Ledger say?")  # nothing else asked: that outlet's newest stories
        assert [c.title for c in brief.citations] == ["Ferry Strike Ends"]
    finally:
        a.close()
