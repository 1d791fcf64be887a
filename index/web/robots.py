"""robots.txt: whether a site lets this fetcher read a URL, and how long to wait between requests.

Purpose: one `RobotsCache` per fetcher reads each site's /robots.txt once per `ttl` and answers
`check(url)` with urllib.robotparser, matching this program's user agent. As RFC 9309 says: a
robots.txt that does not exist (any 4xx) allows everything; one that cannot be reached (a 5xx, a
timeout, a refused connection) disallows everything until it is tried again `retry` seconds later.
A `Crawl-delay` for the agent is passed on, so the fetcher can wait longer between requests.

Limits: the cache lives as long as the fetcher (nothing is stored on disk); at most `MAX_BYTES`
of a robots.txt are read (RFC 9309 asks for at least 500 KiB); rules are matched as
urllib.robotparser matches them (prefixes, no `*` or `$` wildcards inside paths).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from index.errors import FetchError

MAX_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 60.0  # a site asking for more is read this slowly, not more slowly still


@dataclass(frozen=True)
class RobotsVerdict:
    """May the URL be fetched; if not, why (and whether asking again later may change the answer:
    robots.txt could not be read); and the site's crawl delay for this agent, if any."""

    allowed: bool
    reason: str = ""
    crawl_delay: float | None = None
    transient: bool = False
    unreachable: bool = False  # the site did not answer at all (no HTTP status): say that, not "robots"


@dataclass
class _Rules:
    parser: RobotFileParser | None  # None: allow or refuse everything, as `allow_all` says
    allow_all: bool
    reason: str
    expires: float
    transient: bool = False
    unreachable: bool = False


class RobotsCache:
    """Per-site robots.txt rules for one user agent; safe to share between threads."""

    def __init__(self, user_agent: str, *, ttl: float = 3600.0, retry: float = 300.0):
        self.user_agent = user_agent
        self.ttl, self.retry = ttl, retry
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def check(self, url: str, fetch: Callable[[str], tuple[int, bytes]]) -> RobotsVerdict:
        """The verdict for `url`. `fetch(robots_url)` returns (HTTP status, body) of a GET, or raises
        FetchError; it is called at most once per site per `ttl` (per `retry` after a failure)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one read of a site's robots.txt at a time, however many threads ask
            rules = self._rules.get(origin)
            if rules is None or rules.expires <= time.monotonic():
                rules = self._rules[origin] = self._read(origin, fetch)
        if rules.parser is None:
            return RobotsVerdict(rules.allow_all, rules.reason, transient=rules.transient,
                                 unreachable=rules.unreachable)
        delay = rules.parser.crawl_delay(self.user_agent)
        delay = min(float(delay), MAX_CRAWL_DELAY) if delay is not None else None
        if rules.parser.can_fetch(self.user_agent, url):
            return RobotsVerdict(True, crawl_delay=delay)
        return RobotsVerdict(False, f"disallowed by {origin}/robots.txt", delay)

    def _read(self, origin: str, fetch) -> _Rules:
        now = time.monotonic()
        try:
            status, body = fetch(origin + "/robots.txt")
        except FetchError as err:
            if err.status is not None and 400 <= err.status < 500:
                return _Rules(None, True, "", now + self.ttl)  # no robots.txt: everything is allowed
            if err.status is None:  # no answer at all: the page would not be answered either
                return _Rules(None, False, err.reason, now + self.retry, True, unreachable=True)
            return _Rules(None, False, f"{origin}/robots.txt could not be read ({err.reason}); "
                                       f"not fetching from the site until it can", now + self.retry, True)
        parser = RobotFileParser(origin + "/robots.txt")
        parser.parse(body[:MAX_BYTES].decode("utf-8", errors="replace").splitlines())
        return _Rules(parser, True, "", now + self.ttl)
