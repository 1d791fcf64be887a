"""NewsIndex: opening checks, crash repair of the FAISS file, readers, stats and the write lock."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from index import DB_NAME, ingest, open_index
from index.config import IndexConfig
from index.errors import IndexBusyError, IndexCorruptError, IndexMismatchError, IndexNotFoundError
from index.vectors import VECTORS_NAME, VectorIndex
from tests.fakes import FakeEmbedder
from tests.index.helpers import (ECLIPSE, QUAKE, SMALL_CHUNKS, SUEZ, assert_consistent, dense_ids,
                                 sample_folder, write_txt)

QUERIES = ["container ship canal", "earthquake rescue rubble", "solar eclipse shadow totality"]


@pytest.fixture
def index_dir(tmp_path, fake_embedder):
    d = tmp_path / "idx"
    ingest([sample_folder(tmp_path / "src")], d, embedder=fake_embedder, config=SMALL_CHUNKS)
    return d


def results(d, embedder) -> list[list[int]]:
    idx = open_index(d, embedder=embedder)
    try:
        assert_consistent(idx)
        return [dense_ids(idx, q, k=5) for q in QUERIES]
    finally:
        idx.close()


def sql(d, statement: str) -> None:
    conn = sqlite3.connect(d / DB_NAME)
    conn.execute(statement)
    conn.commit()
    conn.close()


def test_missing_index_is_not_created_by_opening(tmp_path, fake_embedder):
    with pytest.raises(IndexNotFoundError, match="assistant ingest"):
        open_index(tmp_path / "none", embedder=fake_embedder)
    assert not (tmp_path / "none").exists()


def test_another_embedding_model_is_refused_with_the_fix(index_dir):
    other = FakeEmbedder()
    other.name = "other-model"
    with pytest.raises(IndexMismatchError) as err:
        open_index(index_dir, embedder=other)
    message = str(err.value)
    assert "'fake-embedder'" in message and "'other-model'" in message
    assert f"assistant ingest --rebuild --model other-model --index {index_dir}" in message


def test_a_config_naming_another_model_is_refused_before_loading_it(index_dir):
    with pytest.raises(IndexMismatchError, match="some-org/some-model"):
        open_index(index_dir, config=IndexConfig(model="some-org/some-model"))


@pytest.mark.parametrize("value,shown", [("2", "2"), ("0", "0"), ("garbage", "'garbage'")])
def test_another_format_version_is_refused(index_dir, fake_embedder, value, shown):
    sql(index_dir, f"UPDATE meta SET value='{value}' WHERE key='format_version'")
    with pytest.raises(IndexMismatchError, match=f"built with format version {shown}, but this program "
                                                 f"uses format version 1. Re-create it"):
        open_index(index_dir, embedder=fake_embedder)


def test_a_file_that_is_not_a_database_is_reported_as_corrupt(tmp_path, fake_embedder):
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite " * 100)
    with pytest.raises(IndexCorruptError, match=DB_NAME):
        open_index(tmp_path, embedder=fake_embedder)


def _header(d) -> dict:
    return VectorIndex.read_header(d / VECTORS_NAME)


def _generation(d) -> int:
    conn = sqlite3.connect(d / DB_NAME)
    gen = int(conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
    conn.close()
    return gen


def test_missing_vector_file_is_rebuilt_from_sqlite(index_dir, fake_embedder):
    expected = results(index_dir, fake_embedder)
    (index_dir / VECTORS_NAME).unlink()
    assert results(index_dir, fake_embedder) == expected
    assert _header(index_dir)["generation"] == _generation(index_dir)  # the file was written again


def test_older_vector_file_is_rebuilt(index_dir, fake_embedder, tmp_path):
    shutil.copy(index_dir / VECTORS_NAME, tmp_path / "old.faiss")
    write_txt(tmp_path / "more", "extra.txt", "Volcano Erupts", "Ash from the volcano closed airports nearby.")
    ingest([tmp_path / "more"], index_dir, embedder=fake_embedder)
    expected = results(index_dir, fake_embedder)
    shutil.copy(tmp_path / "old.faiss", index_dir / VECTORS_NAME)  # as if the last save never happened
    assert _header(index_dir)["generation"] < _generation(index_dir)
    assert results(index_dir, fake_embedder) == expected
    assert _header(index_dir)["generation"] == _generation(index_dir)


def test_generation_bumped_by_hand_forces_a_rebuild(index_dir, fake_embedder):
    expected = results(index_dir, fake_embedder)
    sql(index_dir, "UPDATE meta SET value = value + 5 WHERE key='generation'")
    before = (index_dir / VECTORS_NAME).stat().st_mtime_ns
    assert results(index_dir, fake_embedder) == expected
    assert _header(index_dir)["generation"] == _generation(index_dir)
    assert (index_dir / VECTORS_NAME).stat().st_mtime_ns != before


@pytest.mark.parametrize("damage", ["truncate-body", "garbage", "empty"])
def test_damaged_vector_file_is_rebuilt(index_dir, fake_embedder, damage):
    expected = results(index_dir, fake_embedder)
    path = index_dir / VECTORS_NAME
    data = path.read_bytes()
    path.write_bytes({"truncate-body": data[:-100], "garbage": b"\x00garbage" * 10, "empty": b""}[damage])
    assert results(index_dir, fake_embedder) == expected
    loaded, header = VectorIndex.load(path)  # rewritten whole
    assert header["generation"] == _generation(index_dir)
    assert loaded.ntotal == header["ntotal"] > 0


def test_a_reader_sees_another_writers_commit_after_refresh(index_dir, fake_embedder, tmp_path):
    reader = open_index(index_dir, embedder=fake_embedder)
    assert reader.refresh() is False
    write_txt(tmp_path / "more", "extra.txt", "Volcano Erupts", "Ash from the volcano closed airports nearby.")
    ingest([tmp_path / "more"], index_dir, embedder=FakeEmbedder())  # another handle, as another process
    assert reader.refresh() is True
    assert_consistent(reader)
    top = reader.dense_search(reader.embed_query("volcano ash airports"), 1)[0]
    assert reader.article(top.chunk.article_id).title == "Volcano Erupts"
    reader.close()


def test_dense_search_filters(index_dir, fake_embedder):
    idx = open_index(index_dir, embedder=fake_embedder)
    q = idx.embed_query("ship canal earthquake eclipse")

    def titles(**kw):
        return {idx.article(h.chunk.article_id).title for h in idx.dense_search(q, 50, **kw)}

    assert titles() == {SUEZ[0], QUAKE[0], ECLIPSE[0]}
    assert titles(sources=["harbor ledger"]) == {SUEZ[0]}
    assert titles(since=date(2023, 1, 1)) == {QUAKE[0], ECLIPSE[0]}
    assert titles(until=date(2023, 2, 10)) == {SUEZ[0], QUAKE[0]}
    assert titles(sources=["No Such Outlet"]) == set()
    idx.close()


def test_doc_freqs_follow_the_index(index_dir, fake_embedder, tmp_path):
    idx = open_index(index_dir, embedder=fake_embedder)
    freqs, total = idx.doc_freqs(["volcano", "canal"])
    assert freqs["volcano"] == 0 and freqs["canal"] >= 1 and total == idx.store.counts()[1]
    write_txt(tmp_path / "more", "extra.txt", "Volcano Erupts", "Ash from the volcano closed airports nearby.")
    ingest([tmp_path / "more"], index=idx)
    assert idx.doc_freqs(["volcano"])[0]["volcano"] >= 1  # the cache was dropped
    idx.close()


def test_stats(index_dir, fake_embedder):
    idx = open_index(index_dir, embedder=fake_embedder)
    st = idx.stats()
    assert (st.articles, st.chunks) == idx.store.counts()
    assert st.outlets == {"Harbor Ledger": 1, "Meridian Wire": 1, "Northwind Post": 1}
    assert (st.first_published, st.last_published) == (date(2021, 3, 29), date(2024, 4, 8))
    assert (st.model, st.dimension, st.index_type) == ("fake-embedder", 64, "flat")
    assert st.size_bytes > 0
    idx.close()


def test_a_second_writer_waits_then_gives_up(index_dir, fake_embedder):
    idx = open_index(index_dir, embedder=fake_embedder)
    other = open_index(index_dir, embedder=fake_embedder)
    with idx.write_lock():
        with pytest.raises(IndexBusyError, match="another process is writing"):
            with other.write_lock(wait=0.3):
                pass
    with other.write_lock(wait=0):  # released
        pass
    idx.close()
    other.close()


def test_words_in_most_chunks_of_a_large_index_are_left_out_of_bm25(index_dir, fake_embedder, monkeypatch):
    import index.news_index as core

    idx = open_index(index_dir, embedder=fake_embedder)
    df, n = idx.doc_freqs(["canal", "ship", "rescue"])
    assert df["rescue"] < df["canal"] and df["rescue"] < df["ship"]  # the sample texts' counts
    # a small index keeps every word
    assert idx._selective("canal rescue ship") == "canal rescue ship"
    # pretend the index is large: words in more than the share are dropped, the rare one stays
    monkeypatch.setattr(core, "COMMON_MIN_CHUNKS", 0)
    monkeypatch.setattr(core, "COMMON_SHARE", (df["rescue"] + 0.5) / n)
    assert idx._selective("canal rescue ship") == "rescue"
    # when every word is common, the rarest one is searched rather than nothing
    monkeypatch.setattr(core, "COMMON_SHARE", 0.0)
    assert idx._selective("ship rescue") == "rescue"
    assert [h.chunk.id for h in idx.lexical_search("canal rescue ship", 5)] == \
        [h.chunk.id for h in idx.store.lexical_search("rescue", 5)]
    idx.close()


def test_a_large_index_splits_its_lexical_search_over_the_cores(index_dir, fake_embedder, monkeypatch):
    import index.news_index as core

    idx = open_index(index_dir, embedder=fake_embedder)
    seen = []
    real = idx.store.lexical_search

    def spy(text, k, **kw):
        seen.append(kw["parts"])
        return real(text, k, **kw)

    monkeypatch.setattr(idx.store, "lexical_search", spy)
    small = idx.lexical_search("canal rescue ship", 5)
    monkeypatch.setattr(core, "SPLIT_MIN_CHUNKS", 0)
    monkeypatch.setattr(core, "usable_cores", lambda: 3)
    large = idx.lexical_search("canal rescue ship", 5)
    assert seen == [1, 3]
    assert [h.chunk.id for h in large] == [h.chunk.id for h in small]
    idx.close()
