"""Near-duplicate groups at ingest: MinHash maths on tiny sets, grouping of wire copies and not of
other reports, promotion on delete, crash safety, migration of older indexes, and bounded work."""

from __future__ import annotations

import functools
import random

import numpy as np
import pytest

from index.dedup import groups

from index.dedup import minhash

from index import delete, ingest, open_index
from index.store import Store
from tests.fakes import FakeEmbedder
from tests.index.helpers import SMALL_CHUNKS, write_jsonl, write_txt
from tests.wire_samples import COPY, ORIGINAL, write_wire_folder


def group_rows(idx) -> dict[str, str]:
    return dict(idx.store.conn.execute("SELECT article_id, group_id FROM article_groups"))


def assert_groups_consistent(idx) -> None:
    """A group row for every article and no other; every group named by one of its own articles;
    band keys only for articles that exist."""
    article_ids = {a.id for a in idx.articles()}
    rows = group_rows(idx)
    assert set(rows) == article_ids
    assert set(rows.values()) <= article_ids
    assert all(rows[g] == g for g in rows.values())  # the group's name is a member of it
    banded = {r[0] for r in idx.store.conn.execute("SELECT DISTINCT article_id FROM minhash_bands")}
    assert banded <= article_ids


@pytest.fixture
def wire(tmp_path, fake_embedder):
    """(open index, {file stem: article id}) of the original report, its copy and another report."""
    src = write_wire_folder(tmp_path / "src")
    d = tmp_path / "idx"
    ingest([src / "original.txt"], d, embedder=fake_embedder, config=SMALL_CHUNKS)  # first: names the group
    ingest([src / "copy.txt", src / "other.txt"], d, embedder=fake_embedder)
    idx = open_index(d, embedder=fake_embedder)
    ids = {a.path.rsplit("/", 1)[-1].removesuffix(".txt"): a.id for a in idx.articles()}
    yield idx, ids
    idx.close()


# -- MinHash ------------------------------------------------------------------------------------------
def test_shingles_are_five_words_of_the_normalised_text():
    assert len(minhash.shingles("a b c d e f")) == 2
    assert np.array_equal(minhash.shingles("A, b  c. D e — F!"), minhash.shingles("a b c d e f"))
    assert not np.array_equal(minhash.shingles("a b c d e f"), minhash.shingles("f e d c b a"))
    assert len(minhash.shingles("too short")) == 1 and len(minhash.shingles("a b c d e a b c d e")) == 5
    assert len(minhash.shingles(" ... ")) == 0 and minhash.band_keys(minhash.of_text("")[1]) == []


def test_signature_is_the_minimum_of_each_hash_function_by_hand():
    """Recompute h_i(x) = high 32 bits of (a_i * x + b_i) mod 2^64 with Python integers."""
    xs = [3, 17, 2**40 + 5]
    sig = minhash.signature(np.array(xs, dtype=np.uint64))
    for i in (0, 1, 77, 127):
        a, b = int(minhash._A[i]), int(minhash._B[i])
        assert sig[i] == min(((a * x + b) % 2**64) >> 32 for x in xs)


def test_estimate_on_tiny_sets():
    def sig(*xs):
        return minhash.signature(np.array(xs, dtype=np.uint64))

    assert minhash.estimate(sig(1, 2, 3), sig(3, 2, 1)) == 1.0
    assert minhash.estimate(sig(1, 2, 3), sig(4, 5, 6)) == 0.0
    # {1,2} vs {1,3}: J = 1/3. Position i agrees exactly when element 1 is the minimum of both sets
    # there, i.e. h_i(1) < h_i(2) and h_i(1) < h_i(3): counted by hand over the 128 functions
    by_hand = sum(1 for i in range(minhash.NUM_HASHES)
                  if (h := [((int(minhash._A[i]) * x + int(minhash._B[i])) % 2**64) >> 32 for x in (1, 2, 3)])
                  and h[0] < h[1] and h[0] < h[2]) / minhash.NUM_HASHES
    assert minhash.estimate(sig(1, 2), sig(1, 3)) == by_hand
    assert abs(by_hand - 1 / 3) < 0.15  # three standard errors
    assert minhash.jaccard(np.array([1, 2, 3], np.uint64), np.array([2, 3, 4], np.uint64)) == 0.5


