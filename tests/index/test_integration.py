"""The index with the real model: the sample articles, dense retrieval, embeddings, precision, and
the `assistant` CLI's ingest / stats / delete end to end in a subprocess."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import index.loading.html
from index import ingest, open_index
from index.encoders.embedder import SentenceTransformerEmbedder
from tests.conftest import ROOT, SAMPLES
from tests.index.helpers import assert_consistent

pytestmark = pytest.mark.integration

N_SAMPLES = 17  # 13 single-article files + 4 records in samples.jsonl
N_GROUPS = N_SAMPLES - 1  # artemis-i-launch-meridian-wire.md is a wire copy of the Northwind Post report


def test_samples_ingest_without_skips_or_warnings(tmp_path, real_embedder, caplog):
    caplog.set_level(logging.WARNING)
    report = ingest([SAMPLES], tmp_path / "idx", embedder=real_embedder)
    assert report.skipped == [] and report.warnings == []
    assert len(report.added) == N_SAMPLES and report.ok
    assert index.loading.html._trafilatura() is not None, index.loading.html._trafilatura_state
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.fixture(scope="module")
def sample_index(sample_index_dir, real_embedder):
    idx = open_index(sample_index_dir, embedder=real_embedder)
    yield idx
    idx.close()


@pytest.mark.parametrize("question,expected_file", [
    ("How many ships were queued waiting at the Suez canal?", "suez-ever-given"),
    ("Where did the Chandrayaan-3 lander touch down?", "chandrayaan-3-landing"),
    ("Who won the 2022 World Cup final?", "world-cup-final-2022"),
    ("Why did the Texas power grid fail during the winter storm?", "texas-winter-storm"),
    ("What happened to the spire of Notre-Dame cathedral?", "notre-dame-fire"),
    ("How far did the tsunami from the Tonga eruption travel?", "hunga-tonga-eruption"),
])
def test_dense_search_finds_the_right_article(sample_index, question, expected_file):
    hits = sample_index.dense_search(sample_index.embed_query(question), 3)
    top = sample_index.article(hits[0].chunk.article_id)
    assert expected_file in os.path.basename(top.path), [
        os.path.basename(sample_index.article(h.chunk.article_id).path) for h in hits]


def test_stored_chunks_are_exact_and_within_the_token_budget(sample_index, real_embedder):
    assert_consistent(sample_index)
    articles = {a.id: a for a in sample_index.articles()}
    assert len(articles) == N_SAMPLES
    chunks = sample_index.chunks(sample_index.store.chunk_ids()).values()
    for c in chunks:
        assert articles[c.article_id].text[c.start:c.end] == c.text
        assert real_embedder.count_tokens(c.text) <= int(sample_index.meta["chunk_tokens"])


def test_embeddings_are_unit_norm_float32_of_dimension_384(real_embedder):
    vecs = real_embedder.embed(["The Ever Given blocked the Suez Canal.", "Argentina won the World Cup.", ""])
    assert vecs.dtype == np.float32 and vecs.shape == (3, 384) == (3, real_embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert real_embedder.embed([]).shape == (0, 384)


def test_bf16_and_fp32_embeddings_agree(real_embedder):
    texts = ["Rescuers searched collapsed buildings after the earthquake.",
             "The Vikram lander touched down near the Moon's south pole.",
             "Ships queued at both ends of the canal.", "Texas power grid failure"]
    other = "fp32" if real_embedder.precision == "bf16" else "bf16"
    a = real_embedder.embed(texts)
    b = SentenceTransformerEmbedder(precision=other).embed(texts)
    cosines = np.sum(a * b, axis=1)
    assert cosines.mean() > 0.999, cosines


# -- the CLI in a subprocess ---------------------------------------------------------------------

def run_cli(*args, check_rc: int | None = 0) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASSISTANT_", "TRANSFORMERS_", "HF_HUB_DISABLE"))}
    env["HF_HUB_OFFLINE"] = "1"
    proc = subprocess.run([sys.executable, "-m", "ui.cli", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli") / "index"
    return d, run_cli("ingest", SAMPLES, "--index", d)


def test_cli_ingest_prints_a_summary_and_no_library_noise(cli_index):
    _, proc = cli_index
    assert proc.stdout.startswith(f"added {N_SAMPLES}, unchanged 0, skipped 0 (")
    output = proc.stdout + proc.stderr
    assert "Loading weights" not in output
    assert "warning" not in output.lower() and "trafilatura" not in output.lower()
    assert proc.stderr.strip() == ""


def test_cli_ingest_again_changes_nothing(cli_index):
    d, _ = cli_index
    proc = run_cli("ingest", SAMPLES, "--index", d)
    assert proc.stdout.startswith(f"added 0, unchanged {N_SAMPLES}, skipped 0")


def test_cli_stats_shows_counts_model_and_titles(cli_index):
    d, _ = cli_index
    out = run_cli("stats", "--index", d, "--articles").stdout
    assert f"articles:  {N_SAMPLES}\n" in out
    assert "model:     sentence-transformers/all-MiniLM-L6-v2 (dimension 384)" in out
    assert "India Lands Chandrayaan-3 Near the Moon's South Pole" in out
    assert "Harbor Ledger" in out
    figures = json.loads(run_cli("stats", "--index", d, "--json").stdout)
    assert figures["articles"] == N_SAMPLES and figures["dimension"] == 384 and figures["index_type"] == "flat"
    assert figures["groups"] == N_GROUPS
    assert f"groups:    {N_GROUPS} (1 near-duplicate copy of other articles" in out


def test_cli_delete_removes_an_article(cli_index, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(cli_index[0], d)
    listing = run_cli("stats", "--index", d, "--articles").stdout
    line = next(ln for ln in listing.splitlines() if "Chandrayaan-3" in ln)
    prefix = line.split()[0]
    assert run_cli("delete", prefix, "--index", d).stdout.startswith(f"deleted 1 article(s): {prefix}")
    after = run_cli("stats", "--index", d, "--articles").stdout
    assert f"articles:  {N_SAMPLES - 1}\n" in after and "Chandrayaan-3" not in after

    unknown = run_cli("delete", "ffffffffffff", "--index", d, check_rc=1)
    assert unknown.stderr.startswith("assistant: error: no article with id 'ffffffffffff'")
    assert f"articles:  {N_SAMPLES - 1}\n" in run_cli("stats", "--index", d).stdout


def test_cli_ingest_of_only_bad_files_fails_with_reasons(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4 ...")
    (bad / "broken.json").write_text("[{", encoding="utf-8")
    proc = run_cli("ingest", bad, "--index", tmp_path / "idx", check_rc=1)
    assert proc.stdout.startswith("added 0, unchanged 0, skipped 3")
    assert "empty.txt: empty file" in proc.stdout
    assert "scan.pdf: unsupported file type .pdf" in proc.stdout
    assert "broken.json: invalid json" in proc.stdout


def test_cli_stats_of_a_missing_index(tmp_path):
    proc = run_cli("stats", "--index", tmp_path / "none", check_rc=1)
    assert proc.stderr.startswith(f"assistant: error: no index at {tmp_path / 'none'}")
