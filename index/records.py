"""The records that cross the index's boundary: articles in, chunks stored, reports out.

Everything here is a plain dataclass so callers can serialise it (`asdict`) and tests
can build one by hand. Offsets are character offsets into `Article.text`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from index.errors import ConfigError


@dataclass(frozen=True)
class Article:
    """One news article after loading and cleaning.

    `id` is a hash of the normalised text, so the same report read from two files
    (or in two runs) is one article. `published` is a date when the source gave one.
    """

    id: str
    title: str
    text: str
    source: str = ""
    url: str = ""
    published: date | None = None
    authors: tuple[str, ...] = ()
    path: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        d["authors"] = list(self.authors)
        return d


@dataclass(frozen=True)
class Chunk:
    """A slice of one article: `article_text[start:end] == text` always holds."""

    id: int
    article_id: str
    order: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Skipped:
    """An input that could not be turned into an article, and why.

    `line` is set for JSON Lines records (1-based) and JSON list items (1-based index).
    """

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class LoadWarning:
    """Something worth telling the user about an input that was still loaded."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class AlreadyIndexed:
    """An input found in the index without reading it again (a feed item whose URL is stored):
    the ingest counts `article_id` as unchanged."""

    path: str
    article_id: str


@dataclass
class IngestReport:
    """What one `ingest()` call did. `added`/`unchanged` hold article ids; `replaced` holds
    the ids of older versions of single-article files that were edited since."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    chunks_added: int = 0
    seconds: float = 0.0
    feeds: list["FeedStatus"] = field(default_factory=list)  # one per URL given, in the order given

    @property
    def ok(self) -> bool:
        """True when something was ingested, everything read was already there, or a URL given was
        read without a failure (a feed unchanged since the last poll has nothing to read)."""
        return bool(self.added or self.unchanged or any(f.outcome != "failed" for f in self.feeds))

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, "
            + (f"replaced {len(self.replaced)}, " if self.replaced else "")
            + f"unchanged {len(self.unchanged)}, "
            f"skipped {len(self.skipped)} ({self.chunks_added} chunks, {self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class IndexStats:
    """`assistant stats`: what an index holds."""

    index_dir: str
    articles: int
    chunks: int
    outlets: dict[str, int]
    first_published: date | None
    last_published: date | None
    model: str
    dimension: int
    format_version: int
    index_type: str
    size_bytes: int
    groups: int = 0  # distinct reports: near-duplicate copies (see `groups`) counted once
    last_added: datetime | None = None  # when the most recently added article was stored (UTC)
    last_poll: datetime | None = None  # the latest poll of a followed URL (UTC), None if none is followed
    feeds: tuple["FeedStatus", ...] = ()  # the followed URLs, most recently polled first

    def to_dict(self) -> dict:
        """JSON-ready: dates and times as ISO 8601 strings, feeds as dicts."""
        d = {k: v for k, v in self.__dict__.items() if k != "feeds"}
        d = {k: v.isoformat() if isinstance(v, (date, datetime)) else v for k, v in d.items()}
        d["feeds"] = [f.to_dict() for f in self.feeds]
        return d


@dataclass(frozen=True)
class SearchHit:
    """A chunk returned by one of the index's searches, with its rank-specific score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Progress:
    """Handed to an ingest's progress callback after every batch."""

    articles_read: int
    articles_added: int
    chunks_added: int
    stage: str = "embedding"  # "fetching" (URLs), "reading" (files), "embedding" (a batch stored), "done"
    lines_read: int = 0  # lines of JSON Lines files read so far
    urls_fetched: int = 0  # HTTP requests answered so far (feeds and pages)


FEED_OUTCOMES = ("new", "unchanged", "failed")


@dataclass(frozen=True)
class FeedStatus:
    """One poll of one URL given to `ingest` or `watch`: a feed or a page.

    `outcome` is "new" (something was added), "unchanged" (a 304, or nothing not already in the
    index) or "failed" (`error` says why; `transient` when a later poll may succeed). `new_items`
    counts the articles it added, `known_items` those already in the index (by URL or text),
    `skipped_items` the items that could not be read (listed in `IngestReport.skipped`)."""

    url: str
    outcome: str
    polled_at: datetime
    kind: str = ""  # "feed", "page", or "" when the URL could not be read
    title: str = ""
    new_items: int = 0
    known_items: int = 0
    skipped_items: int = 0
    http_status: int | None = None
    error: str = ""
    transient: bool = False

    def __post_init__(self):
        if self.outcome not in FEED_OUTCOMES:
            raise ConfigError(f"outcome must be one of {', '.join(FEED_OUTCOMES)}, got {self.outcome!r}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["polled_at"] = self.polled_at.isoformat()
        return d
