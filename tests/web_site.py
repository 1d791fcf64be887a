"""A small news site served from 127.0.0.1 for the tests of feeds, pages and `watch`: no test
touches the internet. Everything on it is written for these tests: fictional outlets (The Coastal
Herald, Lakeside Gazette), fictional stories.

`LocalSite` is an http.server in a thread; routes are set per test (`site.route(path, ...)`), every
request is recorded (`site.requests`), and a route can answer slowly, with any status or headers,
redirect, or answer 304 to a matching If-None-Match / If-Modified-Since.
"""

from __future__ import annotations

import gzip as gzip_module
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    etag: str = ""  # a 304 when the request's If-None-Match is this
    last_modified: str = ""  # a 304 when the request's If-Modified-Since is this
    gzip: bool = False


@dataclass
class Request:
    path: str
    headers: dict
    at: float  # time.monotonic() when it arrived


class LocalSite:
    """The site; use as a context manager (starts and stops the server)."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                site.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
                route = site.routes.get(self.path)
                if route is None:
                    route = Route(b"<html><body>Not found</body></html>", status=404)
                if route.delay:
                    time.sleep(route.delay)
                fresh = (route.etag and self.headers.get("If-None-Match") == route.etag) or \
                        (route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified)
                status, body = (304, b"") if fresh else (route.status, route.body)
                if route.gzip and body:
                    body = gzip_module.compress(body)
                try:
                    self.send_response(status)
                    if status != 304:
                        self.send_header("Content-Type", route.content_type)
                    if route.gzip and body:
                        self.send_header("Content-Encoding", "gzip")
                    for key, value in (("ETag", route.etag), ("Last-Modified", route.last_modified)):
                        if value:
                            self.send_header(key, value)
                    for key, value in route.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> "LocalSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, body: str | bytes = b"", **kw) -> str:
        """Serve `body` at `path`; returns the path's URL."""
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, **kw)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.route(path, b"", status=status, headers={"Location": location})

    def paths_requested(self) -> list[str]:
        return [r.path for r in self.requests]


# -- content ---------------------------------------------------------------------------------------
STORIES = {
    "harbour": ("Harbour Reopens After Three-Day Storm", "2025-06-12", "Jane Roe",
                "The harbour at Port Ellery reopened to shipping on Thursday after a storm that kept every "
                "vessel at anchor for three days. Harbour master Colm Tierney said two cranes had been "
                "damaged and would be repaired by the end of the month.\n\n"
                "Fishing crews queued at the fuel dock from dawn. The storm flooded the lower market, "
                "where traders spent the morning pumping water out of their stalls."),
    "ferry": ("Island Ferry Gets a Second Daily Crossing", "2025-06-13", "Tomas Vell",
              "The ferry to Gannet Island will sail twice a day from July, the regional transport board "
              "announced, after a season in which the single crossing sold out weeks ahead.\n\n"
              "The second sailing leaves the mainland at four in the afternoon. Islanders had petitioned "
              "for the change for two years, citing hospital appointments missed for lack of a return boat."),
    "library": ("Lakeside Library Doubles Its Opening Hours", "2025-06-10", "Ines Marrow",
                "The public library in Lakeside will open until nine in the evening on weekdays, the town "
                "council decided on Tuesday, doubling the hours it keeps after work and school.\n\n"
                "The council said the extra hours would be staffed by two new librarians and funded from "
                "the parking revenue of the lakeside promenade."),
    "bridge": ("Old Mill Bridge Closes for Repairs", "2025-06-11", "Ines Marrow",
               "The Old Mill footbridge across the Swale will close for eight weeks from Monday while "
               "engineers replace its rotten timber deck, the council said.\n\n"
               "Pedestrians will be directed to the road bridge a kilometre downstream. The repair will "
               "cost about 140,000 euros, shared between the council and the regional heritage fund."),
}


def article_page(key: str, *, site_name: str = "", published_meta: bool = True, byline: str = "") -> str:
    """An article page of STORIES[key] with optional site metadata, date metadata and a byline."""
    title, day, author, body = STORIES[key]
    meta = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    if published_meta:
        meta += f'<meta property="article:published_time" content="{day}T08:00:00Z">'
    meta += f'<meta name="author" content="{author}">'
    paras = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
    lead = f"<p>{escape(byline)}</p>" if byline else ""
    return (f"<html><head><title>{escape(title)}</title>{meta}</head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{escape(title)}</h1>{lead}{paras}</article>"
            f"<footer>Contact us</footer></body></html>")


def rss(title: str, items: list[tuple[str, str, str, str]]) -> str:
    """RSS 2.0 with items (title, link, pubDate RFC 822, author)."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><pubDate>{d}</pubDate>"
        f"<dc:creator>{escape(a)}</dc:creator><guid>{escape(link)}</guid>"
        f"<description>Summary only.</description></item>" for t, link, d, a in items)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><description>News</description>"
            f"{body}</channel></rss>")


def atom(title: str, entries: list[tuple[str, str, str, str]]) -> str:
    """Atom 1.0 with entries (title, link, published ISO 8601, author)."""
    body = "".join(
        f'<entry><title>{escape(t)}</title><link rel="alternate" href="{escape(link)}"/>'
        f"<id>{escape(link)}</id><published>{d}</published><updated>{d}</updated>"
        f"<author><name>{escape(a)}</name></author><summary>Summary only.</summary></entry>"
        for t, link, d, a in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:lakeside</id><updated>2025-06-13T00:00:00Z</updated>"
            f"{body}</feed>")
