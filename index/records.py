"""The records that cross the index's boundary: articles in, chunks stored, reports out.

Everything here is a plain dataclass so callers can serialise it (`asdict`) and tests
can build one by hand. Offsets are character offsets into `Article.text`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


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

    @property
    def ok(self) -> bool:
        """True when something was ingested or everything read was already there."""
        return bool(self.added or self.unchanged)

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
    stage: str = "embedding"
