"""The whole product on a Milvus Lite file with the real model: `assistant ingest DIR --index
milvus:///…/news.db` in a process of its own, then `Assistant(index_dir="milvus:///…")` answers
the example questions as the default store does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.integration
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "examples" / "questions.jsonl").read_text().splitlines()
             if line.strip()]


def test_ingest_then_ask_on_milvus_lite_answers_like_the_default_store(tmp_path, sample_index_dir, real_embedder):
    from assistant import Assistant

    uri = f"milvus://{tmp_path}/lite/news.db"
    cli = [sys.executable, "-m", "ui.cli", "ingest", str(SAMPLES), "--index", uri, "-q"]
    r = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "added 17" in r.stdout, r.stderr[-3000:]
    assert (tmp_path / "lite" / "news.db").is_dir()  # a Milvus Lite database

    milvus, embedded = Assistant(index_dir=uri), Assistant(sample_index_dir, embedder=real_embedder)
    try:
        assert milvus.stats().articles == embedded.stats().articles == 17
        same_text, other_sources = 0, []
        for q in QUESTIONS:
            a, b = milvus.ask(q), embedded.ask(q)
            assert a.abstained == b.abstained, q
            same_text += a.text == b.text
            if {c.article_id for c in a.citations} != {c.article_id for c in b.citations}:
                other_sources.append((q, a.text, b.text))
        # BM25 scores differ a little (the default store weights headlines at half), so a near tie
        # between two supporting sentences may order them the other way, or bring in a further one
        assert len(other_sources) <= 1, other_sources
        assert same_text >= len(QUESTIONS) - 3
    finally:
        milvus.close()
        embedded.close()
