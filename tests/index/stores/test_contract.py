"""The store seam's contract (`index.stores.base.NewsStore`), one suite run against every store:
the default SQLite + FAISS directory and a Milvus Lite file. Whatever retrieval, answering and
ingest call on an index must behave the same on both."""

from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pytest

from index import delete, ingest
from index.errors import ArticleNotFoundError, IndexBusyError, IndexNotFoundError
from index.pipeline import embedding_text
from index.records import FeedStatus
from index.stores import open_store, rrf_merge
from index.web.state import PollRecord
from tests.index.helpers import ECLIPSE, QUAKE, SMALL_CHUNKS, SUEZ, sample_folder, write_txt
from tests.index.stores.conftest import STORES
from tests.wire_samples import write_wire_folder

pytestmark = pytest.mark.parametrize("kind", STORES)


@pytest.fixture
def filled(tmp_path, location, fake_embedder):
    """(open store, {title: article id}) holding the three sample reports."""
    def make(kind):
        where = location(kind)
        ingest([sample_folder(tmp_path / "src")], where, embedder=fake_embedder, config=SMALL_CHUNKS)
        idx = open_store(where, embedder=fake_embedder)
        made.append(idx)
        return idx, {a.title: a.id for a in idx.articles()}

    made = []
    yield make
    for idx in made:
        idx.close()


def titles(idx, hits) -> list[str]:
    by_id = {a.id: a.title for a in idx.articles({h.chunk.article_id for h in hits})}
    return [by_id[h.chunk.article_id] for h in hits]


def test_opening_nothing_creates_nothing(kind, location, fake_embedder):
    with pytest.raises(IndexNotFoundError):
        open_store(location(kind), embedder=fake_embedder)


def test_dense_and_lexical_search_find_the_report_and_honour_filters(kind, filled):
    idx, ids = filled(kind)
    v = idx.embed_query("container ship canal")
    dense = idx.dense_search(v, 5)
    assert titles(idx, dense)[0] == SUEZ[0] and dense[0].score > dense[-1].score
    lexical = idx.lexical_search("earthquake rubble rescuers", 5)
    assert titles(idx, lexical)[0] == QUAKE[0] and all(h.score > 0 for h in lexical)
    assert [h.score for h in lexical] == sorted((h.score for h in lexical), reverse=True)
    for search in (lambda **f: idx.dense_search(v, 10, **f), lambda **f: idx.lexical_search("canal earthquake", 10, **f)):
        assert set(titles(idx, search(sources=["northwind POST"]))) == {QUAKE[0]}  # outlets match case-insensitively
        assert set(titles(idx, search(since=date(2023, 1, 1)))) <= {QUAKE[0], ECLIPSE[0]}
        assert set(titles(idx, search(until=date(2021, 12, 31)))) == {SUEZ[0]}
        assert search(since=date(2021, 3, 29), until=date(2021, 3, 29))
        assert search(sources=["Nobody"]) == [] and search(since=date(2030, 1, 1)) == []
    assert idx.lexical_search("the and of", 5) == []  # search stopwords only


def test_hybrid_search_is_reciprocal_rank_fusion_of_both_lists(kind, filled):
    idx, _ = filled(kind)
    v, text = idx.embed_query("ship canal tide"), "ship canal tide"
    expected = rrf_merge([idx.dense_search(v, 6), idx.lexical_search(text, 6)], 6)
    got = idx.hybrid_search(v, text, 6)
    assert [h.chunk.id for h in got][:3] == [h.chunk.id for h in expected][:3]
    assert pytest.approx([h.score for h in got], rel=1e-4) == [h.score for h in expected]
    assert set(titles(idx, idx.hybrid_search(v, text, 6, sources=["Meridian Wire"]))) == {ECLIPSE[0]}


def test_chunks_articles_and_dates_by_id(kind, filled):
    idx, ids = filled(kind)
    hits = idx.dense_search(idx.embed_query("solar eclipse corona"), 20)
    chunks = idx.chunks([h.chunk.id for h in hits] + [10**9])
    assert set(chunks) == {h.chunk.id for h in hits}
    for c in chunks.values():
        assert idx.article(c.article_id).text[c.start:c.end] == c.text
    suez = idx.article(ids[SUEZ[0]])
    assert (suez.source, suez.published, suez.path.endswith("suez.txt")) == ("Harbor Ledger", date(2021, 3, 29), True)
    assert idx.article("0" * 16) is None
    assert {a.id for a in idx.articles([ids[QUAKE[0]], "nope", ids[SUEZ[0]]])} == {ids[QUAKE[0]], ids[SUEZ[0]]}
    assert [a.title for a in idx.articles()] == [SUEZ[0], QUAKE[0], ECLIPSE[0]]  # by date, then title
    assert idx.published([ids[SUEZ[0]], "nope"]) == {ids[SUEZ[0]]: date(2021, 3, 29)}
    assert idx.newest_date() == date(2024, 4, 8)
    assert [a.title for a in idx.newest(2)] == [ECLIPSE[0], QUAKE[0]]
    assert idx.outlets() == {"Harbor Ledger": 1, "Meridian Wire": 1, "Northwind Post": 1}
    assert idx.any_published(date(2023, 1, 1), date(2023, 12, 31))
    assert not idx.any_published(date(2022, 1, 1), date(2022, 12, 31))


def test_list_articles_pages_newest_first_with_filters(kind, filled, tmp_path, fake_embedder):
    idx, ids = filled(kind)
    write_txt(tmp_path / "more", "undated.txt", "An Undated Note", "Volunteers painted the harbour wall again.")
    ingest([tmp_path / "more"], index=idx)
    total, page = idx.list_articles(limit=2)
    assert total == 4 and [a.title for a in page] == [ECLIPSE[0], QUAKE[0]]
    total, page = idx.list_articles(limit=2, offset=2)
    assert [a.title for a in page] == [SUEZ[0], "An Undated Note"]  # undated last
    assert idx.list_articles(sources=["meridian wire"])[0] == 1
    assert idx.list_articles(since=date(2022, 1, 1))[0] == 2 and idx.list_articles(until=date(2022, 1, 1))[0] == 1


