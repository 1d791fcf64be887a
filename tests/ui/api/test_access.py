"""API keys, rate limits and which requests count as writes, without a server."""

from __future__ import annotations

import pytest

from ui.api.access import KeyRing, RateLimit, RateLimiter, fingerprint, is_write

KEY = "k" * 20


def test_keys_from_a_variable_and_a_file(tmp_path):
    f = tmp_path / "keys"
    f.write_text("# team keys\n\nfile-key-0123456789\n  second-key-0123456789  \n")
    ring = KeyRing.load("NEWS_KEYS", str(f), environ={"NEWS_KEYS": f"{KEY}, env-key-2-abcdefgh"})
    assert len(ring) == 4
    assert ring.match("second-key-0123456789") == fingerprint("second-key-0123456789")
    assert ring.match(KEY) and ring.match("k" * 19) is None and ring.match("") is None
    assert fingerprint(KEY).startswith("key-") and KEY not in fingerprint(KEY)


@pytest.mark.parametrize("env, text, words", [
    ({}, None, "not set or empty"),
    ({"NEWS_KEYS": "short"}, None, "shorter than 12"),
    ({"NEWS_KEYS": KEY}, "", "holds no keys"),
])
def test_bad_key_sources_say_what_is_wrong_without_quoting_keys(tmp_path, env, text, words):
    f = None
    if text is not None:
        f = tmp_path / "keys"
        f.write_text(text)
    with pytest.raises(ValueError, match=words) as e:
        KeyRing.load("NEWS_KEYS", str(f) if f else None, environ=env)
    assert "short" not in str(e.value).replace("shorter", "")


def test_a_missing_keys_file():
    with pytest.raises(ValueError, match="cannot read --api-keys-file"):
        KeyRing.load(None, "/no/such/file")


@pytest.mark.parametrize("text, requests, seconds", [("60/min", 60, 60), ("5/s", 5, 1), ("1000/hour", 1000, 3600),
                                                     ("10 / 5min", 10, 300)])
def test_rate_limit_parsing(text, requests, seconds):
    assert RateLimit.parse(text) == RateLimit(requests, seconds)


@pytest.mark.parametrize("text", ["60", "0/min", "sixty/min", "5/fortnight", ""])
def test_bad_rate_limits(text):
    with pytest.raises(ValueError, match="60/min"):
        RateLimit.parse(text)


def test_token_bucket_allows_a_burst_then_one_per_interval():
    now = [0.0]
    limiter = RateLimiter(RateLimit(3, 60), clock=lambda: now[0])
    assert [limiter.wait_needed("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.wait_needed("a") == pytest.approx(20)  # one token every 20 s
    assert limiter.wait_needed("b") == 0  # clients do not share
    now[0] = 20.0
    assert limiter.wait_needed("a") == 0 and limiter.wait_needed("a") > 0


def test_writes():
    assert is_write("POST", "/api/ingest") and is_write("POST", "/api/rebuild")
    assert is_write("DELETE", "/api/articles/abc")
    assert not is_write("POST", "/api/ask") and not is_write("GET", "/api/articles")
