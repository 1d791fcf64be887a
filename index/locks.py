"""The writer lock both stores take across processes: an exclusive `flock` on a lock file."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexBusyError


@contextmanager
def file_lock(path: Path | str, wait: float, where: object):
    """Hold an exclusive lock on `path` (created if missing) for the block; IndexBusyError naming
    `where` after `wait` seconds of another process holding it. Closing the file releases it, so a
    killed writer never leaves it held."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(f"another process is writing to the index at {where}; "
                                         f"try again when it has finished") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)
