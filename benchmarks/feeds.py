"""`python -m benchmarks.feeds`: ingest a 1,000-item feed served from a local server.

A feed of N items (default 1,000) and its N article pages (~250 words each, generated with a fixed
seed: fictional stories of a fictional outlet) are served by http.server on 127.0.0.1; one
`index.ingest(feed_url)` reads them into a fresh index with the real embedding model (loaded and
warmed before the clock starts). Printed: items/s, and the share of the ingest's time spent
fetching (HTTP, feed and pages), extracting (HTML to article: trafilatura, metadata, cleaning),
embedding, and the rest (feed parsing, chunking, SQLite, FAISS, near-duplicate groups).

The fetcher runs with `host_delay=0`: with the default politeness delay (1 s between two requests
to one site) a 1,000-item first read of one site takes at least 1,000 s, whatever the machine.

    python -m benchmarks.feeds [--items N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS = ("harbour council ferry storm bridge library river market festival school hospital budget road "
         "mayor engineers residents fishermen tide railway station museum park farmers harvest wind turbine "
         "repairs timetable volunteers tourists season report inspectors contract tender lighthouse pier "
         "flood barrier drainage housing permit plan survey").split()
VERBS = "approved announced delayed opened closed rejected expanded funded inspected repaired".split()


def _story(rng: random.Random, n: int) -> tuple[str, str, str]:
    """(title, date, paragraphs) of story `n`: distinct text, so every item is its own article."""
    subject = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)}"
    title = f"{subject} {rng.choice(VERBS)} in Port Ellery, report {n}"
    paras = []
    for _ in range(4):
        sentences = []
        for _ in range(4):
            words = [rng.choice(WORDS) for _ in range(rng.randint(10, 18))]
            sentences.append(f"The {' '.join(words[:4])} {rng.choice(VERBS)} {' '.join(words[4:])} on day {n}.")
        paras.append(" ".join(sentences))
    day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
    return title, day, "".join(f"<p>{p}</p>" for p in paras)


def build_site(items: int, seed: int = 7) -> dict[str, bytes]:
    rng = random.Random(seed)
    pages, entries = {}, []
    for n in range(items):
        title, day, body = _story(rng, n)
        pages[f"/news/{n}.html"] = (
            f"<html><head><title>{title} | Port Ellery Post</title>"
            f'<meta property="og:site_name" content="Port Ellery Post">'
            f'<meta property="article:published_time" content="{day}T08:00:00Z"></head><body>'
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>{body}</article>"
            f"<footer>Port Ellery Post</footer></body></html>").encode()
        entries.append(f"<item><title>{title}</title><link>{{base}}/news/{n}.html</link>"
                       f"<pubDate>{day}</pubDate></item>")
    feed = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Port Ellery Post</title>'
            "<link>{base}/</link><description>Local news</description>" + "".join(entries) + "</channel></rss>")
    pages["/feed.xml"] = feed.encode()
    return pages


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = pages.get(self.path)
            kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html; charset=utf-8"
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for path in pages:
        pages[path] = pages[path].replace(b"{base}", base.encode())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, base


class _Clock:
    def __init__(self):
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, fn):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0
                self.calls += 1

        return timed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.feeds", description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, default=1000, help="items in the feed (default 1000)")
    p.add_argument("--keep", type=Path, metavar="DIR", help="build the index here and keep it (default: a temp dir)")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import index.web.collect as collect_module
    from index import Fetcher, ingest
    from index.encoders.embedder import SentenceTransformerEmbedder

    pages = build_site(args.items)
    server, base = serve(pages)
    work = args.keep or Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    shutil.rmtree(work / "index", ignore_errors=True)
    fetching, extracting, embedding = _Clock(), _Clock(), _Clock()
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up the model before the clock starts"] * 80)  # both engines' first load
    embedder.embed = embedding.wrap(embedder.embed)
    fetcher = Fetcher(allow_private=True, host_delay=0)
    fetcher.fetch = fetching.wrap(fetcher.fetch)
    original = collect_module.page_items
    collect_module.page_items = extracting.wrap(original)
    try:
        t0 = time.perf_counter()
        report = ingest([base + "/feed.xml"], work / "index", embedder=embedder, fetcher=fetcher)
        total = time.perf_counter() - t0
    finally:
        collect_module.page_items = original
        server.shutdown()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    added = len(report.added)
    rest = total - fetching.seconds - extracting.seconds - embedding.seconds
    print(f"feed of {args.items} items from {base}: added {added}, skipped {len(report.skipped)}, "
          f"{report.chunks_added} chunks, {os.cpu_count()} CPUs")
    print(f"total     {total:7.1f} s   {added / total:6.1f} items/s")
    for name, clock, unit in (("fetching", fetching, "requests"), ("extracting", extracting, "pages"),
                              ("embedding", embedding, "calls")):
        print(f"{name:10}{clock.seconds:7.1f} s   {100 * clock.seconds / total:5.1f} %   "
              f"({clock.calls} {unit}, {1000 * clock.seconds / max(clock.calls, 1):.1f} ms each)")
    print(f"{'other':10}{rest:7.1f} s   {100 * rest / total:5.1f} %   (feed parsing, chunking, SQLite, FAISS, groups)")
    return 0 if added == args.items else 1


if __name__ == "__main__":
    raise SystemExit(main())
