"""'What does HTS stand for?': the defining sentence of a retrieved article, the long form marked
(hand-made passages; then through `ask` on a small index with the fake embedder)."""

from __future__ import annotations

import json

import pytest

from assistant.reading.longform import NOTE, answer, asked_acronym
from assistant.reading.sentences import split_sentences
from assistant.records import Hit, Passages, Query
from index import Article

HARBOUR = Article("a1", "Ferries Return", "Crews of the Coral Bay Ferry Service returned on Monday. "
                  "The Harbour Workers Union (HWU) ended its strike after talks. The HWU said pay rose.",
                  "Harbor Ledger", "https://example.org/1")
OTHER = Article("a0", "Pay Talks", "The HWU met the council again.", "Meridian Wire", "https://example.org/0")


@pytest.mark.parametrize("text, acronym", [
    ("What does HWU stand for?", "hwu"), ("what is HWU short for", "hwu"), ("What did the NTSB stand for?", "ntsb"),
    ("What does the union stand to gain?", None), ("Who leads the HWU?", None),
])
def test_the_question_forms_that_ask_for_a_long_form(text, acronym):
    assert asked_acronym(text) == acronym


def test_the_defining_sentence_is_quoted_with_the_long_form_marked_at_its_offsets():
    hits = [Hit(0, OTHER.id, 0, len(OTHER.text), OTHER.text, 0.9), Hit(1, HARBOUR.id, 0, 40, HARBOUR.text[:40], 0.5)]
    passages = Passages(hits, {a.id: a for a in (OTHER, HARBOUR)})
    q = Query("What does HWU stand for?", "What does HWU stand for?")
    ans = answer(q, "hwu", passages, lambda a: split_sentences(a.text))  # the first article uses it, never defines it
    assert ans.text == "The Harbour Workers Union (HWU) ended its strike after talks. [1]" and ans.notes == [NOTE]
    s = ans.short_answer
    assert HARBOUR.text[s.start:s.end] == s.text == "Harbour Workers Union" and s.citation == 1
    (c,) = ans.citations
    assert HARBOUR.text[c.start:c.end] == c.quote and ans.short_answer_in_text() is not None
    assert answer(q, "ntsb", passages, lambda a: split_sentences(a.text)) is None  # defined nowhere


def test_ask_answers_from_the_definition_and_reads_as_usual_without_one(tmp_path):
    from assistant import Assistant
    from index import ingest
    from tests.fakes import FakeEmbedder

    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"title": HARBOUR.title, "text": HARBOUR.text, "source": HARBOUR.source,
                                  "url": HARBOUR.url, "published": "2031-03-02"}) + "\n", encoding="utf-8")
    ingest([corpus], tmp_path / "idx", embedder=FakeEmbedder())
    a = Assistant(tmp_path / "idx", embedder=FakeEmbedder())
    try:
        got = a.ask("What does HWU stand for?")
        assert got.short_answer.text == "Harbour Workers Union" and got.confidence == 1.0
        assert NOTE not in a.ask("What does CBFS stand for?").notes  # no definition: the reading path
    finally:
        a.close()
