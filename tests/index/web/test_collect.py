"""`index.ingest` with URLs (index.web.collect and the pipeline): feeds and pages from the local
site into an index made with the fake embedder; what is stored, what is skipped and why, what a
second run does, conditional GETs remembered in the index, and the private-address guard."""

from __future__ import annotations

import re
import socket
import threading
from datetime import date

import pytest

from index import Fetcher, delete, ingest, open_index
from index.web import state
from tests.index.helpers import assert_consistent
from tests.web_site import STORIES, article_page, atom, rss

GALLERY = ("<html><head><title>Harbour in Pictures</title></head><body><nav><a href='/'>Home</a></nav>"
           "<div class='gallery'><img src='a.jpg' alt='boats'><img src='b.jpg'></div>"
           "<p>Photos: Port Ellery harbour.</p></body></html>")


@pytest.fixture
def newsroom(site):
    """The Coastal Herald's RSS feed (two good items and four that fail in different ways) and the
    Lakeside Gazette's Atom feed; returns the site."""
    u = site.url
    site.route("/robots.txt", "User-agent: *\nDisallow: /members/\n", content_type="text/plain")
    site.route("/harbour.html", article_page("harbour", site_name="The Coastal Herald"))
    site.route("/ferry.html", article_page("ferry", published_meta=False))  # no site name, no date
    site.route("/slow.html", article_page("bridge"), delay=3)
    site.route("/gallery.html", GALLERY)
    site.route("/members/interview.html", article_page("library"))
    site.route("/feed.xml", rss("The Coastal Herald", [
        ("Harbour Reopens After Three-Day Storm", u("/harbour.html"), "Thu, 12 Jun 2025 08:00:00 +0000", "Jane Roe"),
        ("Island Ferry Gets a Second Daily Crossing", u("/ferry.html"), "Fri, 13 Jun 2025 09:00:00 +0000", "Tomas Vell"),
        ("Gone Story", u("/gone.html"), "Fri, 13 Jun 2025 10:00:00 +0000", "Nobody"),
        ("Slow Story", u("/slow.html"), "Fri, 13 Jun 2025 11:00:00 +0000", "Nobody"),
        ("Harbour in Pictures", u("/gallery.html"), "Fri, 13 Jun 2025 12:00:00 +0000", "Nobody"),
        ("Members Only", u("/members/interview.html"), "Fri, 13 Jun 2025 13:00:00 +0000", "Nobody"),
    ]), content_type="application/rss+xml", etag='"rss-1"')
    site.route("/library.html", article_page("library", published_meta=False,
                                             byline="Lakeside Gazette, 10 June 2025"))
    site.route("/bridge.html", article_page("bridge", site_name="Lakeside Gazette"))
    site.route("/atom.xml", atom("Lakeside Gazette", [
        ("Lakeside Library Doubles Its Opening Hours", u("/library.html"), "2025-06-10T18:00:00+02:00", "Ines Marrow"),
        ("Old Mill Bridge Closes for Repairs", u("/bridge.html"), "2025-06-11T07:30:00+02:00", "Ines Marrow"),
    ]), content_type="application/atom+xml", last_modified="Wed, 11 Jun 2025 06:00:00 GMT")
    return site


@pytest.fixture
def fetch1():
    return Fetcher(allow_private=True, host_delay=0, timeout=1)


def stored(d, fake_embedder) -> dict:
    idx = open_index(d, embedder=fake_embedder)
    try:
        assert_consistent(idx)
        return {a.url.rsplit("/", 1)[-1]: a for a in idx.articles()}
    finally:
        idx.close()


