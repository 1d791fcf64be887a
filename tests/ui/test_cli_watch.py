"""`assistant watch` and what `assistant stats` shows of followed feeds, in process with the fake
embedder against the local site; and Ctrl-C in a real child process, which stops the watch and
leaves the index consistent."""

from __future__ import annotations

import json
import re
import signal
import time

import pytest

from tests.web_site import LocalSite, article_page, atom
from ui.cli import main


@pytest.fixture
def site():
    with LocalSite() as s:
        s.route("/library.html", article_page("library", site_name="Lakeside Gazette"))
        s.route("/bridge.html", article_page("bridge", site_name="Lakeside Gazette"))
        s.route("/atom.xml", atom("Lakeside Gazette", [
            ("Lakeside Library Doubles Its Opening Hours", s.url("/library.html"), "2025-06-10T18:00:00+02:00",
             "Ines Marrow"),
            ("Old Mill Bridge Closes for Repairs", s.url("/bridge.html"), "2025-06-11T07:30:00+02:00", "Ines Marrow"),
            ("Moved Story", s.url("/moved.html"), "2025-06-11T09:00:00+02:00", "Ines Marrow"),
        ]), content_type="application/atom+xml", etag='"g1"')
        yield s


@pytest.fixture
def fake_model(monkeypatch):
    """The model class replaced by the fake embedder, as the CLI's own code paths build it."""
    import importlib

    from tests.reliability.fake_cli import ChildEmbedder

    monkeypatch.setattr(importlib.import_module("index.encoders.embedder"), "SentenceTransformerEmbedder", ChildEmbedder)
    monkeypatch.setattr(importlib.import_module("index.news_index"), "SentenceTransformerEmbedder", ChildEmbedder)


LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  (\S+)  (.+)$", re.M)


def test_watch_once_logs_a_line_per_feed_and_stats_show_the_polls(tmp_path, site, fake_model, capsys):
    idx = str(tmp_path / "idx")
    feed, missing = site.url("/atom.xml"), site.url("/missing.xml")
    assert main(["watch", feed, missing, "--once", "--delay", "0", "--index", idx]) == 0
    out = capsys.readouterr().out
    assert LINE.findall(out) == [(feed, "new 2 (1 skipped)"), (missing, "failed: HTTP 404 Not Found")]
    # the item's reason below; a failed feed's reason is on its own line, not repeated
    assert re.findall(r"^  skipped: (.+)$", out, re.M) == [f"{site.url('/moved.html')}: HTTP 404 Not Found"]

    assert main(["watch", feed, missing, "--once", "-q", "--delay", "0", "--index", idx]) == 0
    out = capsys.readouterr().out
    assert LINE.findall(out) == [(feed, "unchanged (not modified since the last poll)"),
                                 (missing, "failed: HTTP 404 Not Found")]
    assert "skipped:" not in out  # -q

    assert main(["stats", "--index", idx]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^newest:    2025-06-11 \(published\); last added \d{4}-", out, re.M)
    assert re.search(r"^followed:  2 URLs, last poll \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", out, re.M)
    assert re.search(rf"^  \S+ \S+  {re.escape(feed)}  unchanged \(not modified", out, re.M)
    assert main(["stats", "--json", "--index", idx]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["last_published"] == "2025-06-11" and stats["last_poll"]
    assert {f["url"]: f["outcome"] for f in stats["feeds"]} == {feed: "unchanged", missing: "failed"}


def test_watch_exits_1_when_every_url_failed_once(tmp_path, site, fake_model, capsys):
    assert main(["watch", site.url("/missing.xml"), "--once", "--index", str(tmp_path / "idx")]) == 1


@pytest.mark.parametrize("args,code,message", [
    (["watch", "news/feed.xml"], 2, "give feed or page URLs"),
    (["watch", "http://127.0.0.1:9/feed.xml", "--every", "soon"], 1,
     "assistant: error: an interval must look like 90s, 15m or 1h, got 'soon'"),
    (["watch", "http://127.0.0.1:9/feed.xml", "--every", "0s"], 1, "at least 1 second"),
])
def test_bad_arguments_are_one_line_errors(tmp_path, args, code, message, capsys):
    assert main([*args, "--index", str(tmp_path / "idx")]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_ctrl_c_stops_the_watch_and_leaves_the_index_consistent(tmp_path, site):
    from index import open_index
    from tests.index.helpers import assert_consistent
    from tests.reliability.harness import fake_cli
    from tests.reliability.fake_cli import ChildEmbedder

    proc = fake_cli("watch", site.url("/atom.xml"), "--every", "1h", "--delay", "0", "--index", str(tmp_path / "idx"))
    try:
        out = b""
        deadline = time.monotonic() + 60
        while b"new 2" not in out:  # the first poll is done; now it waits an hour
            assert time.monotonic() < deadline and proc.poll() is None, out
            out += proc.stdout.read1(4096)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
        err = proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 0 and time.monotonic() - t0 < 10
    assert "stopping after the current step" in err and "stopped after 1 poll" in err and "Traceback" not in err
    idx = open_index(tmp_path / "idx", embedder=ChildEmbedder())
    try:
        assert_consistent(idx)
        assert idx.store.counts()[0] == 2 and idx.stats().feeds[0].outcome == "new"
    finally:
        idx.close()
