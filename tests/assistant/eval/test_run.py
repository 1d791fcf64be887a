"""The evaluation: file loading, normalisation, source matching and metric arithmetic, with a
fake assistant returning canned answers (no index, no model)."""

from __future__ import annotations

import json

import pytest

from assistant.errors import EvalFileError
from assistant.eval.data import EvalItem, EvalTurn, load_eval_file
from assistant.eval.metrics import answer_hit, distinct_articles, normalise, recall_at, source_matches
from assistant.eval.run import evaluate
from assistant.records import Answer, Citation


def cite(n: int, article: str, url: str = "", path: str = "") -> Citation:
    return Citation(n=n, article_id=article, title=article, source="", url=url, published=None, path=path,
                    quote="q", passage="p", start=0, end=1, score=1.0)


class FakeAssistant:
    """Answers from a dict question -> Answer; remembers the history each call got."""

    def __init__(self, answers: dict[str, Answer], fail: tuple[str, ...] = ()):
        self.answers = answers
        self.fail = fail
        self.calls: list[tuple[str, list | None]] = []

    def ask(self, question, history=None, **kw):
        self.calls.append((question, history))
        if question in self.fail:
            raise RuntimeError("boom")
        return self.answers[question]


def item(q, answers=(), sources=(), unanswerable=False) -> EvalItem:
    return EvalItem(turns=(EvalTurn(q, tuple(answers), tuple(sources), unanswerable),))


# -- normalisation and matching ------------------------------------------------------------------

def test_normalise_quotes_punctuation_case_and_space():
    assert normalise("“Squid  Game”!") == "squid game"
    assert normalise("It's  DALI's\n'ship'") == "it s dali s ship"
    assert normalise("more than 21,000; 6.5 metres") == "more than 21000 65 metres"


@pytest.mark.parametrize("text,answers,hit", [
    ("The ship was the “Dali”, a container vessel.", ["Dali"], True),
    ("The Dali's crew", ["dali"], True),
    ("More than 21,000 people died.", ["more than 21,000"], True),
    ("It lifted off at 1:47 a.m. EST.", ["1:47 a.m. EST"], True),
    ("Founded in 1978.", ["7.8"], False),                 # word boundaries, not raw substrings
    ("The magnitude was 7.8.", ["7.8"], True),
    ("European regulators agreed.", ["Europe"], False),
    ("Nothing here.", ["x", "nothing"], True),           # any expected answer
    ("Anything", [], False),
    ("Anything", ["  ", "!!"], False),                     # empty after normalising never hits
])
def test_answer_hit(text, answers, hit):
    assert answer_hit(text, answers) is hit


def test_source_matches_url_path_file_name_and_suffix():
    c = cite(1, "a", url="https://x.com/story/", path="/home/u/news/articles/suez.md")
    assert source_matches("https://x.com/story", c)           # trailing slash ignored
    assert source_matches("/home/u/news/articles/suez.md", c)
    assert source_matches("suez.md", c)
    assert source_matches("articles/suez.md", c)
    assert source_matches("./articles/suez.md", c)
    assert not source_matches("ez.md", c)                      # suffix only at a path boundary
    assert not source_matches("https://x.com/other", c)
    assert not source_matches("", c)
    assert not source_matches("suez.md", cite(1, "b", url="suez.md-no"))


def test_recall_counts_distinct_articles_in_citation_order():
    cites = [cite(1, "a", url="u-a"), cite(2, "a", url="u-a"), cite(3, "b", url="u-b"), cite(4, "c", url="u-c"),
             cite(5, "d", url="u-d"), cite(6, "e", url="u-e"), cite(7, "f", url="u-f")]
    assert [c.article_id for c in distinct_articles(cites)] == ["a", "b", "c", "d", "e", "f"]
    assert recall_at(["u-a"], cites, 1)
    assert not recall_at(["u-b"], cites, 1)
    assert recall_at(["u-b"], cites, 2)     # the repeated "a" does not use up a slot
    assert recall_at(["u-e"], cites, 5)
    assert not recall_at(["u-f"], cites, 5)
    assert not recall_at([], cites, 5)


# -- metric arithmetic ---------------------------------------------------------------------------

