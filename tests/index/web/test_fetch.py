"""index.web.fetch.Fetcher against the local site: headers, gzip, errors and their transience,
timeouts, size limits, redirects, conditional GETs, robots.txt, pacing, and the private-address
guard (on the first request and on every redirect hop)."""

from __future__ import annotations

import gzip
import socket
import time

import pytest

from index import (USER_AGENT, ConfigError, Fetcher, FetchError, RobotsDisallowedError, UnsafeURLError)

PAGE = "<html><body><p>The harbour reopened on Thursday.</p></body></html>"


def test_a_get_names_the_program_and_returns_the_page(site, fetcher):
    url = site.route("/story.html", PAGE, etag='"e1"', last_modified="Thu, 12 Jun 2025 08:00:00 GMT")
    result = fetcher.fetch(url)
    assert (result.status, result.body.decode(), result.content_type, result.charset) == \
        (200, PAGE, "text/html", "utf-8")
    assert (result.etag, result.last_modified) == ('"e1"', "Thu, 12 Jun 2025 08:00:00 GMT")
    sent = site.requests[-1].headers
    assert sent["user-agent"] == USER_AGENT == "news-assistant/0.1 (+local)"
    assert "gzip" in sent["accept-encoding"] and "application/rss+xml" in sent["accept"]
    assert "if-none-match" not in sent


def test_an_http_10_server_that_closes_after_each_reply(tmp_path, fetcher):
    import functools
    import http.server
    import threading

    (tmp_path / "story.html").write_text(PAGE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # HTTP/1.0, a 404 robots.txt
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        result = fetcher.fetch(f"http://127.0.0.1:{server.server_address[1]}/story.html")
    finally:
        server.shutdown()
        server.server_close()
    assert result.body.decode() == PAGE


def test_gzip_is_decompressed(site, fetcher):
    url = site.route("/z.html", PAGE, gzip=True)
    assert fetcher.fetch(url).body.decode() == PAGE


@pytest.mark.parametrize("status,transient", [(404, False), (410, False), (403, False), (429, True),
                                              (500, True), (503, True)])
def test_http_errors_are_typed_with_their_status(site, fetcher, status, transient):
    url = site.route("/e", "no", status=status)
    with pytest.raises(FetchError) as e:
        fetcher.fetch(url)
    assert e.value.status == status and e.value.transient is transient and e.value.url == url
    assert e.value.reason.startswith(f"HTTP {status}")


def test_a_slow_page_times_out(site):
    url = site.route("/slow.html", PAGE, delay=3)
    t0 = time.monotonic()
    with pytest.raises(FetchError) as e:
        Fetcher(allow_private=True, host_delay=0, timeout=0.5).fetch(url)
    assert e.value.reason == "timed out after 0.5 s" and e.value.transient
    assert time.monotonic() - t0 < 2.5


def test_a_body_over_the_limit_is_refused_also_once_decompressed(site):
    small = Fetcher(allow_private=True, host_delay=0, max_bytes=4096)
    url = site.route("/big.html", "x" * 10_000)
    with pytest.raises(FetchError, match="larger than the 4,096-byte limit"):
        small.fetch(url)
    bomb = site.route("/bomb.html", b"\0" * 1_000_000, gzip=True)  # ~1 KB on the wire
    assert len(gzip.compress(b"\0" * 1_000_000)) < 4096
    with pytest.raises(FetchError, match="once decompressed"):
        small.fetch(bomb)


def test_redirects_are_followed_up_to_a_limit(site, fetcher):
    final = site.route("/final.html", PAGE)
    site.redirect("/b", "/final.html", status=301)
    first = site.redirect("/a", site.url("/b"))
    result = fetcher.fetch(first)
    assert (result.url, result.final_url, result.body.decode()) == (first, final, PAGE)
    loop = site.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        fetcher.fetch(loop)


def test_conditional_gets_come_back_304_without_a_body(site, fetcher):
    url = site.route("/feed.xml", "<rss/>", etag='"v7"', last_modified="Fri, 13 Jun 2025 10:00:00 GMT")
    assert fetcher.fetch(url, etag='"v7"').not_modified
    assert site.requests[-1].headers["if-none-match"] == '"v7"'
    again = fetcher.fetch(url, last_modified="Fri, 13 Jun 2025 10:00:00 GMT")
    assert again.status == 304 and again.body == b""
    assert fetcher.fetch(url, etag='"v6"').status == 200  # a stale ETag gets the document


def test_robots_txt_is_read_once_and_obeyed(site, fetcher):
    site.route("/robots.txt", "User-agent: *\nDisallow: /drafts/\n\nUser-agent: news-assistant\n"
                              "Disallow: /members/\n", content_type="text/plain")
    open_url = site.route("/news/a.html", PAGE)
    closed = site.route("/members/b.html", PAGE)
    assert fetcher.fetch(open_url).status == 200
    with pytest.raises(RobotsDisallowedError) as e:
        fetcher.fetch(closed)
    assert e.value.reason == f"disallowed by {site.url('')}/robots.txt" and not e.value.transient
    assert site.url("/drafts/c.html") and fetcher.fetch(site.route("/drafts/c.html", PAGE)).status == 200
    assert site.paths_requested().count("/robots.txt") == 1 and "/members/b.html" not in site.paths_requested()


def test_robots_txt_missing_allows_and_unreachable_disallows_for_now(site, fetcher):
    url = site.route("/a.html", PAGE)
    assert fetcher.fetch(url).status == 200  # /robots.txt is a 404 here
    other = Fetcher(allow_private=True, host_delay=0)
    site.route("/robots.txt", "down", status=503)
    with pytest.raises(RobotsDisallowedError) as e:
        other.fetch(url)
    assert "robots.txt could not be read (HTTP 503" in e.value.reason and e.value.transient
    assert not Fetcher(allow_private=True, robots=False).fetch(url).not_modified  # robots=False skips it


def test_one_site_gets_requests_spaced_by_the_delay_or_its_crawl_delay(site):
    site.route("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")  # whole seconds only
    urls = [site.route(f"/p{i}.html", PAGE) for i in range(3)]
    polite = Fetcher(allow_private=True, host_delay=0.2)
    for url in urls:
        polite.fetch(url)
    times = [r.at for r in site.requests if r.path.startswith("/p")]
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:])), times
    quick = Fetcher(allow_private=True, host_delay=0.3, robots=False)
    site.requests.clear()
    for url in urls:
        quick.fetch(url)
    times = [r.at for r in site.requests]
    assert all(b - a >= 0.28 for a, b in zip(times, times[1:])), times


