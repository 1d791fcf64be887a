"""From the URLs given to an ingest to the items it stores: fetch, tell feeds from pages, read.

Purpose: `collect` polls each URL once, in the order given: a URL already stored as an article is
not fetched again; a feed (with a conditional GET when `follow` is on) has its items' pages
fetched, except those whose URL is already in the index; a page becomes one article. Everything
is fetched before anything is written, so the writer's lock is held only while the articles are
embedded and stored. A failure never stops the others: the URL (or item) becomes a `Skipped`
whose reason says why, and its poll says "failed".

Limits: at most `MAX_FEED_ITEMS` items of one feed per poll (the first ones, newest first in
most feeds); the articles of one poll are held in memory until they are written; a `stop` event
is checked before every request, and a feed cut short is not marked as polled (so the next poll
reads it whole).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Sequence

from index.errors import FeedError, FetchError
from index.loading.jsonl import ReadCounts
from index.records import AlreadyIndexed, Article, FeedStatus, LoadWarning, Skipped
from index.web import state
from index.web.feeds import looks_like_feed, parse_feed
from index.web.fetch import Fetcher, FetchResult
from index.web.pages import page_items
from index.web.urls import clean_url

MAX_FEED_ITEMS = 1000

Item = Article | Skipped | LoadWarning | AlreadyIndexed


@dataclass
class _Poll:
    """One URL's poll while it is under way."""

    url: str
    polled_at: datetime
    kind: str = ""
    title: str = ""
    http_status: int | None = None
    error: str = ""
    transient: bool = False
    article_ids: list[str] = field(default_factory=list)
    known: int = 0
    skipped: int = 0
    item_failed_transiently: bool = False
    complete: bool = True
    etag: str | None = None  # validators to remember; None keeps the stored ones
    last_modified: str | None = None

    def status(self, added: set[str], unchanged: set[str]) -> FeedStatus:
        new = sum(1 for a in self.article_ids if a in added)
        known = self.known + sum(1 for a in self.article_ids if a in unchanged and a not in added)
        outcome = "failed" if self.error else "new" if new else "unchanged"
        return FeedStatus(url=self.url, outcome=outcome, polled_at=self.polled_at, kind=self.kind, title=self.title,
                          new_items=new, known_items=known, skipped_items=self.skipped,
                          http_status=self.http_status, error=self.error, transient=self.transient)


@dataclass
class Collected:
    """The items of every URL polled, in order, and the polls themselves."""

    items: list[Item] = field(default_factory=list)
    polls: list[_Poll] = field(default_factory=list)
    stopped: bool = False

    def statuses(self, added: Sequence[str], unchanged: Sequence[str]) -> list[FeedStatus]:
        """One status per URL polled, counting what the ingest made of its articles."""
        added_set, unchanged_set = set(added), set(unchanged)
        return [p.status(added_set, unchanged_set) for p in self.polls]

    def records(self, added: Sequence[str], unchanged: Sequence[str], *, follow: bool) -> list[state.PollRecord]:
        """What to remember: every complete poll of a feed, and with `follow` of any URL."""
        out = []
        for poll, status in zip(self.polls, self.statuses(added, unchanged)):
            if poll.complete and (follow or poll.kind == "feed"):
                out.append(state.PollRecord(status, poll.etag, poll.last_modified))
        return out


