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

    def __init__(self, assistant, *, reopen: Callable[[], Any] | None = None):
        """`reopen()` opens a fresh Assistant over the same index (needed to rebuild, and to
        follow a rebuild done by another process); None: neither is offered."""
        self._a = assistant
        self._reopen = reopen
        self._rw = RWLock()
        self._writer = threading.Lock()
        self._rebuilding = threading.Event()
        handle = getattr(assistant, "index", None)
        self._dir = Path(handle.dir) if getattr(handle, "dir", None) else None
        self._dir_id = _identity(self._dir)
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

    # -- reading -------------------------------------------------------------------------------------
    @contextmanager
    def reading(self):
        """The Assistant, for one read. Raises Rebuilding while the index is being rebuilt."""
        if self._rebuilding.is_set():
            raise Rebuilding()
        self._follow_replacement()
        with self._rw.read():
            yield self._a

    def ask(self, question: str, **kwargs):
        with self.reading() as a:
            return a.ask(question, **kwargs)

    def search(self, text: str, **kwargs):
        with self.reading() as a:
            return a.search(text, **kwargs)

    def articles(self, *, sources=None, since=None, until=None, limit: int = 50, offset: int = 0) -> ArticlePage:
        with self.reading() as a:
            total, items = a.articles(sources=sources, since=since, until=until, limit=limit, offset=offset)
        return ArticlePage(total, offset, limit, items)

    def stats(self):
        with self.reading() as a:
            return a.stats()

    def outlets(self) -> list[str]:
        with self.reading() as a:
            return list(a.outlets())

    def example_questions(self, n: int) -> list[str]:
        with self.reading() as a:
            return [str(x) for x in a.example_questions(n)][:n]

    def refresh(self) -> bool:
        with self.reading() as a:
            return a.refresh()

    def warm_up(self) -> None:
        """Load the model and the faster engine before the first person asks."""
        with self.reading() as a:
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
            handle = self._writer_handle()
            if handle is None:
                with self._rw.write():
                    return self._a.ingest(paths, progress=progress)
            try:
                report = ingest(paths, index=handle, progress=progress, **({"fetcher": fetcher} if fetcher else {}))
            finally:
                handle.close()
            self._swap_in()
            return report

    def delete(self, article_ids) -> list[str]:
        """Remove articles by id (or unique prefix); ArticleNotFoundError removes nothing."""
        from index import delete

        with self._writing():
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
        now = _identity(self._dir)
        if now == self._dir_id:
            return
        if now is None:
            raise Rebuilding()
        with self._rw.write():
            if _identity(self._dir) != self._dir_id:
                self._replace()

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