def test_estimate_tracks_exact_jaccard():
    rng = np.random.default_rng(7)
    errors = []
    for _ in range(60):
        shared = rng.integers(0, 300)
        a = rng.choice(10**9, 300, replace=False)
        b = np.concatenate([a[:shared], rng.integers(10**9, 2 * 10**9, 300 - shared)])
        sa, sb = np.unique(a).astype(np.uint64), np.unique(b).astype(np.uint64)
        errors.append(minhash.estimate(minhash.signature(sa), minhash.signature(sb)) - minhash.jaccard(sa, sb))
    assert abs(np.mean(errors)) < 0.02 and np.std(errors) < 0.06


def test_signature_does_not_depend_on_block_size(monkeypatch):
    sh = minhash.shingles(" ".join(f"w{i}" for i in range(5000)))
    whole = minhash.signature(sh)
    monkeypatch.setattr(minhash, "_BLOCK", 7)
    assert np.array_equal(minhash.signature(sh), whole)


# -- grouping -----------------------------------------------------------------------------------------
def test_wire_copy_joins_the_first_articles_group(wire):
    idx, ids = wire
    assert minhash.jaccard(minhash.shingles(ORIGINAL[1]), minhash.shingles(COPY[1])) > 0.9  # one sentence reworded
    rows = group_rows(idx)
    assert rows[ids["original"]] == rows[ids["copy"]] == ids["original"]
    assert rows[ids["other"]] == ids["other"]  # the same event in other words is another report
    assert_groups_consistent(idx)
    assert idx.stats().groups == 2 and idx.stats().articles == 3


def test_group_members_and_filters(wire):
    idx, ids = wire
    assert [a.source for a in idx.group_members(ids["copy"])] == ["Northwind Post", "Meridian Wire"]
    assert [a.id for a in idx.group_members(ids["other"])] == [ids["other"]]
    assert idx.group_members("no-such-id") == []
    both = (ids["original"], ids["copy"])
    assert idx.groups_of([ids["copy"], ids["other"]]) == {ids["copy"]: both}
    assert idx.groups_of([ids["original"]], sources=["Northwind Post"]) == {}  # the copy is filtered out
    from datetime import date
    assert idx.groups_of([ids["original"]], until=date(2024, 5, 14)) == {}


def test_reports_far_apart_in_time_are_not_grouped(tmp_path, fake_embedder):
    src = tmp_path / "src"
    write_txt(src, "a.txt", *ORIGINAL, source="Northwind Post", published="2024-05-14")
    write_txt(src, "b.txt", *COPY, source="Meridian Wire", published="2024-09-01")
    write_txt(src, "c.txt", ORIGINAL[0], ORIGINAL[1] + " Updated.", source="Civic Daily Review")  # undated
    d = tmp_path / "idx"
    ingest([src / "a.txt"], d, embedder=fake_embedder)
    ingest([src / "b.txt"], d, embedder=fake_embedder)
    ingest([src / "c.txt"], d, embedder=fake_embedder)
    idx = open_index(d, embedder=fake_embedder)
    by_source = {a.source: a.id for a in idx.articles()}
    rows = group_rows(idx)
    assert rows[by_source["Meridian Wire"]] == by_source["Meridian Wire"]
    assert rows[by_source["Civic Daily Review"]] == by_source["Northwind Post"]
    idx.close()


def test_copies_in_one_batch_are_grouped(tmp_path, fake_embedder):
    src = write_wire_folder(tmp_path / "src")
    idx = open_index(tmp_path / "idx", embedder=fake_embedder, create=True)
    ingest([src], index=idx)
    assert len(set(group_rows(idx).values())) == 2
    assert_groups_consistent(idx)
    idx.close()


