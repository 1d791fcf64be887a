"""A minimal client for the OpenAI chat-completions protocol, on the standard library only.

    client = LLMClient(settings)
    text = client.chat(messages)                      # the whole reply
    for piece in client.stream(messages): ...         # the reply as it is generated (SSE)

`POST {base_url}/chat/completions` with `{"model", "messages", "temperature", "max_tokens",
"stream"}`; a streamed reply is read line by line as server-sent events (`data: {json}` chunks,
`data: [DONE]` at the end). A server that ignores `stream: true` and sends one JSON body is
accepted too. Works with Ollama, llama.cpp server, vLLM, LM Studio and OpenAI.

Every failure is a typed `LLMError` (timeout, connection, HTTP status, malformed or empty reply)
whose reason is fit for a note; the API key is sent in the Authorization header only and
masked out of any error text the server sends back.

Limits: `timeout` bounds each wait for the server (connecting, then the gap between streamed
pieces), not the total time of a long answer, which `max_tokens` bounds instead. Proxies from the
environment are used, except for loopback addresses (a local Ollama is never sent to a proxy).
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Iterator
from urllib.parse import urlsplit

from assistant.errors import LLMConnectionError, LLMError, LLMHTTPError, LLMReplyError, LLMTimeoutError
from assistant.llm.settings import LLMSettings

Message = dict  # {"role": "system" | "user" | "assistant", "content": str}
MAX_ERROR_TEXT = 200  # characters of a server's error body quoted in a note
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class LLMClient:
    def __init__(self, settings: LLMSettings):
        self.settings = settings
        host = urlsplit(settings.base_url).hostname or ""
        # no proxy for a local server: a corporate proxy cannot reach the user's own machine
        handlers = [urllib.request.ProxyHandler({})] if host in LOOPBACK else []
        self._opener = urllib.request.build_opener(*handlers)

    def chat(self, messages: list[Message], *, max_tokens: int | None = None) -> str:
        """The whole reply text (non-streaming). LLMReplyError if it is empty."""
        with self._post(messages, stream=False, max_tokens=max_tokens) as resp:
            body = self._read(resp.read)
        return _content(_json(body), "message")

    def stream(self, messages: list[Message], *, max_tokens: int | None = None) -> Iterator[str]:
        """The reply in pieces as the server generates them. LLMReplyError if nothing came."""
        got = False
        with self._post(messages, stream=True, max_tokens=max_tokens) as resp:
            if "json" in (resp.headers.get("Content-Type") or "") and "event-stream" not in resp.headers.get(
                    "Content-Type", ""):
                yield _content(_json(self._read(resp.read)), "message")  # stream ignored: one body
                return
            while True:
                line = self._read(resp.readline)
                if not line:
                    break  # the server closed the stream without [DONE]: keep what came
                line = line.strip()
                if not line or line.startswith(b":") or not line.startswith(b"data:"):
                    continue  # keep-alive comments, "event:" and "id:" lines
                data = line[5:].strip()
                if data == b"[DONE]":
                    break
                piece = _delta(_json(data))
                if piece:
                    got = True
                    yield piece
        if not got:
            raise LLMReplyError("empty reply")

    # -- plumbing ------------------------------------------------------------------------------------
    def _post(self, messages: list[Message], *, stream: bool, max_tokens: int | None):
        s = self.settings
        body = json.dumps({"model": s.model, "messages": messages, "temperature": s.temperature,
                           "max_tokens": max_tokens or s.max_tokens, "stream": stream}).encode("utf-8")
        headers = {"Content-Type": "application/json",
                   "Accept": "text/event-stream" if stream else "application/json"}
        key = s.api_key()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        req = urllib.request.Request(s.base_url + "/chat/completions", data=body, headers=headers, method="POST")
        try:
            return self._opener.open(req, timeout=s.timeout)
        except urllib.error.HTTPError as e:
            raise LLMHTTPError(e.code, f"HTTP {e.code} from {s.base_url}{self._error_text(e)}") from None
        except urllib.error.URLError as e:
            if isinstance(e.reason, (TimeoutError, socket.timeout)):
                raise self._timeout() from None
            raise LLMConnectionError(f"cannot reach {s.base_url}: {_reason(e.reason)}") from None
        except (TimeoutError, socket.timeout):
            raise self._timeout() from None
        except (ConnectionError, OSError) as e:
            raise LLMConnectionError(f"cannot reach {s.base_url}: {_reason(e)}") from None

    def _read(self, read):
        try:
            return read()
        except (TimeoutError, socket.timeout):
            raise self._timeout() from None
        except (ConnectionError, OSError) as e:
            raise LLMConnectionError(f"the connection to {self.settings.base_url} broke: {_reason(e)}") from None
        except Exception as e:  # http.client.IncompleteRead and friends: a reply cut short
            raise LLMReplyError(f"reply cut short ({type(e).__name__})") from None

    def _timeout(self) -> LLMError:
        return LLMTimeoutError(f"timeout after {self.settings.timeout:g} s")

    def _error_text(self, err: urllib.error.HTTPError) -> str:
        try:
            raw = err.read(4096).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - the status alone is enough
            return ""
        try:
            parsed = json.loads(raw)
            msg = parsed.get("error", parsed) if isinstance(parsed, dict) else parsed
            raw = msg.get("message", str(msg)) if isinstance(msg, dict) else str(msg)
        except ValueError:
            pass
        key = self.settings.api_key()
        if key:
            raw = raw.replace(key, "***")
        raw = " ".join(raw.split())[:MAX_ERROR_TEXT]
        return f": {raw}" if raw else ""


def _reason(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    return str(getattr(reason, "strerror", None) or reason) or type(reason).__name__


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        text = raw[:60].decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)[:60]
        raise LLMReplyError(f"malformed reply (not JSON: {text!r})") from None


def _choice(data) -> dict:
    if isinstance(data, dict) and data.get("error"):
        err = data["error"]
        raise LLMReplyError(f"server error: {err.get('message', err) if isinstance(err, dict) else err}"[:200])
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        raise LLMReplyError("malformed reply (no choices)")
    if not choices:
        return {}
    if not isinstance(choices[0], dict):
        raise LLMReplyError("malformed reply (a choice is not an object)")
    return choices[0]


def _content(data, key: str) -> str:
    """The text of a non-streamed reply (`choices[0].message.content`)."""
    part = _choice(data).get(key)
    text = part.get("content") if isinstance(part, dict) else None
    if text is not None and not isinstance(text, str):
        raise LLMReplyError("malformed reply (content is not text)")
    if not text or not text.strip():
        raise LLMReplyError("empty reply")
    return text


def _delta(data) -> str:
    """The text of one streamed chunk (`choices[0].delta.content`); '' for role-only chunks."""
    delta = _choice(data).get("delta") or {}
    if not isinstance(delta, dict):
        raise LLMReplyError("malformed reply (delta is not an object)")
    text = delta.get("content") or ""
    if not isinstance(text, str):
        raise LLMReplyError("malformed reply (content is not text)")
    return text