def test_a_feed_stores_its_items_and_skips_the_bad_ones_naming_their_url(tmp_path, newsroom, fetch1, fake_embedder):
    u = newsroom.url
    report = ingest([u("/feed.xml")], tmp_path / "idx", embedder=fake_embedder, fetcher=fetch1)
    assert len(report.added) == 2 and report.ok
    reasons = {s.path: s.reason for s in report.skipped}
    assert re.fullmatch(r"not an article: only \d\d characters of text on the page \(at least 200 needed\)",
                        reasons.pop(u("/gallery.html")))
    assert reasons == {
        u("/gone.html"): "HTTP 404 Not Found",
        u("/slow.html"): "timed out after 1 s",
        u("/members/interview.html"): f"disallowed by {u('')}/robots.txt",
    }
    arts = stored(tmp_path / "idx", fake_embedder)
    harbour, ferry = arts["harbour.html"], arts["ferry.html"]
    assert (harbour.title, harbour.source, harbour.published, harbour.authors, harbour.url) == \
        ("Harbour Reopens After Three-Day Storm", "The Coastal Herald", date(2025, 6, 12), ("Jane Roe",),
         u("/harbour.html"))
    assert harbour.text.startswith("The harbour at Port Ellery reopened") and "Home" not in harbour.text
    # no site name and no date on the page: the feed's title names the outlet, the feed dates it
    assert (ferry.source, ferry.published, ferry.path) == ("The Coastal Herald", date(2025, 6, 13), u("/ferry.html"))
    (feed,) = report.feeds
    assert (feed.url, feed.kind, feed.outcome, feed.title) == (u("/feed.xml"), "feed", "new", "The Coastal Herald")
    assert (feed.new_items, feed.known_items, feed.skipped_items, feed.http_status) == (2, 0, 4, 200)


def test_ingesting_again_fetches_and_adds_only_new_items(tmp_path, newsroom, fetch1, fake_embedder):
    u = newsroom.url
    first = ingest([u("/feed.xml")], tmp_path / "idx", embedder=fake_embedder, fetcher=fetch1)
    newsroom.requests.clear()
    again = ingest([u("/feed.xml")], tmp_path / "idx", embedder=fake_embedder, fetcher=fetch1)
    assert again.added == [] and sorted(again.unchanged) == sorted(first.added) and again.ok
    assert "/harbour.html" not in newsroom.paths_requested() and "/ferry.html" not in newsroom.paths_requested()
    assert again.feeds[0].outcome == "unchanged" and again.feeds[0].known_items == 2
    # a new item, and a copy of a stored story under another URL (same text: the same article id)
    newsroom.route("/harbour-copy.html", article_page("harbour"))
    newsroom.route("/bridge.html", article_page("bridge", site_name="The Coastal Herald"))
    newsroom.route("/feed.xml", rss("The Coastal Herald", [
        ("Old Mill Bridge Closes for Repairs", u("/bridge.html"), "Wed, 11 Jun 2025 07:00:00 +0000", "Ines Marrow"),
        ("Harbour Reopens", u("/harbour-copy.html"), "Thu, 12 Jun 2025 08:00:00 +0000", "Jane Roe"),
        ("Harbour Reopens After Three-Day Storm", u("/harbour.html"), "Thu, 12 Jun 2025 08:00:00 +0000", "Jane Roe"),
    ]), content_type="application/rss+xml")
    third = ingest([u("/feed.xml")], tmp_path / "idx", embedder=fake_embedder, fetcher=fetch1)
    assert len(third.added) == 1 and len(third.unchanged) == 2
    assert third.feeds[0].new_items == 1 and third.feeds[0].known_items == 2
    assert set(stored(tmp_path / "idx", fake_embedder)) == {"harbour.html", "ferry.html", "bridge.html"}


def test_following_sends_the_remembered_validators_and_a_304_reads_nothing(tmp_path, newsroom, fetch1, fake_embedder):
    u = newsroom.url
    d = tmp_path / "idx"
    first = ingest([u("/atom.xml")], d, embedder=fake_embedder, fetcher=fetch1, follow=True)
    assert len(first.added) == 2
    arts = stored(d, fake_embedder)
    # the Atom entry's date, not the byline's; the byline names the outlet (no site name on the page)
    assert (arts["library.html"].source, arts["library.html"].published) == ("Lakeside Gazette", date(2025, 6, 10))
    newsroom.requests.clear()
    fresh = Fetcher(allow_private=True, host_delay=0)  # a later run: only the index remembers
    second = ingest([u("/atom.xml")], d, embedder=fake_embedder, fetcher=fresh, follow=True)
    assert newsroom.requests[-1].headers["if-modified-since"] == "Wed, 11 Jun 2025 06:00:00 GMT"
    assert [r.path for r in newsroom.requests] == ["/robots.txt", "/atom.xml"]
    (feed,) = second.feeds
    assert (feed.outcome, feed.http_status, second.added, second.ok) == ("unchanged", 304, [], True)
    idx = open_index(d, embedder=fake_embedder)
    try:
        (row,) = idx.stats().feeds
        assert (row.url, row.outcome, row.title, row.http_status) == (u("/atom.xml"), "unchanged", "Lakeside Gazette", 304)
    finally:
        idx.close()


