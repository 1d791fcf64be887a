"""The OpenAI-compatible routes, driven by the `openai` package pointed at a really served app
(fake embedder), as a chat UI that takes a base URL would use them."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.ui.api.conftest import KEY, OTHER_KEY, SUEZ

pytestmark = pytest.mark.slow
openai = pytest.importorskip("openai")


def client(served, key: str = "unused"):
    return openai.OpenAI(base_url=served.url + "v1", api_key=key, max_retries=0, timeout=60)


def test_models(local):
    models = client(local).models.list()
    assert [m.id for m in models.data] == ["news-assistant"]
    assert client(local).models.retrieve("news-assistant").id == "news-assistant"


def test_plain_completion_has_marks_sources_and_citations(local):
    r = client(local).chat.completions.create(model="news-assistant",
                                              messages=[{"role": "system", "content": "Be brief."},
                                                        {"role": "user", "content": SUEZ}])
    expected = local.library.assistant.ask(SUEZ).to_dict()
    msg = r.choices[0].message
    assert r.object == "chat.completion" and r.choices[0].finish_reason == "stop" and msg.role == "assistant"
    assert msg.content.startswith(expected["text"]) and "\n\nSources:\n[1] " in msg.content
    first = expected["citations"][0]
    assert f"[1] {first['title']} — {first['source']}, {first['published']}" in msg.content
    extra = r.model_extra
    assert extra["citations"] == expected["citations"] and extra["answer"] == expected
    assert msg.model_extra["citations"] == expected["citations"]


def test_streamed_completion_joins_to_the_plain_one(local):
    c = client(local)
    plain = c.chat.completions.create(model="anything", messages=[{"role": "user", "content": SUEZ}])
    chunks = list(c.chat.completions.create(model="anything", stream=True,
                                            messages=[{"role": "user", "content": SUEZ}]))
    assert len(chunks) > 3 and chunks[0].choices[0].delta.role == "assistant"
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks)
    assert text == plain.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and last.model_extra["citations"] == plain.model_extra["citations"]


def test_raw_stream_ends_with_done(local):
    req = urllib.request.Request(local.url + "v1/chat/completions", method="POST",
                                 data=json.dumps({"messages": [{"role": "user", "content": SUEZ}],
                                                  "stream": True}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        events = [ln for ln in r.read().decode().split("\n\n") if ln.strip()]
    assert events[-1] == "data: [DONE]" and all(e.startswith("data: ") for e in events)
    assert json.loads(events[-2][6:])["answer"]["citations"]


def asked_after_suez(served, content):
    """(the reply to SUEZ, the reply to `content` asked after it with the first sent back as text)."""
    c = client(served)
    first = c.chat.completions.create(model="m", messages=[{"role": "user", "content": SUEZ}])
    follow = c.chat.completions.create(model="m", messages=[
        {"role": "user", "content": SUEZ},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": content}])
    return first, follow


def test_earlier_turns_are_the_history(local):
    _, follow = asked_after_suez(local, [{"type": "text", "text": "Who owns it?"}])
    answer = follow.model_extra["answer"]
    assert answer["question"] == "Who owns it?" and answer["query"] != "Who owns it?"


def test_extensions_filter_the_articles(local):
    r = client(local).chat.completions.create(model="m", messages=[{"role": "user", "content": SUEZ}],
                                              extra_body={"sources": ["Harbor Ledger"], "until": "2021-12-31"})
    assert {c["source"] for c in r.model_extra["citations"]} <= {"Harbor Ledger"}


def test_errors_reach_the_client_as_openai_errors(local, serve_api):
    from ui.api.access import KeyRing

    c = client(local)
    with pytest.raises(openai.BadRequestError, match="last message must be a user message"):
        c.chat.completions.create(model="m", messages=[{"role": "system", "content": "hello"}])
    with pytest.raises(openai.BadRequestError, match="since must be a date"):
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}],
                                  extra_body={"since": "soon"})
    with pytest.raises(openai.NotFoundError):
        c.models.retrieve("gpt-4")
    public = serve_api(public=True, keys=KeyRing([KEY]))
    with pytest.raises(openai.AuthenticationError):
        client(public, OTHER_KEY).chat.completions.create(model="m", messages=[{"role": "user", "content": SUEZ}])
    r = client(public, KEY).chat.completions.create(model="m", messages=[{"role": "user", "content": SUEZ}])
    assert r.model_extra["citations"]


def test_tell_me_more_after_a_reply_sent_back_as_text_quotes_something_new(local):
    first, more = asked_after_suez(local, "Tell me more")
    quoted = {(x["article_id"], x["start"]) for x in first.model_extra["citations"]}
    again = {(x["article_id"], x["start"]) for x in more.model_extra["citations"]}
    assert again and not quoted & again
