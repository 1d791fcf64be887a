"""`Assistant.ask` over a tiny fake-embedder index: answers with exact citations, outlet and date
filters, argument validation with typed errors naming the argument, the module-level `ask()`
sharing one Assistant per index, and `Answer` round-tripping through JSON."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

import assistant.assistant as core
from assistant import Answer, Assistant, Citation
from assistant.errors import EmptyQuestionError
from index.errors import ConfigError, IndexNotFoundError
from tests.answer_samples import index_reports

CHAIRMAN = "Who is the chairman of the Suez Canal Authority?"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    d, report = index_reports(tmp_path_factory.mktemp("core"))
    assert len(report.added) == 4 and not report.skipped
    return d


@pytest.fixture
def assistant(index_dir, fake_embedder):
    a = Assistant(index_dir, embedder=fake_embedder)
    yield a
    a.close()


def check(answer: Answer, a: Assistant) -> None:
    """[n] marks point at citations; each quote is its article's text at start:end."""
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert marks == ({c.n for c in answer.citations} if not answer.abstained else set())
    for c in answer.citations:
        art = a.index.article(c.article_id)
        assert art.text[c.start:c.end] == c.quote and c.quote in c.passage
        assert (c.title, c.source, c.published) == (art.title, art.source, art.published)
        assert c.path.endswith(".txt")


def test_ask_answers_with_the_cited_sentence(assistant):
    ans = assistant.ask(CHAIRMAN)
    assert isinstance(ans, Answer) and not ans.abstained
    assert "Osama Rabie" in ans.text
    assert ans.citations and all(isinstance(c, Citation) for c in ans.citations)
    assert ans.citations[0].source == "Meridian Wire" and ans.citations[0].published == date(2021, 3, 30)
    assert "Osama Rabie" in ans.citations[0].quote
    assert ans.question == CHAIRMAN and ans.query == CHAIRMAN
    assert 0.0 <= ans.confidence <= 1.0
    check(ans, assistant)


def test_answers_from_the_right_article(assistant):
    ans = assistant.ask("What was the magnitude of the earthquake in Türkiye?")
    assert not ans.abstained and "7.8" in ans.text and ans.citations[0].source == "Northwind Post"
    ans = assistant.ask("How many ships were waiting to pass through the Suez Canal?")
    assert not ans.abstained and "400" in ans.text
    check(ans, assistant)


def test_unrelated_question_abstains_with_related_reading(assistant):
    ans = assistant.ask("Who won the 1998 World Cup final?")
    assert ans.abstained and "don't" in ans.text
    assert ans.confidence < assistant.settings.threshold
    check(ans, assistant)


def test_source_filter_is_case_insensitive_and_repeatable(assistant):
    q = "When was the Ever Given refloated in the Suez Canal?"
    # both outlets report the refloating: each filter keeps its own
    only = assistant.ask(q, sources=["harbor LEDGER"])
    assert only.citations and {c.source for c in only.citations} == {"Harbor Ledger"}
    other = assistant.ask(q, sources=["MERIDIAN wire"])
    assert other.citations and {c.source for c in other.citations} == {"Meridian Wire"}
    two = assistant.ask("Suez Canal earthquake", sources=["Meridian Wire", "northwind post"])
    assert {c.source for c in two.citations} <= {"Meridian Wire", "Northwind Post"} and two.citations
    assert assistant.ask(q, sources=["", None]).citations  # empty names are no filter


def test_no_matching_outlet_abstains_and_says_so(assistant):
    ans = assistant.ask("When was the Ever Given refloated?", sources=["Nobody Times"])
    assert ans.abstained and ans.citations == []
    assert any("filter" in n for n in ans.notes)


@pytest.mark.parametrize("since,until", [
    ("2021-03-30", "2021-12-31"),
    (date(2021, 3, 30), date(2021, 12, 31)),
    (" 2021-03-30 ", None),
])
def test_date_filters_take_iso_strings_and_dates(assistant, since, until):
    ans = assistant.ask("When was the Ever Given refloated in the Suez Canal?", since=since, until=until)
    assert ans.citations
    assert all(c.published >= date(2021, 3, 30) for c in ans.citations)
    if until:
        assert all(c.published <= date(2021, 12, 31) for c in ans.citations)
        assert {c.source for c in ans.citations} == {"Meridian Wire"}


def test_until_alone_keeps_older_articles(assistant):
    ans = assistant.ask("Suez Canal Ever Given earthquake eclipse", until="2021-03-29")
    assert ans.citations and {c.source for c in ans.citations} == {"Harbor Ledger"}


@pytest.mark.parametrize("field,value", [
    ("since", "yesterday"), ("until", "2021-13-01"), ("since", "29/03/2021"), ("until", 3.5),
    ("until", 20210329),
])
def test_bad_dates_are_config_errors_naming_the_field(assistant, field, value):
    with pytest.raises(ConfigError, match=field) as e:
        assistant.ask("When was the Ever Given refloated?", **{field: value})
    assert repr(value) in str(e.value) or str(value) in str(e.value)


def test_since_after_until_is_an_error(assistant):
    with pytest.raises(ConfigError, match="since.*until"):
        assistant.ask("When was the Ever Given refloated?", since="2022-01-01", until="2021-01-01")


@pytest.mark.parametrize("k", [0, -1, 2.5, "3"])
def test_k_must_be_a_positive_integer(assistant, k):
    with pytest.raises(ConfigError, match="k must be"):
        assistant.ask(CHAIRMAN, k=k)


