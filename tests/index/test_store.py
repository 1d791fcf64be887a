"""Unit tests of index.store: the SQLite half (articles, chunks, vectors, BM25, filters)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from index.chunking import Span
from index.records import Article, Chunk
from index.store import Store, _split_range, fts_query

DIM = 4


def make_store(tmp_path) -> Store:
    store = Store(tmp_path)
    store.create_schema({"format_version": 1, "model": "fake", "dimension": DIM})
    return store


def add(store: Store, article: Article, *chunk_texts: str) -> list[int]:
    """Store `article` with one chunk per text (each must occur in the article text)."""
    spans, pos = [], 0
    for i, t in enumerate(chunk_texts or (article.text,)):
        start = article.text.index(t, pos)
        spans.append(Span(i, start, start + len(t), t))
        pos = start
    vecs = np.eye(DIM, dtype=np.float32)[[i % DIM for i in range(len(spans))]]
    with store.transaction() as c:
        ids = Store.insert_article(c, article, spans, vecs)
        Store.bump_generation(c)
    return ids


def art(id_: str, text: str, **kw) -> Article:
    return Article(id=id_, title=kw.pop("title", f"Title {id_}"), text=text, **kw)


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    yield s
    s.close()


def test_article_round_trip_keeps_every_field(store):
    full = Article(id="a1", title="Bridge collapses", text="The bridge fell into the river at night.",
                   source="Harbor Ledger", url="https://example.org/a1", published=date(2024, 3, 26),
                   authors=("Ann Lee", "Bo Chen"), path="/news/a1.md")
    bare = Article(id="a2", title="No date", text="An undated clipping without an outlet or author.")
    add(store, full)
    add(store, bare)
    assert store.article("a1") == full
    assert store.article("a2") == bare
    assert store.article("a2").published is None and store.article("a2").authors == ()
    assert store.article("nope") is None
    assert {a.id for a in store.articles(["a1", "a2", "a1"])} == {"a1", "a2"}
    assert len(store.articles(["a1", "a1"])) == 1


def test_chunks_and_their_vectors_round_trip(store):
    a = art("a1", "First part here. Second part there.")
    ids = add(store, a, "First part here.", "Second part there.")
    chunks = store.chunks(ids)
    assert chunks[ids[0]] == Chunk(ids[0], "a1", 0, 0, 16, "First part here.")
    assert chunks[ids[1]] == Chunk(ids[1], "a1", 1, 17, 35, "Second part there.")
    assert [a.text[c.start:c.end] == c.text for c in chunks.values()] == [True, True]
    (got_ids, got_vecs), = list(store.iter_vectors(DIM))
    assert got_ids.tolist() == ids
    np.testing.assert_array_equal(got_vecs, np.eye(DIM, dtype=np.float32)[:2])
    assert store.chunk_ids().tolist() == ids
    assert store.counts() == (1, 2)


def test_generation_grows_with_each_commit(store):
    assert store.generation() == 0
    add(store, art("a1", "Some text about ships."))
    add(store, art("a2", "Other text about planes."))
    assert store.generation() == 2


def test_failed_transaction_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError):
        with store.transaction() as c:
            Store.insert_article(c, art("a1", "Half written article text."),
                                 [Span(0, 0, 4, "Half")], np.ones((1, DIM), np.float32))
            raise RuntimeError("crash mid-way")
    assert store.counts() == (0, 0) and store.generation() == 0


def test_lexical_search_ranks_the_chunk_with_the_rare_term_first(store):
    add(store, art("a1", "The ship sailed the canal. The ship waited."), "The ship sailed the canal.",
        "The ship waited.")
    add(store, art("a2", "A ship and a tugboat freed the canal."))
    add(store, art("a3", "The ship crossed the canal again."))
    hits = store.lexical_search("ship tugboat canal", k=10)
    assert hits[0].chunk.article_id == "a2"
    assert all(h.score > 0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(store.lexical_search("ship", k=2)) == 2


def test_unfiltered_top_k_path_ranks_like_the_filtered_join(store):
    # the unfiltered query takes FTS5's top k before the join; a filter matching every article
    # goes through the join path, so both must give the same chunks, order and scores
    for i in range(12):
        add(store, art(f"a{i}", " ".join(["canal"] * (i % 4 + 1) + ["ship"] * (i % 3 + 1) + ["filler"] * i),
                       published=date(2021, 3, 1)))
    plain = store.lexical_search("ship canal", k=5)
    joined = store.lexical_search("ship canal", k=5, since=date(2000, 1, 1))
    assert len(plain) == 5
    assert [(h.chunk.id, round(h.score, 9)) for h in plain] == [(h.chunk.id, round(h.score, 9)) for h in joined]


@pytest.mark.parametrize("parts", [2, 3, 7, 50])
def test_a_search_split_by_chunk_id_range_finds_the_same_hits(store, parts):
    for i in range(20):
        add(store, art(f"a{i}", " ".join(["canal"] * (i % 4 + 1) + ["ship"] * (i % 3 + 1) + ["filler"] * (i % 5)),
                       published=date(2021, 3, 1 + i % 20)))
    for kw in ({}, {"since": date(2021, 3, 5)}):
        one = store.lexical_search("ship canal", k=6, **kw)
        split = store.lexical_search("ship canal", k=6, parts=parts, **kw)
        assert len(one) == 6
        assert [(h.chunk.id, round(h.score, 9)) for h in split] == [(h.chunk.id, round(h.score, 9)) for h in one]
    assert store._pool is not None
    pool_conns = list(store._pool_conns)
    assert pool_conns  # the pool threads read through their own connections...
    store.close()
    assert store._pool is None and not store._pool_conns  # ...closed with the store
    with pytest.raises(Exception):
        pool_conns[0].execute("SELECT 1")


def test_a_split_search_of_an_empty_store_finds_nothing(store):
    assert store.lexical_search("ship", k=5, parts=4) == []


def test_split_range_covers_every_id_once():
    for lo, hi, parts in [(1, 10, 3), (5, 5, 4), (1, 1_000_000, 4), (7, 9, 2), (1, 4, 4)]:
        ranges = _split_range(lo, hi, parts)
        assert len(ranges) == min(parts, hi - lo + 1)
        covered = [i for a, b in ranges for i in range(a, b + 1)] if hi - lo < 1000 else None
        if covered is not None:
            assert covered == list(range(lo, hi + 1))
        assert ranges[0][0] == lo and ranges[-1][1] == hi
        assert all(b + 1 == c for (_, b), (c, _) in zip(ranges, ranges[1:]))


def test_fts_query_quotes_content_words_and_drops_stop_words():
    assert fts_query('What did "Ever Given" do?') == '"ever" OR "given"'
    assert fts_query("the of and what") == ""
    assert fts_query("Türkiye–Syria covid-19 7.8") == '"türkiye" OR "syria" OR "covid-19" OR "7" OR "8"'
    assert fts_query(" ".join(f"w{i}" for i in range(50)), max_terms=3) == '"w0" OR "w1" OR "w2"'


@pytest.mark.parametrize("question", [
    'what did "ever given do', "ship*", "ship AND canal", "NEAR(ship canal)", "-ship", "ship NOT canal",
    "canal: (ship OR", "^ship", "{text}: ship", "ship\"\"\"", "'ship'", "ship -- canal", "a+b=c", "''", "*",
])
def test_questions_with_fts_syntax_never_raise(store, question):
    add(store, art("a1", "The ship blocked the canal for six days."))
    hits = store.lexical_search(question, k=5)
    if "ship" in question:
        assert [h.chunk.article_id for h in hits] == ["a1"]


def test_only_stop_words_search_nothing(store):
    add(store, art("a1", "The ship blocked the canal."))
    assert store.lexical_search("what is the", k=5) == []


def test_filters_by_source_case_insensitively_and_by_date(store):
    add(store, art("a1", "Ships queue at the canal.", source="Harbor Ledger", published=date(2021, 3, 25)))
    add(store, art("a2", "Ships pass the canal again.", source="ÉCHOS du Port", published=date(2021, 3, 30)))
    add(store, art("a3", "Ships in an undated clipping at the canal."))

    def ids(**kw):
        return sorted(h.chunk.article_id for h in store.lexical_search("ships canal", 10, **kw))

    assert ids() == ["a1", "a2", "a3"]
    assert ids(sources=["harbor LEDGER"]) == ["a1"]
    assert ids(sources=["échos du port"]) == ["a2"]  # non-ASCII capitals fold too
    assert ids(sources=["Harbor Ledger", "ÉCHOS DU PORT"]) == ["a1", "a2"]
    assert ids(sources=["Nobody"]) == []
    assert ids(since=date(2021, 3, 26)) == ["a2"]
    assert ids(until=date(2021, 3, 25)) == ["a1"]  # inclusive
    assert ids(since=date(2021, 3, 25), until=date(2021, 3, 30)) == ["a1", "a2"]  # undated excluded
    assert sorted(store.filtered_chunk_ids(["HARBOR ledger"], None, None).tolist()) == \
        sorted(h.chunk.id for h in store.lexical_search("ships", 10, sources=["Harbor Ledger"]))


def test_doc_freq_counts_chunks_containing_a_stemmed_term(store):
    add(store, art("a1", "The bridge fell. Bridges are old.", title="x"), "The bridge fell.", "Bridges are old.")
    add(store, art("a2", "A ship hit the bridge.", title="y"))
    add(store, art("a3", "Nothing to see here.", title="z"))
    assert store.doc_freq("bridge") == 3
    assert store.doc_freq("ship") == 1
    assert store.doc_freq("volcano") == 0
    assert store.doc_freq("the") == 0  # a stop word is never a term


def test_delete_article_removes_chunks_fts_rows_and_returns_their_ids(store):
    ids = add(store, art("a1", "Unique zebra text. More zebra."), "Unique zebra text.", "More zebra.")
    add(store, art("a2", "Another article about a zebra crossing."))
    with store.transaction() as c:
        assert sorted(Store.delete_article(c, "a1")) == sorted(ids)
    assert store.article("a1") is None
    assert store.chunks(ids) == {}
    assert [h.chunk.article_id for h in store.lexical_search("zebra", 10)] == ["a2"]
    assert store.counts() == (1, 1)


def test_outlets_date_range_and_paths(store):
    add(store, art("a1", "Text one about things.", source="B Post", published=date(2020, 1, 2), path="/x/1.txt"))
    add(store, art("a2", "Text two about things.", source="A Wire", published=date(2022, 5, 6), path="/x/2.jsonl"))
    add(store, art("a3", "Text three about things.", source="A Wire", path="/x/2.jsonl"))
    assert store.outlets() == {"A Wire": 2, "B Post": 1}
    assert store.date_range() == (date(2020, 1, 2), date(2022, 5, 6))
    assert sorted(store.article_ids_for_path("/x/2.jsonl")) == ["a2", "a3"]
    assert store.existing_ids(["a1", "zz"]) == {"a1"}
