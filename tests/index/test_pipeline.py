"""Ingest with the fake embedder: reports, de-duplication, replacement of edited files, bad input."""

from __future__ import annotations

import json

import pytest

from index import ingest, open_index
from index.records import Progress
from tests.index.helpers import (ECLIPSE, QUAKE, SMALL_CHUNKS, SUEZ, assert_consistent, dense_ids,
                                 sample_folder, write_jsonl, write_txt)


def test_ingest_a_folder_reports_what_it_added(tmp_path, fake_embedder):
    src = sample_folder(tmp_path / "src")
    report = ingest([src], tmp_path / "idx", embedder=fake_embedder, config=SMALL_CHUNKS)
    assert len(report.added) == 3 and report.unchanged == [] and report.skipped == []
    assert report.ok
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    assert idx.store.counts() == (3, report.chunks_added)
    assert report.chunks_added > 3  # small chunks: several per article
    assert fake_embedder.texts_embedded == report.chunks_added
    assert {a.title for a in idx.articles()} == {SUEZ[0], QUAKE[0], ECLIPSE[0]}
    assert report.summary().startswith("added 3, unchanged 0, skipped 0 (")
    assert_consistent(idx)
    idx.close()


def test_second_run_adds_nothing_and_embeds_nothing(tmp_path, fake_embedder):
    src = sample_folder(tmp_path / "src")
    first = ingest([src], tmp_path / "idx", embedder=fake_embedder)
    embedded = fake_embedder.texts_embedded
    again = ingest([src], tmp_path / "idx", embedder=fake_embedder)
    assert again.added == [] and again.chunks_added == 0
    assert sorted(again.unchanged) == sorted(first.added)
    assert again.ok  # everything read was already there
    assert fake_embedder.texts_embedded == embedded


def test_same_article_in_txt_and_jsonl_is_stored_once(tmp_path, fake_embedder):
    src = tmp_path / "src"
    write_txt(src, "a.txt", *SUEZ)
    write_jsonl(src, "b.jsonl", {"title": SUEZ[0], "text": SUEZ[1]}, {"title": QUAKE[0], "text": QUAKE[1]})
    report = ingest([src], tmp_path / "idx", embedder=fake_embedder)
    assert len(report.added) == 2 and len(report.unchanged) == 1
    assert report.unchanged[0] in report.added
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    assert idx.store.counts()[0] == 2
    suez = idx.article(report.unchanged[0])
    assert suez.path.endswith("a.txt")  # the first file read keeps the article
    idx.close()


def test_edited_txt_file_replaces_its_old_version(tmp_path, fake_embedder):
    src = tmp_path / "src"
    path = write_txt(src, "suez.txt", *SUEZ)
    write_txt(src, "quake.txt", *QUAKE)
    ingest([src], tmp_path / "idx", embedder=fake_embedder, config=SMALL_CHUNKS)
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    old_id = idx.store.article_ids_for_path(str(path.resolve()))[0]
    old_chunks = {c.id for c in idx.chunks(idx.store.chunk_ids()).values() if c.article_id == old_id}
    idx.close()

    write_txt(src, "suez.txt", SUEZ[0], SUEZ[1].replace("Tugboats", "Nine tugboats"))
    report = ingest([path], tmp_path / "idx", embedder=fake_embedder)
    assert report.replaced == [old_id] and len(report.added) == 1 and report.added[0] != old_id
    assert "replaced 1" in report.summary()

    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    assert idx.article(old_id) is None and idx.store.counts()[0] == 2
    assert "Nine tugboats" in idx.article(report.added[0]).text
    assert old_chunks and not old_chunks & set(idx.store.chunk_ids().tolist())
    assert not old_chunks & set(dense_ids(idx, "tugboats canal ship"))
    assert all(h.chunk.article_id != old_id for h in idx.lexical_search("tugboats", 20))
    assert_consistent(idx)
    idx.close()


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.json"])
def test_edited_json_records_are_added_not_replaced(tmp_path, fake_embedder, name):
    def write_feed(text):
        record = {"title": SUEZ[0], "text": text}
        if name.endswith(".jsonl"):
            write_jsonl(src, name, record)
        else:
            (src / name).write_text(json.dumps([record]), encoding="utf-8")

    src = tmp_path / "src"
    src.mkdir()
    write_feed(SUEZ[1])
    first = ingest([src], tmp_path / "idx", embedder=fake_embedder)
    write_feed(SUEZ[1] + " Update: the canal reopened.")
    second = ingest([src], tmp_path / "idx", embedder=fake_embedder)
    assert len(first.added) == 1 and len(second.added) == 1 and second.replaced == []
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    assert {a.id for a in idx.articles()} == {first.added[0], second.added[0]}
    idx.close()


def test_bad_files_are_skipped_with_reasons_and_do_not_stop_the_batch(tmp_path, fake_embedder):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a-empty.txt").write_bytes(b"")
    (src / "b-binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (src / "c-report.pdf").write_bytes(b"%PDF-1.4")
    (src / "d-broken.json").write_text("{not json", encoding="utf-8")
    write_jsonl(src, "e-mixed.jsonl", {"title": "no text here"}, {"title": QUAKE[0], "text": QUAKE[1]})
    write_txt(src / "sub", "z-good.txt", *SUEZ)
    report = ingest([src, tmp_path / "missing.txt"], tmp_path / "idx", embedder=fake_embedder)

    assert len(report.added) == 2 and report.ok
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in report.skipped}
    assert reasons["a-empty.txt"] == "empty file"
    assert "binary" in reasons["b-binary.txt"]
    assert "unsupported file type .pdf" in reasons["c-report.pdf"]
    assert "invalid json" in reasons["d-broken.json"]
    assert "no text" in reasons["e-mixed.jsonl"]
    assert [s.line for s in report.skipped if s.path.endswith("e-mixed.jsonl")] == [1]
    assert reasons["missing.txt"] == "no such file or folder"
    assert "skipped 6" in report.summary()


def test_only_bad_files_is_not_ok(tmp_path, fake_embedder):
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "notes.docx").write_bytes(b"PK\x03\x04")
    report = ingest([src], tmp_path / "idx", embedder=fake_embedder)
    assert not report.ok
    assert report.added == [] and report.unchanged == [] and len(report.skipped) == 2
    assert fake_embedder.calls == 0


def test_progress_is_reported_and_ends_with_done(tmp_path, fake_embedder):
    seen: list[Progress] = []
    ingest([sample_folder(tmp_path / "src")], tmp_path / "idx", embedder=fake_embedder, progress=seen.append)
    assert seen[-1] == Progress(articles_read=3, articles_added=3, chunks_added=seen[-1].chunks_added,
                                stage="done")
    assert seen[-1].chunks_added >= 3


def test_ingest_through_an_open_index_keeps_it_consistent(tmp_path, fake_embedder):
    src = sample_folder(tmp_path / "src")
    idx = open_index(tmp_path / "idx", embedder=fake_embedder, config=SMALL_CHUNKS, create=True)
    assert_consistent(idx)
    ingest([src / "suez.txt"], index=idx)
    assert_consistent(idx)
    ingest([src], index=idx)
    assert_consistent(idx)
    assert idx.store.counts()[0] == 3
    hits = idx.dense_search(idx.embed_query("earthquake rescuers rubble aftershocks"), 1)
    assert idx.article(hits[0].chunk.article_id).title == QUAKE[0]
    idx.close()
