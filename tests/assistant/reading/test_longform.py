"""'What does HTS stand for?': the defining sentence of a retrieved article, the long form marked
(hand-made passages; then through `ask` on a small index with the fake embedder)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.reading.longform import (NOTE, NOTE_UNDEFINED, answer, articles_to_search, asked_about_acronym,
                                        asked_acronym)
from assistant.reading.sentences import split_sentences
from assistant.records import Filters, Hit, Passages, Query
from index import Article

HARBOUR = Article("a1", "Ferries Return", "Crews of the Coral Bay Ferry Service returned on Monday. "
                  "The Harbour Workers Union (HWU) ended its strike after talks. The HWU said pay rose.",
                  "Harbor Ledger", "https://example.org/1")
OTHER = Article("a0", "Pay Talks", "The HWU met the council again.", "Meridian Wire", "https://example.org/0")


@pytest.mark.parametrize("text, acronym", [
    ("What does HWU stand for?", "hwu"), ("what is HWU short for", "hwu"), ("What did the NTSB stand for?", "ntsb"),
    ("What's HWU short for?", "hwu"), ("Tell me what HWU stands for", "hwu"),
    ("What does the union stand to gain?", None), ("Who leads the HWU?", None),
])
def test_the_question_forms_that_ask_for_a_long_form(text, acronym):
    assert asked_acronym(text) == acronym


@pytest.mark.parametrize("text, acronym", [
    ("What is ERCOT?", "ercot"), ("Who is the SOHR?", "sohr"), ("what's HWU", "hwu"),
    ("What is the HWU's budget?", None), ("What is Homs?", None), ("What is ERCOT doing?", None),
])
def test_an_acronym_asked_about_alone(text, acronym):
    assert asked_about_acronym(text) == acronym


def test_the_defining_sentence_is_quoted_with_the_long_form_marked_at_its_offsets():
    q = Query("What does HWU stand for?", "What does HWU stand for?")
    ans = answer(q, "hwu", [OTHER, HARBOUR], lambda a: split_sentences(a.text))  # the first uses it, never defines it
    assert ans.text == "The Harbour Workers Union (HWU) ended its strike after talks. [1]" and ans.notes == [NOTE]
    s = ans.short_answer
    assert HARBOUR.text[s.start:s.end] == s.text == "Harbour Workers Union" and s.citation == 1
    (c,) = ans.citations
    assert HARBOUR.text[c.start:c.end] == c.quote and ans.short_answer_in_text() is not None
    assert answer(q, "ntsb", [OTHER, HARBOUR], lambda a: split_sentences(a.text)) is None  # defined nowhere


class _Index:
    """What `articles_to_search` asks of an index: BM25 hits and articles by id."""

    def __init__(self, *articles):
        self.by_id = {a.id: a for a in articles}
        self.asked = []

    def lexical_search(self, text, k, *, sources=None, since=None, until=None):
        self.asked.append((text, k, sources))
        return [SimpleNamespace(chunk=SimpleNamespace(article_id=i)) for i in self.by_id][:k]

    def articles(self, ids=None):
        return [self.by_id[i] for i in ids]


def test_articles_searched_are_the_retrieved_ones_then_those_bm25_finds_the_acronym_in():
    later = Article("a2", "Union Votes", "The HWU votes today.", "Harbor Ledger", "https://example.org/2")
    index = _Index(HARBOUR, OTHER, later)
    passages = Passages([Hit(0, OTHER.id, 0, 10, OTHER.text[:10], 0.9)], {OTHER.id: OTHER})
    got = articles_to_search(index, passages, "hwu", Filters(sources=("Harbor Ledger",)))
    assert [a.id for a in got] == ["a0", "a1", "a2"] and index.asked == [("hwu", 50, ("Harbor Ledger",))]


def test_ask_answers_from_the_definition_and_reads_as_usual_without_one(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    d = fake_index(tmp_path, [{"title": HARBOUR.title, "text": HARBOUR.text, "source": HARBOUR.source,
                               "url": HARBOUR.url, "published": "2031-03-02"}])
    a = Assistant(d, embedder=FakeEmbedder())
    try:
        got = a.ask("What does HWU stand for?")
        assert got.short_answer.text == "Harbour Workers Union" and got.confidence == 1.0
        undefined = a.ask("What does CBFS stand for?")  # used nowhere in brackets: sentences using it would guess
        assert undefined.abstained and NOTE_UNDEFINED.format(acronym="CBFS") in undefined.notes
        what = a.ask("What is HWU?")  # an acronym alone: its definition
        assert what.short_answer.text == "Harbour Workers Union" and what.notes[-1] == NOTE
        assert NOTE not in a.ask("What is CBFS?").notes  # no definition: read as any question
    finally:
        a.close()
