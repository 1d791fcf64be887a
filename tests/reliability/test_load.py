"""The served chat under load: 20 concurrent gradio_client clients asking through `/ask`
for 10 s get 0 errors. The 60-second run with latency figures is `python -m benchmarks.load_chat`
(docs/BENCHMARKS.md); this is its short form, against an in-process server (real model, sample
index), 127.0.0.1 only."""

from __future__ import annotations

import shutil
import socket

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIENTS, SECONDS = 20, 10
FIGURES: dict = {}


def test_20_clients_for_10_seconds(sample_index_dir, real_embedder, tmp_path):
    from assistant import Assistant
    from benchmarks.load_chat import run_load
    from ui.web import build_app, launch

    index_dir = tmp_path / "index"
    shutil.copytree(sample_index_dir, index_dir)
    a = Assistant(index_dir, embedder=real_embedder)
    a.ask("warm up")
    app = build_app(a, upload_dir=tmp_path / "uploads", stream_delay=0.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = launch(app, host="127.0.0.1", port=port, block=False)
    try:
        fig = run_load(url, CLIENTS, SECONDS)
    finally:
        app.close()
        a.close()
    FIGURES.update(fig)
    print("\nload:", fig)
    assert fig["errors"] == 0, fig["error_samples"]
    assert fig["requests"] >= CLIENTS  # every client got at least one answer on average