def test_an_item_that_timed_out_keeps_the_feed_from_being_skipped_next_time(tmp_path, newsroom, fetch1, fake_embedder):
    u = newsroom.url
    d = tmp_path / "idx"
    ingest([u("/feed.xml")], d, embedder=fake_embedder, fetcher=fetch1, follow=True)
    idx = open_index(d, embedder=fake_embedder)
    assert state.validators(idx.store.conn, u("/feed.xml")) == ("", "")  # not '"rss-1"': /slow.html must be retried
    idx.close()
    newsroom.route("/slow.html", article_page("bridge"))  # answers in time now
    newsroom.requests.clear()
    again = ingest([u("/feed.xml")], d, embedder=fake_embedder, fetcher=fetch1, follow=True)
    assert "if-none-match" not in newsroom.requests[0].headers and len(again.added) == 1
    assert "/slow.html" in newsroom.paths_requested() and "/harbour.html" not in newsroom.paths_requested()


def test_malformed_and_missing_feeds_never_stop_the_others(tmp_path, newsroom, fetch1, fake_embedder):
    u = newsroom.url
    newsroom.route("/broken.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>Broken Wire</title>"
                                  f"<item><title>Bridge</title><link>{u('/bridge.html')}</link></item>"
                                  "<item><title>Cut off", content_type="application/rss+xml")
    newsroom.route("/junk.xml", "this is no feed <<<", content_type="application/rss+xml")
    report = ingest([u("/junk.xml"), u("/missing.xml"), u("/broken.xml")], tmp_path / "idx",
                    embedder=fake_embedder, fetcher=fetch1)
    junk, missing, broken = report.feeds
    assert (junk.outcome, junk.error.split(" (")[0]) == ("failed", "not an RSS or Atom feed")
    assert (missing.outcome, missing.error, missing.transient) == ("failed", "HTTP 404 Not Found", False)
    assert (broken.outcome, broken.new_items) == ("new", 1) and report.ok
    reasons = {str(s) for s in report.skipped}
    assert f"{u('/broken.xml')}: feed item 2 has no link to an article page" in reasons
    assert f"{u('/missing.xml')}: HTTP 404 Not Found" in reasons
    assert any(str(w).startswith(f"{u('/broken.xml')}: the feed is not well-formed") for w in report.warnings)


def test_a_page_url_is_one_article_with_its_host_as_the_outlet(tmp_path, site, fake_embedder):
    site.route("/story.html", article_page("library", published_meta=False))

    def resolver(host, port):
        return ["127.0.0.1"]  # www.gannet-news.example is the local site

    fetcher = Fetcher(allow_private=True, host_delay=0, resolver=resolver)
    url = f"http://www.gannet-news.example:{site.port}/story.html"
    report = ingest([url], tmp_path / "idx", embedder=fake_embedder, fetcher=fetcher)
    (page,) = report.feeds
    assert (page.kind, page.outcome, len(report.added)) == ("page", "new", 1)
    article = stored(tmp_path / "idx", fake_embedder)["story.html"]
    assert (article.source, article.url, article.title) == ("gannet-news.example", url, STORIES["library"][0])
    again = ingest([url], tmp_path / "idx", embedder=fake_embedder, fetcher=fetcher)
    assert again.unchanged == report.added and again.feeds[0].known_items == 1
    assert delete(paths=[url], index_dir=tmp_path / "idx") == report.added  # by the URL it came from


def test_private_addresses_are_refused_unless_allowed(tmp_path, newsroom, fake_embedder):
    u = newsroom.url
    report = ingest([u("/feed.xml")], tmp_path / "idx", embedder=fake_embedder)  # the default fetcher
    (skip,) = report.skipped
    assert skip.path == u("/feed.xml") and skip.reason.startswith("refused: 127.0.0.1 resolves to 127.0.0.1, "
                                                                  "a loopback address")
    assert newsroom.requests == [] and not report.ok and report.feeds[0].outcome == "failed"


