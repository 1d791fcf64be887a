"""index.web.watch: intervals, rounds, a failing feed beside a good one, stopping, a busy index."""

from __future__ import annotations

import threading

import pytest

from index import ConfigError, Fetcher, IndexBusyError, open_index, parse_interval, watch
from tests.web_site import article_page, atom


@pytest.mark.parametrize("text,seconds", [("90s", 90), ("15m", 900), ("1h", 3600), ("2 h", 7200), ("1d", 86400),
                                          ("45", 45), ("1.5m", 90), ("10min", 600), (30, 30)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes ago", "-5m", "0s", "0.5", "1w", None, True])
def test_bad_intervals_are_config_errors(text):
    with pytest.raises(ConfigError, match="interval"):
        parse_interval(text)


@pytest.fixture
def gazette(site):
    site.route("/library.html", article_page("library", site_name="Lakeside Gazette"))
    site.route("/atom.xml", atom("Lakeside Gazette", [
        ("Lakeside Library Doubles Its Opening Hours", site.url("/library.html"), "2025-06-10T18:00:00+02:00",
         "Ines Marrow")]), content_type="application/atom+xml", etag='"a1"')
    return site


def test_rounds_until_stopped_a_failing_feed_never_stops_the_other(tmp_path, gazette, fake_embedder):
    rounds, stop = [], threading.Event()

    def on_round(r):
        rounds.append(r)
        if r.number == 2:
            stop.set()

    n = watch([gazette.url("/missing.xml"), gazette.url("/atom.xml")], tmp_path / "idx", every="1s",
              fetcher=Fetcher(allow_private=True, host_delay=0), stop=stop, on_round=on_round, embedder=fake_embedder)
    assert n == 2 and [r.number for r in rounds] == [1, 2]
    first, second = ([(f.outcome, f.new_items, f.http_status) for f in r.report.feeds] for r in rounds)
    assert first == [("failed", 0, 404), ("new", 1, 200)]
    assert second == [("failed", 0, 404), ("unchanged", 0, 304)]  # the ETag, sent back
    assert (rounds[1].started_at - rounds[0].started_at).total_seconds() >= 0.9
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    try:
        st = idx.stats()
        assert {f.url: f.outcome for f in st.feeds} == {gazette.url("/missing.xml"): "failed",
                                                        gazette.url("/atom.xml"): "unchanged"}
        assert st.articles == 1
    finally:
        idx.close()


def test_once_runs_one_round_and_a_stop_ends_the_wait_at_once(tmp_path, gazette, fake_embedder):
    fetcher = Fetcher(allow_private=True, host_delay=0)
    assert watch([gazette.url("/atom.xml")], tmp_path / "idx", once=True, fetcher=fetcher, embedder=fake_embedder) == 1
    stop = threading.Event()
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    assert watch([gazette.url("/atom.xml")], tmp_path / "idx", every="1h", fetcher=fetcher, stop=stop,
                 embedder=fake_embedder) == 1  # did not wait an hour
    timer.join()


def test_a_busy_index_skips_the_round(tmp_path, gazette, fake_embedder, monkeypatch):
    import index.pipeline

    def busy(*args, **kwargs):
        raise IndexBusyError("another process is writing to the index")

    monkeypatch.setattr(index.pipeline, "ingest", busy)
    got = []
    watch([gazette.url("/atom.xml")], tmp_path / "idx", once=True, on_round=got.append, embedder=fake_embedder)
    assert got[0].report is None and "another process is writing" in got[0].error


@pytest.mark.parametrize("urls,message", [([], "at least one"), (["news/feed.xml"], "not 'news/feed.xml'")])
def test_watch_takes_urls_only(tmp_path, urls, message):
    with pytest.raises(ConfigError, match=message):
        watch(urls, tmp_path / "idx", once=True)
