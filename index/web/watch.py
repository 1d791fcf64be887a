"""Following URLs: poll feeds again and again, adding what is new, until told to stop.

Purpose: `watch(urls, every=...)` runs one `ingest(urls, follow=True)` per round, `every` seconds
apart (from the start of one round to the start of the next), on one open index: conditional GETs
with the ETag / Last-Modified each feed sent last time (kept in the index, so a later run benefits
too), only unseen items fetched, every URL's poll recorded for `assistant stats`. A feed that
fails is tried again next round and never stops the others; an index busy with another writer is
tried again next round too. `on_round` receives each round's `PollRound` as it ends (the CLI
prints a line per URL). Setting `stop` ends the watch between two writes, and the wait between
rounds at once, so the index is always left consistent. `parse_interval` reads "90s", "15m", "1h".

Limits: rounds are sequential, and so are the requests of a round (one host at a time, see
`Fetcher`); a round that takes longer than `every` is followed by the next at once.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Sequence

from index.errors import ConfigError, IndexBusyError
from index.records import IngestReport
from index.web.urls import is_url

MIN_EVERY = 1.0
_INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|m|min|mins|h|hr|hrs|d)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text) -> float:
    """Seconds in "90s", "15m", "1h", "1d" or a plain number of seconds; ConfigError otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        match = _INTERVAL_RE.match(text) if isinstance(text, str) else None
        if not match:
            raise ConfigError(f"an interval must look like 90s, 15m or 1h, got {text!r}")
        seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s")[0].lower()]
    if seconds < MIN_EVERY:
        raise ConfigError(f"an interval must be at least {MIN_EVERY:g} second, got {text!r}")
    return seconds


@dataclass(frozen=True)
class PollRound:
    """One round of a watch: when it started, what the ingest did (its `feeds` say how each URL
    went), or why the round could not run (`error`, e.g. another process writing to the index)."""

    number: int
    started_at: datetime
    report: IngestReport | None = None
    error: str = ""


def watch(urls: Sequence[str], index_dir=None, *, every: float | str = 900.0, fetcher=None, once: bool = False,
          stop: threading.Event | None = None, on_round: Callable[[PollRound], None] | None = None,
          embedder=None, config=None, index=None) -> int:
    """Keep the index at `index_dir` (created if missing) current with `urls` until `stop` is set
    (or after one round with `once`); returns the number of rounds run. See the module docstring."""
    from index.pipeline import ingest, open_index

    urls = list(urls)
    if not urls:
        raise ConfigError("give at least one feed or page URL to watch")
    bad = [u for u in urls if not is_url(u)]
    if bad:
        raise ConfigError(f"watch takes URLs (http:// or https://), not {bad[0]!r}")
    every = parse_interval(every)
    stop = stop or threading.Event()
    idx = index or open_index(index_dir, embedder=embedder, config=config, create=True)
    rounds = 0
    try:
        while not stop.is_set():
            rounds += 1
            started, began = datetime.now(timezone.utc), time.monotonic()
            try:
                result = PollRound(rounds, started, ingest(urls, index=idx, fetcher=fetcher, follow=True, stop=stop))
            except IndexBusyError as err:
                result = PollRound(rounds, started, error=str(err))
            if on_round is not None:
                on_round(result)
            if once:
                break
            stop.wait(max(0.0, every - (time.monotonic() - began)))
    finally:
        if index is None:
            idx.close()
    return rounds