def test_an_item_redirecting_to_a_private_address_is_skipped(tmp_path, site, fake_embedder):
    public = f"http://news.example:{site.port}"
    site.route("/harbour.html", article_page("harbour", site_name="The Coastal Herald"))
    site.redirect("/tracker", site.url("/members/secret.html"))
    site.route("/feed.xml", rss("The Coastal Herald", [
        ("Harbour", public + "/harbour.html", "Thu, 12 Jun 2025 08:00:00 +0000", "Jane Roe"),
        ("Tracked", public + "/tracker", "Thu, 12 Jun 2025 08:00:00 +0000", "Jane Roe"),
    ]), content_type="application/rss+xml")
    guarded = Fetcher(host_delay=0, resolver=lambda host, port: ["93.184.215.14"] if host == "news.example"
                      else ["127.0.0.1"],
                      connector=lambda ip, port, timeout: socket.create_connection(("127.0.0.1", site.port), timeout))
    report = ingest([public + "/feed.xml"], tmp_path / "idx", embedder=fake_embedder, fetcher=guarded)
    assert len(report.added) == 1
    (skip,) = report.skipped
    assert skip.path == public + "/tracker" and "127.0.0.1, a loopback address" in skip.reason
    assert "/members/secret.html" not in site.paths_requested()


def test_progress_counts_fetches_and_stats_show_the_feeds(tmp_path, newsroom, fake_embedder):
    seen = []
    fetcher = Fetcher(allow_private=True, host_delay=0)
    ingest([newsroom.url("/atom.xml")], tmp_path / "idx", embedder=fake_embedder, fetcher=fetcher,
           progress=seen.append)
    assert seen[0].stage == "fetching" and seen[-1].stage == "done"
    assert seen[-1].urls_fetched == 3 and seen[-1].articles_added == 2  # the feed and two pages
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    try:
        st = idx.stats()
    finally:
        idx.close()
    assert st.last_published == date(2025, 6, 11) and st.last_added is not None
    assert [f.url for f in st.feeds] == [newsroom.url("/atom.xml")] and st.last_poll == st.feeds[0].polled_at
    assert st.to_dict()["feeds"][0]["outcome"] == "new"


def test_a_stop_before_writing_leaves_the_index_as_it_was(tmp_path, newsroom, fake_embedder):
    stop = threading.Event()

    class Stopping(Fetcher):
        def fetch(self, url, **kw):
            if url.endswith("/library.html"):
                stop.set()  # as Ctrl-C would, while the items are fetched
            return super().fetch(url, **kw)

    d = tmp_path / "idx"
    report = ingest([newsroom.url("/atom.xml")], d, embedder=fake_embedder,
                    fetcher=Stopping(allow_private=True, host_delay=0), follow=True, stop=stop)
    assert report.added == []
    idx = open_index(d, embedder=fake_embedder)
    try:
        assert idx.store.counts() == (0, 0) and idx.stats().feeds == ()  # the feed is read whole next time
    finally:
        idx.close()
    assert len(ingest([newsroom.url("/atom.xml")], d, embedder=fake_embedder,
                      fetcher=Fetcher(allow_private=True, host_delay=0), follow=True).added) == 2


def test_a_rebuild_keeps_the_followed_feeds(tmp_path, newsroom, fake_embedder):
    from index import rebuild

    d = tmp_path / "idx"
    ingest([newsroom.url("/atom.xml")], d, embedder=fake_embedder,
           fetcher=Fetcher(allow_private=True, host_delay=0), follow=True)
    rebuild(d, embedder=fake_embedder)
    idx = open_index(d, embedder=fake_embedder)
    try:
        assert [f.url for f in idx.stats().feeds] == [newsroom.url("/atom.xml")]
        assert state.validators(idx.store.conn, newsroom.url("/atom.xml"))[1] == "Wed, 11 Jun 2025 06:00:00 GMT"
    finally:
        idx.close()