# -- delete ---------------------------------------------------------------------------------------------
def test_deleting_the_representative_promotes_a_member(wire):
    idx, ids = wire
    delete([ids["original"]], index=idx)
    rows = group_rows(idx)
    assert rows == {ids["copy"]: ids["copy"], ids["other"]: ids["other"]}
    assert_groups_consistent(idx)
    assert idx.stats().groups == 2
    delete([ids["copy"]], index=idx)
    assert group_rows(idx) == {ids["other"]: ids["other"]}
    assert idx.store.conn.execute("SELECT count(*) FROM minhash_bands WHERE article_id != ?",
                                  (ids["other"],)).fetchone()[0] == 0


def test_promotion_picks_the_earliest_remaining_member(tmp_path, fake_embedder):
    src = tmp_path / "src"
    for n, outlet in enumerate(["A Wire", "B Wire", "C Wire"]):
        write_txt(src, f"{n}.txt", ORIGINAL[0], ORIGINAL[1] + " " + "Extra." * n, source=outlet)
    d = tmp_path / "idx"
    for n in range(3):
        ingest([src / f"{n}.txt"], d, embedder=fake_embedder)
    idx = open_index(d, embedder=fake_embedder)
    by = {a.source: a.id for a in idx.articles()}
    assert set(group_rows(idx).values()) == {by["A Wire"]}
    # a raw SQL delete (as an older program would do) still promotes: the trigger, not Python, does it
    with idx.store.transaction() as c:
        Store.delete_article(c, by["A Wire"])
    assert set(group_rows(idx).values()) == {by["B Wire"]}
    assert_groups_consistent(idx)
    idx.close()


def test_an_edited_file_replaces_its_old_version_in_the_group(tmp_path, fake_embedder):
    src = write_wire_folder(tmp_path / "src")
    d = tmp_path / "idx"
    ingest([src], d, embedder=fake_embedder)
    write_txt(src, "original.txt", ORIGINAL[0], ORIGINAL[1] + " Corrected.", source="Northwind Post",
              published="2024-05-14")
    report = ingest([src], d, embedder=fake_embedder)
    assert len(report.replaced) == 1
    idx = open_index(d, embedder=fake_embedder)
    assert_groups_consistent(idx)
    assert idx.stats().groups == 2
    idx.close()


# -- crash safety ---------------------------------------------------------------------------------------
def test_a_failed_batch_leaves_no_article_and_no_group_row(tmp_path, fake_embedder, monkeypatch):
    src = write_wire_folder(tmp_path / "src")
    d = tmp_path / "idx"
    ingest([src / "other.txt"], d, embedder=fake_embedder)  # committed before the failure
    real_assign, calls = groups.assign, []

    def assign_then_fail(c, *args):
        calls.append(args[0])
        got = real_assign(c, *args)
        if len(calls) == 2:  # the second article of the batch: its article and group rows are written
            raise RuntimeError("power cut")
        return got

    monkeypatch.setattr(groups, "assign", assign_then_fail)
    with pytest.raises(RuntimeError):
        ingest([src / "original.txt", src / "copy.txt"], d, embedder=fake_embedder)
    monkeypatch.undo()
    idx = open_index(d, embedder=fake_embedder)
    assert [a.source for a in idx.articles()] == ["Harbor Ledger"]
    assert_groups_consistent(idx)
    idx.close()
    ingest([src], d, embedder=fake_embedder)  # the retry groups them as if nothing had happened
    idx = open_index(d, embedder=fake_embedder)
    assert_groups_consistent(idx)
    assert idx.stats().groups == 2
    idx.close()


def test_failure_after_grouping_rolls_back_the_group_rows_too(tmp_path, fake_embedder, monkeypatch):
    src = write_wire_folder(tmp_path / "src")
    d = tmp_path / "idx"
    ingest([src / "original.txt"], d, embedder=fake_embedder)

    def fail(c):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "bump_generation", staticmethod(fail))
    with pytest.raises(RuntimeError):
        ingest([src / "copy.txt"], d, embedder=fake_embedder)
    monkeypatch.undo()
    idx = open_index(d, embedder=fake_embedder)
    assert len(idx.articles()) == 1
    assert_groups_consistent(idx)
    idx.close()


