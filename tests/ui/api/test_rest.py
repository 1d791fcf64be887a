"""The REST routes against a really served app (fake embedder): answers, listings, writes with
keys, and every error status with its JSON body."""

from __future__ import annotations

import http.client
import json
import secrets
import time

import pytest

from tests.ui.api.conftest import KEY, OTHER_KEY, SUEZ

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def keyed(serve_api):
    """Loopback with keys: reads open, writes need a key."""
    from ui.api.access import KeyRing

    return serve_api(keys=KeyRing([KEY]), max_upload_mb=0.01)


def multipart(files: dict[str, bytes]) -> tuple[bytes, dict]:
    boundary = "----api" + secrets.token_hex(8)
    body = b""
    for name, data in files.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def announced_body_status(url: str, path: str, size: int) -> int:
    """The status of a request announcing a `size`-byte body, answered before the body is sent."""
    from urllib.parse import urlparse

    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


# -- reading ------------------------------------------------------------------------------------------
def test_ask_returns_the_answer_object(local):
    status, ans, _ = local.call("POST", "/api/ask", {"question": SUEZ})
    assert status == 200 and ans["question"] == SUEZ and "[1]" in ans["text"]
    c = ans["citations"][0]
    assert {"n", "article_id", "title", "source", "url", "published", "path", "quote", "passage", "start",
            "end", "score", "passage_start", "copies"} <= set(c)
    assert {"abstained", "confidence", "query", "conflicts", "mode", "notes", "unsupported"} <= set(ans)
    assert ans == local.library.assistant.ask(SUEZ).to_dict()


def test_ask_with_filters_and_history(local):
    _, first, _ = local.call("POST", "/api/ask", {"question": SUEZ})
    status, follow, _ = local.call("POST", "/api/ask", {"question": "Who owns it?", "history": [first],
                                                        "sources": ["Harbor Ledger"], "since": "2021-03-01",
                                                        "until": "2021-12-31", "as_of": "2021-12-31"})
    assert status == 200 and follow["question"] == "Who owns it?"
    assert {c["source"] for c in follow["citations"]} <= {"Harbor Ledger"}
    assert follow["query"] != "Who owns it?"  # read as a follow-up of the first question


def test_search_stats_and_articles(local):
    status, found, _ = local.call("POST", "/api/search", {"query": "Ever Given Suez", "k": 3})
    assert status == 200 and 1 <= len(found["passages"]) <= 3
    assert {"article_id", "title", "source", "published", "text", "score"} <= set(found["passages"][0])
    status, stats, _ = local.call("GET", "/api/stats")
    assert status == 200 and stats["articles"] == 17 and stats["model"] == "fake-embedder"
    assert stats["first_published"] == "2021-02-19"
    _, page1, _ = local.call("GET", "/api/articles?limit=5")
    _, page2, _ = local.call("GET", "/api/articles?limit=5&offset=5")
    assert page1["total"] == 17 and len(page1["articles"]) == 5 and "text" not in page1["articles"][0]
    assert not {a["id"] for a in page1["articles"]} & {a["id"] for a in page2["articles"]}
    dates = [a["published"] for a in page1["articles"]]
    assert dates == sorted(dates, reverse=True)
    _, only, _ = local.call("GET", "/api/articles?source=harbor%20ledger&source=Meridian%20Wire&since=2021-01-01")
    assert only["total"] and {a["source"] for a in only["articles"]} <= {"Harbor Ledger", "Meridian Wire"}
    assert local.call("GET", "/api/health")[1] == {"status": "ok"}


def test_openapi_schema_and_docs_page(local):
    status, spec, _ = local.call("GET", "/api/openapi.json")
    assert status == 200
    for path in ("/api/ask", "/api/articles", "/api/articles/{article_id}", "/api/ingest", "/api/stats",
                 "/v1/chat/completions", "/v1/models"):
        assert path in spec["paths"], path
    assert "AskRequest" in spec["components"]["schemas"]
    status, page, _ = local.call("GET", "/api/docs")
    assert status == 200 and "/api/ask" in page["raw"] and "<script" not in page["raw"]


# -- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, words", [
    ({"question": ""}, "empty"),
    ({"question": "q", "since": "March 2021"}, "since must be a date"),
    ({"question": "q", "since": "2022-01-01", "until": "2021-01-01"}, "after"),
    ({"question": "q", "history": [{"not": "an answer"}]}, "history"),
    ({"nothing": "here"}, "question"),
])
def test_bad_requests_are_400_with_a_reason(local, body, words):
    status, err, _ = local.call("POST", "/api/ask", body)
    assert status == 400 and err["error"] == "bad_request" and words in err["detail"], err


