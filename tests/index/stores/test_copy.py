"""Moving an index between stores without re-embedding (`copy_index`, `assistant copy`)."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from index import copy_index, ingest
from index.errors import ConfigError
from index.records import FeedStatus
from index.stores import open_store
from index.web.state import PollRecord
from tests.index.helpers import SMALL_CHUNKS, sample_folder
from tests.wire_samples import write_wire_folder


def snapshot(where, embedder):
    idx = open_store(where, embedder=embedder)
    try:
        arts = {a.id: a for a in idx.articles()}
        chunks = {s.article.id: [(c.order, c.start, c.end, c.text) for c in s.chunks] for s in idx.export()}
        vecs = np.concatenate([s.vectors for s in idx.export()])
        groups = idx.groups_of(list(arts))
        search = [[h.chunk.text for h in idx.dense_search(idx.embed_query(q), 3)] for q in ("ferry fire", "canal ship")]
        return arts, chunks, vecs, groups, search, [f.url for f in idx.stats().feeds]
    finally:
        idx.close()


def test_there_and_back_without_embedding(tmp_path, location, fake_embedder):
    src = location("local")
    ingest([sample_folder(tmp_path / "a"), write_wire_folder(tmp_path / "w")], src, embedder=fake_embedder,
           config=SMALL_CHUNKS)
    idx = open_store(src, embedder=fake_embedder)
    idx.feeds().record([PollRecord(FeedStatus("https://x.test/rss", "new", datetime.now(timezone.utc)), etag='"1"')])
    idx.close()
    before = snapshot(src, fake_embedder)
    calls = fake_embedder.texts_embedded

    milvus, back = location("milvus-lite"), location("local")
    report = copy_index(src, milvus)
    assert (report.articles, report.already_there, report.feeds) == (len(before[0]), 0, 1)
    assert report.chunks == len(before[2]) and "copied" in report.summary()
    assert copy_index(src, milvus).already_there == len(before[0])  # running it again adds nothing
    copy_index(milvus, back)
    assert fake_embedder.texts_embedded - calls <= 8  # the snapshots' queries only: nothing re-embedded
    for where in (milvus, back):
        after = snapshot(where, fake_embedder)
        assert after[0] == before[0] and after[1] == before[1] and after[3] == before[3]
        assert np.allclose(after[2], before[2], atol=1e-6) and after[4] == before[4] and after[5] == before[5]


def test_copying_onto_itself_is_refused(location):
    where = location("local")
    with pytest.raises(ConfigError, match="same index"):
        copy_index(where, where + "/")


def test_the_command_line_copies(tmp_path, location, fake_embedder, monkeypatch, capsys):
    from ui.cli import main

    src = location("local")
    ingest([sample_folder(tmp_path / "a")], src, embedder=fake_embedder, config=SMALL_CHUNKS)
    # the CLI opens the source with its own model: make that the fake one
    monkeypatch.setattr("index.stores.milvus.index.SentenceTransformerEmbedder", lambda *a, **k: fake_embedder)
    monkeypatch.setattr("index.news_index.SentenceTransformerEmbedder", lambda *a, **k: fake_embedder)
    dst = location("milvus-lite")
    assert main(["copy", "--from", src, "--to", dst, "-q"]) == 0
    assert "copied 3 articles" in capsys.readouterr().out
    assert main(["stats", "--index", dst]) == 0
    out = capsys.readouterr().out
    assert "articles:  3" in out and "Milvus (milvus-lite FLAT)" in out and dst in out
