"""`assistant eval QA.jsonl` over a tiny fake-embedder index, in process: the recall@1/@5,
answer-hit and abstention lines, --json, and a malformed line reported with file and line."""

from __future__ import annotations

import json
import re

import pytest

from assistant import Assistant as RealAssistant
from tests.answer_samples import index_reports
from ui.cli import main

QA = [
    {"question": "Who is the chairman of the Suez Canal Authority?", "answers": ["Osama Rabie"],
     "sources": ["suez-wire.txt"]},
    {"question": "What was the magnitude of the earthquake in Türkiye?", "answers": ["7.8"], "sources": ["quake.txt"]},
    {"question": "How many ships were waiting to pass through the Suez Canal?", "answers": ["more than 400"],
     "sources": ["suez-ledger.txt"]},
    {"question": "Who won the 1998 World Cup final?", "answers": [], "unanswerable": True},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_reports(tmp_path_factory.mktemp("cli-eval"))[0]


@pytest.fixture
def made(fake_embedder, monkeypatch):
    """The eval's assistant is a real one over the tiny index, with the fake embedder."""
    opened = []

    def make(index_dir):
        opened.append(index_dir)
        return RealAssistant(index_dir, embedder=fake_embedder)

    monkeypatch.setattr("ui.cli_eval.make_assistant", make)
    return opened


def write_qa(path, lines) -> str:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines),
                    encoding="utf-8")
    return str(path)


def row(out: str, label: str) -> str:
    [line] = [x for x in out.splitlines() if x.startswith(label)]
    return line[len(label):].strip()


def test_eval_prints_recall_answer_hit_and_abstention(index_dir, made, tmp_path, capsys):
    qa = write_qa(tmp_path / "qa.jsonl", QA)
    assert main(["eval", qa, "--index", str(index_dir)]) == 0
    out, err = capsys.readouterr()
    assert made == [str(index_dir)]
    assert out.startswith("eval: 4 questions (3 answerable, 1 unanswerable) from ")
    assert row(out, "gold source in top 1") == "100.0% (3/3)"
    assert row(out, "gold source in top 5") == "100.0% (3/3)"
    assert row(out, "answer hit") == "100.0% (3/3)"
    assert row(out, "abstained, unanswerable (higher better)") == "100.0% (1/1)"
    assert row(out, "abstained, answerable (lower better)") == "0.0% (0/3)"
    assert re.search(r"^mean latency\s+\d+ ms$", out, re.M) and row(out, "errors") == "0"
    assert out.rstrip().endswith("no failures")


def test_failures_are_listed_with_what_was_expected_and_got(index_dir, made, tmp_path, capsys):
    qa = write_qa(tmp_path / "qa.jsonl", [
        {"question": "Who is the chairman of the Suez Canal Authority?", "answers": ["Somebody Else"],
         "sources": ["quake.txt"]},
        {"question": "When was the Ever Given refloated?", "answers": [], "unanswerable": True},
    ])
    assert main(["eval", qa, "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert row(out, "gold source in top 1") == "0.0% (0/1)" and row(out, "answer hit") == "0.0% (0/1)"
    assert row(out, "abstained, unanswerable (higher better)") == "0.0% (0/1)"
    assert "failures (2 of 2 shown):" in out
    assert "expected: Somebody Else" in out and "expected: (an abstention)" in out and "Osama Rabie" in out


def test_eval_json(index_dir, made, tmp_path, capsys):
    qa = write_qa(tmp_path / "qa.jsonl", QA)
    assert main(["eval", qa, "--index", str(index_dir), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    m = d["metrics"]["all"]
    assert m["questions"] == 4 and m["recall_at_1"] == 1.0 and m["recall_at_5"] == 1.0 and m["answer_hit"] == 1.0
    assert m["abstention_rate"] == 1.0 and m["false_abstention_rate"] == 0.0
    assert d["failures"] == []


@pytest.mark.parametrize("bad", ["{not json", json.dumps({"answers": ["x"]}), json.dumps(["a list"]),
                                 json.dumps({"question": "q", "unanswerable": "yes"})])
def test_a_malformed_line_names_file_and_line_before_anything_is_asked(index_dir, made, tmp_path, capsys, bad):
    qa = write_qa(tmp_path / "bad.jsonl", [QA[0], "", bad, QA[1]])
    assert main(["eval", qa, "--index", str(index_dir)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and made == []  # the file is checked before the assistant opens
    assert err.startswith("assistant: error: ") and f"{qa}:3" in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_eval_file(index_dir, made, tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope.jsonl"), "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert "nope.jsonl" in err and err.count("\n") == 1 and made == []