def test_malformed_json_and_unknown_routes(local):
    assert local.call("POST", "/api/ask", data=b"{not json")[0] == 400
    status, err, _ = local.call("GET", "/api/nowhere")
    assert status == 404 and err == {"error": "not_found", "detail": "no route /api/nowhere; see /api/docs"}
    assert local.call("GET", "/api/articles?limit=0")[0] == 400
    status, err, _ = local.call("GET", "/api/articles?since=yesterday")
    assert status == 400 and "since must be a date" in err["detail"]
    assert local.call("POST", "/api/search", {"query": "q", "k": 0})[0] == 400


def test_writes_without_keys_configured_are_403(local):
    status, err, _ = local.call("DELETE", "/api/articles/0123456789abcdef")
    assert status == 403 and "--api-key-env" in err["detail"]
    body, headers = multipart({"a.txt": b"Title\n\nText."})
    assert local.call("POST", "/api/ingest", data=body, headers=headers)[0] == 403
    assert local.call("POST", "/api/rebuild")[0] == 403
    # a key sent to a server without keys is ignored for reads (chat UIs always send one)
    assert local.call("GET", "/api/stats", key="anything-at-all-really")[0] == 200


def test_keys_on_loopback(keyed):
    assert keyed.call("GET", "/api/stats")[0] == 200  # reads need no key on loopback
    status, err, headers = keyed.call("GET", "/api/stats", key=OTHER_KEY)  # but a key sent must be valid
    assert status == 401 and err["error"] == "unauthorized" and headers.get("www-authenticate") == "Bearer"
    status, err, _ = keyed.call("DELETE", "/api/articles/0123456789abcdef")
    assert status == 401 and "Bearer" in err["detail"]
    status, err, _ = keyed.call("DELETE", "/api/articles/0123456789abcdef", key=KEY)
    assert status == 404 and err["error"] == "not_found"


def test_ingest_and_delete_with_a_key(keyed):
    body, headers = multipart({
        "zeppelin.txt": b"Zeppelin Lands In Quorbton\n\nThe Qwzx zeppelin landed in Quorbton on Monday.",
        "notes.pdf": b"%PDF-1.4 binary",
    })
    status, rep, _ = keyed.call("POST", "/api/ingest", data=body, headers=headers, key=KEY)
    assert status == 200 and len(rep["added"]) == 1 and rep["chunks_added"] >= 1
    assert rep["rejected"] == [{"file": "notes.pdf", "reason": "unsupported file type .pdf; use .txt, .md, "
                                                              ".html, .htm, .json, .jsonl"}]
    assert list(keyed.upload_dir.iterdir())  # kept, like page uploads
    new_id = rep["added"][0]
    _, found, _ = keyed.call("POST", "/api/search", {"query": "Qwzx zeppelin Quorbton", "k": 1})
    assert found["passages"][0]["article_id"] == new_id  # readers see it at once
    status, gone, _ = keyed.call("DELETE", f"/api/articles/{new_id[:8]}", key=KEY)
    assert status == 200 and gone == {"deleted": [new_id]}
    _, found, _ = keyed.call("POST", "/api/search", {"query": "Qwzx zeppelin Quorbton", "k": 3})
    assert new_id not in {p["article_id"] for p in found["passages"]}
    assert keyed.call("DELETE", f"/api/articles/{new_id}", key=KEY)[0] == 404


def test_upload_limits_are_413_and_nothing_ingestible_is_400(keyed):
    body, headers = multipart({"big.txt": b"Big\n\n" + b"The harbour reopened. " * 1000})  # 22 KB > 0.01 MB
    status, err, _ = keyed.call("POST", "/api/ingest", data=body, headers=headers, key=KEY)
    assert status == 413 and err["error"] == "too_large" and "big.txt" in err["detail"]
    assert announced_body_status(keyed.url, "/api/ask", 5 * 2**20) == 413  # refused before it is sent
    body, headers = multipart({"x.pdf": b"%PDF-1.4"})
    status, err, _ = keyed.call("POST", "/api/ingest", data=body, headers=headers, key=KEY)
    assert status == 400 and "x.pdf" in err["detail"]


