"""Readers during writes: while `assistant ingest` runs in another process, `ask()` here
keeps answering from the last committed index — never an error, never a citation of an article
that is not wholly there — and once the writer is done the same Assistant answers from the new
articles without a restart (`ask()` calls `refresh()`)."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

from index import DB_NAME
from tests.reliability.corpus import make_articles, write_corpus
from tests.reliability.harness import fake_cli, snapshot, wait_ready

pytestmark = pytest.mark.slow

FIGURES: dict = {}


def test_asks_during_an_ingest_in_another_process(tmp_path):
    from assistant import AnswerSettings, Assistant
    from index import ingest, open_index
    from tests.fakes import FakeEmbedder

    articles = make_articles(240, seed=5)
    first, second = articles[:120], articles[120:]
    src1 = write_corpus(tmp_path / "src1", first)
    src2 = write_corpus(tmp_path / "src2", second)
    d = tmp_path / "idx"
    ingest([src1], d, embedder=FakeEmbedder())
    ref_dir = tmp_path / "ref"  # what every article must look like when it is there at all
    ingest([src1, src2], ref_dir, embedder=FakeEmbedder())
    ref = snapshot(ref_dir)
    by_key = {a.key: a for a in articles}

    # the rules alone: this is about what readers see of the store, and the faster ranker asks
    # more often while the writer runs
    reader = Assistant(d, embedder=FakeEmbedder(), answer=AnswerSettings(ranker="rules"))
    db = sqlite3.connect(f"file:{d / DB_NAME}?mode=ro", uri=True)

    def whole(article_id: str) -> bool:
        got = [r[0] for r in db.execute("SELECT text FROM chunks WHERE article_id=? ORDER BY ord", (article_id,))]
        return got == ref.chunks[article_id]

    rng = random.Random(3)
    errors: list[str] = []
    fig = FIGURES.setdefault("readers", {"asks_during_write": 0, "citations_checked": 0,
                                         "cited_articles_added_during_write": 0, "opens_during_write": 0,
                                         "errors": 0})
    new_ids = {aid for aid, title in ref.articles.items() if title.split(" in ", 1)[1] in {a.key for a in second}}
    # the writer: slow embedding and small transactions, so it commits ~25 times over a few seconds
    proc = fake_cli("ingest", str(src2), "--index", str(d), FAKE_EMBED_DELAY=0.08, FAKE_BATCH_CHUNKS=8)
    wait_ready(proc)
    while proc.poll() is None:
        key = rng.choice(articles).key
        try:
            answer = reader.ask(f"What happened in {key}?")
            fig["asks_during_write"] += 1
            for c in answer.citations:
                fig["citations_checked"] += 1
                assert whole(c.article_id), f"cited article {c.article_id} is not whole"
                assert c.quote and c.quote in by_key[ref.articles[c.article_id].split(" in ", 1)[1]].text
                fig["cited_articles_added_during_write"] += c.article_id in new_ids
            if fig["asks_during_write"] % 5 == 0:  # a reader opening mid-write (lagging FAISS file)
                idx = open_index(d, embedder=FakeEmbedder())
                idx.close()
                fig["opens_during_write"] += 1
        except Exception as e:  # noqa: BLE001 - collected, the test fails below
            errors.append(f"{type(e).__name__}: {e}")
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    fig["errors"] = len(errors)
    print("\nreaders during a write:", fig)
    assert not errors, errors[:5]
    assert fig["asks_during_write"] >= 20, "the writer finished before the reader got going"

    # after the writer: the same Assistant answers from the new articles (dense and lexical)
    t0 = time.monotonic()
    for a in second[-10:]:
        answer = reader.ask(f"What happened in {a.key}?")
        cited = {ref.articles[c.article_id] for c in answer.citations}
        assert a.title in cited, (a.title, cited)
    idx = reader.index
    assert idx.vectors.ntotal == idx.store.counts()[1] == sum(len(c) for c in ref.chunks.values())
    fig["seconds_for_10_asks_after"] = round(time.monotonic() - t0, 2)
    reader.close()
    db.close()
