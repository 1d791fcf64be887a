"""OpenAI-compatible chat: `POST /v1/chat/completions` (plain, or `stream: true` as server-sent
events ending in `data: [DONE]`) and `GET /v1/models`, so the `openai` package and chat UIs that
take a base URL (`http://127.0.0.1:7860/v1`) talk to the news index unchanged.

The conversation's last user message is the question, the turns before it its history (see
`chat_format`). The reply's content is the answer with its [n] marks and a numbered source list;
the full record travels beside it: `citations` (in the message and at the top level) and
`answer` (the `Answer` object of `/api/ask`) at the top level, and in the last chunk of a stream.

Limits: one model id; the `model` a client names is accepted whatever it is (chat UIs send the
one they were configured with). Sampling options (temperature, max_tokens, n, tools, ...) are
ignored: the answer is the articles' own sentences. The answer is complete before the first
byte is streamed, so a stream's chunks only cut the finished text into pieces (words) - an
error is an ordinary HTTP error, never a broken stream.
"""

from __future__ import annotations

import json
import re
import secrets
import time

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ui.api import errors as E
from ui.api.chat_format import ChatFormatError, reply_text, split_messages
from ui.api.records import ChatRequest

MODEL_ID = "news-assistant"
WORDS_PER_CHUNK = 4
CREATED = int(time.time())


def model_card() -> dict:
    return {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "news-assistant"}


def router(library) -> APIRouter:
    r = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])

    @r.get("/models", summary="The one model this server offers")
    def models():
        return {"object": "list", "data": [model_card()]}

    @r.get("/models/{model_id}", summary="One model")
    def model(model_id: str):
        if model_id != MODEL_ID:
            raise E.NotFound(f"no model {model_id!r} here; this server offers {MODEL_ID!r}")
        return model_card()

    @r.post("/chat/completions", summary="Answer the last user message from the articles",
            description="OpenAI's chat-completions protocol. Extensions: `sources`, `since`, `until`, "
                        "`as_of` in the request; `citations` and `answer` in the response.")
    def chat_completions(body: ChatRequest):
        with E.translated():
            try:
                question, history = split_messages(body.messages)
            except ChatFormatError as e:
                raise E.BadRequest(str(e)) from None
            answer = library.ask(question, history=history.recent() or None, sources=body.sources,
                                 since=body.since, until=body.until, as_of=body.as_of)
        done = answer.to_dict()
        cid, created, text = "chatcmpl-" + secrets.token_hex(12), int(time.time()), reply_text(answer)
        if body.stream:
            return StreamingResponse(_chunks(cid, created, text, done), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return {"id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": text, "refusal": None,
                                         "citations": done["citations"]}}],
                "citations": done["citations"], "answer": done}

    @r.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown(rest: str):
        raise E.NotFound(f"no route /v1/{rest} here; this server offers /v1/chat/completions and /v1/models")

    return r


def pieces(text: str, words: int = WORDS_PER_CHUNK) -> list[str]:
    """`text` cut after every few words, whitespace kept, so the pieces join back to it exactly."""
    out, cur, n = [], "", 0
    for tok in _tokens(text):
        cur += tok
        if not tok.isspace():
            n += 1
        if n == words and tok.isspace():
            out.append(cur)
            cur, n = "", 0
    if cur:
        out.append(cur)
    return out


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|\S+", text)


def _chunks(cid: str, created: int, text: str, done: dict):
    def event(delta: dict, finish=None, **extra) -> str:
        chunk = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return "data: " + json.dumps(chunk, ensure_ascii=False) + "\n\n"

    yield event({"role": "assistant", "content": ""})
    for piece in pieces(text):
        yield event({"content": piece})
    yield event({}, "stop", citations=done["citations"], answer=done)
    yield "data: [DONE]\n\n"
