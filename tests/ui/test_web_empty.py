"""An empty start: a chat served on an index directory that does not exist yet. The page says the
index is empty and what to do, a question gets a friendly note, the first upload creates the index
and the chat answers without a restart; the REST door answers 503 until then; and `assistant serve
--index NEW_DIR` starts (fake embedder, a real process) and answers after an upload."""

from __future__ import annotations

import secrets

import pytest

from tests.fakes import FakeEmbedder
from ui import web_render as R
from ui.api.library import IndexEmpty, Library
from ui.web_handlers import EMPTY_INDEX, Handlers, new_conv

FESTIVAL = b"""---
title: Brindlewick Lantern Festival Draws Record Crowd
source: Valley Courier
published: 2024-09-15
---

The Brindlewick Lantern Festival drew 12,400 visitors to the riverside town over the weekend, organisers said.

Volunteers hung more than 3,000 paper lanterns along the old towpath before the closing parade.
"""
QUESTION = "How many visitors did the Brindlewick Lantern Festival draw?"


def empty_library(d, emb=None) -> Library:
    """What `ui.web.serve` builds for a missing index, with the fake embedder."""
    from assistant import Assistant
    from index import open_index

    emb = emb or FakeEmbedder()
    return Library(None, index_dir=d, reopen=lambda: Assistant(d, embedder=emb),
                   create=lambda: Assistant(index=open_index(d, embedder=emb, create=True)))


@pytest.fixture
def area(tmp_path):
    up = tmp_path / "gradio"
    up.mkdir()
    (up / "brindlewick.md").write_bytes(FESTIVAL)
    return up


def last_message(h, question: str) -> str:
    *_, (msgs, _, _, _) = h.respond(question, new_conv())
    return msgs[-1]["content"]


def test_the_empty_page_invites_adding_articles_and_the_first_upload_makes_it_answer(tmp_path, area):
    d = tmp_path / "new-index"
    lib = empty_library(d)
    h = Handlers(lib, upload_roots=[area], upload_dir=tmp_path / "uploads", stream_delay=0)
    status, outlets, examples, empty = h.page_info(refresh=True)
    assert empty and outlets == [] and examples == [] and "The index is empty" in status
    assert "Add articles" in R.examples_hint_html(empty) and R.examples_hint_html(False) == ""
    said = last_message(h, QUESTION)
    assert R.esc(EMPTY_INDEX) in said and "na-note" in said and "na-error" not in said
    assert lib.stats().articles == 0 and lib.articles().total == 0 and not d.exists()  # nothing created by reading

    report = h.ingest_uploads([str(area / "brindlewick.md")])
    assert "Added 1 article" in report and d.exists() and not lib.empty
    status, outlets, examples, empty = h.page_info()
    assert not empty and "1 article ·" in status and "newest article 15 Sep 2024" in status
    assert outlets == ["Valley Courier"]
    answer = last_message(h, QUESTION)
    assert "12,400" in answer and 'class="cite"' in answer


def test_an_index_another_process_creates_is_picked_up(tmp_path, area):
    from index import ingest

    d = tmp_path / "idx"
    h = Handlers(empty_library(d), stream_delay=0)
    assert h.page_info().empty
    ingest([area / "brindlewick.md"], d, embedder=FakeEmbedder())  # `assistant ingest` elsewhere
    info = h.page_info(refresh=True)
    assert not info.empty and "1 article" in info.status
    assert "12,400" in last_message(h, QUESTION)


def test_an_empty_library_refuses_what_needs_articles(tmp_path):
    lib = Library(None, index_dir=tmp_path / "idx")  # no way to create one: stays empty
    for call in (lambda: lib.ask("q"), lambda: lib.search("q"), lambda: lib.delete(["abc123"]),
                 lambda: lib.ingest([str(tmp_path)])):
        with pytest.raises(IndexEmpty, match="add articles first"):
            call()
    assert lib.outlets() == [] and lib.example_questions(4) == [] and lib.refresh() is False
    lib.warm_up()  # nothing to warm, and no error
    with pytest.raises(ValueError):
        Library(None)


# -- the REST door on an empty index --------------------------------------------------------------------
def _multipart(name: str, data: bytes) -> tuple[bytes, dict]:
    boundary = "----empty" + secrets.token_hex(8)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_rest_answers_503_until_the_first_articles_then_answers(tmp_path):
    from tests.ui.api.conftest import Served
    from ui.api.access import KeyRing
    from ui.api.server import ApiSettings
    from ui.web import build_app, launch

    key = "empty-key-0123456789abcdef"
    lib = empty_library(tmp_path / "idx")
    app = build_app(lib, upload_dir=tmp_path / "uploads", stream_delay=0)
    s = Served(launch(app, port=0, block=False, api=ApiSettings(keys=KeyRing([key]))), lib, app,
               tmp_path / "idx", tmp_path / "uploads")
    try:
        status, err, headers = s.call("POST", "/api/ask", {"question": QUESTION})
        assert status == 503 and err["error"] == "unavailable" and "the index is empty" in err["detail"]
        assert "retry-after" in headers and app.handlers.fetcher.allow_private is False  # the server's rule
        status, stats, _ = s.call("GET", "/api/stats")
        assert status == 200 and stats["articles"] == 0
        assert s.call("GET", "/api/articles")[1]["total"] == 0
        status, done = s.call("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": QUESTION}]})[:2]
        assert status == 503 and "the index is empty" in done["error"]["message"]
        body, headers = _multipart("brindlewick.md", FESTIVAL)
        status, rep, _ = s.call("POST", "/api/ingest", data=body, headers=headers, key=key)
        assert status == 200 and len(rep["added"]) == 1, rep
        status, answer, _ = s.call("POST", "/api/ask", {"question": QUESTION})
        assert status == 200 and "12,400" in answer["text"] and answer["citations"]
    finally:
        app.close()
        if lib.assistant is not None:
            lib.assistant.close()


# -- `assistant serve --index NEW_DIR`, a real process ------------------------------------------------
@pytest.mark.slow
def test_serve_on_a_new_directory_starts_empty_and_answers_after_an_upload(tmp_path):
    import urllib.request

    from tests.ui.api.test_served_cli import Serve

    key = "served-empty-" + "5" * 20
    d = tmp_path / "fresh" / "index"
    s = Serve(d, tmp_path, "--api-key-env", "NEWS_EMPTY_KEY", env={"NEWS_EMPTY_KEY": key})
    try:
        with urllib.request.urlopen(s.url, timeout=60) as r:
            assert r.status == 200
        status, err = s.call("POST", "/api/ask", {"question": QUESTION})
        assert status == 503 and "the index is empty" in err["detail"] and not d.exists()
        body, headers = _multipart("brindlewick.md", FESTIVAL)
        req = urllib.request.Request(s.url + "api/ingest", data=body, method="POST",
                                     headers={**headers, "Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(req, timeout=120) as r:
            assert r.status == 200
        status, answer = s.call("POST", "/api/ask", {"question": QUESTION})
        assert status == 200 and "12,400" in answer["text"] and d.exists()
    finally:
        out, err = s.stop()
    assert "starting empty" in out and "Traceback" not in out + err and key not in out + err
