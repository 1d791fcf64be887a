"""`assistant ask` on a tiny fake-embedder index, in process (`ui.cli.main` with capsys): the answer,
then numbered sources (title — outlet, date) with the quoted sentence; --json; --source, --since,
--until; typed errors as one line on stderr with a non-zero exit and no traceback. A missing
index is also checked in a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from assistant import Answer
from assistant import Assistant as RealAssistant  # bound before any test swaps `assistant.Assistant`
from tests.answer_samples import index_reports
from tests.conftest import ROOT
from ui.cli import main

CHAIRMAN = "Who is the chairman of the Suez Canal Authority?"
REFLOATED = "When was the Ever Given refloated in the Suez Canal?"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_reports(tmp_path_factory.mktemp("cli-ask"))[0]


@pytest.fixture
def cli(index_dir, fake_embedder, monkeypatch):
    """Runs `assistant ask ...` in process over the tiny index (the fake embedder stands in for the model)."""
    opened = []

    def make(index=None, **kw):
        opened.append(index)
        return RealAssistant(index, embedder=fake_embedder)

    monkeypatch.setattr("assistant.Assistant", make)

    def run(*args: str) -> int:
        return main(["ask", *args, "--index", str(index_dir)])

    run.opened = opened
    return run


def sources_of(out: str) -> list[tuple[str, str, str, str]]:
    """(n, title, outlet, date) of each numbered source line."""
    return re.findall(r"^\[(\d+)\] (.+?) — (.+?), (\S+)$", out, re.M)


def test_prints_the_answer_then_numbered_sources_with_quotes(cli, capsys, index_dir):
    assert cli(CHAIRMAN) == 0
    out, err = capsys.readouterr()
    assert err == "" and cli.opened == [str(index_dir)]
    head, _, rest = out.partition("\nSources:\n")
    assert "Osama Rabie" in head and "[1]" in head  # the answer comes first
    srcs = sources_of(rest)
    assert srcs[0] == ("1", "Suez Canal Traffic Resumes", "Meridian Wire", "2021-03-30")
    assert [int(n) for n, *_ in srcs] == list(range(1, len(srcs) + 1))
    assert set(re.findall(r"\[(\d+)\]", head)) <= {n for n, *_ in srcs}
    quoted = rest.split("\n")[1]
    assert quoted.startswith("    “Osama Rabie, chairman of the") and "suez-wire.txt" in rest


def test_abstention_lists_related_reading(cli, capsys):
    assert cli("Who won the 1998 World Cup final?") == 0
    out = capsys.readouterr().out
    assert out.startswith("The articles don't say.")
    assert "Related reading:" in out and "Sources:" not in out
    assert sources_of(out)


def test_json_prints_the_answer_dict(cli, capsys):
    assert cli(CHAIRMAN, "--json") == 0
    d = json.loads(capsys.readouterr().out)
    assert d["question"] == CHAIRMAN and d["abstained"] is False and "Osama Rabie" in d["text"]
    c = d["citations"][0]
    assert c["n"] == 1 and c["source"] == "Meridian Wire" and c["published"] == "2021-03-30"
    assert "Osama Rabie" in c["quote"] and c["quote"] in c["passage"] and c["end"] - c["start"] == len(c["quote"])
    assert Answer.from_dict(d).to_dict() == d


def test_source_filter_case_insensitive_and_repeatable(cli, capsys):
    # both outlets report the refloating: each filter keeps its own
    assert cli(REFLOATED, "--source", "harbor ledger") == 0
    assert {s[2] for s in sources_of(capsys.readouterr().out)} == {"Harbor Ledger"}
    assert cli(REFLOATED, "--source", "MERIDIAN wire") == 0
    assert {s[2] for s in sources_of(capsys.readouterr().out)} == {"Meridian Wire"}
    assert cli("Suez Canal earthquake", "--source", "Meridian Wire", "--source", "Northwind Post", "--json") == 0
    d = json.loads(capsys.readouterr().out)
    assert d["citations"] and {c["source"] for c in d["citations"]} <= {"Meridian Wire", "Northwind Post"}


def test_date_filters(cli, capsys):
    assert cli(REFLOATED, "--since", "2021-03-30", "--until", "2021-12-31") == 0
    assert {s[2:] for s in sources_of(capsys.readouterr().out)} == {("Meridian Wire", "2021-03-30")}
    assert cli(REFLOATED, "--until", "2021-03-29") == 0
    assert {s[2] for s in sources_of(capsys.readouterr().out)} == {"Harbor Ledger"}
    assert cli(REFLOATED, "--since", "2030-01-01") == 0
    out = capsys.readouterr().out
    assert out.startswith("The articles don't say.") and "note: No article matches the outlet/date filters." in out


@pytest.mark.parametrize("args,field", [
    (["--since", "last tuesday"], "since"),
    (["--until", "2021-02-30"], "until"),
    (["--since", "2022-01-01", "--until", "2021-01-01"], "since"),
    (["-k", "0"], "k"),
])
def test_bad_arguments_are_one_line_errors(cli, capsys, args, field):
    assert cli(CHAIRMAN, *args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("assistant: error: ") and field in err
    assert "Traceback" not in err


def test_empty_or_missing_question(cli, capsys):
    assert cli("   ") == 1
    err = capsys.readouterr().err
    assert err.startswith("assistant: error: the question is empty") and err.count("\n") == 1
    assert main(["ask"]) == 2
    assert "give a question" in capsys.readouterr().err


def test_missing_index_is_a_clear_error_with_a_hint(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["ask", CHAIRMAN, "--index", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert str(missing) in err and "assistant ingest" in err and "--index" in err


def test_missing_index_in_a_real_process(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    env.pop("ASSISTANT_INDEX", None)
    run = subprocess.run([sys.executable, "-m", "ui.cli", "ask", CHAIRMAN, "--index", str(tmp_path / "none")],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.startswith("assistant: error: no index at") and "assistant ingest" in run.stderr
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1
