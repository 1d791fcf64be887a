"""`Fetcher`: polite, bounded HTTP GETs of feeds and article pages.

Purpose: one GET with everything a crawler owes the sites it reads and the machine it runs on:
- a clear User-Agent (`USER_AGENT`), robots.txt respected (see `robots`), one request at a time
  per host with `host_delay` seconds (or the site's Crawl-delay, if longer) between them;
- a `timeout` for the whole request (connecting, waiting, reading), a `max_bytes` limit on the
  body (gzip is accepted and the limit holds after decompressing), at most `max_redirects` hops;
- conditional GETs: given an ETag or Last-Modified from an earlier response, an unchanged
  document comes back as a 304 with no body;
- with `allow_private=False` (the default) a host that resolves to a loopback, private,
  link-local or otherwise non-global address is refused (`UnsafeURLError`) before connecting, on
  every redirect hop, and the connection goes to the address that was checked.
Every failure is a typed `FetchError` (`UnsafeURLError`, `RobotsDisallowedError`) whose
`transient` says whether a later try may succeed. Safe to share between threads.

Limits: http and https only; no cookies, no authentication, no proxies (see `urls`); the body is
held in memory (hence `max_bytes`). `resolver` and `connector` are seams for tests and special
networks: `resolver(host, port)` returns IP address strings, `connector(ip, port, timeout)` an
open socket.
"""

from __future__ import annotations

import email.message
import http.client
import socket
import ssl
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin

from index.errors import ConfigError, FetchError, RobotsDisallowedError, UnsafeURLError
from index.web.robots import RobotsCache
from index.web.urls import Target, target, unsafe_reason

USER_AGENT = "news-assistant/0.1 (+local)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
          "text/xml;q=0.9, text/html;q=0.8, application/xhtml+xml;q=0.8, */*;q=0.5")
