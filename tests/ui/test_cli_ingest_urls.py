"""`assistant ingest URL`: a feed from the local site, ingested twice through the CLI (the second run
adds nothing), then asked about: the answer cites the item's page URL with the item's date."""

from __future__ import annotations

import json

import pytest

from tests.web_site import LocalSite, article_page, rss
from ui.cli import main


@pytest.fixture
def site():
    with LocalSite() as s:
        s.route("/harbour.html", article_page("harbour", site_name="The Coastal Herald", published_meta=False))
        s.route("/ferry.html", article_page("ferry", site_name="The Coastal Herald", published_meta=False))
        s.route("/feed.xml", rss("The Coastal Herald", [
            ("Harbour Reopens After Three-Day Storm", s.url("/harbour.html"), "Thu, 12 Jun 2025 08:00:00 +0000",
             "Jane Roe"),
            ("Island Ferry Gets a Second Daily Crossing", s.url("/ferry.html"), "Fri, 13 Jun 2025 09:00:00 +0000",
             "Tomas Vell"),
            ("Gone", s.url("/gone.html"), "Fri, 13 Jun 2025 10:00:00 +0000", "Nobody"),
        ]), content_type="application/rss+xml")
        yield s


def _ingest_twice(site, idx, capsys) -> tuple[str, str]:
    feed = site.url("/feed.xml")
    assert main(["ingest", feed, "--index", idx, "--delay", "0", "-q"]) == 0
    first = capsys.readouterr().out
    assert main(["ingest", feed, "--index", idx, "--delay", "0", "-q"]) == 0
    return first, capsys.readouterr().out


def test_ingest_a_feed_twice_adds_nothing_the_second_time(tmp_path, site, monkeypatch, capsys):
    import importlib

    from tests.reliability.fake_cli import ChildEmbedder

    monkeypatch.setattr(importlib.import_module("index.news_index"), "SentenceTransformerEmbedder", ChildEmbedder)
    first, second = _ingest_twice(site, str(tmp_path / "idx"), capsys)
    feed = site.url("/feed.xml")
    assert first.startswith("added 2, unchanged 0, skipped 1")
    assert f"  feed: {feed}: new 2 (1 skipped)" in first and f"  skipped: {site.url('/gone.html')}: HTTP 404" in first
    assert second.startswith("added 0, unchanged 2, skipped 1") and f"  feed: {feed}: unchanged (2 known, 1 skipped)" in second
    assert site.paths_requested().count("/harbour.html") == 1


@pytest.mark.integration
def test_an_answer_cites_the_items_page_with_the_items_date(tmp_path, site, real_embedder, monkeypatch, capsys):
    import importlib

    monkeypatch.setattr(importlib.import_module("index.news_index"), "SentenceTransformerEmbedder",
                        lambda *args, **kwargs: real_embedder)  # the model loaded once per test run
    idx = str(tmp_path / "idx")
    first, second = _ingest_twice(site, idx, capsys)
    assert first.startswith("added 2,") and second.startswith("added 0,")
    assert main(["ask", "How many days did the storm keep vessels at anchor in Port Ellery?", "--json",
                 "--index", idx]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert not answer["abstained"] and "three days" in answer["text"]
    cited = answer["citations"][0]
    assert (cited["url"], cited["published"], cited["source"]) == \
        (site.url("/harbour.html"), "2025-06-12", "The Coastal Herald")