def _canned():
    a = lambda q, text, cites, abstained=False: Answer(question=q, text=text, citations=cites, abstained=abstained)
    return {
        # answerable, hit, gold at 1
        "q1": a("q1", "The Dali hit the bridge [1].", [cite(1, "A", url="ua"), cite(2, "B", url="ub")]),
        # answerable, miss, gold at 2 (recall@5 but not @1)
        "q2": a("q2", "Something else [1].", [cite(1, "B", url="ub"), cite(2, "A", url="ua")]),
        # answerable, false abstention; gold in related reading at 1
        "q3": a("q3", "The articles don't say.", [cite(1, "A", url="ua")], abstained=True),
        # unanswerable, abstained (right)
        "q4": a("q4", "The articles don't say.", [cite(1, "C", url="uc")], abstained=True),
        # unanswerable, answered (wrong)
        "q5": a("q5", "A guess [1].", [cite(1, "C", url="uc")]),
    }


def test_metrics_on_hand_checkable_case():
    items = [item("q1", ["Dali"], ["ua"]), item("q2", ["Dali"], ["ua"]), item("q3", ["Dali"], ["ua"]),
             item("q4", [], ["ua"], unanswerable=True), item("q5", unanswerable=True)]
    r = evaluate(FakeAssistant(_canned()), items)
    m = r.overall
    assert (m.questions, m.answerable, m.unanswerable) == (5, 3, 2)
    assert (m.with_sources, m.recall_1_hits, m.recall_5_hits) == (4, 2, 3)   # q1,q3 @1; +q2 @5; q4 missed
    assert m.recall_at_1 == pytest.approx(0.5) and m.recall_at_5 == pytest.approx(0.75)
    assert (m.with_answers, m.hits) == (3, 1)                                 # q3 abstained: never a hit
    assert m.answer_hit == pytest.approx(1 / 3)
    assert m.abstention_rate == pytest.approx(0.5)
    assert m.false_abstention_rate == pytest.approx(1 / 3)
    assert m.errors == 0 and r.follow_ups is None
    assert [f.question for f in r.failures] == ["q2", "q3", "q5"]   # q4 abstained rightly
    reasons = {f.question: f.reasons for f in r.failures}
    assert reasons["q3"] == ["abstained on an answerable question"]
    assert reasons["q5"] == ["answered an unanswerable question"]
    assert r.results[3].recall_5 is False   # still counted in recall, but not a failure by itself
    d = r.to_dict(max_failures=2)
    assert d["metrics"]["all"]["recall_at_5"] == 0.75 and len(d["failures"]) == 2 and d["failure_count"] == 3
    json.dumps(d)
    text = r.format_text(max_failures=2)
    assert "75.0% (3/4)" in text and "failures (2 of 3 shown)" in text and "q5" not in text


def test_rates_are_none_without_questions_to_measure():
    r = evaluate(FakeAssistant(_canned()), [item("q1")])
    m = r.overall
    assert m.recall_at_1 is None and m.answer_hit is None and m.abstention_rate is None
    assert m.false_abstention_rate == 0.0
    assert "no failures" in r.format_text()
    assert r.to_dict()["metrics"]["all"]["answer_hit"] is None


def test_errors_are_recorded_and_the_run_goes_on():
    fake = FakeAssistant(_canned(), fail=("q2",))
    progress = []
    r = evaluate(fake, [item("q1", ["Dali"]), item("q2", ["Dali"])], progress=lambda d, t: progress.append((d, t)))
    assert progress == [(1, 2), (2, 2)]
    assert r.overall.errors == 1 and r.overall.hits == 1
    assert r.failures[0].reasons == ["error: RuntimeError: boom"]


def test_latency_is_measured(monkeypatch):
    clock = iter([0.0, 10.0, 10.25, 20.0, 20.75, 30.0, 40.0])
    monkeypatch.setattr("assistant.eval.run.time.perf_counter", lambda: next(clock))
    r = evaluate(FakeAssistant(_canned()), [item("q1"), item("q2")])
    assert [x.latency_ms for x in r.results] == [250.0, 750.0]
    assert r.overall.mean_latency_ms == 500.0


def test_dialogue_follow_ups_get_history_and_are_reported_apart():
    ans = lambda q, t: Answer(question=q, text=t, citations=[cite(1, "A", url="ua")])
    fake = FakeAssistant({"who?": ans("who?", "Wes Moore [1]."), "and when?": ans("and when?", "On Tuesday [1]."),
                          "alone": ans("alone", "Dali [1].")})
    dialogue = EvalItem(turns=(EvalTurn("who?", ("Wes Moore",), ("ua",)), EvalTurn("and when?", ("Monday",), ("ua",))),
                        kind="dialogue")
    r = evaluate(fake, [item("alone", ["Dali"]), dialogue])
    assert fake.calls[0] == ("alone", None) and fake.calls[1] == ("who?", None)
    q, history = fake.calls[2]
    assert q == "and when?" and [h[0] for h in history] == ["who?"] and history[0][1].text == "Wes Moore [1]."
    assert [x.turn for x in r.results] == [0, 0, 1]
    assert r.first_turns.questions == 2 and r.first_turns.hits == 2
    assert r.follow_ups.questions == 1 and r.follow_ups.hits == 0
    assert r.overall.questions == 3
    text = r.format_text()
    assert "follow-ups" in text and "[turn 2] and when?" in text