# -- older indexes ----------------------------------------------------------------------------------------
def _drop_group_tables(d) -> None:
    store = Store(d)
    with store.transaction() as c:
        c.execute("DROP TRIGGER article_groups_promote")
        c.execute("DROP TABLE minhash_bands")
        c.execute("DROP TABLE article_groups")
    store.close()


def test_an_index_made_before_groups_opens_and_is_backfilled_at_the_next_ingest(tmp_path, fake_embedder):
    src = write_wire_folder(tmp_path / "src")
    d = tmp_path / "idx"
    ingest([src / "original.txt", src / "copy.txt"], d, embedder=fake_embedder)
    _drop_group_tables(d)

    idx = open_index(d, embedder=fake_embedder)  # opening creates the (empty) tables
    assert groups.present(idx.store.conn) and group_rows(idx) == {}
    assert idx.stats().groups == 2  # not yet grouped: each article counts as its own report
    assert idx.groups_of([a.id for a in idx.articles()]) == {}
    idx.close()

    ingest([src / "other.txt"], d, embedder=fake_embedder)
    idx = open_index(d, embedder=fake_embedder)
    assert_groups_consistent(idx)
    assert idx.stats().groups == 2 and idx.stats().articles == 3
    original = next(a.id for a in idx.articles() if a.source == "Northwind Post")
    assert set(group_rows(idx).values()) == {original, next(a.id for a in idx.articles() if a.source == "Harbor Ledger")}
    idx.close()


def test_reads_without_group_tables_treat_every_article_as_alone(tmp_path, fake_embedder):
    ingest([write_wire_folder(tmp_path / "src")], tmp_path / "idx", embedder=fake_embedder)
    _drop_group_tables(tmp_path / "idx")
    store = Store(tmp_path / "idx")
    ids = [r[0] for r in store.conn.execute("SELECT id FROM articles")]
    assert store.group_members(ids) == {} and store.group_count() == 3
    store.close()


# -- bounded work -----------------------------------------------------------------------------------------
class _QuickEmbedder(FakeEmbedder):
    """The fake embedder with its per-word vectors cached: 2,000 articles in a few seconds."""

    @functools.lru_cache(maxsize=None)
    def _word_vec(self, word: str) -> np.ndarray:
        return super()._word_vec(word)


@pytest.mark.slow
def test_two_thousand_articles_need_few_comparisons(tmp_path, monkeypatch):
    rnd = random.Random(3)
    vocab = [f"w{rnd.getrandbits(40):x}" for _ in range(3000)]
    texts = [" ".join(rnd.choice(vocab) for _ in range(60)) + "." for _ in range(2000)]
    copies = []
    for t in texts[:20]:  # one word changed near the end: J = 51/61 ≈ 0.84
        words = t.split()
        words[-3] = "changed"
        copies.append(" ".join(words))
    write_jsonl(tmp_path / "src", "feed.jsonl",
                *({"title": f"Report {i}", "text": t, "source": "Random Wire"} for i, t in enumerate(texts + copies)))

    compared, looked_up = [], []
    real_estimate, real_candidates = minhash.estimate, groups.candidates
    monkeypatch.setattr(minhash, "estimate", lambda a, b: compared.append(1) or real_estimate(a, b))
    monkeypatch.setattr(groups, "candidates", lambda *a: looked_up.append(r := real_candidates(*a)) or r)
    report = ingest([tmp_path / "src"], tmp_path / "idx", embedder=_QuickEmbedder(16))
    assert len(report.added) == 2020
    assert len(looked_up) == 2020  # one band lookup per article, not one per pair
    assert len(compared) <= 2 * len(copies), len(compared)  # ~1 per copy; all pairs: ~2 million
    idx = open_index(tmp_path / "idx", embedder=_QuickEmbedder(16))
    assert idx.stats().groups == 2000
    assert_groups_consistent(idx)
    idx.close()
