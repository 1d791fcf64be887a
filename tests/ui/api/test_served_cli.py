"""`assistant serve` as a real process (fake embedder): the API doors answer without a key on
127.0.0.1, need one beyond loopback, and the keys never reach the server's output."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.reliability.test_network import Served
from tests.ui.api.conftest import SUEZ

pytestmark = pytest.mark.slow
KEY = "served-key-" + "7" * 24


class Serve(Served):
    """`assistant serve --index DIR --port P ARGS` (fake embedder) until stop(), with JSON calls."""

    def __init__(self, index_dir, tmp, *args: str, env=None):
        super().__init__(index_dir, *args, tmp=tmp, env=env)
        deadline = time.monotonic() + 60
        while "ready at" not in self.out.read_text(errors="replace"):  # the banner the tests read
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("server printed no banner: " + "\n".join(self.stop()))
            time.sleep(0.1)

    def call(self, method, path, body=None, key=None, raw=False):
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
        req = urllib.request.Request(self.url + path.lstrip("/"), method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                data = r.read().decode()
                return r.status, data if raw else json.loads(data)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")


def test_loopback_serves_rest_and_openai_without_a_key(fake_sample_index, tmp_path):
    s = Serve(fake_sample_index, tmp_path)
    try:
        question = SUEZ
        status, answer = s.call("POST", "/api/ask", {"question": question})
        assert status == 200 and isinstance(answer, dict) and answer["text"] and answer["citations"]
        status, done = s.call("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": question}]})
        assert status == 200 and done["choices"][0]["message"]["content"].startswith(answer["text"])
        status, stream = s.call("POST", "/v1/chat/completions", {"stream": True, "model": "news-assistant",
                                                                 "messages": [{"role": "user", "content": question}]},
                                raw=True)
        events = [e for e in stream.split("\n\n") if e.strip()]
        assert status == 200 and events[-1] == "data: [DONE]"
        text = "".join(json.loads(e[6:])["choices"][0]["delta"].get("content") or "" for e in events[:-1])
        assert text == done["choices"][0]["message"]["content"]
        assert s.call("DELETE", f"/api/articles/{answer['citations'][0]['article_id']}")[0] == 403
    finally:
        out, err = s.stop()
    assert "HTTP API:" in out and "writes (ingest, delete) are off" in out


def test_beyond_loopback_keys_are_required_and_never_printed(fake_sample_index, tmp_path):
    s = Serve(fake_sample_index, tmp_path, "--host", "0.0.0.0", "--no-auth", "--api-key-env", "NEWS_TEST_KEY",
              env={"NEWS_TEST_KEY": KEY})
    try:
        question = {"question": SUEZ}
        assert s.call("POST", "/api/ask", question)[0] == 401
        assert s.call("POST", "/api/ask", question, key=KEY + "x")[0] == 401
        assert s.call("POST", "/gradio_api/mcp/", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"})[0] == 401
        status, answer = s.call("POST", "/api/ask", question, key=KEY)
        assert status == 200 and answer["citations"]
        status, _ = s.call("DELETE", "/api/articles/ffffffffffffffff", key=KEY)
        assert status == 404
    finally:
        out, err = s.stop()
    assert "API keys: 1 loaded" in out and "refused POST /api/ask" in err
    assert KEY not in out + err and KEY[:12] not in out + err