def test_k_limits_the_passages_read(assistant):
    ans = assistant.ask("Suez Canal ships earthquake eclipse", k=1)
    assert len({c.article_id for c in ans.citations}) == 1
    assert len({c.article_id for c in assistant.ask("Suez Canal ships earthquake eclipse", k=8).citations}) > 1


@pytest.mark.parametrize("question", ["", "   ", "\n\t", None, 42])
def test_empty_question_is_a_typed_error(assistant, question):
    with pytest.raises(EmptyQuestionError) as e:
        assistant.ask(question)
    assert isinstance(e.value, ValueError) and "empty" in str(e.value)


def test_a_very_long_question_is_cut_not_refused(assistant):
    ans = assistant.ask("Who is the chairman of the Suez Canal Authority? " * 100)
    assert len(ans.question) <= core.MAX_QUESTION_CHARS


def test_missing_index_is_a_typed_error_with_a_hint(tmp_path):
    with pytest.raises(IndexNotFoundError, match="ingest"):
        Assistant(tmp_path / "no-index-here")


# -- JSON ----------------------------------------------------------------------------------------------

def test_answer_round_trips_through_json(assistant):
    for q in (CHAIRMAN, "Who won the 1998 World Cup final?"):
        ans = assistant.ask(q)
        d = json.loads(json.dumps(ans.to_dict()))
        assert set(d) >= {"question", "text", "citations", "abstained", "confidence", "query"}
        assert set(d["citations"][0]) >= {"n", "article_id", "title", "source", "url", "published", "path", "quote",
                                          "passage", "start", "end", "score"}
        assert d["citations"][0]["published"] == ans.citations[0].published.isoformat()
        back = Answer.from_dict(d)
        assert back.to_dict() == ans.to_dict()
        assert back.citations == ans.citations and back.abstained == ans.abstained


# -- module-level ask() ----------------------------------------------------------------------------------

def test_module_level_ask_reuses_one_assistant_per_index(index_dir, tmp_path, fake_embedder, monkeypatch):
    made, warmed = [], []

    class Counting(Assistant):
        def __init__(self, index_dir=None, **kw):
            made.append(index_dir)
            super().__init__(index_dir, embedder=fake_embedder, **kw)

        def warm(self, background=False):
            warmed.append(background)

    monkeypatch.setattr(core, "Assistant", Counting)
    monkeypatch.setattr(core, "_SHARED", {})
    from assistant import ask

    a1 = ask(CHAIRMAN, index_dir=index_dir)
    a2 = ask("What was the magnitude of the earthquake?", index_dir=str(index_dir) + "/.")  # same folder, spelt apart
    a3 = ask(CHAIRMAN, index_dir=index_dir, sources=["Northwind Post"])
    assert len(made) == 1 and warmed and all(warmed)  # reuse means more questions: warmed, in the background
    assert "Osama Rabie" in a1.text and "7.8" in a2.text
    assert {c.source for c in a3.citations} <= {"Northwind Post"}
    # another index gets its own Assistant
    other = index_reports(tmp_path)[0]
    ask(CHAIRMAN, index_dir=other)
    assert len(made) == 2
    monkeypatch.setenv("ASSISTANT_INDEX", str(index_dir))
    ask(CHAIRMAN)  # the default index resolves to the first folder: reused
    assert len(made) == 2
    for a in core._SHARED.values():
        a.close()


# -- warm -------------------------------------------------------------------------------------------
class _Loads:
    def __init__(self, precision, fails=False):
        self.precision, self.fails, self.loads = precision, fails, 0

    def load_torch(self):
        self.loads += 1
        if self.fails:
            raise RuntimeError("no torch here")


def test_warm_loads_the_torch_engine_only_where_bf16_makes_it_faster(assistant, monkeypatch):
    import threading

    bf16, fp32 = _Loads("bf16"), _Loads("fp32")
    monkeypatch.setattr(assistant.index, "embedder", fp32)
    assistant.warm()
    assert fp32.loads == 0
    monkeypatch.setattr(assistant.index, "embedder", bf16)
    assistant.warm()
    assert bf16.loads == 1
    failing = _Loads("bf16", fails=True)
    monkeypatch.setattr(assistant.index, "embedder", failing)
    with pytest.raises(RuntimeError):
        assistant.warm()  # in the foreground the caller hears of it
    assistant.warm(background=True)  # in the background it is swallowed
    for t in threading.enumerate():
        if t.name == "news-warm":
            t.join(5)
    assert failing.loads == 2


def test_warm_is_a_no_op_for_an_embedder_without_torch(assistant):
    assistant.warm()  # the fake embedder: nothing to load, nothing raised
    assert assistant.ask("How many people were displaced?").question


def test_the_second_question_warms_in_the_background(assistant, monkeypatch):
    calls = []
    monkeypatch.setattr(assistant, "warm", lambda background=False: calls.append(background))
    assistant._asked = 0
    assistant.ask("How many people were displaced?")
    assert calls == []  # a one-off question never loads anything
    assistant.ask("What was the magnitude of the earthquake?")
    assistant.ask("Who chairs the canal authority?")
    assert calls == [True]


def test_warm_respects_an_explicit_numpy_query_encoder(assistant, monkeypatch):
    numpy_only = _Loads("bf16")
    numpy_only.query_encoder = "numpy"
    monkeypatch.setattr(assistant.index, "embedder", numpy_only)
    assistant.warm()
    assert numpy_only.loads == 0