@pytest.fixture
def site(tmp_path):
    """A web site on 127.0.0.1 serving one article page: its URL."""
    import functools
    import http.server
    import threading

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "harbour.html").write_text(
        "<html><head><title>Quorbton Harbour Reopens</title></head><body><article><h1>Quorbton Harbour "
        "Reopens</h1><p>The Quorbton harbour reopened on Monday after the Qwzx storm, the port authority "
        "said. Ferries will run again from Tuesday morning.</p><p>Fishing boats were the first to leave, and "
        "the harbour master said the cranes would be back at work within the week, once divers have checked "
        "the quay walls for damage.</p></article></body></html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/harbour.html"
    httpd.shutdown()


def test_ingest_by_url(serve_api, keyed, site):
    pytest.importorskip("index.web")
    from ui.api.access import KeyRing

    status, err, _ = keyed.call("POST", "/api/ingest", {"urls": [site]}, key=KEY)
    assert status == 400 and site in err["detail"]  # a private address, refused by default
    assert keyed.call("POST", "/api/ingest", {"urls": ["ftp://x.org/a"]}, key=KEY)[0] == 400
    assert keyed.call("POST", "/api/ingest", {"urls": []}, key=KEY)[0] == 400
    s = serve_api(keys=KeyRing([KEY]), allow_private_urls=True)
    status, rep, _ = s.call("POST", "/api/ingest", {"urls": [site]}, key=KEY)
    assert status == 200, rep
    assert len(rep["added"]) == 1 and rep["urls"][0]["outcome"] == "new"
    _, found, _ = s.call("POST", "/api/search", {"query": "Quorbton harbour Qwzx storm", "k": 3})
    assert rep["added"][0] in {p["article_id"] for p in found["passages"]}  # (undated: no recency boost)


def test_public_server_needs_a_key_for_everything(serve_api):
    from ui.api.access import KeyRing

    closed = serve_api(public=True)
    status, err, _ = closed.call("POST", "/api/ask", {"question": SUEZ})
    assert status == 403 and "closed beyond loopback" in err["detail"]
    open_ = serve_api(public=True, keys=KeyRing([KEY]))
    for method, path, body in (("POST", "/api/ask", {"question": SUEZ}), ("GET", "/api/stats", None),
                               ("GET", "/api/openapi.json", None), ("GET", "/v1/models", None)):
        assert open_.call(method, path, body)[0] == 401, path
        assert open_.call(method, path, body, key=OTHER_KEY)[0] == 401, path
        assert open_.call(method, path, body, key=KEY)[0] == 200, path
    assert open_.call("GET", "/")[0] == 200  # the page keeps its own login rules (--auth)


def test_rate_limit_is_per_key_with_retry_after(serve_api):
    from ui.api.access import KeyRing, RateLimit

    s = serve_api(keys=KeyRing([KEY, OTHER_KEY]), rate_limit=RateLimit(3, 60))
    assert [s.call("GET", "/api/stats", key=KEY)[0] for _ in range(3)] == [200] * 3
    status, err, headers = s.call("GET", "/api/stats", key=KEY)
    assert status == 429 and err["error"] == "rate_limited" and 1 <= int(headers["retry-after"]) <= 20
    assert s.call("GET", "/api/stats", key=OTHER_KEY)[0] == 200  # each key has its own allowance
    assert s.call("GET", "/api/health")[0] == 200  # and clients without a key share their address's


def test_cors_is_off_unless_asked_for(local, serve_api):
    origin = {"Origin": "https://elsewhere.example"}
    _, _, headers = local.call("GET", "/api/stats", headers=origin)
    assert "access-control-allow-origin" not in headers
    s = serve_api(cors_origins=("https://chat.example.org",))
    _, _, headers = s.call("GET", "/api/stats", headers={"Origin": "https://chat.example.org"})
    assert headers.get("access-control-allow-origin") == "https://chat.example.org"
    status, _, headers = s.call("OPTIONS", "/api/ask", headers={
        "Origin": "https://chat.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert status == 200 and "POST" in headers.get("access-control-allow-methods", "")
    _, _, headers = s.call("GET", "/api/stats", headers=origin)
    assert "access-control-allow-origin" not in headers


def test_rebuild_answers_503_until_done_then_serves_again(serve_api):
    from tests.fakes import FakeEmbedder
    from ui.api.access import KeyRing

    class Slow(FakeEmbedder):
        def embed(self, texts):
            if len(texts) > 1:  # batches of the rebuild, not questions
                time.sleep(1.5)
            return super().embed(texts)

    s = serve_api(keys=KeyRing([KEY]), embedder=Slow())
    status, body, _ = s.call("POST", "/api/rebuild", key=KEY)
    assert status == 202 and body["status"] == "rebuilding"
    status, err, headers = s.call("POST", "/api/ask", {"question": SUEZ})
    assert status == 503 and err["error"] == "unavailable" and "rebuilt" in err["detail"]
    assert int(headers["retry-after"]) >= 1
    assert s.call("GET", "/api/health")[1] == {"status": "rebuilding"}
    deadline = time.monotonic() + 60
    while s.call("GET", "/api/health")[1] != {"status": "ok"} and time.monotonic() < deadline:
        time.sleep(0.2)
    status, ans, _ = s.call("POST", "/api/ask", {"question": SUEZ})
    assert status == 200 and ans["citations"] and s.call("GET", "/api/stats")[1]["articles"] == 17


def test_a_chunked_body_over_the_limit_is_413(local):
    """A body sent without Content-Length is counted as it arrives."""
    from urllib.parse import urlparse

    u = urlparse(local.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        chunks = (b'{"question": "' + b"x" * (1 << 20) for _ in range(6))
        conn.request("POST", "/api/ask", body=chunks, headers={"Content-Type": "application/json"},
                     encode_chunked=True)
        r = conn.getresponse()
        assert r.status == 413 and json.loads(r.read())["error"] == "too_large"
    finally:
        conn.close()
