"""Fixtures of the reliability tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def fake_model(monkeypatch):
    """The product's model class replaced by the fake embedder in this process (as
    `tests.reliability.fake_cli` does in a child), so the CLI's own code paths run without torch."""
    import importlib

    from tests.reliability.fake_cli import ChildEmbedder

    monkeypatch.setattr(importlib.import_module("index.encoders.embedder"), "SentenceTransformerEmbedder", ChildEmbedder)
    monkeypatch.setattr(importlib.import_module("index.news_index"), "SentenceTransformerEmbedder", ChildEmbedder)
    return ChildEmbedder


@pytest.fixture(scope="module")
def small_fake_index(tmp_path_factory):
    """An index of 40 synthetic articles made with the fake embedder: (dir, articles)."""
    from index import ingest
    from tests.fakes import FakeEmbedder
    from tests.reliability.corpus import make_articles, write_corpus

    work = tmp_path_factory.mktemp("small")
    arts = make_articles(40, seed=3)
    report = ingest([write_corpus(work / "src", arts)], work / "idx", embedder=FakeEmbedder())
    assert len(report.added) == 40
    return work / "idx", arts