# -- eval files ----------------------------------------------------------------------------------

def write(tmp_path, lines, name="qa.jsonl"):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_load_questions_and_dialogues(tmp_path):
    p = write(tmp_path, [
        json.dumps({"question": " Who? ", "answers": ["A", " "], "sources": ["a.md"], "id": 7}),
        "",
        "# a comment",
        json.dumps({"question": "Cost?", "answers": [], "unanswerable": True}),
        json.dumps({"turns": [{"question": "Q1", "answers": ["x"]}, {"question": "Q2", "answers": ["y"],
                                                                     "sources": ["u"]}]}),
        json.dumps({"question": "single answer", "answer": "B"}),
    ])
    items = load_eval_file(p)
    assert len(items) == 4
    assert items[0].turns[0] == EvalTurn("Who?", ("A",), ("a.md",), False)
    assert items[0].line == 1 and items[0].id == "7" and items[0].path == str(p) and not items[0].is_dialogue
    assert items[1].turns[0].unanswerable and items[1].line == 4
    assert items[2].is_dialogue and [t.question for t in items[2].turns] == ["Q1", "Q2"]
    assert items[2].turns[1].sources == ("u",)
    assert items[3].turns[0].answers == ("B",)


@pytest.mark.parametrize("bad,msg", [
    ("{not json", "invalid JSON"),
    ('["a list"]', "not a JSON object"),
    ('{"answers": ["x"]}', "no 'question'"),
    ('{"question": "  "}', "no 'question'"),
    ('{"question": "q", "answers": [1]}', "'answers' must be a list of strings"),
    ('{"question": "q", "sources": {"a": 1}}', "'sources' must be a list of strings"),
    ('{"question": "q", "unanswerable": "yes"}', "'unanswerable'"),
    ('{"turns": []}', "'turns' must be a non-empty list"),
    ('{"turns": [{"question": "q"}, {"answers": []}]}', "turn 2 has no 'question'"),
])
def test_malformed_lines_name_file_and_line(tmp_path, bad, msg):
    p = write(tmp_path, [json.dumps({"question": "fine", "answers": ["x"]}), "", bad])
    with pytest.raises(EvalFileError) as e:
        load_eval_file(p)
    assert f"{p}:3:" in str(e.value) and msg in str(e.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(EvalFileError, match="no such eval file"):
        load_eval_file(tmp_path / "missing.jsonl")
    with pytest.raises(EvalFileError, match="is a folder"):
        load_eval_file(tmp_path)
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(EvalFileError, match="no questions"):
        load_eval_file(tmp_path / "empty.jsonl")
    (tmp_path / "latin.jsonl").write_bytes(b'{"question": "caf\xe9"}\n')
    with pytest.raises(EvalFileError, match="not UTF-8"):
        load_eval_file(tmp_path / "latin.jsonl")


def test_bundled_example_questions_load():
    from tests.conftest import ROOT

    items = load_eval_file(ROOT / "examples" / "questions.jsonl")
    assert len(items) >= 20 and any(i.turns[0].unanswerable for i in items)


def test_cli_eval_reports_and_exits_zero(tmp_path, monkeypatch, capsys):
    from ui.cli import main

    canned = _canned()
    made = []
    monkeypatch.setattr("ui.cli_eval.make_assistant", lambda index_dir: made.append(index_dir) or FakeAssistant(canned))
    p = write(tmp_path, [json.dumps({"question": "q1", "answers": ["Dali"], "sources": ["ua"]}),
                         json.dumps({"question": "q2", "answers": ["Dali"], "sources": ["ua"]})])
    assert main(["eval", str(p), "--index", str(tmp_path), "--failures", "1"]) == 0
    out = capsys.readouterr().out
    assert made == [str(tmp_path)]
    assert "2 questions" in out and "50.0% (1/2)" in out and "failures (1 of 1 shown)" in out
    assert main(["eval", str(p), "--json", "--limit", "1"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["metrics"]["all"]["questions"] == 1 and d["metrics"]["all"]["answer_hit"] == 1.0
    assert main(["eval", str(tmp_path / "nope.jsonl")]) == 1
    assert "no such eval file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["eval", str(p), "--limit", "-1"])