_REDIRECTS = (301, 302, 303, 307, 308)
_TRANSIENT_STATUSES = (408, 425, 429)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchResult:
    """One answered GET. `status` is 200-299, or 304 when the document is unchanged since the
    ETag / Last-Modified given (then `body` is empty). `url` is the URL asked for, `final_url`
    the one that answered after redirects."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    content_type: str = ""  # lower-case, without parameters: "text/html"
    charset: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _default_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _default_connector(ip: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((ip, port), timeout=timeout)


class _Connection(http.client.HTTPConnection):
    """An HTTP connection to an address chosen (and checked) beforehand, not looked up again."""

    def __init__(self, host: str, port: int, *, timeout: float, open_socket: Callable[[], socket.socket]):
        super().__init__(host, port, timeout=timeout)
        self._open_socket = open_socket
        self.opened: socket.socket | None = None  # kept: http.client drops `sock` once a reply will close

    def connect(self):
        self.sock = self.opened = self._open_socket()


class _TLSConnection(http.client.HTTPSConnection):
    """As `_Connection`, over TLS: the certificate is checked against the host name, as usual."""

    def __init__(self, host: str, port: int, *, timeout: float, open_socket: Callable[[], socket.socket]):
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._open_socket = open_socket
        self.opened: socket.socket | None = None

    def connect(self):
        self.sock = self.opened = self._tls.wrap_socket(self._open_socket(), server_hostname=self.host)


class _Pacer:
    """One request at a time per host, `delay` seconds apart (from the end of one to the start of the next)."""

    def __init__(self):
        self._guard = threading.Lock()
        self._hosts: dict[str, tuple[threading.Lock, list[float]]] = {}

    @contextmanager
    def turn(self, host: str, delay: float):
        with self._guard:
            lock, last = self._hosts.setdefault(host, (threading.Lock(), [0.0]))
        with lock:
            wait = last[0] + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                last[0] = time.monotonic()


def _positive(name: str, value, *, zero: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (value >= 0 if zero else value > 0)
    if not ok:
        raise ConfigError(f"{name} must be a number {'>= 0' if zero else '> 0'}, got {value!r}")
    return float(value)


class Fetcher:
    """Polite, bounded HTTP GETs (see the module docstring). Settings are checked here (ConfigError)."""

    def __init__(self, *, allow_private: bool = False, timeout: float = 20.0, max_bytes: int = 10 * 1024 * 1024,
                 host_delay: float = 1.0, user_agent: str = USER_AGENT, robots: bool = True,
                 max_redirects: int = 5, resolver: Callable[[str, int], list[str]] | None = None,
                 connector: Callable[[str, int, float], socket.socket] | None = None):
        if not isinstance(allow_private, bool) or not isinstance(robots, bool):
            raise ConfigError("allow_private and robots must be True or False")
        self.allow_private, self.robots = allow_private, robots
        self.timeout = _positive("timeout", timeout)
        self.host_delay = _positive("host_delay", host_delay, zero=True)
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1024:
            raise ConfigError(f"max_bytes must be an integer of at least 1024, got {max_bytes!r}")
        if not isinstance(max_redirects, int) or isinstance(max_redirects, bool) or not 0 <= max_redirects <= 20:
            raise ConfigError(f"max_redirects must be an integer from 0 to 20, got {max_redirects!r}")
        if not isinstance(user_agent, str) or not user_agent.strip() or not user_agent.isprintable():
            raise ConfigError(f"user_agent must be a printable, non-empty string, got {user_agent!r}")
        for name, fn in (("resolver", resolver), ("connector", connector)):
            if fn is not None and not callable(fn):
                raise ConfigError(f"{name} must be callable, got {fn!r}")
        self.max_bytes, self.max_redirects, self.user_agent = max_bytes, max_redirects, user_agent.strip()
        self._resolve = resolver or _default_resolver
        self._connect = connector or _default_connector
        self._pacer = _Pacer()
        self._robots = RobotsCache(self.user_agent)

    # -- the public GET --------------------------------------------------------------------------------
    def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET `url`, following redirects; FetchError (or a subclass) when there is no usable answer."""
        return self._get(url, etag=etag, last_modified=last_modified, check_robots=self.robots)

    def _get(self, url: str, *, etag: str = "", last_modified: str = "", check_robots: bool) -> FetchResult:
        current = url
        for _ in range(self.max_redirects + 1):
            where = target(current)
            addresses = self._addresses(where)  # refused before anything is sent, robots.txt included
            delay = self.host_delay
            if check_robots:
                verdict = self._robots.check(current, self._robots_txt)
                if verdict.unreachable:
                    raise FetchError(current, verdict.reason, transient=True)
                if not verdict.allowed:
                    raise RobotsDisallowedError(current, verdict.reason, transient=verdict.transient)
                delay = max(delay, verdict.crawl_delay or 0.0)
            status, headers, body = self._request(where, addresses, delay, etag, last_modified)
            if status in _REDIRECTS and headers.get("location"):
                current = urljoin(current, headers["location"].strip())
                continue
            if status == 304 or 200 <= status < 300:
                msg = email.message.Message()
                msg["content-type"] = headers.get("content-type", "")
                return FetchResult(url=url, final_url=current, status=status, body=body,
                                   content_type=msg.get_content_type() if headers.get("content-type") else "",
                                   charset=str(msg.get_param("charset") or ""),
                                   etag=headers.get("etag", ""), last_modified=headers.get("last-modified", ""))
            reason = http.client.responses.get(status, "")
            raise FetchError(current, f"HTTP {status}{' ' + reason if reason else ''}", status=status,
                             transient=status in _TRANSIENT_STATUSES or status >= 500)
        raise FetchError(url, f"too many redirects (more than {self.max_redirects})")

    def _robots_txt(self, robots_url: str) -> tuple[int, bytes]:
        result = self._get(robots_url, check_robots=False)
        return result.status, result.body

    # -- one request -------------------------------------------------------------------------------------
    def _addresses(self, where: Target) -> list[str]:
        try:
            addresses = self._resolve(where.host, where.port)
        except (OSError, UnicodeError) as err:
            raise FetchError(where.url, f"cannot resolve host {where.host}: {getattr(err, 'strerror', None) or err}",
                             transient=True) from None
        if not addresses:
            raise FetchError(where.url, f"cannot resolve host {where.host}", transient=True)
        if not self.allow_private:
            for address in addresses:  # all of them: a name with one public and one private address is refused
                why = unsafe_reason(address)
                if why:
                    raise UnsafeURLError(where.url, f"refused: {where.host} resolves to {address}, {why} "
                                                    f"(private addresses are not fetched)")
        return addresses

    def _open_socket(self, where: Target, addresses: list[str], deadline: float) -> socket.socket:
        last: OSError | None = None
        for address in addresses:
            try:
                return self._connect(address, where.port, max(0.05, deadline - time.monotonic()))
            except OSError as err:
                last = err
        raise last or OSError("no address to connect to")

    def _request(self, where: Target, addresses: list[str], delay: float, etag: str,
                 last_modified: str) -> tuple[int, dict, bytes]:
        headers = {"User-Agent": self.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate",
                   "Connection": "close"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self._pacer.turn(where.host, delay):
            deadline = time.monotonic() + self.timeout
            kind = _TLSConnection if where.scheme == "https" else _Connection
            conn = kind(where.host, where.port, timeout=self.timeout,
                        open_socket=lambda: self._open_socket(where, addresses, deadline))
            try:
                conn.request("GET", where.path, headers=headers)
                response = conn.getresponse()
                got = {k.lower(): v for k, v in response.getheaders()}
                body = b"" if response.status in _REDIRECTS or response.status == 304 else \
                    self._body(where.url, conn, response, got, deadline)
                return response.status, got, body
            except TimeoutError:
                raise FetchError(where.url, f"timed out after {self.timeout:g} s", transient=True) from None
            except ssl.SSLCertVerificationError as err:
                raise FetchError(where.url, f"TLS certificate not valid: {err.verify_message}") from None
            except (OSError, http.client.HTTPException) as err:
                what = getattr(err, "strerror", None) or str(err) or type(err).__name__
                raise FetchError(where.url, f"connection failed: {what}", transient=True) from None
            finally:
                conn.close()

    def _body(self, url: str, conn, response, headers: dict, deadline: float) -> bytes:
        too_large = f"larger than the {self.max_bytes:,}-byte limit"
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise FetchError(url, f"response {too_large} ({int(length):,} bytes)")
        coding = headers.get("content-encoding", "").strip().lower()
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if coding in ("gzip", "x-gzip") else \
            zlib.decompressobj() if coding == "deflate" else None
        parts, total = [], 0
        while not response.isclosed():  # http.client closes it once the last byte is read
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError  # a server trickling bytes must not outlast the timeout
            if conn.opened is not None:
                conn.opened.settimeout(left)
            data = response.read(_CHUNK)
            if not data:
                break
            if inflate is not None:
                try:
                    data = inflate.decompress(data, self.max_bytes - total + 1)
                except zlib.error as err:
                    raise FetchError(url, f"damaged {coding} response: {err}") from None
                if inflate.unconsumed_tail:
                    raise FetchError(url, f"response {too_large} once decompressed")
            total += len(data)
            if total > self.max_bytes:
                raise FetchError(url, f"response {too_large}")
            parts.append(data)
        return b"".join(parts)