class _Collector:
    def __init__(self, fetcher: Fetcher, feeds, follow: bool, stop: threading.Event | None,
                 counts: ReadCounts | None, tick: Callable[[], None] | None):
        self.fetcher, self.feeds, self.follow, self.stop = fetcher, feeds, follow, stop
        self.counts, self.tick = counts or ReadCounts(), tick or (lambda: None)
        self.out = Collected()
        self.fetched_links: set[str] = set()

    def stopping(self) -> bool:
        if self.stop is not None and self.stop.is_set():
            self.out.stopped = True
        return self.out.stopped

    def get(self, url: str, **validators) -> FetchResult:
        try:
            return self.fetcher.fetch(url, **validators)
        finally:
            self.counts.fetched += 1
            self.tick()

    def poll(self, url: str) -> None:
        poll = _Poll(url=url, polled_at=datetime.now(timezone.utc))
        self.out.polls.append(poll)
        items = self.out.items
        stored = self.feeds.known_urls([url])
        if url in stored:  # a page ingested before: nothing to fetch
            poll.kind, poll.known = "page", 1
            items.append(AlreadyIndexed(url, stored[url]))
            return
        etag, last_modified = self.feeds.validators(url) if self.follow else ("", "")
        try:
            result = self.get(url, etag=etag, last_modified=last_modified)
        except FetchError as err:
            poll.error, poll.transient, poll.http_status = err.reason, err.transient, err.status
            items.append(Skipped(url, err.reason))
            return
        poll.http_status = result.status
        if result.not_modified:
            poll.kind = "feed"
            return
        if looks_like_feed(result.content_type, result.body):
            self.feed(poll, result)
            return
        poll.kind = "page"
        self.fetched_links.add(url)
        got = page_items(result, url=url)
        self.add_page(poll, got)
        if not poll.article_ids:  # the page gave no article: the poll failed, and says why
            poll.error = next((i.reason for i in got if isinstance(i, Skipped)), "no article on the page")

    def feed(self, poll: _Poll, result: FetchResult) -> None:
        poll.kind = "feed"
        items = self.out.items
        try:
            feed = parse_feed(result.body, result.final_url, result.content_type)
        except FeedError as err:
            poll.error = err.reason
            items.append(Skipped(poll.url, err.reason))
            return
        poll.title = feed.title
        if feed.warning:
            items.append(LoadWarning(poll.url, feed.warning))
        for position in feed.missing_links:
            poll.skipped += 1
            items.append(Skipped(poll.url, f"feed item {position} has no link to an article page"))
        entries = feed.items[:MAX_FEED_ITEMS]
        if len(feed.items) > MAX_FEED_ITEMS:
            items.append(LoadWarning(poll.url, f"the feed has {len(feed.items):,} items; read the first "
                                               f"{MAX_FEED_ITEMS:,}"))
        links = [clean_url(entry.url) for entry in entries]
        stored = self.feeds.known_urls(links)
        for entry, link in zip(entries, links):
            if link in stored or link in self.fetched_links:
                poll.known += 1
                if link in stored:
                    items.append(AlreadyIndexed(link, stored[link]))
                continue
            if self.stopping():
                poll.complete = False
                return
            self.fetched_links.add(link)
            try:
                page = self.get(link)
            except FetchError as err:
                poll.skipped += 1
                poll.item_failed_transiently |= err.transient
                items.append(Skipped(link, err.reason))
                continue
            self.add_page(poll, page_items(page, url=link, item=entry, feed_title=feed.title))
        if not poll.item_failed_transiently:
            # an item that timed out must be tried again: keep the old validators so the next
            # poll gets the feed whole instead of a 304
            poll.etag, poll.last_modified = result.etag, result.last_modified

    def add_page(self, poll: _Poll, got: list) -> None:
        for item in got:
            if isinstance(item, Article):
                poll.article_ids.append(item.id)
            elif isinstance(item, Skipped):
                poll.skipped += 1
            self.out.items.append(item)


def collect(urls: Sequence[str], *, fetcher: Fetcher, feeds, follow: bool = False,
            stop: threading.Event | None = None, counts: ReadCounts | None = None,
            tick: Callable[[], None] | None = None) -> Collected:
    """Poll every URL (see the module docstring). `feeds` (the index's `FeedState`, see
    `index.stores.base`) reads the index (known URLs, remembered validators) and is never written
    here; `counts.fetched` grows and `tick()` is called per request."""
    collector = _Collector(fetcher, feeds, follow, stop, counts, tick)
    for url in dict.fromkeys(clean_url(u) for u in urls):
        if collector.stopping():
            break
        collector.poll(url)
    return collector.out
