"""Unit tests of index.vectors: flat and IVF FAISS indexes keyed by chunk id, and their file."""

from __future__ import annotations

import numpy as np
import pytest

from index.vectors import FLAT_MAX, MAGIC, VectorIndex, choose_kind

# Four hand-made unit vectors: ids 10..40 point along the four axes.
IDS = np.array([10, 20, 30, 40], dtype=np.int64)
VECS = np.eye(4, dtype=np.float32)


def flat() -> VectorIndex:
    return VectorIndex.build(4, IDS, VECS, kind="flat")


def top(vi: VectorIndex, query, k=4, allowed=None) -> list[tuple[int, float]]:
    scores, ids = vi.search(np.asarray(query, np.float32), k, allowed_ids=allowed)
    return [(int(i), round(float(s), 4)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def test_flat_search_ranks_by_inner_product():
    vi = flat()
    assert vi.kind == "flat" and vi.ntotal == 4
    assert top(vi, [1, 0, 0, 0], k=1) == [(10, 1.0)]
    assert top(vi, [0.6, 0.8, 0, 0], k=2) == [(20, 0.8), (10, 0.6)]
    assert len(top(vi, [0, 0, 0, 1], k=100)) == 4  # k larger than the index is capped


def test_empty_index_and_zero_k_return_nothing():
    empty = VectorIndex(4)
    scores, ids = empty.search(np.ones(4, np.float32), 5)
    assert ids.shape == (1, 0) and scores.shape == (1, 0)
    assert flat().search(np.ones(4, np.float32), 0)[1].shape == (1, 0)


def test_remove_drops_ids_from_search_and_ids():
    vi = flat()
    assert vi.remove([20]) == 1
    assert vi.remove([20, 99]) == 0  # already gone / never there
    assert vi.remove([]) == 0
    assert vi.ntotal == 3
    assert sorted(vi.ids().tolist()) == [10, 30, 40]
    assert 20 not in [i for i, _ in top(vi, [0, 1, 0, 0])]


def test_allowed_ids_restrict_the_search():
    vi = flat()
    query = [1, 0.5, 0.3, 0.1]
    assert [i for i, _ in top(vi, query)] == [10, 20, 30, 40]
    assert top(vi, query, allowed=np.array([30, 40])) == [(30, 0.3), (40, 0.1)]
    assert top(vi, query, k=1, allowed=np.array([20])) == [(20, 0.5)]
    assert top(vi, query, allowed=np.array([99])) == []


def test_save_and_load_round_trip_with_header(tmp_path):
    vi = flat()
    vi.remove([30])
    path = tmp_path / "vectors.faiss"
    vi.save(path, {"generation": 7, "model": "fake"})
    header = VectorIndex.read_header(path)
    assert header == {"generation": 7, "model": "fake", "kind": "flat", "dim": 4, "ntotal": 3}
    loaded, h2 = VectorIndex.load(path)
    assert h2 == header and loaded.kind == "flat" and loaded.dim == 4
    assert sorted(loaded.ids().tolist()) == [10, 20, 40]
    assert top(loaded, [0.6, 0.8, 0, 0]) == top(vi, [0.6, 0.8, 0, 0])
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.faiss"]  # no temporary file left


@pytest.mark.parametrize("content", [
    b"", b"garbage that is not ours", MAGIC, MAGIC + b"\x10\x00", MAGIC + b"\x05\x00\x00\x00{bad",
    MAGIC + b"\x40\x00\x00\x00" + b'{"generation": 1',
], ids=["empty", "garbage", "magic-only", "short-length", "bad-json", "truncated-json"])
def test_damaged_file_has_no_header(tmp_path, content):
    path = tmp_path / "vectors.faiss"
    path.write_bytes(content)
    assert VectorIndex.read_header(path) is None


def test_missing_file_has_no_header_and_garbage_does_not_load(tmp_path):
    assert VectorIndex.read_header(tmp_path / "missing.faiss") is None
    (tmp_path / "g.faiss").write_bytes(b"not a vector file")
    with pytest.raises(ValueError, match="not a news-assistant vector file"):
        VectorIndex.load(tmp_path / "g.faiss")


def test_truncated_body_keeps_its_header_but_fails_to_load(tmp_path):
    path = tmp_path / "vectors.faiss"
    flat().save(path, {"generation": 1})
    data = path.read_bytes()
    path.write_bytes(data[:-20])
    assert VectorIndex.read_header(path)["generation"] == 1  # why NewsIndex must not trust the header alone
    with pytest.raises(RuntimeError):  # FAISS's own read error
        VectorIndex.load(path)


def test_choose_kind_switches_to_ivf_above_flat_max():
    assert choose_kind(0) == "flat"
    assert choose_kind(FLAT_MAX) == "flat"
    assert choose_kind(FLAT_MAX + 1) == "ivf"


@pytest.fixture(scope="module")
def random_unit_vectors():
    rng = np.random.default_rng(42)
    vecs = rng.standard_normal((2000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(1000, 3000, dtype=np.int64)  # ids need not start at 0
    return ids, vecs


def test_ivf_search_remove_ids_and_file_round_trip(tmp_path, random_unit_vectors):
    ids, vecs = random_unit_vectors
    vi = VectorIndex.build(32, ids, vecs, kind="ivf")
    assert vi.kind == "ivf" and vi.ntotal == 2000
    assert sorted(vi.ids().tolist()) == ids.tolist()
    for row in (0, 17, 999, 1999):  # every vector finds itself
        assert top(vi, vecs[row], k=1)[0] == (int(ids[row]), 1.0)

    gone = ids[:100]
    assert vi.remove(gone) == 100
    assert vi.ntotal == 1900
    assert sorted(vi.ids().tolist()) == ids[100:].tolist()
    assert int(ids[5]) not in [i for i, _ in top(vi, vecs[5], k=10)]

    allowed = ids[500:510]
    found = [i for i, _ in top(vi, vecs[505], k=5, allowed=allowed)]
    assert found[0] == int(ids[505]) and set(found) <= set(allowed.tolist())

    path = tmp_path / "ivf.faiss"
    vi.save(path, {"generation": 3})
    loaded, header = VectorIndex.load(path)
    assert header["kind"] == "ivf" and loaded.kind == "ivf" and loaded.ntotal == 1900
    assert sorted(loaded.ids().tolist()) == ids[100:].tolist()
    assert top(loaded, vecs[1500], k=1)[0] == (int(ids[1500]), 1.0)
