"""Deleting articles by id, id prefix and path; unknown targets remove nothing."""

from __future__ import annotations

import numpy as np
import pytest

from index import delete, ingest, open_index
from index.errors import ArticleNotFoundError, IndexNotFoundError
from index.records import Article
from index.store import Store
from tests.index.helpers import (QUAKE, SMALL_CHUNKS, SUEZ, assert_consistent, dense_ids, sample_folder,
                                 write_jsonl)


@pytest.fixture
def built(tmp_path, fake_embedder):
    """(index dir, {title: article id}) of the three sample articles plus a two-record jsonl."""
    src = sample_folder(tmp_path / "src")
    write_jsonl(src, "feed.jsonl", {"title": "Feed one", "text": "Volcanic ash closed airports across the region."},
                {"title": "Feed two", "text": "Floodwater reached the rooftops of riverside homes."})
    d = tmp_path / "idx"
    ingest([src], d, embedder=fake_embedder, config=SMALL_CHUNKS)
    idx = open_index(d, embedder=fake_embedder)
    ids = {a.title: a.id for a in idx.articles()}
    idx.close()
    return d, ids


def chunks_of(idx, article_id: str) -> set[int]:
    return {r[0] for r in idx.store.conn.execute("SELECT id FROM chunks WHERE article_id=?", (article_id,))}


def test_delete_by_id_removes_the_article_everywhere(built, fake_embedder):
    d, ids = built
    idx = open_index(d, embedder=fake_embedder)
    gone = chunks_of(idx, ids[SUEZ[0]])
    assert gone and gone <= set(dense_ids(idx, "container ship canal tugboats"))

    assert delete([ids[SUEZ[0]]], index=idx) == [ids[SUEZ[0]]]
    assert idx.article(ids[SUEZ[0]]) is None
    assert not gone & set(dense_ids(idx, "container ship canal tugboats"))
    assert all(h.chunk.article_id != ids[SUEZ[0]] for h in idx.lexical_search("suez canal tugboats", 50))
    assert idx.store.counts()[0] == 4
    assert_consistent(idx)
    idx.close()

    reopened = open_index(d, embedder=fake_embedder)  # the saved FAISS file agrees too
    assert_consistent(reopened)
    assert not gone & set(dense_ids(reopened, "container ship canal tugboats"))
    reopened.close()


def test_delete_by_unique_prefix_in_any_case(built, fake_embedder):
    d, ids = built
    assert delete(ids[QUAKE[0]][:8].upper(), index_dir=d) == [ids[QUAKE[0]]]  # one id as a plain string
    idx = open_index(d, embedder=fake_embedder)
    assert idx.article(ids[QUAKE[0]]) is None
    assert_consistent(idx)
    idx.close()


def test_too_short_or_wildcard_prefixes_match_nothing(built, fake_embedder):
    d, ids = built
    some = ids[QUAKE[0]]
    for given in (some[:5], some[:5] + "_", some[:5] + "%", "%%%%%%"):
        with pytest.raises(ArticleNotFoundError, match="no article with id"):
            delete([given], index_dir=d)
    idx = open_index(d, embedder=fake_embedder)
    assert idx.store.counts()[0] == 5
    idx.close()


def test_ambiguous_prefix_is_refused(tmp_path, fake_embedder):
    idx = open_index(tmp_path / "idx", embedder=fake_embedder, create=True)
    with idx.store.transaction() as c:
        for i in (1, 2):
            a = Article(id=f"abcdef{i:010d}", title="t", text=f"text number {i}")
            Store.insert_article(c, a, [], np.zeros((0, fake_embedder.dim), np.float32))
    with pytest.raises(ArticleNotFoundError, match="ambiguous"):
        delete(["abcdef"], index=idx)
    assert delete(["abcdef0000000002"], index=idx) == ["abcdef0000000002"]
    idx.close()


def test_delete_by_path_removes_every_article_of_the_file(built, fake_embedder, tmp_path):
    d, ids = built
    removed = delete(paths=tmp_path / "src" / "feed.jsonl", index_dir=d)
    assert sorted(removed) == sorted([ids["Feed one"], ids["Feed two"]])
    idx = open_index(d, embedder=fake_embedder)
    assert {a.title for a in idx.articles()} == {SUEZ[0], QUAKE[0], "Total Solar Eclipse Crosses Mexico"}
    assert_consistent(idx)
    idx.close()


@pytest.mark.parametrize("kwargs,message", [
    ({"article_ids": ["0123456789abcdef"]}, "no article with id"),
    ({"paths": ["/no/such/file.txt"]}, "ingested from /no/such/file.txt"),
])
def test_unknown_target_raises_and_removes_nothing(built, fake_embedder, kwargs, message):
    d, ids = built
    idx = open_index(d, embedder=fake_embedder)
    before = (idx.store.counts(), idx.store.generation(), idx.vectors.ntotal)
    with pytest.raises(ArticleNotFoundError, match=message):
        delete(index=idx, **kwargs)
    with pytest.raises(ArticleNotFoundError):  # a known id next to an unknown one: still nothing removed
        delete([ids[SUEZ[0]], "0123456789abcdef"], index=idx)
    assert (idx.store.counts(), idx.store.generation(), idx.vectors.ntotal) == before
    idx.close()


def test_delete_on_a_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError):
        delete(["abcdef123456"], index_dir=tmp_path / "nothing-here")
    assert not (tmp_path / "nothing-here").exists()


def test_chunk_ids_are_never_reused_after_a_delete(built, fake_embedder, tmp_path):
    """A reader in another process may still hold the old FAISS copy; an old id must never come
    back naming a different chunk."""
    d, ids = built
    reader = open_index(d, embedder=fake_embedder)  # loaded before the delete
    idx = open_index(d, embedder=fake_embedder)
    top_id = int(idx.store.chunk_ids().max())
    gone = chunks_of(idx, idx.chunks([top_id])[top_id].article_id)
    delete([idx.chunks([top_id])[top_id].article_id], index=idx)
    write_jsonl(tmp_path / "more", "new.jsonl", {"title": "New", "text": "Volcanic ash closed airports today."})
    ingest([tmp_path / "more"], index=idx)
    assert not gone & set(idx.store.chunk_ids().tolist())
    assert_consistent(idx)
    # the stale reader still holds the deleted vectors; SQLite must not answer for their ids
    hits = reader.dense_search(reader.embed_query("volcanic ash closed airports"), 1000)
    assert hits and not gone & {h.chunk.id for h in hits}
    reader.close()
    idx.close()
