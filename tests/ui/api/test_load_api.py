"""The REST load benchmark's short form: a few clients for a few seconds against a served
index (fake embedder) get answers and no errors; the full run is `python -m benchmarks.load_api`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_short_load_run_has_no_errors(local):
    from benchmarks.load_api import run_load

    fig = run_load(local.url, clients=4, seconds=3, openai_every=3)
    assert fig["errors"] == 0, fig["error_samples"]
    assert fig["requests"] >= 4 and fig["p50_s"] is not None and fig["p95_s"] >= fig["p50_s"]


def test_only_loopback_is_load_tested():
    from benchmarks.load_api import run_load

    with pytest.raises(ValueError, match="loopback"):
        run_load("http://192.0.2.1:7860/", clients=1, seconds=1)