def test_doc_freqs_count_chunks_after_stemming(kind, filled):
    idx, _ = filled(kind)
    df, total = idx.doc_freqs(["canal", "rescuers", "rescue", "volcano", "the"])
    assert total == idx.stats().chunks
    assert df["canal"] >= 1 and df["volcano"] == 0 and df["the"] == 0
    assert df["rescue"] == df["rescuers"] >= 1  # one stem


def test_stats_describe_the_index(kind, filled):
    idx, _ = filled(kind)
    st = idx.stats()
    assert (st.articles, st.groups, st.model, st.dimension) == (3, 3, "fake-embedder", 64)
    assert st.chunks == sum(1 for _ in idx.export() for _ in _.chunks)
    assert (st.first_published, st.last_published) == (date(2021, 3, 29), date(2024, 4, 8))
    assert st.last_added is not None and st.index_type and st.to_dict()["articles"] == 3


def test_wire_copies_are_grouped_and_the_group_survives_its_first_article(kind, tmp_path, location, fake_embedder):
    src = write_wire_folder(tmp_path / "wire")
    where = location(kind)
    ingest([src / "original.txt"], where, embedder=fake_embedder, config=SMALL_CHUNKS)
    ingest([src / "copy.txt", src / "other.txt"], where, embedder=fake_embedder)
    idx = open_store(where, embedder=fake_embedder)
    try:
        ids = {a.path.rsplit("/", 1)[-1].removesuffix(".txt"): a.id for a in idx.articles()}
        original, copy, other = ids["original"], ids["copy"], ids["other"]
        assert idx.groups_of([copy, other]) == {copy: (original, copy)}
        assert [a.id for a in idx.group_members(copy)] == [original, copy]
        assert [a.id for a in idx.group_members(other)] == [other]
        assert idx.stats().groups == 2
        pub = idx.article(copy).published
        assert idx.groups_of([copy], since=pub, until=pub) in ({}, {copy: (original, copy)})
        delete([original], index=idx)
        assert [a.id for a in idx.group_members(copy)] == [copy] and idx.stats().groups == 2
    finally:
        idx.close()


def test_delete_and_replace_by_path(kind, filled, tmp_path):
    idx, ids = filled(kind)
    gen = idx.generation()
    delete([ids[QUAKE[0]][:8]], index=idx)  # a unique prefix
    assert idx.generation() > gen and idx.article(ids[QUAKE[0]]) is None
    assert QUAKE[0] not in titles(idx, idx.lexical_search("earthquake rubble", 10))
    assert QUAKE[0] not in titles(idx, idx.dense_search(idx.embed_query("earthquake rubble"), 10))
    assert idx.outlets() == {"Harbor Ledger": 1, "Meridian Wire": 1}
    with pytest.raises(ArticleNotFoundError):
        delete(["ffffffffffff"], index=idx)
    path = next(a.path for a in idx.articles() if a.title == SUEZ[0])
    write_txt(tmp_path / "src", "suez.txt", SUEZ[0], SUEZ[1] + " The canal reopened on Monday.",
              source="Harbor Ledger", published="2021-03-30")
    report = ingest([path], index=idx)
    assert report.replaced == [ids[SUEZ[0]]] and len(report.added) == 1
    assert [a.published for a in idx.articles() if a.title == SUEZ[0]] == [date(2021, 3, 30)]
    assert idx.existing_ids([ids[SUEZ[0]], report.added[0]]) == {report.added[0]}
    assert idx.article_ids_for_path(path) == report.added


def test_export_gives_every_chunk_with_its_vector(kind, filled, fake_embedder):
    idx, _ = filled(kind)
    stored = list(idx.export())
    assert [s.article.title for s in stored] == [ECLIPSE[0], QUAKE[0], SUEZ[0]]  # as added: files by name
    for s in stored:
        assert len(s.chunks) == len(s.vectors) > 0 and [c.order for c in s.chunks] == list(range(len(s.chunks)))
        texts = [embedding_text(s.article.title, c.text) for c in s.chunks]
        assert np.allclose(s.vectors, fake_embedder.embed(texts), atol=1e-5)


def test_feeds_are_remembered(kind, filled):
    idx, ids = filled(kind)
    feeds = idx.feeds()
    when = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)
    feeds.record([PollRecord(FeedStatus("https://x.test/rss", "new", when, kind="feed", title="X", new_items=2),
                             etag='"e1"', last_modified="Sun, 01 Jun 2025 08:00:00 GMT")])
    feeds.record([PollRecord(FeedStatus("https://x.test/rss", "failed", when.replace(hour=9), error="HTTP 503"))])
    assert feeds.validators("https://x.test/rss") == ('"e1"', "Sun, 01 Jun 2025 08:00:00 GMT")
    assert feeds.validators("https://y.test/") == ("", "")
    (status,) = idx.stats().feeds
    assert (status.outcome, status.kind, status.title, status.error) == ("failed", "feed", "X", "HTTP 503")
    (row,) = feeds.dump()
    assert row["failures"] == 1 and row["etag"] == '"e1"'
    assert feeds.known_urls(["https://x.test/none"]) == {}


def test_writers_take_turns(kind, filled):
    idx, _ = filled(kind)
    with idx.write_lock():
        with pytest.raises(IndexBusyError):
            with idx.write_lock(wait=0):
                pass
    with idx.write_lock(wait=0):
        assert not idx.refresh()
