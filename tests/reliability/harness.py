"""Shared machinery of the reliability tests: run the CLI in a child process (fake embedder),
kill it at a chosen moment, and check an index directory article by article."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index import DB_NAME
from tests.fakes import FakeEmbedder
from tests.reliability.fake_cli import READY

ROOT = Path(__file__).resolve().parents[2]
DIM = 64  # FakeEmbedder's


def child_env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "FAKE_READY_MARK": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def fake_cli(*args: str, **env) -> subprocess.Popen:
    """`assistant ARGS...` in a child with the fake embedder; stderr is a pipe (READY, errors)."""
    return subprocess.Popen([sys.executable, "-m", "tests.reliability.fake_cli", *args], cwd=ROOT,
                            env=child_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def wait_ready(proc: subprocess.Popen, timeout: float = 60.0) -> float:
    """Block until the child prints READY (its imports are done); return that moment."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    buf = b""
    deadline = time.monotonic() + timeout
    while READY.encode() not in buf:
        if time.monotonic() > deadline or proc.poll() is not None and not sel.select(0):
            raise AssertionError(f"child never got ready: {buf.decode(errors='replace')[-2000:]}")
        for key, _ in sel.select(0.5):
            chunk = os.read(key.fd, 4096)
            if not chunk:
                break
            buf += chunk
    sel.close()
    return time.monotonic()


def run_to_end(*args: str, timeout: float = 120.0, **env) -> subprocess.CompletedProcess:
    proc = fake_cli(*args, **{"FAKE_READY_MARK": "", **env})
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out.decode(), err.decode())


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the child `delay` seconds after it got ready; True if it was still running then."""
    t0 = wait_ready(proc)
    remaining = delay - (time.monotonic() - t0)
    if remaining > 0:
        time.sleep(remaining)
    running = proc.poll() is None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
    return running


class ForkServer:
    """Client of `tests.reliability.forkserver`: start CLI children cheaply, kill them, reap them."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.forkserver"], cwd=ROOT,
                                     env=child_env(FAKE_READY_MARK=""), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        assert "ready" in self._reply(), "fork server did not start"
        self.n = 0

    def _reply(self) -> dict:
        import json

        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError("fork server died")
        return json.loads(line)

    def _send(self, msg: dict) -> dict:
        import json

        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        return self._reply()

    def start(self, *argv: str, **env) -> tuple[int, Path, Path]:
        self.n += 1
        out, err = self.tmp / f"child{self.n}.out", self.tmp / f"child{self.n}.err"
        pid = self._send({"run": list(argv), "env": {k: str(v) for k, v in env.items()},
                          "out": str(out), "err": str(err)})["pid"]
        return pid, out, err

    def wait(self, pid: int) -> int:
        return self._send({"wait": pid})["rc"]

    def run(self, *argv: str, **env) -> subprocess.CompletedProcess:
        pid, out, err = self.start(*argv, **env)
        rc = self.wait(pid)
        return subprocess.CompletedProcess(list(argv), rc, out.read_text(), err.read_text())

    def kill_after(self, delay: float, *argv: str, **env) -> bool:
        """Run a command and SIGKILL it `delay` s after the fork; True if it was still running."""
        pid, _, _ = self.start(*argv, **env)
        time.sleep(delay)
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        rc = self.wait(pid)
        return rc == -signal.SIGKILL

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- what a directory holds ------------------------------------------------------------------------------
@dataclass
class Snapshot:
    """An index directory as read straight from its SQLite file (no FAISS repair, no lock)."""

    articles: dict[str, str] = field(default_factory=dict)        # id -> title
    chunks: dict[str, list[str]] = field(default_factory=dict)    # article id -> chunk texts by ord
    chunk_ids: set[int] = field(default_factory=set)
    generation: int = 0
    vectors_generation: int | None = None
    stale_tmp_files: list[str] = field(default_factory=list)


