"""rebuild(): re-embed every stored article with another model into a fresh index, then swap."""

from __future__ import annotations

import importlib

import pytest

from index import ingest, open_index, rebuild
from index.pipeline import embedding_text
from index.errors import IndexMismatchError, IndexNotFoundError
from tests.fakes import FakeEmbedder
from tests.index.helpers import QUAKE, SMALL_CHUNKS, assert_consistent, dense_ids, sample_folder, write_jsonl


class OtherEmbedder(FakeEmbedder):
    name = "other-embedder"

    def __init__(self):
        super().__init__(dim=32)


class FailingEmbedder(OtherEmbedder):
    """Works for `ok_calls` calls, then fails as a model running out of memory would."""

    def __init__(self, ok_calls: int):
        super().__init__()
        self.ok_calls = ok_calls

    def embed(self, texts):
        if self.calls >= self.ok_calls:
            raise MemoryError("simulated failure mid-way")
        return super().embed(texts)


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    src = sample_folder(tmp_path / "src")
    write_jsonl(src, "feed.jsonl", {"title": "Feed", "text": "Volcanic ash closed airports across the region."})
    d = tmp_path / "idx"
    ingest([src], d, embedder=fake_embedder, config=SMALL_CHUNKS)
    return d


def snapshot(d, embedder):
    idx = open_index(d, embedder=embedder)
    try:
        assert_consistent(idx)
        return ({a.id: a for a in idx.articles()}, idx.store.counts(), dense_ids(idx, "earthquake rescue"))
    finally:
        idx.close()


def test_rebuild_re_embeds_everything_with_the_new_model(index_dir, fake_embedder):
    articles, _, _ = snapshot(index_dir, fake_embedder)
    other = OtherEmbedder()
    report = rebuild(index_dir, embedder=other)
    assert sorted(report.added) == sorted(articles) and report.skipped == []
    assert other.texts_embedded == report.chunks_added

    idx = open_index(index_dir, embedder=OtherEmbedder())
    assert idx.meta["model"] == "other-embedder" and idx.dim == 32 and idx.vectors.dim == 32
    assert {a.id: a for a in idx.articles()} == articles  # same articles, fields and paths
    assert idx.store.counts()[1] == report.chunks_added
    assert_consistent(idx)
    quake = next(a for a in articles.values() if a.title == QUAKE[0])
    chunk = next(c for c in idx.chunks(idx.store.chunk_ids()).values() if c.article_id == quake.id)
    top = idx.dense_search(idx.embed_query(embedding_text(quake.title, chunk.text)), 1)[0]
    assert top.chunk == chunk and top.score == pytest.approx(1.0)  # stored vectors come from the new model
    idx.close()

    with pytest.raises(IndexMismatchError):
        open_index(index_dir, embedder=fake_embedder)
    assert sorted(p.name for p in index_dir.parent.iterdir()) == ["idx", "src"]  # no .rebuild / .old left


def test_failed_rebuild_leaves_the_old_index_intact(index_dir, fake_embedder, monkeypatch):
    monkeypatch.setattr(importlib.import_module("index.pipeline"), "_BATCH_CHUNKS", 1)  # one model call per article
    before = snapshot(index_dir, fake_embedder)
    failing = FailingEmbedder(ok_calls=2)
    with pytest.raises(MemoryError):
        rebuild(index_dir, embedder=failing, config=SMALL_CHUNKS)
    assert failing.calls == 2  # two articles were embedded and committed, the third failed
    assert snapshot(index_dir, fake_embedder) == before
    assert sorted(p.name for p in index_dir.parent.iterdir()) == ["idx", "src"]  # half-built copy removed


def test_rebuild_of_a_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError):
        rebuild(tmp_path / "none", embedder=OtherEmbedder())
    assert list(tmp_path.iterdir()) == []
