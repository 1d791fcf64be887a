"""`ingest(..., ray=...)`: embedding on a local Ray cluster (2 CPUs, two actors, each loading the
model once) gives the same index as embedding here, into either store; without `ray` nothing of
Ray is imported."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from index import ingest
from index.stores import open_store
from tests.conftest import ROOT, SAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.mark.parametrize("kind", ["local", "milvus-lite"])
def test_ray_ingest_matches_the_default_path(kind, local_ray, location, real_embedder):
    plain, spread = location("local"), location(kind)
    ingest([SAMPLES], plain, embedder=real_embedder)
    report = ingest([SAMPLES], spread, embedder=real_embedder, ray="auto", ray_workers=2)
    assert report.added and not report.skipped
    a, b = open_store(plain, embedder=real_embedder), open_store(spread, embedder=real_embedder)
    try:
        left, right = list(a.export()), list(b.export())
        assert [s.article.id for s in left] == [s.article.id for s in right]
        assert [[c.text for c in s.chunks] for s in left] == [[c.text for c in s.chunks] for s in right]
        va, vb = np.concatenate([s.vectors for s in left]), np.concatenate([s.vectors for s in right])
        assert float(np.min(np.sum(va * vb, axis=1))) > 0.99  # same model; bf16 and fp32 may differ slightly
        q = real_embedder.embed(["How many vessels were waiting at the Suez Canal?"])[0]
        assert [h.chunk.text for h in a.dense_search(q, 3)] == [h.chunk.text for h in b.dense_search(q, 3)]
    finally:
        a.close()
        b.close()


def test_without_ray_nothing_of_ray_is_imported(tmp_path):
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from tests.fakes import FakeEmbedder; from index import ingest; "
            "ingest([sys.argv[1]], sys.argv[3], embedder=FakeEmbedder()); "
            "assert 'ray' not in sys.modules and 'pymilvus' not in sys.modules, 'imported'")
    r = subprocess.run([sys.executable, "-c", code, str(SAMPLES), str(ROOT), str(tmp_path / "idx")], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