def test_private_addresses_are_refused_before_connecting(site, monkeypatch):
    connected = []
    guarded = Fetcher(connector=lambda ip, port, timeout: connected.append(ip))  # allow_private=False
    for url, what in [(site.url("/story.html"), "127.0.0.1, a loopback address"),
                      (f"http://localhost:{site.port}/", "a loopback address"),
                      (f"http://[::1]:{site.port}/", "::1, a loopback address"),
                      ("http://10.0.0.7/feed.xml", "10.0.0.7, a private address"),
                      ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
                      ("http://2130706433/", "127.0.0.1, a loopback address")]:  # 127.0.0.1 as a number
        with pytest.raises(UnsafeURLError) as e:
            guarded.fetch(url)
        assert what in e.value.reason and "private addresses are not fetched" in e.value.reason, url
        assert not e.value.transient
    assert connected == [] and site.requests == []


def _public_name(site, names: dict[str, list[str]]):
    """A fetcher that believes `names` resolve to the given addresses and reaches all of them
    at the local site: how a public host is simulated without the internet."""

    def resolver(host, port):
        return names.get(host) or [a[4][0] for a in socket.getaddrinfo(host, port)]

    def connector(ip, port, timeout):
        return socket.create_connection(("127.0.0.1", site.port), timeout=timeout)

    return resolver, connector


def test_a_redirect_to_a_private_address_is_refused_on_that_hop(site):
    resolver, connector = _public_name(site, {"news.example": ["93.184.215.14"],
                                              "intranet.example": ["10.1.2.3"]})
    site.redirect("/story", site.url("/secret"))  # the public page sends us to 127.0.0.1
    site.redirect("/other", f"http://intranet.example:{site.port}/secret")
    site.route("/secret", "the admin panel")
    guarded = Fetcher(host_delay=0, resolver=resolver, connector=connector)
    for path, what in [("/story", "127.0.0.1, a loopback address"), ("/other", "10.1.2.3, a private address")]:
        with pytest.raises(UnsafeURLError) as e:
            guarded.fetch(f"http://news.example:{site.port}{path}")
        assert what in e.value.reason
    assert "/secret" not in site.paths_requested() and "/story" in site.paths_requested()
    trusting = Fetcher(host_delay=0, allow_private=True, resolver=resolver, connector=connector)
    assert trusting.fetch(f"http://news.example:{site.port}/story").body == b"the admin panel"


def test_a_name_with_any_private_address_is_refused(site):
    resolver, connector = _public_name(site, {"mixed.example": ["93.184.215.14", "192.168.0.9"]})
    with pytest.raises(UnsafeURLError, match="192.168.0.9, a private address"):
        Fetcher(resolver=resolver, connector=connector).fetch(f"http://mixed.example:{site.port}/")


def test_other_schemes_are_refused(fetcher):
    for url in ("file:///etc/hosts", "ftp://example.com/feed.xml", "gopher://x/"):
        with pytest.raises(UnsafeURLError, match="unsupported URL scheme"):
            fetcher.fetch(url)


def test_a_refused_connection_is_transient(fetcher):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens on it once closed
    with pytest.raises(FetchError) as e:
        fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert e.value.reason.startswith("connection failed") and e.value.transient


@pytest.mark.parametrize("kwargs,name", [({"timeout": 0}, "timeout"), ({"host_delay": -1}, "host_delay"),
                                         ({"max_bytes": 10}, "max_bytes"), ({"max_redirects": 50}, "max_redirects"),
                                         ({"allow_private": "yes"}, "allow_private"), ({"user_agent": ""}, "user_agent"),
                                         ({"resolver": 3}, "resolver")])
def test_settings_are_checked_when_made(kwargs, name):
    with pytest.raises(ConfigError, match=name):
        Fetcher(**kwargs)
