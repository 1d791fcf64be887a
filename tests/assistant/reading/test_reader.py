"""The trained ranker's plumbing, with a hand-checkable stand-in reader (tests/fakes.FakeReader)
on a tiny fake-embedder index: the rules' best sentences are read with their headline and
neighbours, the reader's probability (alone, or blended with the rules' score) orders them and
makes the confidence, the short answer maps back to exact article offsets, and the number of
sentences read is bounded."""

from __future__ import annotations

import re
import threading
from dataclasses import replace

import pytest

from assistant import AnswerSettings, Assistant
from assistant.reading.reader import ReaderRanker, context_of
from assistant.reading.sentences import split_sentences
from assistant.records import Query
from tests.answer_samples import index_reports
from tests.fakes import FakeEmbedder, FakeReader


@pytest.fixture
def reading(tmp_path):
    idx_dir, _ = index_reports(tmp_path)
    a = Assistant(idx_dir, embedder=FakeEmbedder(), answer=AnswerSettings(ranker="reader", min_confidence=0.5))
    reader = FakeReader()
    a.ranker = ReaderRanker(a.index, a.cache, reader=reader, weight=1.0, confidence_weight=1.0)
    yield a, reader
    a.close()


def test_the_sentence_the_reader_likes_best_answers_and_its_probability_is_the_confidence(reading):
    a, reader = reading
    ans = a.ask("How many ships were waiting to pass through the canal?")
    assert not ans.abstained
    assert ans.text.startswith("More than 400 ships were waiting to pass through the canal.")
    assert ans.confidence == pytest.approx(6 / 7)  # six of its seven longer words: all but "many"
    read = [it for batch in reader.batches for it in batch]
    lead = next(it for it in read if it.sentence.startswith("More than 400"))
    assert lead.headline == "Ever Given Refloated in Suez Canal"
    assert lead.context == "Tugboats and dredgers freed the vessel at high tide."  # the sentence before it


def test_the_short_answer_is_exact_article_offsets_cited_by_its_sentence(reading):
    a, _ = reading
    ans = a.ask("How many ships were waiting to pass through the canal?")
    s = ans.short_answer
    assert s.text == "400"
    article = a.index.article(s.article_id)
    assert article.text[s.start:s.end] == "400"
    cited = next(c for c in ans.citations if c.n == s.citation)
    assert cited.article_id == s.article_id and cited.start <= s.start < s.end <= cited.end


class NameMarker(FakeReader):
    """Marks the first capitalised word after the sentence's first word, whatever was asked."""

    def score(self, items, batch_size: int = 16):
        out = super().score(items, batch_size)
        for i, (it, r) in enumerate(zip(items, out)):
            m = re.search(r"(?<=\s)[A-Z][a-z]+", it.sentence)
            out[i] = replace(r, start=m.start(), end=m.end(), span_probability=0.9) if m else r
        return out


def test_a_short_answer_of_the_wrong_kind_is_not_marked(reading):
    a, _ = reading
    a.ranker = ReaderRanker(a.index, a.cache, reader=NameMarker(), weight=1.0, confidence_weight=1.0)
    when = a.ask("When was the Ever Given refloated in the Suez Canal?")
    assert not when.abstained and when.short_answer is None  # a name for "when": no bold
    # names are not checked (the question does not name the ship: a mark restating it is never made)
    which = a.ask("Which canal did the container ship block?")
    assert which.short_answer is not None and which.short_answer.text[0].isupper()


def test_low_probability_everywhere_abstains_without_a_short_answer(reading):
    a, _ = reading
    ans = a.ask("Which orchestra toured Patagonia?")
    assert ans.abstained and ans.short_answer is None and ans.confidence < 0.5


def test_sentences_read_per_question_are_bounded(reading):
    a, reader = reading
    a.ranker.read_top = 3
    a.ask("What happened in the Suez Canal?")
    assert len(reader.batches[-1]) == 3


def test_the_whole_shortlist_is_read_on_a_worker_while_the_rules_embed_it(reading, monkeypatch):
    a, reader = reading
    embedded: list[list[str]] = []
    embed = a.index.embedder.embed
    monkeypatch.setattr(a.index.embedder, "embed", lambda texts: embedded.append(list(texts)) or embed(texts))
    ans = a.ask("How many ships were waiting to pass through the canal?")
    assert ans.text.startswith("More than 400 ships")
    shortlist = embedded[-1]  # the query is embedded first, then the rules' shortlist
    assert 1 < len(shortlist) <= 16
    assert sorted(it.sentence for it in reader.batches[-1]) == sorted(shortlist)
    assert reader.threads[-1].startswith("reader") and reader.threads[-1] != threading.current_thread().name
    a.ranker.overlap = False  # the same reading, on the calling thread
    again = a.ask("How many ships were waiting to pass through the canal?")
    assert reader.threads[-1] == threading.current_thread().name
    assert (again.text, again.confidence) == (ans.text, ans.confidence)


def test_a_part_of_the_shortlist_is_read_after_the_rules_rank_it(reading):
    a, reader = reading
    a.ranker.read_top = 2
    text = "How many ships were waiting to pass through the canal?"
    query = Query(text, text)
    qvec = a.index.embed_query(text)
    passages = a.retriever.retrieve(query, qvec)
    rules_order = [c.sentence.text for c in a.ranker.rules.rank(query, qvec, passages).ranked]
    assert len(rules_order) > 2
    a.ranker.rank(query, qvec, passages)
    assert sorted(it.sentence for it in reader.batches[-1]) == sorted(rules_order[:2])  # the rules' best two
    assert reader.threads[-1] == threading.current_thread().name


def test_context_is_the_previous_sentence():
    sents = split_sentences("One fell. Two rose. Three stayed.")
    assert context_of(sents, 0) == ""
    assert context_of(sents, 1) == "One fell."
    assert context_of(sents, 2) == "Two rose."


def test_the_score_and_confidence_blend_the_reader_with_the_rules(reading):
    a, _ = reading
    q = "How many ships were waiting to pass through the canal?"
    a.ranker.weight = a.ranker.confidence_weight = 0.0
    rules_only = a.ask(q)
    a.ranker.weight = a.ranker.confidence_weight = 0.5
    half = a.ask(q)
    assert half.confidence == pytest.approx(0.5 * 6 / 7 + 0.5 * rules_only.confidence)
