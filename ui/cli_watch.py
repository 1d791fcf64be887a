"""`assistant watch URL...`: keep an index current with feeds until stopped, through `index.watch`.

One log line per URL per poll (new / unchanged / failed and why). The first Ctrl-C asks the watch
to stop between two writes (the index stays consistent) and ends the wait between polls at once;
a second Ctrl-C stops at once, which SQLite's transactions also survive.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from ui.cli import add_index_arg
from ui.cli_index import MAX_REASONS, add_fetch_args, local_time, make_fetcher, poll_text


def add_watch(sub) -> None:
    p = sub.add_parser(
        "watch", help="follow feeds: poll them and add new articles until stopped",
        description="Poll RSS / Atom feeds (or article pages) every --every and add their new items to the\n"
                    "index, until Ctrl-C. Each feed is asked only for what changed (ETag / Last-Modified,\n"
                    "remembered in the index), only unseen items are fetched, robots.txt is respected and\n"
                    "each site gets one request at a time. A feed that fails is tried again at the next poll.",
        epilog="examples:\n  assistant watch https://example.com/rss.xml --every 15m\n"
               "  assistant watch https://example.com/atom.xml --once      one poll, then exit",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("urls", nargs="+", metavar="URL", help="feed (or page) URLs")
    p.add_argument("--every", default="15m", metavar="INTERVAL",
                   help="time between polls: 90s, 15m, 1h (default 15m)")
    p.add_argument("--once", action="store_true", help="poll once, then exit")
    add_index_arg(p)
    add_fetch_args(p)
    p.add_argument("-q", "--quiet", action="store_true", help="one line per URL per poll, no skipped items")
    p.set_defaults(run=run_watch)


def _print_round(poll, quiet: bool) -> None:
    when = local_time(poll.started_at)
    if poll.report is None:
        print(f"{when}  poll {poll.number} skipped: {poll.error}; trying again at the next poll", flush=True)
        return
    for f in poll.report.feeds:
        print(f"{when}  {f.url}  {poll_text(f)}", flush=True)
    if not quiet:
        failed = {f.url for f in poll.report.feeds if f.outcome == "failed"}  # said on their own line
        for s in [s for s in poll.report.skipped if s.path not in failed][:MAX_REASONS]:
            print(f"  skipped: {s}")
        for w in poll.report.warnings[:MAX_REASONS]:
            print(f"  warning: {w}")
        sys.stdout.flush()


def run_watch(args) -> int:
    from index import is_url, parse_interval, watch

    bad = [u for u in args.urls if not is_url(u)]
    if bad:
        print(f"assistant watch: give feed or page URLs (http:// or https://), not {bad[0]!r}; "
              f"files are added with `assistant ingest`", file=sys.stderr)
        return 2
    every = parse_interval(args.every)  # ConfigError: one line from ui.cli
    fetcher = make_fetcher(args)
    stop = threading.Event()
    outcomes: list[str] = []

    def on_round(poll) -> None:
        _print_round(poll, args.quiet)
        outcomes[:] = [f.outcome for f in poll.report.feeds] if poll.report else ["failed"]

    def on_interrupt(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("stopping after the current step (Ctrl-C again to stop at once)", file=sys.stderr, flush=True)

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_interrupt) if in_main else None
    try:
        if not args.once:
            print(f"watching {len(args.urls)} URL{'s' if len(args.urls) != 1 else ''} every {args.every}; "
                  f"Ctrl-C to stop", flush=True)
        rounds = watch(args.urls, args.index, every=every, fetcher=fetcher, once=args.once, stop=stop,
                       on_round=on_round)
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    if stop.is_set():
        print(f"stopped after {rounds} poll{'s' if rounds != 1 else ''}", file=sys.stderr)
    return 1 if args.once and outcomes and all(o == "failed" for o in outcomes) else 0
