"""`LLMClient` against the scripted server: the protocol variants servers use, and one typed
error per kind of failure."""

from __future__ import annotations

import json

import pytest

from assistant.errors import LLMConnectionError, LLMHTTPError, LLMReplyError, LLMTimeoutError
from assistant.llm.client import LLMClient
from assistant.llm.settings import LLMSettings
from tests.assistant.llm.fake_server import closed_port_url, fake_llm, malformed, reply, sleep, status  # noqa: F401

MESSAGES = [{"role": "user", "content": "hi"}]


def client(url, **kw) -> LLMClient:
    return LLMClient(LLMSettings(base_url=url, model="m", **kw))


def raw_sse(lines: list[str]):
    def send(h, body):
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write("".join(line + "\n" for line in lines).encode())
        h.close_connection = True
    return send


def test_chat_and_stream_send_the_protocol_fields(fake_llm):
    fake_llm.script(reply("Hello there [1]."))
    c = client(fake_llm.url, temperature=0.2, max_tokens=99)
    assert c.chat(MESSAGES) == "Hello there [1]."
    assert "".join(c.stream(MESSAGES)) == "Hello there [1]."
    plain, streamed = (r["body"] for r in fake_llm.requests)
    assert plain == {"model": "m", "messages": MESSAGES, "temperature": 0.2, "max_tokens": 99, "stream": False}
    assert streamed["stream"] is True
    assert "Authorization" not in fake_llm.requests[0]["headers"]


def test_stream_skips_comments_and_role_chunks_and_tolerates_a_missing_done(fake_llm):
    chunk = json.dumps({"choices": [{"delta": {"content": "Hi"}}]})
    fake_llm.script(raw_sse([": keep-alive", "event: message", "id: 1",
                             "data: " + json.dumps({"choices": [{"delta": {"role": "assistant"}}]}), "",
                             f"data: {chunk}", "", f"data:{chunk}", ""]))
    assert list(client(fake_llm.url).stream(MESSAGES)) == ["Hi", "Hi"]


def test_a_server_ignoring_stream_true_is_read_as_one_reply(fake_llm):
    def json_anyway(h, body):
        reply("Whole reply.")(h, {**body, "stream": False})
    fake_llm.script(json_anyway)
    assert list(client(fake_llm.url).stream(MESSAGES)) == ["Whole reply."]


FAILURES = [  # (reply, error, reason contains, streaming modes it applies to)
    (lambda: sleep(1.0), LLMTimeoutError, "timeout after 0.3 s", (False, True)),
    (malformed, LLMReplyError, "malformed reply", (False, True)),
    (lambda: status(500, "boom"), LLMHTTPError, "/v1: boom", (False, True)),
    (lambda: reply(""), LLMReplyError, "empty reply", (False, True)),
    (lambda: raw_sse(["data: [DONE]"]), LLMReplyError, "empty reply", (True,)),
    (lambda: raw_sse(['data: {"error": {"message": "model crashed"}}']), LLMReplyError, "model crashed", (True,)),
    (lambda: raw_sse(['data: {"choices": "nope"}']), LLMReplyError, "malformed reply", (True,)),
]


@pytest.mark.parametrize("step, error, text, stream",
                         [(step, err, text, s) for step, err, text, modes in FAILURES for s in modes])
def test_each_failure_is_a_typed_error_with_a_reason(fake_llm, step, error, text, stream):
    fake_llm.script(step())
    c = client(fake_llm.url, timeout=0.3)
    with pytest.raises(error) as info:
        c.chat(MESSAGES) if not stream else list(c.stream(MESSAGES))
    assert text in info.value.reason


def test_connection_refused_is_a_connection_error():
    with pytest.raises(LLMConnectionError, match="connection refused"):
        client(closed_port_url()).chat(MESSAGES)
