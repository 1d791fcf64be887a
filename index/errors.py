"""Typed errors of the index. The library raises these; only the CLI and the UI turn
them into messages for people, so every message names the thing at fault and the fix."""

from __future__ import annotations


class NewsIndexError(Exception):
    """Base class of every error the index raises on purpose."""


class ConfigError(NewsIndexError, ValueError):
    """A setting has a bad value; the message names the setting."""


class IndexNotFoundError(NewsIndexError):
    """No index exists at the given directory."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        super().__init__(
            f"no index at {index_dir}. Create one with: assistant ingest PATH... "
            f"(or pass --index DIR / set ASSISTANT_INDEX to use another)"
        )


class IndexMismatchError(NewsIndexError):
    """The index was built with another embedding model or another format version."""

    def __init__(self, index_dir: str, what: str, stored, wanted, fix: str):
        self.index_dir, self.what, self.stored, self.wanted = index_dir, what, stored, wanted
        super().__init__(
            f"the index at {index_dir} was built with {what} {stored!r}, "
            f"but this program uses {what} {wanted!r}. {fix}"
        )


class IndexCorruptError(NewsIndexError):
    """The files of an index disagree in a way that cannot be repaired automatically."""


class ModelLoadError(NewsIndexError):
    """The embedding model could not be loaded (bad name or path, no network to a hub)."""


class IndexBusyError(NewsIndexError):
    """Another process is writing to the index."""


class StoreUnavailableError(NewsIndexError):
    """The store named by an index location cannot be used: a Milvus server that does not answer,
    a Milvus Lite file held by another process, or the client library (`pymilvus`) missing.
    `location` is the URI as given; the message says what to do."""

    def __init__(self, location: str, reason: str):
        self.location, self.reason = location, reason
        super().__init__(f"{location}: {reason}")


class ClusterUnavailableError(NewsIndexError):
    """Embedding on a Ray cluster is not possible: Ray is not installed, or the cluster named by
    `--ray ADDRESS` cannot be started or joined."""


class ArticleNotFoundError(NewsIndexError):
    """No article in the index matches the id or path given."""


class FetchError(NewsIndexError):
    """A URL could not be fetched: a network failure, an HTTP error, a timeout, a body over the
    size limit. `transient` says whether trying again later may succeed (a timeout, a 5xx, a 429)
    or not (a 404, a refused address); `status` is the HTTP status when there was one."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, transient: bool = False):
        self.url, self.reason, self.status, self.transient = url, reason, status, transient
        super().__init__(f"{url}: {reason}")


class UnsafeURLError(FetchError):
    """A URL the fetcher refuses to request: a scheme other than http(s), or (unless the fetcher
    allows private addresses) a host that resolves to a loopback, private, link-local or otherwise
    non-global address, on the first request or on any redirect hop."""


class RobotsDisallowedError(FetchError):
    """The site's robots.txt does not allow this fetcher's user agent to read the URL."""


class FeedError(NewsIndexError):
    """A document that should be a feed (RSS or Atom) cannot be read as one."""

    def __init__(self, url: str, reason: str):
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")
