"""Connecting to Milvus: a Milvus Lite database file, or a server, as a `StoreLocation` names it.

Milvus Lite runs inside this process: pymilvus starts its gRPC server on a thread, bound to
127.0.0.1 on a free port, the first time a path is opened, and `release` stops it when the last
index open on that path in this process closes (and at exit, whatever happens). One process at
a time may hold a Lite database; a second gets `StoreUnavailableError` saying so. A server is
reached at `http://HOST:PORT` with an optional token from $ASSISTANT_MILVUS_TOKEN ("user:password"
or an API key; never a flag, so it stays out of shell histories and process lists).

Every failure to connect is a `StoreUnavailableError` naming the URI: pymilvus missing, a server
that does not answer within `CONNECT_TIMEOUT` seconds, a Lite file held by another process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import contextmanager

from index.errors import IndexNotFoundError, StoreUnavailableError
from index.stores.base import StoreLocation

CONNECT_TIMEOUT = 10.0
INSTALL_HINT = "install the scale extra: pip install 'news-assistant[scale]' (pymilvus, milvus-lite)"

_lite_users: dict[str, int] = {}  # Lite path -> indexes open on it in this process
_lite_lock = threading.Lock()


def pymilvus():
    """The pymilvus module, or StoreUnavailableError (raised by callers with their URI)."""
    import pymilvus as module  # noqa: PLC0415 - optional dependency, imported only for milvus:// locations

    return module


def connect(loc: StoreLocation, *, create: bool):
    """A `MilvusClient` for `loc`. IndexNotFoundError for a Lite path that does not exist unless
    `create`; StoreUnavailableError for anything that prevents connecting."""
    try:
        MilvusClient = pymilvus().MilvusClient
    except ImportError as e:
        raise StoreUnavailableError(loc.uri, f"pymilvus is not installed ({e}); {INSTALL_HINT}") from None
    if loc.kind == "milvus-lite":
        return _connect_lite(loc, MilvusClient, create)
    token = os.environ.get("ASSISTANT_MILVUS_TOKEN", "")
    try:
        with _quiet():
            return MilvusClient(uri=loc.address, token=token, db_name=loc.db_name, timeout=CONNECT_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - pymilvus raises several kinds; all mean "not reachable"
        raise StoreUnavailableError(
            loc.uri, f"cannot reach the Milvus server at {loc.address} (database {loc.db_name!r}): "
                     f"{_reason(e)}. Start it, or check the address and $ASSISTANT_MILVUS_TOKEN") from None


def _connect_lite(loc: StoreLocation, MilvusClient, create: bool):
    path = loc.path
    if not path.exists():
        if not create:
            raise IndexNotFoundError(loc.uri)
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.is_dir():
        raise StoreUnavailableError(loc.uri, f"{path} is not a Milvus Lite database (Milvus Lite keeps a folder)")
    try:
        import milvus_lite  # noqa: F401 - pymilvus needs it for .db paths; say so before it does
    except ImportError as e:
        raise StoreUnavailableError(loc.uri, f"milvus-lite is not installed ({e}); {INSTALL_HINT}") from None
    key = str(path.resolve())
    with _lite_lock:
        try:
            with _quiet():
                client = MilvusClient(uri=key, timeout=CONNECT_TIMEOUT)
        except Exception as e:  # noqa: BLE001
            if _held_elsewhere(path):
                raise StoreUnavailableError(
                    loc.uri, "another process has this Milvus Lite database open; Milvus Lite serves one "
                             "process at a time (stop it, or use a Milvus server for several)") from None
            raise StoreUnavailableError(loc.uri, f"cannot open the Milvus Lite database: {_reason(e)}") from None
        _lite_users[key] = _lite_users.get(key, 0) + 1
    return client


def release(loc: StoreLocation, client) -> None:
    """Close `client`; stop the in-process Lite server when no index here uses the path any more."""
    try:
        client.close()
    except Exception:  # noqa: BLE001 - closing a dead connection has nothing left to do
        pass
    if loc.kind != "milvus-lite":
        return
    key = str(loc.path.resolve())
    with _lite_lock:
        left = _lite_users.get(key, 1) - 1
        if left > 0:
            _lite_users[key] = left
            return
        _lite_users.pop(key, None)
    try:
        from milvus_lite import server_manager_instance

        server_manager_instance.release_server(key)
    except Exception:  # noqa: BLE001 - an older milvus-lite without it stops at exit instead
        pass


def _held_elsewhere(path) -> bool:
    """True when another process holds Milvus Lite's lock on the database folder."""
    lock = path / "LOCK"
    if not lock.exists():
        return False
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


@contextmanager
def _quiet():
    """pymilvus and milvus-lite log a traceback for a failed connection before raising; the
    typed error that follows says it in one line, so those loggers are muted meanwhile."""
    loggers = [logging.getLogger(n) for n in ("pymilvus", "milvus_lite", "milvus_lite.server_manager")]
    before = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, before):
            lg.setLevel(level)


def _reason(e: BaseException) -> str:
    text = getattr(e, "message", "") or str(e) or type(e).__name__
    return " ".join(str(text).split())[:300]
