"""Who may use the API doors (`/api/`, `/v1/`, MCP at `/gradio_api/mcp`), and how often.

Rules (docs/API.md):
- Keys come from `--api-key-env VAR` (the variable holds one key, or several separated by commas
  or whitespace) and/or `--api-keys-file FILE` (one key per line; blank lines and `#` comments
  ignored). A client sends one as `Authorization: Bearer KEY`, which is what the `openai`
  package does with its `api_key`.
- Writes (ingest, delete, rebuild) always need a valid key; with no keys configured they are
  refused (403).
- On a loopback address, reads need no key. A server listening beyond loopback needs a valid
  key for every request to these doors; with no keys configured they are closed (403). The
  browser chat keeps its own login (`--auth`), as before.
- When keys are configured, a key that is sent must be valid (401), even where none is needed.
  Without keys configured, whatever a client sends is ignored (chat UIs insist on sending one).
- `--rate-limit N/PERIOD`: each key (each client address without a key) may make N requests
  per period, with bursts up to N; beyond that 429 with Retry-After.
- Bodies larger than the limit (uploads: the upload limit times the files a request may carry;
  other requests 4 MB) are refused with 413 before they are read.

Keys never reach a log: a client is named by its key's fingerprint ("key-3f2a9c1b", the start
of its SHA-256) or by its address.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.exceptions import HTTPException

from ui.api import errors as E

log = logging.getLogger("ui.api")
MIN_KEY_CHARS = 12
MAX_JSON_BYTES = 4 * 1024 * 1024
MAX_FILES_PER_REQUEST = 20
DOORS = ("/api/", "/v1/", "/gradio_api/mcp")
_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


def fingerprint(key: str) -> str:
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:8]


class KeyRing:
    """The accepted API keys, compared in constant time."""

    def __init__(self, keys=()):
        self._keys = tuple(dict.fromkeys(k for k in keys if k))

    def __len__(self) -> int:
        return len(self._keys)

    def match(self, presented: str) -> str | None:
        """The fingerprint of `presented` when it is one of the keys, else None."""
        found = False
        for k in self._keys:  # every key compared, so the time says nothing about which matched
            found |= hmac.compare_digest(k.encode(), presented.encode())
        return fingerprint(presented) if found else None

    @classmethod
    def load(cls, env_var: str | None = None, keys_file: str | None = None, environ=None) -> "KeyRing":
        """Keys from the variable named `env_var` and/or `keys_file`. ValueError with a message
        (that never quotes a key) when a source is missing, empty or holds a short key."""
        environ = os.environ if environ is None else environ
        keys: list[str] = []
        if env_var:
            value = environ.get(env_var, "")
            found = [k for k in re.split(r"[\s,]+", value) if k]
            if not found:
                raise ValueError(f"--api-key-env {env_var}: the environment variable is not set or empty")
            keys += _checked(found, f"--api-key-env {env_var}")
        if keys_file:
            try:
                lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as e:
                raise ValueError(f"cannot read --api-keys-file {keys_file}: {e}") from None
            found = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
            if not found:
                raise ValueError(f"--api-keys-file {keys_file} holds no keys (one per line)")
            keys += _checked(found, f"--api-keys-file {keys_file}")
        return cls(keys)


def _checked(keys: list[str], where: str) -> list[str]:
    for i, k in enumerate(keys, 1):
        if len(k) < MIN_KEY_CHARS or any(c.isspace() for c in k):
            raise ValueError(f"{where}: key {i} is shorter than {MIN_KEY_CHARS} characters or holds spaces; "
                             "use long random keys (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return keys


@dataclass(frozen=True)
class RateLimit:
    """`requests` per `seconds`, per client."""

    requests: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> "RateLimit":
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*", text or "", re.I)
        if not m or m.group(3).lower() not in _PERIODS or int(m.group(1)) < 1:
            raise ValueError(f"--rate-limit must look like 60/min (per s, min or hour), got {text!r}")
        return cls(int(m.group(1)), _PERIODS[m.group(3).lower()] * int(m.group(2) or 1))

    def __str__(self) -> str:
        return f"{self.requests} per {self.seconds:g} s"


class RateLimiter:
    """A token bucket per client: `requests` tokens, refilled evenly over `seconds`."""

    def __init__(self, limit: RateLimit, clock=time.monotonic):
        self.limit, self.clock = limit, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)
        self._lock = threading.Lock()

    def wait_needed(self, client: str) -> float:
        """0 when `client` may go ahead now (a token is spent), else the seconds until it may."""
        rate = self.limit.requests / self.limit.seconds
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(client, (float(self.limit.requests), now))
            tokens = min(float(self.limit.requests), tokens + (now - then) * rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1 - tokens) / rate
            if len(self._buckets) > 10_000:  # forget clients whose buckets are full again
                full = [c for c, (t, w) in self._buckets.items() if t + (now - w) * rate >= self.limit.requests]
                for c in full:
                    del self._buckets[c]
        return wait


@dataclass(frozen=True)
class AccessPolicy:
    keys: KeyRing
    public: bool = False  # listening beyond loopback
    rate_limit: RateLimit | None = None
    max_upload_bytes: int = 20 * 1024 * 1024


def is_write(method: str, path: str) -> bool:
    return ((method == "POST" and path in ("/api/ingest", "/api/rebuild"))
            or (method == "DELETE" and path.startswith("/api/articles/")))


class AccessMiddleware:
    """ASGI middleware enforcing `AccessPolicy` on the API doors; other paths pass untouched."""

    def __init__(self, app, policy: AccessPolicy):
        self.app, self.policy = app, policy
        self.limiter = RateLimiter(policy.rate_limit) if policy.rate_limit else None

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(DOORS):
            return await self.app(scope, receive, send)
        try:
            client = self.check(scope)
        except E.ApiError as err:
            who = (scope.get("client") or ("?",))[0]
            log.warning("refused %s %s from %s: %s %s", scope.get("method"), path, who, err.status, err.code)
            return await E.response(err, path)(scope, receive, send)
        scope.setdefault("state", {})["client"] = client
        await self.app(scope, _capped(receive, self._limit(path)), send)

    def _limit(self, path: str) -> int:
        if path == "/api/ingest":
            return self.policy.max_upload_bytes * MAX_FILES_PER_REQUEST + 64 * 1024
        return MAX_JSON_BYTES

    def check(self, scope) -> str:
        """The client's name (key fingerprint or address) when the request may go on."""
        method, path = scope.get("method", "GET"), scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        self._check_size(path, headers)
        keys, write = self.policy.keys, is_write(method, path)
        who = None
        if len(keys):
            sent = _bearer(headers.get("authorization", ""))
            if sent is not None:
                who = keys.match(sent)
                if who is None:
                    raise E.Unauthorized("the API key is not valid")
        if who is None:
            if write or self.policy.public:
                if not len(keys):
                    raise E.Forbidden("this server has no API keys, so "
                                      + ("writes are turned off" if write else "its API is closed beyond loopback")
                                      + "; start it with --api-key-env VAR or --api-keys-file FILE")
                raise E.Unauthorized("an API key is needed: send Authorization: Bearer KEY")
            who = "addr-" + str((scope.get("client") or ("local",))[0])
        if self.limiter is not None:
            wait = self.limiter.wait_needed(who)
            if wait > 0:
                raise E.RateLimited(f"more than {self.policy.rate_limit} requests; slow down",
                                    retry_after=max(1, math.ceil(wait)))
        return who

    def _check_size(self, path: str, headers: dict) -> None:
        try:
            size = int(headers.get("content-length", "0") or 0)
        except ValueError:
            raise E.BadRequest("Content-Length is not a number") from None
        limit = self._limit(path)
        if size > limit:
            raise E.PayloadTooLarge(f"the request body is {size / 2**20:.1f} MB; the limit here is "
                                    f"{limit / 2**20:.1f} MB")


class BodyTooLarge(HTTPException):
    """Raised while a body without Content-Length (chunked) is read past its limit; FastAPI and
    the error handlers pass HTTPExceptions through, so the client gets 413, not a parse error."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is over the limit here ({limit / 2**20:.1f} MB)")


def _capped(receive, limit: int):
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped


def _bearer(value: str) -> str | None:
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
