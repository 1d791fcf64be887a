"""Feeds: telling a feed from a page, and reading an RSS or Atom feed's items with feedparser.

Purpose: `looks_like_feed` decides from the content type and the first bytes whether a fetched
document is a feed; `parse_feed` reads RSS 0.9x, 1.0, 2.0 and Atom with feedparser into a `Feed`
of `FeedItem`s: link, title (as plain text), date, authors, in the feed's order. A feed that is
not well-formed XML is read leniently by feedparser; what it recovers is used and `Feed.warning`
says so. A document with no feed in it raises `FeedError`.

Limits: the bytes are handed to feedparser wrapped in a stream, so it never fetches anything
itself; JSON Feed is not read; an item's own text (summary, content:encoded) is not used: its
page is fetched and extracted instead. A date keeps the calendar day the feed wrote, without
converting time zones (as `parse_date` does).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from index.errors import FeedError
from index.loading.fields import parse_authors, parse_date

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml", "application/x-rss+xml", "application/x-atom+xml"})
_FEED_ROOT_RE = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_HTML_ROOT_RE = re.compile(rb"<html[\s>]", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_EMAIL_NAME_RE = re.compile(r"^\S+@\S+\s*\((.+)\)$")  # RSS <author>: "jane@example.com (Jane Roe)"


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed: what the feed says about an article whose page is at `url`."""

    url: str
    title: str = ""
    published: date | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title (often the outlet's name), its items, and a warning when the XML
    was damaged and only what feedparser could recover was read. `missing_links` counts items
    without a link to an article page."""

    url: str
    title: str
    items: tuple[FeedItem, ...]
    version: str = ""
    warning: str = ""
    missing_links: tuple[int, ...] = ()  # 1-based positions of the items without a link


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """True when the document is an RSS or Atom feed by its content type or its root element
    (servers often send feeds as text/html or text/plain)."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _FEED_ROOT_RE.search(head) and not _HTML_ROOT_RE.search(head):
        return True
    return content_type in FEED_TYPES and not _HTML_ROOT_RE.search(head)


def _plain(value) -> str:
    """Feed text fields may hold HTML ("<b>Bold</b> title", "&amp;"): their text, one line."""
    if not isinstance(value, str):
        return ""
    return " ".join(html.unescape(_TAG_RE.sub(" ", value)).split())


def _authors(entry) -> tuple[str, ...]:
    names = []
    for author in entry.get("authors") or []:
        name = _plain(author.get("name") if isinstance(author, dict) else author)
        match = _EMAIL_NAME_RE.match(name)
        names.append(match.group(1) if match else name)
    names = [n for n in names if n and "@" not in n]
    return parse_authors(names) if names else ()


def _date(entry) -> date | None:
    # dict.get: feedparser's own get() maps a missing "published" to "updated" with a warning
    for key in ("published", "updated", "created"):
        day = parse_date(dict.get(entry, key) or "")
        if day is not None:
            return day
    for key in ("published_parsed", "updated_parsed"):  # already UTC: only when the text was unreadable
        parsed = dict.get(entry, key)
        if parsed:
            return datetime(*parsed[:6], tzinfo=timezone.utc).date()
    return None


def parse_feed(body: bytes, url: str, content_type: str = "") -> Feed:
    """The feed in `body` (fetched from `url`; relative links are resolved against it)."""
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        detail = f" ({type(problem).__name__}: {problem})" if problem is not None else ""
        raise FeedError(url, f"not an RSS or Atom feed{detail}")
    items, missing = [], []
    for position, entry in enumerate(entries, start=1):
        link = entry.get("link") or ""
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            missing.append(position)
            continue
        items.append(FeedItem(url=link.strip(), title=_plain(entry.get("title")), published=_date(entry),
                              authors=_authors(entry)))
    warning = ""
    # ThingsNobodyCaresAboutButMe: a declared encoding overridden, a feed sent as text/html: harmless
    if problem is not None and not isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
        warning = f"the feed is not well-formed ({problem}); read what could be recovered"
    return Feed(url=url, title=_plain(parsed.get("feed", {}).get("title")), items=tuple(items),
                version=str(parsed.get("version") or ""), warning=warning, missing_links=tuple(missing))
