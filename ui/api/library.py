"""`Library`: the one Assistant a server shares among all its doors (browser tabs, REST, the
OpenAI-compatible route, MCP), with readers side by side and writers one at a time.

Readers (questions, searches, listings, stats) run concurrently: the Assistant's reads are
SQLite reads, a FAISS search and model inference, and its caches take their own locks.

Writers (ingest, delete, rebuild) take turns (an in-process lock; the index's own file lock
keeps other processes out). Ingest and delete work on a second handle of the same index
directory, sharing the model: they commit to SQLite and save their own FAISS file while readers
keep answering from what they had (readers see committed rows; `NewsIndex.refresh` keeps its
vectors until the FAISS file catches up). Only then does the writer take the readers-writer
lock, for the moment the readers' handle loads the new vectors (`_swap_in`).

A rebuild re-embeds everything into a new directory and renames it over the old one, which
no open handle survives: from its start until the new Assistant is open, reads and writes raise
`Rebuilding` (HTTP 503) instead of waiting minutes. A rebuild run by another process
(`assistant ingest --rebuild`) is noticed by the index directory being replaced, and the
Assistant is reopened before the next read.

An index that does not exist yet (a server started on a new directory) is an empty library:
listings and stats are empty, questions raise `IndexEmpty` (HTTP 503), and the first write
creates the index (`create()`) and opens the Assistant over it; an index another process creates
meanwhile (`assistant ingest`) is adopted at the next request.

Stand-ins without an index handle (test doubles) are written in place with readers shut out.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ui.api.rwlock import RWLock

log = logging.getLogger("ui.api")


class LibraryUnavailable(Exception):
    """The index cannot serve this request right now; `retry_after` seconds is a fair wait."""

    retry_after = 5


class Rebuilding(LibraryUnavailable):
    def __init__(self):
        super().__init__("the index is being rebuilt; try again in a moment")


class LibraryBusy(LibraryUnavailable):
    def __init__(self, seconds: float):
        super().__init__(f"another write to the index is still running after {seconds:g} s; "
                         "try again when it has finished")


class IndexEmpty(LibraryUnavailable):
    """No index yet: nothing to answer from until articles are added."""

    retry_after = 60

    def __init__(self):
        super().__init__("the index is empty: add articles first (files, a web page or an RSS/Atom feed: "
                         "“Add articles” in the chat, or POST /api/ingest)")


@dataclass(frozen=True)
class ArticlePage:
    """One page of the article list: `total` articles pass the filters; `articles` are
    `index.Article` records, newest first, starting at `offset`."""

    total: int
    offset: int
    limit: int
    articles: list


def _identity(path: Path | None):
    try:
        st = os.stat(path)
    except (OSError, TypeError):
        return None
    return st.st_dev, st.st_ino


class Library:
    WRITE_WAIT = 30.0  # seconds a writer waits for the one before it before giving up

    def __init__(self, assistant, *, reopen: Callable[[], Any] | None = None, index_dir=None,
                 create: Callable[[], Any] | None = None):
        """`reopen()` opens a fresh Assistant over the same index (needed to rebuild, and to
        follow a rebuild done by another process); None: neither is offered. `assistant` None:
        no index yet at `index_dir`; the first write calls `create()` for an Assistant over a new,
        empty index there (without `create` the library stays read-only and empty)."""
        self._a = assistant
        self._reopen = reopen
        self._create = create
        self._rw = RWLock()
        self._writer = threading.Lock()
        self._opening = threading.Lock()  # one thread opens (or creates) a missing index
        self._rebuilding = threading.Event()
        handle = getattr(assistant, "index", None)
        if assistant is None and index_dir is None:
            raise ValueError("an empty Library needs the index_dir its index will be created in")
        # a directory to watch and reopen; None for a Milvus index, which has none (writes then go
        # through the open Assistant's own index)
        self._dir = Path(handle.dir) if getattr(handle, "dir", None) else _local_dir(index_dir)
        self._dir_id = _identity(self._dir) if assistant is not None else None
        self.last_rebuild = None  # the IngestReport, or the exception, of the latest rebuild

    @property
    def assistant(self):
        return self._a

    @property
    def llm(self):
        """The Assistant's LLM settings, or None (extractive answers only)."""
        return getattr(self._a, "llm", None)

    @property
    def rebuilding(self) -> bool:
        return self._rebuilding.is_set()

    @property
    def empty(self) -> bool:
        """True while there is no index yet (nothing added since the server started on a new directory)."""
        return self._a is None

    # -- reading -------------------------------------------------------------------------------------
    @contextmanager
    def reading(self, *, or_empty: bool = False):
        """The Assistant, for one read. Raises Rebuilding while the index is being rebuilt, and
        IndexEmpty while there is no index (`or_empty`: yields None instead)."""
        if self._rebuilding.is_set():
            raise Rebuilding()
        self._follow_replacement()
        if self._a is None and not or_empty:
            raise IndexEmpty()
        with self._rw.read():
            yield self._a

    def ask(self, question: str, **kwargs):
        with self.reading() as a:
            return a.ask(question, **kwargs)

    def search(self, text: str, **kwargs):
        with self.reading() as a:
            return a.search(text, **kwargs)

    def articles(self, *, sources=None, since=None, until=None, limit: int = 50, offset: int = 0) -> ArticlePage:
        with self.reading(or_empty=True) as a:
            total, items = (a.articles(sources=sources, since=since, until=until, limit=limit, offset=offset)
                            if a is not None else (0, []))
        return ArticlePage(total, offset, limit, items)

    def stats(self):
        """`index.IndexStats`; an empty index's (0 articles) while there is none yet."""
        with self.reading(or_empty=True) as a:
            return a.stats() if a is not None else self._no_stats()

    def outlets(self) -> list[str]:
        with self.reading(or_empty=True) as a:
            return list(a.outlets()) if a is not None else []

    def example_questions(self, n: int) -> list[str]:
        with self.reading(or_empty=True) as a:
            return [str(x) for x in a.example_questions(n)][:n] if a is not None else []

    def refresh(self) -> bool:
        """Pick up what other processes wrote (an index they created included); True if anything changed."""
        was_empty = self._a is None
        with self.reading(or_empty=True) as a:
            return a.refresh() or was_empty if a is not None else False

    def warm_up(self) -> None:
        """Load the model and the faster engine before the first person asks (nothing while empty)."""
        with self.reading(or_empty=True) as a:
            if a is None:
                return
            warm = getattr(a, "warm", None)  # stand-ins may lack it
            if warm is not None:
                warm()
            a.ask("warm up", **({"use_llm": False} if self.llm is not None else {}))

    # -- writing -------------------------------------------------------------------------------------
    def ingest(self, paths, progress=None, fetcher=None):
        """Add articles (an `IngestReport`); readers keep answering meanwhile. `fetcher` (an
        `index.Fetcher`) reads the http(s) URLs among `paths`."""
        from index import ingest

        with self._writing():
            if self._a is None:
                self._open(create=True)
            handle = self._writer_handle()
            more = {"fetcher": fetcher} if fetcher else {}
            if handle is None:
                with self._rw.write():
                    return self._a.ingest(paths, progress=progress, **more)
            try:
                report = ingest(paths, index=handle, progress=progress, **more)
            finally:
                handle.close()
            self._swap_in()
            return report

    def delete(self, article_ids) -> list[str]:
        """Remove articles by id (or unique prefix); ArticleNotFoundError removes nothing."""
        from index import delete

        with self._writing():
            if self._a is None:
                raise IndexEmpty()
            handle = self._writer_handle()
            if handle is None:
                with self._rw.write():
                    return delete(article_ids, index=self._a.index)
            try:
                removed = delete(article_ids, index=handle)
            finally:
                handle.close()
            self._swap_in()
            return removed

    def start_rebuild(self, progress=None) -> threading.Thread:
        """Re-embed every article in the background. From this call until it ends, reads and
        writes raise Rebuilding; the outcome is kept in `last_rebuild` (and logged)."""
        from index import ConfigError

        if self._reopen is None or self._dir is None:
            raise ConfigError("this server cannot rebuild its index (no way to reopen it)")
        if self._a is None:
            raise IndexEmpty()
        if self._rebuilding.is_set():
            raise Rebuilding()
        if not self._writer.acquire(timeout=self.WRITE_WAIT):
            raise LibraryBusy(self.WRITE_WAIT)
        self._rebuilding.set()  # before returning: the caller's next request must see it
        t = threading.Thread(target=self._rebuild, args=(progress,), name="news-rebuild", daemon=True)
        t.start()
        return t

    def _rebuild(self, progress) -> None:
        from index import rebuild

        try:
            with self._rw.write():  # waits for the reads in flight; new ones are refused meanwhile
                report = rebuild(self._dir, embedder=self._a.index.embedder, progress=progress)
                self._replace()
            self.last_rebuild = report
            log.info("index rebuilt: %s", report.summary())
        except Exception as e:  # noqa: BLE001 - a background job: logged, kept for whoever asks
            self.last_rebuild = e
            log.error("rebuilding the index failed", exc_info=e)
        finally:
            self._rebuilding.clear()
            self._writer.release()

    @contextmanager
    def _writing(self):
        if self._rebuilding.is_set():
            raise Rebuilding()
        if not self._writer.acquire(timeout=self.WRITE_WAIT):
            raise LibraryBusy(self.WRITE_WAIT)
        try:
            if self._rebuilding.is_set():
                raise Rebuilding()
            self._follow_replacement()
            yield
        finally:
            self._writer.release()

    def _writer_handle(self):
        """A second handle on the index directory for a writer (same model), or None for a
        stand-in without one."""
        handle = getattr(self._a, "index", None)
        if self._dir is None or getattr(handle, "embedder", None) is None:
            return None
        from index import open_index

        return open_index(self._dir, embedder=handle.embedder)

    def _swap_in(self) -> None:
        """Readers pick up what the writer committed: the moment the write lock is held."""
        with self._rw.write():
            self._a.refresh()

    def _follow_replacement(self) -> None:
        """Reopen the Assistant when the index directory was replaced since it was opened (a
        rebuild by another process); Rebuilding while the directory is missing mid-swap."""
        if self._dir is None or self._reopen is None:
            return
        if self._a is None:
            if _identity(self._dir) is not None:  # another process may have created it meanwhile
                self._open(create=False)
            return
        now = _identity(self._dir)
        if now == self._dir_id:
            return
        if now is None:
            raise Rebuilding()
        with self._rw.write():
            if _identity(self._dir) != self._dir_id:
                self._replace()

    def _open(self, *, create: bool) -> None:
        """Open the index that is missing so far: the one another process made, or (`create`, a
        writer's turn) a new, empty one. Stays empty when there is none and `create` is off."""
        from index import IndexNotFoundError

        with self._opening:
            if self._a is not None:
                return
            try:
                fresh = self._reopen() if self._reopen is not None else None
            except IndexNotFoundError:
                fresh = None
            if fresh is None and create:
                if self._create is None:
                    raise IndexEmpty()
                fresh = self._create()
                log.info("created the index at %s", self._dir)
            if fresh is None:
                return
            with self._rw.write():
                self._a, self._dir_id = fresh, _identity(self._dir)

    def _no_stats(self):
        from index import IndexStats

        return IndexStats(index_dir=str(self._dir), articles=0, chunks=0, outlets={}, first_published=None,
                          last_published=None, model="", dimension=0, format_version=0, index_type="",
                          size_bytes=0)

    def _replace(self) -> None:
        """Open a new Assistant over the directory and retire the old one (write lock held)."""
        fresh = self._reopen()
        old, self._a = self._a, fresh
        self._dir_id = _identity(self._dir)
        try:
            old.close()
        except Exception:  # noqa: BLE001 - its files are gone already; nothing to keep
            log.debug("closing the replaced index failed", exc_info=True)
        log.info("index at %s reopened after a rebuild", self._dir)


def _local_dir(index_dir) -> Path | None:
    """`index_dir` as a directory, or None for none or a `milvus://` location."""
    if not index_dir:
        return None
    from index import resolve_location

    loc = resolve_location(index_dir)
    return None if loc.is_milvus else loc.path