def snapshot(d: Path) -> Snapshot:
    from index.vectors import VECTORS_NAME, VectorIndex

    snap = Snapshot()
    if not (d / DB_NAME).exists():
        return snap
    # not mode=ro: after a crash SQLite must be able to recover the WAL, as any open would
    conn = sqlite3.connect(d / DB_NAME)
    conn.execute("PRAGMA query_only=1")
    try:
        if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return snap  # created, schema never committed: no index yet (the next open starts over)
        snap.articles = dict(conn.execute("SELECT id, title FROM articles"))
        rows = conn.execute("SELECT id, article_id, ord, text, length(vector) FROM chunks ORDER BY article_id, ord")
        for cid, aid, ord_, text, nbytes in rows:
            assert aid in snap.articles, f"chunk {cid} of missing article {aid}"
            assert nbytes == DIM * 4, f"chunk {cid} has a {nbytes}-byte vector"
            assert ord_ == len(snap.chunks.setdefault(aid, [])), f"chunk order gap in {aid}"
            snap.chunks[aid].append(text)
            snap.chunk_ids.add(cid)
        fts = dict(conn.execute("SELECT rowid, text FROM chunk_fts"))
        texts = dict(conn.execute("SELECT id, text FROM chunks"))
        assert set(fts) == snap.chunk_ids, (
            f"FTS rows without chunks: {sorted(set(fts) - snap.chunk_ids)[:5]}, "
            f"chunks without FTS rows: {sorted(snap.chunk_ids - set(fts))[:5]}")
        assert all(fts[i] == texts[i] for i in fts), "an FTS row differs from its chunk"
        snap.generation = int(conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])
    finally:
        conn.close()
    header = VectorIndex.read_header(d / VECTORS_NAME)
    snap.vectors_generation = header.get("generation") if header else None
    snap.stale_tmp_files = sorted(p.name for p in d.glob(VECTORS_NAME + ".tmp*"))
    return snap


def check_whole(snap: Snapshot, reference: Snapshot) -> None:
    """Every article in `snap` is one of the reference's with exactly its chunks; none is partial."""
    unknown = set(snap.articles) - set(reference.articles)
    assert not unknown, f"articles that are not in the corpus: {sorted(unknown)[:5]}"
    for aid in snap.articles:
        assert snap.chunks.get(aid) == reference.chunks[aid], f"article {aid} is not whole"


def check_opens(d: Path, snap: Snapshot, keys: dict[str, str]) -> None:
    """Open a copy of `d` as the product does (repairing FAISS); FAISS must then hold exactly the
    chunks SQLite holds with the same vectors, and each article must be findable both ways.
    `keys`: article id -> its unique place name."""
    from index.pipeline import open_index
    from tests.fakes import FakeEmbedder

    copy = d.with_name(d.name + "-check")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(d, copy)
    try:
        idx = open_index(copy, embedder=FakeEmbedder())
        try:
            ids = np.sort(idx.vectors.ids())
            assert ids.tolist() == sorted(snap.chunk_ids), "FAISS ids differ from SQLite's chunks"
            for cid, blob in idx.store.conn.execute("SELECT id, vector FROM chunks"):
                stored = np.frombuffer(blob, dtype=np.float32)
                assert np.array_equal(idx.vectors.index.reconstruct(int(cid)), stored), f"vector {cid}"
            for aid in list(snap.articles)[:: max(1, len(snap.articles) // 25)]:  # a spread of articles
                key = keys[aid]
                lex = idx.lexical_search(key, 3)
                assert lex and lex[0].chunk.article_id == aid, f"BM25 does not find {key}"
                assert_vectors_found(idx, aid)
        finally:
            idx.close()
        after = snapshot(copy)
        assert after.vectors_generation == after.generation, "opening did not save a repaired FAISS file"
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def assert_vectors_found(idx, article_id: str) -> None:
    """Each chunk of the article, searched by its own stored vector, comes back first from FAISS."""
    rows = idx.store.conn.execute("SELECT id, vector FROM chunks WHERE article_id=?", (article_id,)).fetchall()
    assert rows, f"article {article_id} has no chunks"
    for cid, blob in rows:
        hits = idx.dense_search(np.frombuffer(blob, dtype=np.float32), 3)
        assert cid in [h.chunk.id for h in hits], f"FAISS does not find chunk {cid} of {article_id}"


class CachedFakeEmbedder(FakeEmbedder):
    """FakeEmbedder (same name, so it opens the same indexes) with its word vectors cached: the
    hostile-input corpus repeats the same words hundreds of thousands of times."""

    def __init__(self, dim: int = 64):
        super().__init__(dim)
        self._cache: dict[str, np.ndarray] = {}

    def _word_vec(self, word: str) -> np.ndarray:
        vec = self._cache.get(word)
        if vec is None:
            vec = self._cache[word] = super()._word_vec(word)
        return vec
