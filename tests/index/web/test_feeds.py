"""index.web.feeds: telling feeds from pages, and reading RSS 0.91 / 1.0 / 2.0 and Atom items."""

from __future__ import annotations

from datetime import date

import pytest

from index import FeedError
from index.web.feeds import looks_like_feed, parse_feed
from tests.web_site import atom, rss

BASE = "http://news.example/"

RSS_091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Northbay Courier</title>
<link>http://news.example/</link><description>Local news</description><language>en</language>
<item><title>Tide Gauge Installed at the Pier</title><link>http://news.example/tide.html</link>
<description>A new gauge.</description></item></channel></rss>"""

RSS_10 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://news.example/"><title>Northbay Courier</title><link>http://news.example/</link>
<description>Local news</description></channel>
<item rdf:about="http://news.example/dunes.html"><title>Dune Fencing Goes Up Before Summer</title>
<link>http://news.example/dunes.html</link><dc:date>2025-05-30T07:00:00+02:00</dc:date>
<dc:creator>Ola Brandt</dc:creator></item></rdf:RDF>"""


def test_rss_20_items_in_order_with_dates_authors_and_plain_titles():
    body = rss("The Coastal Herald", [
        ("Harbour &amp; Port <b>Reopen</b>", "http://news.example/harbour.html", "Thu, 12 Jun 2025 23:30:00 -0500",
         "Jane Roe"),
        ("Ferry", "/ferry.html", "Fri, 13 Jun 2025 09:00:00 +0000", "Tomas Vell and Ada Quist"),
    ])
    feed = parse_feed(body.encode(), BASE + "feed.xml", "application/rss+xml")
    assert (feed.title, feed.version, feed.warning) == ("The Coastal Herald", "rss20", "")
    first, second = feed.items
    # the calendar day the feed wrote, not converted to UTC (which would be 13 June)
    assert (first.url, first.title, first.published, first.authors) == \
        ("http://news.example/harbour.html", "Harbour & Port Reopen", date(2025, 6, 12), ("Jane Roe",))
    assert second.url == "http://news.example/ferry.html"  # relative links resolved against the feed
    assert second.authors == ("Tomas Vell", "Ada Quist")


def test_atom_entries():
    body = atom("Lakeside Gazette", [("Library Hours", "http://news.example/library.html",
                                      "2025-06-10T21:00:00-04:00", "Ines Marrow")])
    feed = parse_feed(body.encode(), BASE + "atom.xml", "application/atom+xml")
    (item,) = feed.items
    assert (feed.title, feed.version) == ("Lakeside Gazette", "atom10")
    assert (item.url, item.title, item.published, item.authors) == \
        ("http://news.example/library.html", "Library Hours", date(2025, 6, 10), ("Ines Marrow",))


@pytest.mark.parametrize("body,version,title,day,authors", [
    (RSS_091, "rss091u", "Tide Gauge Installed at the Pier", None, ()),
    (RSS_10, "rss10", "Dune Fencing Goes Up Before Summer", date(2025, 5, 30), ("Ola Brandt",)),
])
def test_rss_091_and_10(body, version, title, day, authors):
    feed = parse_feed(body.encode(), BASE + "feed.rdf", "application/rdf+xml")
    (item,) = feed.items
    assert feed.version.startswith(version[:5]) and feed.title == "Northbay Courier"
    assert (item.title, item.published, item.authors) == (title, day, authors)


def test_rss_author_with_an_email_gives_the_name():
    body = rss("X", [("T", "http://news.example/t.html", "", "")]).replace(
        "<dc:creator></dc:creator>", "<author>jane@herald.test (Jane Roe)</author>")
    assert parse_feed(body.encode(), BASE).items[0].authors == ("Jane Roe",)


def test_a_damaged_feed_gives_what_can_be_recovered_and_says_so():
    body = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Broken Wire</title>"
            "<item><title>Whole item</title><link>http://news.example/whole.html</link></item>"
            "<item><title>Cut off")
    feed = parse_feed(body.encode(), BASE + "broken.xml", "application/rss+xml")
    assert [i.url for i in feed.items] == ["http://news.example/whole.html"]
    assert feed.missing_links == (2,) and feed.warning.startswith("the feed is not well-formed")


@pytest.mark.parametrize("body", [b"this is not xml <<< at all", b"", b"<html><body><p>A page</p></body></html>"])
def test_no_feed_at_all_is_a_feed_error(body):
    with pytest.raises(FeedError) as e:
        parse_feed(body, BASE + "x")
    assert e.value.url == BASE + "x" and e.value.reason.startswith("not an RSS or Atom feed")


@pytest.mark.parametrize("content_type,body,expected", [
    ("application/rss+xml", b"<?xml version='1.0'?><rss version='2.0'>", True),
    ("text/html", b"\xef\xbb\xbf<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", True),
    ("text/plain", b"<rdf:RDF xmlns:rdf='x'>", True),
    ("application/xml", b"<?xml version='1.0'?><urlset>", True),
    ("text/html", b"<!doctype html><html><head><title>x</title>", False),
    ("application/xhtml+xml", b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", False),
    ("application/xml", b"<?xml version='1.0'?><html>", False),
    ("application/pdf", b"%PDF-1.7", False),
])
def test_looks_like_feed(content_type, body, expected):
    assert looks_like_feed(content_type, body) is expected
