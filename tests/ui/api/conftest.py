"""Servers for the API tests: the real Assistant over an index of the bundled sample articles
built with the fake embedder (no model), served by `ui.web.launch` on a free 127.0.0.1 port,
exactly as `assistant serve` serves it. `serve_api(...)` starts one with the given API
settings; each is stopped at the end of its test module."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

from tests.conftest import SAMPLES

KEY = "test-key-0123456789abcdef"
OTHER_KEY = "other-key-fedcba9876543210"
SUEZ = "Which container ship blocked the Suez Canal?"


@pytest.fixture(scope="session")
def fake_sample_index(tmp_path_factory):
    """examples/articles indexed with the fake embedder, shared read-only; copy it to write."""
    from index import ingest
    from tests.fakes import FakeEmbedder

    d = tmp_path_factory.mktemp("api-samples") / "index"
    report = ingest([SAMPLES], d, embedder=FakeEmbedder())
    assert report.added and not report.skipped
    return d


@dataclass
class Served:
    url: str
    library: object
    app: object
    index_dir: object
    upload_dir: object
    log: list = field(default_factory=list)

    def call(self, method: str, path: str, body=None, *, key: str | None = None, headers=None,
             data: bytes | None = None) -> tuple[int, dict, dict]:
        """(status, JSON body, response headers with lower-case names) of one request."""
        h = {"Content-Type": "application/json", **(headers or {})}
        if key:
            h["Authorization"] = f"Bearer {key}"
        raw = data if data is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path.lstrip("/"), data=raw, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, _json(r.read()), {k.lower(): v for k, v in r.headers.items()}
        except urllib.error.HTTPError as e:
            return e.code, _json(e.read()), {k.lower(): v for k, v in e.headers.items()}


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return {"raw": raw.decode(errors="replace")}


@pytest.fixture(scope="module")
def serve_api(fake_sample_index, tmp_path_factory):
    """serve_api(**ApiSettings fields, max_upload_mb=..., embedder=...) -> Served (module-scoped)."""
    from assistant import Assistant
    from tests.fakes import FakeEmbedder
    from ui.api import Library
    from ui.api.server import ApiSettings
    from ui.web import build_app, launch

    started = []

    def start(max_upload_mb: float = 20, embedder=None, **settings) -> Served:
        work = tmp_path_factory.mktemp("served")
        d = work / "index"
        shutil.copytree(fake_sample_index, d)
        emb = embedder or FakeEmbedder()
        lib = Library(Assistant(d, embedder=emb), reopen=lambda: Assistant(d, embedder=emb))
        app = build_app(lib, upload_dir=work / "uploads", stream_delay=0)
        url = launch(app, port=0, block=False, max_upload_mb=max_upload_mb, api=ApiSettings(**settings))
        s = Served(url, lib, app, d, work / "uploads")
        started.append(s)
        return s

    yield start
    for s in started:
        s.app.close()
        s.library.assistant.close()


@pytest.fixture(scope="module")
def local(serve_api):
    """The default server: loopback, no keys, no rate limit."""
    return serve_api()
