"""Wire copies in answers: retrieval shows one article per near-duplicate group (a copy's passage
only when its wording differs), a shared sentence is one candidate, the citation names the other
outlets (`Citation.copies`), JSON round-trips them, the CLI prints them, and the evaluation counts
a copy of the gold article as the gold article."""

from __future__ import annotations

import json

import pytest

from assistant import Answer, Assistant, Citation, Copy
from assistant.eval.metrics import recall_at
from assistant.news.copies import TextIn, collapse_groups
from assistant.records import Hit
from index import ingest
from tests.wire_samples import CHANGED, write_wire_folder
from ui.cli_ask import format_answer

QUESTION = "How many passengers were on the first ferry sailing from Port Alder?"


@pytest.fixture
def wire_assistant(tmp_path, fake_embedder):
    ingest([write_wire_folder(tmp_path / "src")], tmp_path / "idx", embedder=fake_embedder)
    a = Assistant(tmp_path / "idx", embedder=fake_embedder)
    yield a
    a.close()


def outlet_ids(a: Assistant) -> dict[str, str]:
    return {x.source: x.id for x in a.index.articles()}


def test_collapse_keeps_the_best_ranked_article_of_a_group():
    hits = [Hit(1, "b", 0, 5, "x", 0.9), Hit(2, "c", 0, 5, "y", 0.8), Hit(3, "a", 0, 5, "x", 0.7),
            Hit(4, "b", 5, 9, "z", 0.6), Hit(5, "a", 5, 9, "new", 0.5)]
    groups = {"a": ("a", "b"), "b": ("a", "b")}
    out = collapse_groups(hits, groups)
    assert [(h.chunk_id, h.article_id, h.group) for h in out] == [(1, "b", ("a",)), (2, "c", ()), (4, "b", ("a",))]
    # a passage of the copy that the representative doesn't hold stays, under the copy
    out = collapse_groups(hits, groups, lambda h, rep: h.text != "new")
    assert [(h.chunk_id, h.article_id, h.group) for h in out] == [
        (1, "b", ("a",)), (2, "c", ()), (4, "b", ("a",)), (5, "a", ("b",))]
    assert collapse_groups(hits, {}) == hits


def test_retrieval_shows_one_representative(wire_assistant):
    a, ids = wire_assistant, outlet_ids(wire_assistant)
    pair = {ids["Northwind Post"], ids["Meridian Wire"]}
    hits = a.retriever.search(QUESTION, a.index.embed_query(QUESTION), k=20)
    rep = next(h.article_id for h in hits if h.article_id in pair)
    assert ids["Harbor Ledger"] in {h.article_id for h in hits}
    assert all(h.group == tuple(pair - {rep}) for h in hits if h.article_id == rep)
    assert all(h.group == () for h in hits if h.article_id == ids["Harbor Ledger"])
    text_in = TextIn(a.index)
    copy_hits = [h for h in hits if h.article_id in pair - {rep}]
    assert all(not text_in(h, rep) and h.group == (rep,) for h in copy_hits)  # only its own wording
    n_chunks = a.index.store.conn.execute("SELECT count(*) FROM chunks WHERE article_id=?", (rep,)).fetchone()[0]
    assert len(copy_hits) < n_chunks  # its passages the representative holds word for word are gone


def test_a_copys_own_wording_is_not_lost(wire_assistant):
    a, ids = wire_assistant, outlet_ids(wire_assistant)
    q = "How many sailings a day does Coastline Links normally run during the summer months?"
    hits = a.retriever.search(q, a.index.embed_query(q), k=20)
    assert any(CHANGED in h.text and h.article_id == ids["Meridian Wire"] for h in hits)


def test_citation_names_every_outlet_of_the_group(wire_assistant):
    ans = wire_assistant.ask(QUESTION)
    pair = {"Northwind Post", "Meridian Wire"}
    cited = [c for c in ans.citations if c.source in pair]
    assert cited and all({x.source for x in c.copies} == pair - {c.source} for c in cited)
    assert len({c.quote for c in cited}) == len(cited)  # a shared sentence is not cited once per copy
    # articles outside the group name no copies (Harbor Ledger's own report is not a wire copy)
    assert all(c.copies == () for c in ans.citations if c.source not in pair)
    text = format_answer(ans)
    copy = cited[0].copies[0]
    assert f"also reported by: {copy.source} ({copy.published.isoformat()})" in text


def test_a_copy_is_not_a_second_outlet_agreeing(wire_assistant):
    # both wordings of the reworded sentence are candidates; they state one fact of one report
    ans = wire_assistant.ask("How many crossings a day does Coastline Links run in summer?")
    assert not ans.abstained and len(ans.citations) == 1
    assert "Reported by both Northwind Post and Meridian Wire" not in ans.text
    assert "Reported by both Meridian Wire and Northwind Post" not in ans.text


def test_filters_apply_to_the_copies_too(wire_assistant):
    ans = wire_assistant.ask(QUESTION, sources=["Northwind Post"])
    assert ans.citations and all(c.source == "Northwind Post" and c.copies == () for c in ans.citations)


def test_answer_with_copies_round_trips_through_json(wire_assistant):
    ans = wire_assistant.ask(QUESTION)
    d = json.loads(json.dumps(ans.to_dict()))
    with_copies = [c for c in d["citations"] if c["copies"]]
    assert with_copies and isinstance(with_copies[0]["copies"][0]["published"], str)
    back = Answer.from_dict(d)
    assert back.citations == ans.citations
    assert isinstance(back.citations[0].copies, tuple)
    assert Answer.from_dict({**d, "citations": [{k: v for k, v in c.items() if k != "copies"}
                                                for c in d["citations"]]}).citations[0].copies == ()


def test_recall_counts_a_copy_of_the_gold_article():
    copy = Copy("b", "T", "Meridian Wire", "", None, "/news/copy.txt")
    c = Citation(1, "a", "T", "Northwind Post", "", None, "/news/original.txt", "q", "p", 0, 1, 1.0, copies=(copy,))
    assert recall_at(["copy.txt"], [c], 1) and recall_at(["original.txt"], [c], 1)
    assert not recall_at(["other.txt"], [c], 1)


@pytest.mark.integration
def test_sample_wire_copy_with_the_real_model(sample_index_dir, real_embedder):
    a = Assistant(sample_index_dir, embedder=real_embedder)
    try:
        st = a.stats()
        assert st.groups == st.articles - 1
        ans = a.ask("How much thrust did the Artemis I rocket produce?")
    finally:
        a.close()
    assert not ans.abstained and "8.8 million pounds" in ans.text
    artemis = [c for c in ans.citations if "Artemis" in c.title]
    assert len(artemis) == 1
    names = {artemis[0].source} | {x.source for x in artemis[0].copies}
    assert names == {"Northwind Post", "Meridian Wire"}
