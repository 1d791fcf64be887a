"""Shared fixtures: a fake embedder for unit tests, the real model once per test run for
`integration` tests, and an index of the bundled sample articles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "articles"


@pytest.fixture
def fake_embedder():
    from tests.fakes import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    from index.encoders.embedder import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder()
    emb.embed(["warm up"])
    return emb


@pytest.fixture(scope="session")
def sample_index_dir(tmp_path_factory, real_embedder):
    """An index of examples/articles built with the real model, shared by integration tests."""
    from index import ingest

    d = tmp_path_factory.mktemp("sample-index")
    report = ingest([SAMPLES], d, embedder=real_embedder)
    assert report.added and not report.skipped, report.skipped
    return d
