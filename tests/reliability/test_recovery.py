"""Regression tests for the crash/concurrency bugs the reliability work found, each
reproduced deterministically: see docs/RELIABILITY.md, "Bugs found"."""

from __future__ import annotations

import os
import sqlite3

import pytest

from index import DB_NAME, delete, ingest, open_index
from index.errors import IndexNotFoundError
from index.store import Store
from index.vectors import VECTORS_NAME, VectorIndex
from tests.fakes import FakeEmbedder
from tests.index.helpers import assert_consistent, sample_folder, write_txt


@pytest.fixture
def built(tmp_path):
    d = tmp_path / "idx"
    ingest([sample_folder(tmp_path / "src")], d, embedder=FakeEmbedder())
    return d


@pytest.mark.parametrize("how", ["empty file", "wal header only"])
def test_a_database_file_without_schema_is_no_index_yet(tmp_path, how):
    """A process killed between creating index.sqlite3 and committing its schema left a file that
    every later open refused as corrupt ("no such table: meta"), so `assistant ingest` could never
    resume without the user moving the folder away."""
    d = tmp_path / "idx"
    d.mkdir()
    if how == "empty file":
        (d / DB_NAME).touch()
    else:
        conn = sqlite3.connect(d / DB_NAME)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
    with pytest.raises(IndexNotFoundError):
        open_index(d, embedder=FakeEmbedder())
    report = ingest([sample_folder(tmp_path / "src")], d, embedder=FakeEmbedder())
    assert len(report.added) == 3
    idx = open_index(d, embedder=FakeEmbedder())
    assert_consistent(idx)
    idx.close()


def test_a_foreign_database_is_still_refused(tmp_path):
    from index.errors import IndexCorruptError

    d = tmp_path / "idx"
    d.mkdir()
    conn = sqlite3.connect(d / DB_NAME)
    conn.execute("CREATE TABLE other(x)")
    conn.commit()
    conn.close()
    with pytest.raises(IndexCorruptError):
        ingest([sample_folder(tmp_path / "src")], d, embedder=FakeEmbedder())


def _commit_while_rebuilding(monkeypatch, d, tmp_path, *, stage: str):
    """Make the next reader's rebuild from SQLite race with a writer's commit at `stage`."""
    fired = []
    write_txt(tmp_path / "more", "volcano.txt", "Volcano Erupts", "Ash from the volcano closed airports nearby today.")

    def commit_once():
        if not fired:
            fired.append(True)
            writer = open_index(d, embedder=FakeEmbedder())
            ingest([tmp_path / "more"], index=writer)
            writer.close()

    if stage == "between count and vectors":
        original = Store.iter_vectors

        def racing(self, dim, batch=20000):
            commit_once()
            return original(self, dim, batch)

        monkeypatch.setattr(Store, "iter_vectors", racing)
    else:  # after the rebuild, before the reader takes the lock to save its repaired file
        import index.news_index as core

        original_lock = core.NewsIndex.write_lock

        def racing_lock(self, wait=600.0):
            commit_once()
            return original_lock(self, wait)

        monkeypatch.setattr(core.NewsIndex, "write_lock", racing_lock)
    return fired


@pytest.mark.parametrize("stage", ["between count and vectors", "before saving the repair"])
def test_a_reader_rebuilding_while_a_writer_commits(built, tmp_path, monkeypatch, stage):
    """A reader that must rebuild FAISS from SQLite (the file lags during every ingest) read the
    chunk count and the vectors in separate statements: a commit in between raised
    IndexCorruptError ("chunk count changed while rebuilding vectors") out of open/ask. And a
    repair saved after another commit labelled old vectors with the new generation."""
    d = built
    (d / VECTORS_NAME).unlink()  # the reader must rebuild
    fired = _commit_while_rebuilding(monkeypatch, d, tmp_path, stage=stage)
    reader = open_index(d, embedder=FakeEmbedder())
    monkeypatch.undo()
    assert fired
    try:
        # the snapshot from before the commit (3 one-chunk articles), labelled with its own generation...
        assert reader.vectors.ntotal == 3 and reader._generation == reader.store.generation() - 1
        assert reader.refresh() is True  # ...catches up with the commit on the next refresh
        assert_consistent(reader)
        top = reader.lexical_search("volcano ash airports", 1)[0]
        assert reader.article(top.chunk.article_id).title == "Volcano Erupts"
    finally:
        reader.close()
    header = VectorIndex.read_header(d / VECTORS_NAME)
    fresh = open_index(d, embedder=FakeEmbedder())
    try:
        if header is not None and header["generation"] == fresh.store.generation():
            assert header["ntotal"] == fresh.store.counts()[1]  # never a newer label on older vectors
        assert_consistent(fresh)
    finally:
        fresh.close()


def test_a_save_killed_midway_leaves_no_temporary_file_behind(built, tmp_path):
    """A writer killed while writing vectors.faiss.tmp<pid> left that file forever (as big as the
    FAISS index); the next save under the write lock removes it."""
    stale = built / (VECTORS_NAME + ".tmp99999")
    stale.write_bytes(b"\0" * 4096)
    write_txt(tmp_path / "more", "volcano.txt", "Volcano Erupts", "Ash from the volcano closed airports nearby today.")
    ingest([tmp_path / "more"], built, embedder=FakeEmbedder())
    assert not stale.exists()
    assert sorted(p.name for p in built.iterdir() if p.name.startswith(VECTORS_NAME)) == [VECTORS_NAME]


def test_a_file_name_that_is_not_utf8_is_ingested_and_deleted_by_path(tmp_path):
    """Such a name (Latin-1 archives) crashed the ingest with UnicodeEncodeError at the SQLite
    query, and `delete --path` the same way."""
    src = tmp_path / "src"
    src.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (src / name).write_text("Harbour Reopens\n\nThe harbour reopened after the storm passed through the bay.")
    write_txt(src, "ok.txt", "Wheat Harvest", "Farmers reported a record wheat harvest across the plains.")
    d = tmp_path / "idx"
    report = ingest([src], d, embedder=FakeEmbedder())
    assert len(report.added) == 2 and not report.skipped
    idx = open_index(d, embedder=FakeEmbedder())
    paths = sorted(a.path for a in idx.articles())
    idx.close()
    assert any(p.endswith("caf\ufffd.txt") for p in paths)
    assert len(delete(paths=[src / name], index_dir=d)) == 1


def test_outlet_with_lone_surrogate_does_not_abort_the_batch(tmp_path):
    """One record whose outlet held a "\\ud800" escape raised UnicodeEncodeError at the SQLite
    insert: the ingest died with a traceback and its whole batch was rolled back."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "feed.jsonl").write_text(
        '{"title": "One", "text": "The harbour reopened after the storm passed through the bay."}\n'
        '{"title": "Two", "text": "Only the outlet name of this record is broken.", "source": "Out\\ud800let"}\n'
        '{"title": "Three", "text": "Farmers reported a record wheat harvest across the plains."}\n')
    report = ingest([src], tmp_path / "idx", embedder=FakeEmbedder())
    assert len(report.added) == 3 and not report.skipped
