"""Adding articles by web address from the chat (`Handlers.ingest_urls`, `ui.web_add`) and the
header's news line: first with a recording stand-in, then against a real index (fake embedder)
fed by a small site on 127.0.0.1 (tests/web_site.py): refused as a private address by default,
ingested with `allow_private_urls=True`, and the header then shows the newest article's date."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from index import FeedStatus, IngestReport, Skipped
from tests.ui.fake_assistant import FakeAssistant
from tests.web_site import LocalSite, article_page, rss
from ui import web_render as R
from ui.web_add import MAX_URLS, report_html, split_urls
from ui.web_handlers import Handlers, PageInfo

POLLED = datetime(2025, 6, 13, 12, 4, tzinfo=timezone.utc)


class UrlFake(FakeAssistant):
    """The stand-in, taking the fetcher the way `Assistant.ingest` does; reports one page added."""

    def __init__(self, raise_on_ingest=None):
        super().__init__()
        self.fetchers = []
        self.raise_on_ingest = raise_on_ingest

    def ingest(self, paths, progress=None, fetcher=None):
        if self.raise_on_ingest is not None:
            raise self.raise_on_ingest
        self.ingested.append(list(paths))
        self.fetchers.append(fetcher)
        return IngestReport(added=["p1"], feeds=[FeedStatus(paths[0], "new", POLLED, kind="page", new_items=1)])


# -- with a stand-in ---------------------------------------------------------------------------------
def test_split_urls_takes_what_people_paste():
    assert split_urls(" https://a.org/x,https://b.org/feed.xml\n<https://a.org/x>  'c.org' ") == [
        "https://a.org/x", "https://b.org/feed.xml", "c.org"]
    assert split_urls("") == [] and split_urls(None) == []


def test_urls_go_to_the_library_with_the_servers_fetcher():
    fake = UrlFake()
    h = Handlers(fake)
    html = h.ingest_urls("https://news.example.org/a.html  example.org/no-scheme")
    assert fake.ingested == [["https://news.example.org/a.html"]]
    assert fake.fetchers == [h.fetcher] and h.fetcher.allow_private is False  # refused unless the server allows
    assert "Added 1 article, unchanged 0, skipped 1." in html and 'class="na-report ok"' in html
    assert "<b>https://news.example.org/a.html</b> (page): 1 new" in html
    assert "<b>example.org/no-scheme</b>: not a web address" in html
    assert Handlers(fake, allow_private_urls=True).fetcher.allow_private is True


@pytest.mark.parametrize("text, said", [
    ("", "Paste the address"),
    ("   ", "Paste the address"),
    (" ".join(f"https://x.org/{i}" for i in range(MAX_URLS + 1)), f"At most {MAX_URLS} addresses"),
])
def test_nothing_usable_is_a_message_and_no_ingest(text, said):
    fake = UrlFake()
    html = Handlers(fake).ingest_urls(text)
    assert said in html and "na-error" in html and fake.ingested == []


def test_only_bad_addresses_never_reach_the_library():
    fake = UrlFake()
    html = Handlers(fake).ingest_urls("ftp-less.example.org/feed")
    assert fake.ingested == [] and "na-report bad" in html and "skipped 1" in html


def test_a_failing_ingest_is_one_line_and_logged(caplog):
    html = Handlers(UrlFake(RuntimeError("secret /internal/path"))).ingest_urls("https://x.org/a")
    assert "Could not add the addresses: something went wrong" in html
    assert "secret" not in html and "Traceback" not in html and "secret /internal/path" in caplog.text


def test_report_names_each_address_and_why():
    feed, gone, bad = "https://x.org/feed.xml", "https://x.org/gone.html", "https://10.0.0.1/a"
    report = IngestReport(added=["a", "b"], unchanged=["c"],
                          skipped=[Skipped(gone, "HTTP 404 Not Found"), Skipped(bad, "refused: a private address")],
                          feeds=[FeedStatus(feed, "new", POLLED, kind="feed", title="Lakeside <Gazette>",
                                            new_items=2, known_items=1, skipped_items=1),
                                 FeedStatus(bad, "failed", POLLED, error="refused: a private address"),
                                 FeedStatus("https://x.org/old", "unchanged", POLLED, kind="feed")])
    html = report_html(report)
    assert "Added 2 articles, unchanged 1, skipped 2." in html
    assert "Lakeside &#60;Gazette&#62;" in html and "2 new, 1 already in the index, 1 skipped" in html
    assert f"<b>{R.esc(gone)}</b>: HTTP 404" in html and html.count(R.esc(bad)) == 1  # failed once, not twice
    assert "unchanged since it was last read" in html


# -- the header ----------------------------------------------------------------------------------------
def test_header_shows_the_newest_article_and_the_last_poll():
    stats = dict(articles=3, chunks=9, outlets={"The Coastal Herald": 3}, first_published=date(2025, 6, 10),
                 last_published=date(2025, 6, 13), last_poll=POLLED)
    same_day = R.status_html(stats, now=datetime(2025, 6, 13, 18, 0, tzinfo=timezone.utc))
    assert "3 articles · 9 passages · 1 outlet" in same_day
    assert "newest article 13 Jun 2025 · feeds polled 12:04 UTC" in same_day
    later = R.status_html(stats, now=datetime(2025, 6, 15, tzinfo=timezone.utc))
    assert "feeds polled 13 Jun 2025 12:04 UTC" in later
    assert "polled" not in R.status_html({**stats, "last_poll": None})  # not followed by `assistant watch`
    assert R.long_day("2025-06-01") == "1 Jun 2025"


# -- a real index and a site on 127.0.0.1 -------------------------------------------------------------
@pytest.fixture
def site():
    with LocalSite() as s:
        s.route("/harbour.html", article_page("harbour", site_name="The Coastal Herald"))
        s.route("/ferry.html", article_page("ferry", site_name="The Coastal Herald"))
        s.route("/library.html", article_page("library", site_name="Lakeside Gazette"))
        s.route("/feed.xml", rss("The Coastal Herald", [
            ("Island Ferry Gets a Second Daily Crossing", s.url("/ferry.html"), "Fri, 13 Jun 2025 09:00:00 +0000",
             "Tomas Vell"),
            ("Lakeside Library Doubles Its Opening Hours", s.url("/library.html"),
             "Tue, 10 Jun 2025 09:00:00 +0000", "Ines Marrow"),
        ]), content_type="application/rss+xml")
        yield s


@pytest.fixture
def index_dir(tmp_path):
    from assistant import Assistant
    from index import open_index
    from tests.fakes import FakeEmbedder

    d = tmp_path / "index"
    Assistant(index=open_index(d, embedder=FakeEmbedder(), create=True)).close()
    return d


def handlers(index_dir, **kw) -> Handlers:
    from assistant import Assistant
    from tests.fakes import FakeEmbedder

    return Handlers(Assistant(index_dir, embedder=FakeEmbedder()), **kw)


def test_a_private_address_is_refused_by_default_with_the_reason(site, index_dir):
    h = handlers(index_dir)
    page = site.url("/harbour.html")
    html = h.ingest_urls(page)
    assert "Added 0 articles" in html and "na-report bad" in html
    assert f"<b>{R.esc(page)}</b>: refused" in html and "private addresses are not fetched" in html
    assert site.requests == []  # refused before anything was sent
    assert h.page_info().empty


def test_with_private_addresses_allowed_a_page_and_a_feed_are_added(site, index_dir):
    h = handlers(index_dir, allow_private_urls=True)
    seen = []
    page, feed = site.url("/harbour.html"), site.url("/feed.xml")
    html = h.ingest_urls(f"{page} {feed}", progress=lambda n, desc: seen.append(desc))
    assert "Added 3 articles, unchanged 0, skipped 0." in html and 'class="na-report ok"' in html
    assert f"<b>{R.esc(page)}</b> (page): 1 new" in html
    assert "(feed “The Coastal Herald”): 2 new" in html and seen
    info = h.page_info()
    assert isinstance(info, PageInfo) and not info.empty and "The Coastal Herald" in info.outlets
    assert "3 articles" in info.status and "newest article 13 Jun 2025" in info.status
    assert "feeds polled" in info.status  # the feed's poll is remembered by the index
    again = h.ingest_urls(page)
    assert "Added 0 articles, unchanged 1" in again and "already in the index" in again
