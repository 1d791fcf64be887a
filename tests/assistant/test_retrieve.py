"""Hybrid retrieval: reciprocal rank fusion of the dense and lexical lists (exact, hand-checkable
scores), the per-article cap, filters handed to both searches, and near-duplicate groups shown by
their best-ranked article. Small in-memory stand-ins for the index; one tiny fake-embedder index."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from assistant.retrieve import RetrievalSettings, Retriever, cap_per_article, rrf
from assistant.records import Filters, Hit
from index import ingest, open_index
from index.errors import ConfigError
from index.records import Article, Chunk, SearchHit
from tests.index.helpers import sample_folder

# -- rrf ----------------------------------------------------------------------------------------


def test_rrf_exact_scores_for_tiny_lists():
    fused = rrf([[10, 20, 30], [30, 10]], rrf_k=60)
    assert fused == pytest.approx({10: 1 / 61 + 1 / 62, 20: 1 / 62, 30: 1 / 63 + 1 / 61})
    assert rrf([[1, 2]], rrf_k=1) == pytest.approx({1: 1 / 2, 2: 1 / 3})
    assert rrf([], rrf_k=60) == {} and rrf([[], []]) == {}


def test_rrf_chunk_ranked_well_by_both_beats_one_ranked_first_by_only_one():
    # 7 is first in the dense list only; 8 is second in both lists
    fused = rrf([[7, 8, 9], [5, 8, 6]], rrf_k=60)
    assert fused[8] == pytest.approx(2 / 62)
    assert fused[7] == pytest.approx(1 / 61)
    assert fused[8] > fused[7] and fused[8] > fused[5]
    # with rrf_k=60, rank r in both lists beats rank 1 in one while 2/(60+r) > 1/61, i.e. r <= 61
    fused = rrf([[1] + list(range(100, 159)) + [2], [3] + list(range(200, 259)) + [2]], rrf_k=60)
    assert fused[2] == pytest.approx(2 / 121) and fused[2] > fused[1]  # rank 61 in both
    fused = rrf([[1] + list(range(100, 170)) + [2], [3] + list(range(200, 270)) + [2]], rrf_k=60)
    assert fused[2] == pytest.approx(2 / 132) and fused[2] < fused[1]  # rank 72 in both


def test_rrf_k_flattens_the_rank_differences():
    sharp, flat = rrf([[1, 2]], rrf_k=1), rrf([[1, 2]], rrf_k=1000)
    assert sharp[1] / sharp[2] > flat[1] / flat[2] > 1


# -- per-article cap -------------------------------------------------------------------------------


def hit(cid: int, article: str, score: float = 0.0) -> Hit:
    return Hit(cid, article, 0, 1, f"text {cid}", score)


def test_cap_per_article_keeps_best_first_and_at_most_n_per_article():
    hits = [hit(1, "a"), hit(2, "a"), hit(3, "a"), hit(4, "b"), hit(5, "a"), hit(6, "c"), hit(7, "b")]
    assert [h.chunk_id for h in cap_per_article(hits, k=10, per_article=2)] == [1, 2, 4, 6, 7]
    assert [h.chunk_id for h in cap_per_article(hits, k=10, per_article=1)] == [1, 4, 6]
    assert [h.chunk_id for h in cap_per_article(hits, k=3, per_article=2)] == [1, 2, 4]
    assert cap_per_article([], k=3, per_article=2) == []


@pytest.mark.parametrize("field", ["k", "candidates", "rrf_k", "per_article"])
@pytest.mark.parametrize("bad", [0, -1, 2.5, "3", None])
def test_retrieval_settings_reject_non_positive_integers_naming_the_field(field, bad):
    with pytest.raises(ConfigError, match=field):
        RetrievalSettings(**{field: bad})


# -- Retriever over an in-memory stand-in ------------------------------------------------------------


class StubIndex:
    """A `SearchableIndex` with fixed dense and lexical rankings (lists of chunk ids) and given
    near-duplicate groups; records every call."""

    def __init__(self, chunks: dict[int, Chunk], dense: list[int], lexical: list[int],
                 groups: dict[str, tuple[str, ...]] | None = None, texts: dict[str, str] | None = None):
        self._chunks, self._dense, self._lexical = chunks, dense, lexical
        self._groups, self._texts = groups, texts or {}
        self.calls: list[tuple[str, dict]] = []

    def dense_search(self, query_vec, k, *, sources=None, since=None, until=None):
        self.calls.append(("dense", {"k": k, "sources": sources, "since": since, "until": until}))
        return [SearchHit(self._chunks[c], 1.0 - 0.1 * i) for i, c in enumerate(self._dense[:k])]

    def lexical_search(self, text, k, *, sources=None, since=None, until=None):
        self.calls.append(("lexical", {"k": k, "sources": sources, "since": since, "until": until, "text": text}))
        return [SearchHit(self._chunks[c], 10.0 - i) for i, c in enumerate(self._lexical[:k])]

    def article(self, article_id):
        t = self._texts.get(article_id)
        return Article(article_id, article_id, t) if t is not None else None

    def articles(self, ids=None):
        return [a for a in map(self.article, ids or self._texts) if a is not None]

    def published(self, article_ids):
        return {}  # undated: no recency boost

    def newest_date(self):
        return None

    def groups_of(self, article_ids, *, sources=None, since=None, until=None):
        self.calls.append(("groups", {"ids": set(article_ids), "sources": sources, "since": since, "until": until}))
        return {a: g for a, g in (self._groups or {}).items() if a in set(article_ids)}




def chunks_of(spec: dict[int, str]) -> dict[int, Chunk]:
    return {cid: Chunk(cid, art, 0, 0, 5, f"chunk {cid} of {art}") for cid, art in spec.items()}


def test_retriever_ranks_by_fused_score_and_keeps_both_scores():
    chunks = chunks_of({1: "a", 2: "b", 3: "c", 4: "d"})
    idx = StubIndex(chunks, dense=[1, 2, 3], lexical=[3, 2, 4])
    hits = Retriever(idx).search("q", np.zeros(3, np.float32), k=8)
    # 3 (ranks 3 and 1: 1/63 + 1/61 = 124/3843) edges out 2 (ranks 2 and 2: 2/62 = 124/3844); both beat
    # 1 (dense rank 1 only) and 4 (lexical rank 3 only)
    assert [h.chunk_id for h in hits] == [3, 2, 1, 4]
    by_id = {h.chunk_id: h for h in hits}
    assert by_id[2].score == pytest.approx(2 / 62)
    assert by_id[3].score == pytest.approx(1 / 63 + 1 / 61)
    assert by_id[1].score == pytest.approx(1 / 61)
    assert by_id[1].dense == pytest.approx(1.0) and by_id[1].lexical is None
    assert by_id[4].dense is None and by_id[4].lexical == pytest.approx(8.0)
    assert by_id[2].dense == pytest.approx(0.9) and by_id[2].lexical == pytest.approx(9.0)
    assert all(h.article_id == chunks[h.chunk_id].article_id and h.text == chunks[h.chunk_id].text for h in hits)


def test_retriever_breaks_score_ties_by_chunk_id():
    idx = StubIndex(chunks_of({5: "a", 3: "b"}), dense=[5], lexical=[3])
    assert [h.chunk_id for h in Retriever(idx).search("q", np.zeros(3), k=8)] == [3, 5]


def test_retriever_caps_chunks_per_article_and_in_all():
    chunks = chunks_of({1: "a", 2: "a", 3: "a", 4: "b", 5: "c", 6: "d"})
    idx = StubIndex(chunks, dense=[1, 2, 3, 4, 5, 6], lexical=[1, 2, 3, 4, 5, 6])
    hits = Retriever(idx, RetrievalSettings(per_article=2)).search("q", np.zeros(3), k=8)
    assert [h.chunk_id for h in hits] == [1, 2, 4, 5, 6]  # the third chunk of "a" is left out
    hits = Retriever(idx, RetrievalSettings(per_article=1)).search("q", np.zeros(3), k=3)
    assert [h.chunk_id for h in hits] == [1, 4, 5]


def test_retriever_passes_filters_and_enough_candidates_to_both_searches():
    idx = StubIndex(chunks_of({1: "a"}), dense=[1], lexical=[1], groups={})
    since, until = date(2021, 1, 1), date(2021, 12, 31)
    Retriever(idx, RetrievalSettings(candidates=40)).search(
        "ships queued", np.zeros(3), k=50, filters=Filters(("Harbor Ledger",), since, until))
    calls = dict((name, kw) for name, kw in idx.calls)
    for name in ("dense", "lexical", "groups"):
        assert calls[name]["sources"] == ("Harbor Ledger",)
        assert calls[name]["since"] == since and calls[name]["until"] == until
    assert calls["dense"]["k"] == 50 and calls["lexical"]["k"] == 50  # k above the candidate count
    assert calls["lexical"]["text"] == "ships queued"


def test_retriever_with_nothing_found_returns_nothing():
    idx = StubIndex({}, dense=[], lexical=[], groups={})
    assert Retriever(idx).search("q", np.zeros(3)) == []


def test_retriever_shows_a_group_by_its_best_ranked_article():
    # "a" and "b" are copies of one report; "b" ranks best, so "a"'s passage that "b" holds is dropped
    chunks = {1: Chunk(1, "b", 0, 0, 20, "the ferry left port at noon"),
              2: Chunk(2, "a", 0, 0, 20, "the ferry left port at noon"),
              3: Chunk(3, "c", 0, 0, 20, "markets rose on monday morning"),
              4: Chunk(4, "a", 1, 21, 60, "a new sentence only the copy has in its text")}
    texts = {"b": "the ferry left port at noon and arrived late", "a": "x", "c": "y"}
    groups = {"a": ("a", "b"), "b": ("a", "b")}
    idx = StubIndex(chunks, dense=[1, 2, 3, 4], lexical=[1, 2, 3, 4], groups=groups, texts=texts)
    hits = Retriever(idx).search("ferry", np.zeros(3), k=8)
    assert [(h.chunk_id, h.article_id, h.group) for h in hits] == [(1, "b", ("a",)), (3, "c", ()), (4, "a", ("b",))]


# -- on a tiny index (fake embedder) --------------------------------------------------------------


@pytest.fixture
def tiny_index(tmp_path, fake_embedder):
    from tests.index.helpers import SMALL_CHUNKS

    ingest([sample_folder(tmp_path / "src")], tmp_path / "idx", embedder=fake_embedder, config=SMALL_CHUNKS)
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    yield idx
    idx.close()


def test_search_on_a_real_index_finds_the_article_and_respects_cap_and_filters(tiny_index):
    r = Retriever(tiny_index, RetrievalSettings(per_article=2))
    q = "Ever Given container ship Suez Canal"
    hits = r.search(q, tiny_index.embed_query(q), k=8)
    suez = next(a.id for a in tiny_index.articles() if a.source == "Harbor Ledger")
    assert hits[0].article_id == suez
    assert sum(h.article_id == suez for h in hits) == 2  # it has more chunks than that
    assert tiny_index.store.conn.execute("SELECT count(*) FROM chunks WHERE article_id=?", (suez,)).fetchone()[0] > 2
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    only = r.search(q, tiny_index.embed_query(q), k=8, filters=Filters(("meridian wire",)))
    assert only and {tiny_index.article(h.article_id).source for h in only} == {"Meridian Wire"}
    dated = r.search(q, tiny_index.embed_query(q), k=8, filters=Filters(since=date(2022, 1, 1), until=date(2023, 12, 31)))
    assert dated and {tiny_index.article(h.article_id).source for h in dated} == {"Northwind Post"}
    assert r.search(q, tiny_index.embed_query(q), k=8, filters=Filters(since=date(2030, 1, 1))) == []


def test_read_is_what_ask_composes_from_with_time_phrases_read_as_filters(tiny_index):
    from assistant import AnswerSettings, Assistant
    from assistant.reading.compose import compose

    a = Assistant(index=tiny_index, answer=AnswerSettings(ranker="rules"))
    question = "Which ship was stuck in the Suez Canal this week?"
    r = a.read(question, as_of="2021-03-31")
    assert "week" not in r.query.text and r.query.question == question
    assert r.query.filters.until == date(2021, 3, 31) and r.query.filters.since is not None
    assert r.ranking.analysis.text == r.query.text  # ranked as searched, not as typed
    assert {tiny_index.article(h.article_id).source for h in r.passages.hits} == {"Harbor Ledger"}
    answer = a.ask(question, as_of="2021-03-31")
    assert compose(r.query, r.ranking, r.passages, a.settings).text == answer.text
    with pytest.raises(ConfigError, match="k must be"):
        a.read(question, k=True)


def test_articles_matching_are_in_bm25_order_each_once_within_the_filters():
    from types import SimpleNamespace

    from assistant.records import Filters
    from assistant.retrieve import articles_matching
    from index import Article

    arts = {i: Article(i, f"T{i}", "text", "Outlet", "") for i in ("a", "b", "c")}

    class Index:
        asked = None

        def lexical_search(self, text, k, *, sources=None, since=None, until=None):
            self.asked = (text, k, sources)
            return [SimpleNamespace(chunk=SimpleNamespace(article_id=i)) for i in ("b", "a", "b", "gone", "c")]

        def articles(self, ids):
            return [arts[i] for i in sorted(ids) if i in arts]  # any order, deleted ids missing

    index = Index()
    got = articles_matching(index, "canal", 9, Filters(sources=("Outlet",)), leave_out={"c"})
    assert [a.id for a in got] == ["b", "a"] and index.asked == ("canal", 9, ("Outlet",))


def test_words_the_articles_write_as_names_are_told_from_common_words():
    from types import SimpleNamespace

    from assistant.retrieve import written_as_names

    chunks = {"artemis": ["Artemis I flew. The Artemis crew waits.", "NASA named it Artemis."],
              "launch": ["The launch slipped. Launch crews waited.", "A launch window opened."],
              "nasa": ["It was Nasa. The NASA team agreed.", "See nasa.gov for NASA's site"],  # 3 of 4: not enough
              "schools": ["Schools reopened. Schools were shut."]}  # capitalised only where a sentence opens

    class Index:
        def lexical_search(self, text, k):
            return [SimpleNamespace(chunk=SimpleNamespace(text=t)) for t in chunks.get(text, [])][:k]

    assert written_as_names(Index(), ["artemis", "launch", "nasa", "schools", "unseen"]) == ["artemis"]
