"""A readers-writer lock: any number of readers at once, or one writer alone.

Writers are preferred: once a writer waits, readers arriving after it wait too, so a steady
stream of questions cannot starve an ingest's swap. The writer holds the lock only for the
moment it swaps new data in, not while it works.

Limits: not re-entrant. A thread holding a read lock must not take another one (a writer
waiting in between would deadlock them), nor the write lock.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self):
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def write(self):
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    @property
    def readers(self) -> int:
        """Readers inside right now (for tests and diagnostics)."""
        with self._cond:
            return self._readers
