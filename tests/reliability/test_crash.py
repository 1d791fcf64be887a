"""Crash safety: `assistant ingest` and `assistant delete`, killed with SIGKILL at random
moments, never leave an article half-written; the index opens, and re-running the command finishes
the job.

The commands run as real CLI processes with the fake embedder in place of the model
(`tests.reliability.fake_cli`) and small ingest transactions (8 chunks), so a full ingest makes ~45
commits for a kill to land between. To afford many kills, most runs are forked from a server that
did the imports once (`tests.reliability.forkserver`); the first kill of each test and every
"re-run to the end" use a fresh `python -m tests.reliability.fake_cli` interpreter. Kill moments
are uniform over the command's measured working time.

After every kill the directory is checked as it lies (SQLite read-only: every article is wholly
present — row, all chunks in order, their vectors, their FTS rows — or wholly absent; no stray
rows), then a copy is opened the product's way (FAISS repaired from SQLite where it lags), and
FAISS must hold exactly SQLite's chunks with the same vectors, each article findable by BM25 and
by vector search.
"""

from __future__ import annotations

import random
import shutil
import time

import pytest

from tests.reliability.corpus import make_articles, write_corpus
from tests.reliability.harness import (ForkServer, check_opens, check_whole, fake_cli, kill_after,
                                       run_to_end, snapshot)

pytestmark = pytest.mark.slow

N_ARTICLES = 240
MIN_KILLS = 20      # kills that landed while the command was still running
MAX_TRIALS = 45
CHILD_ENV = {"FAKE_BATCH_CHUNKS": 8}
FIGURES: dict[str, dict] = {}  # printed (-s) and copied into docs/RELIABILITY.md


@pytest.fixture(scope="module")
def forks(tmp_path_factory):
    fs = ForkServer(tmp_path_factory.mktemp("forks"))
    yield fs
    fs.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, forks):
    """(source folder, reference index dir, its snapshot, {article id: place name}, seconds a forked
    full ingest takes)."""
    work = tmp_path_factory.mktemp("crash")
    src = write_corpus(work / "src", make_articles(N_ARTICLES, seed=11))
    ref_dir = work / "reference"
    t0 = time.monotonic()
    done = forks.run("ingest", str(src), "--index", str(ref_dir), **CHILD_ENV)
    seconds = time.monotonic() - t0
    assert done.returncode == 0, done.stderr
    ref = snapshot(ref_dir)
    assert len(ref.articles) == N_ARTICLES and done.stdout.startswith(f"added {N_ARTICLES},")
    keys = {aid: title.split(" in ", 1)[1] for aid, title in ref.articles.items()}
    return src, ref_dir, ref, keys, seconds


def test_killed_ingest_leaves_whole_articles_and_resumes(corpus, forks, tmp_path):
    src, _, ref, keys, work = corpus
    rng = random.Random(20240607)
    d = tmp_path / "idx"
    argv = ("ingest", str(src), "--index", str(d))
    fig = FIGURES.setdefault("ingest", {"trials": 0, "kills_mid_run": 0, "finished_before_kill": 0,
                                        "states": {"no index yet": 0, "partial": 0, "complete": 0},
                                        "faiss_lagging": 0, "articles_checked": 0, "stale_tmp_files": 0,
                                        "resumed_from": None})
    while fig["kills_mid_run"] < MIN_KILLS and fig["trials"] < MAX_TRIALS:
        fig["trials"] += 1
        if fig["trials"] == 1:  # a fresh interpreter, killed after its imports
            killed = kill_after(fake_cli(*argv, **CHILD_ENV), rng.uniform(0.2, work))
        else:
            killed = forks.kill_after(rng.uniform(0.0, work), *argv, **CHILD_ENV)
        fig["kills_mid_run" if killed else "finished_before_kill"] += 1
        snap = snapshot(d)
        check_whole(snap, ref)
        fig["articles_checked"] += len(snap.articles)
        fig["stale_tmp_files"] += len(snap.stale_tmp_files)  # a kill inside save; the next save removes it
        if not snap.generation and not snap.articles:  # killed before the first commit
            fig["states"]["no index yet"] += 1
            continue
        fig["faiss_lagging"] += snap.vectors_generation != snap.generation
        check_opens(d, snap, keys)
        if len(snap.articles) == N_ARTICLES:
            fig["states"]["complete"] += 1
            shutil.rmtree(d)  # start over, so the next kill has work to interrupt
        else:
            fig["states"]["partial"] += 1

    if not d.exists():  # the last trial finished the corpus: crash one more run to resume from
        forks.kill_after(work / 2, *argv, **CHILD_ENV)
    before = fig["resumed_from"] = len(snapshot(d).articles)
    done = run_to_end(*argv, **CHILD_ENV)  # a fresh interpreter resumes what the kill left
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"added {N_ARTICLES - before}, unchanged {before},"), done.stdout
    final = snapshot(d)
    assert final.articles == ref.articles and final.chunks == ref.chunks
    assert final.vectors_generation == final.generation
    check_opens(d, final, keys)
    assert not final.stale_tmp_files, final.stale_tmp_files
    print("\ningest crash figures:", fig)
    assert fig["kills_mid_run"] >= MIN_KILLS, fig


def test_killed_delete_is_all_or_nothing_and_reruns(corpus, forks, tmp_path):
    src, ref_dir, ref, keys, _ = corpus
    rng = random.Random(7)
    d = tmp_path / "idx"
    shutil.copytree(ref_dir, d)
    t0 = time.monotonic()  # how long a forked delete of 60 articles takes, on a throwaway copy
    probe = tmp_path / "probe"
    shutil.copytree(ref_dir, probe)
    assert forks.run("delete", *rng.sample(sorted(ref.articles), 60), "--index", str(probe)).returncode == 0
    work = time.monotonic() - t0
    shutil.rmtree(probe)

    feeds = sorted(p for p in src.iterdir() if p.suffix == ".jsonl")
    fig = FIGURES.setdefault("delete", {"trials": 0, "kills_mid_run": 0, "finished_before_kill": 0,
                                        "committed_before_kill": 0, "untouched_at_kill": 0,
                                        "faiss_lagging": 0, "articles_checked": 0, "reruns_deleting": 0,
                                        "reruns_finding_nothing_left": 0})
    while fig["kills_mid_run"] < MIN_KILLS and fig["trials"] < MAX_TRIALS:
        fig["trials"] += 1
        if fig["trials"] % 4 == 0:  # by file: every article of one .jsonl feed
            feed = rng.choice(feeds)
            args = ["--path", str(feed)]
            targets = _ids_from(d, feed)
        else:
            targets = rng.sample(sorted(ref.articles), 60)
            args = list(targets)
        argv = ("delete", *args, "--index", str(d))
        if fig["trials"] == 1:
            killed = kill_after(fake_cli(*argv), rng.uniform(0.0, work))
        else:
            killed = forks.kill_after(rng.uniform(0.0, work * 1.2), *argv)
        fig["kills_mid_run" if killed else "finished_before_kill"] += 1
        snap = snapshot(d)
        check_whole(snap, ref)
        fig["articles_checked"] += len(snap.articles)
        gone = [t for t in targets if t not in snap.articles]
        assert len(gone) in (0, len(targets)), f"delete was not atomic: {len(gone)} of {len(targets)} gone"
        assert set(ref.articles) - set(targets) <= set(snap.articles), "a delete removed other articles"
        fig["committed_before_kill" if gone else "untouched_at_kill"] += 1
        fig["faiss_lagging"] += snap.vectors_generation != snap.generation
        check_opens(d, snap, keys)

        rerun = run_to_end(*argv) if fig["trials"] <= 2 else forks.run(*argv)
        if gone:  # already committed: the rerun says what is missing, in one line, and changes nothing
            assert rerun.returncode == 1 and rerun.stderr.startswith("assistant: error: no article"), rerun
            assert len(rerun.stderr.strip().splitlines()) == 1, rerun.stderr
            fig["reruns_finding_nothing_left"] += 1
        else:
            assert rerun.returncode == 0, rerun.stderr
            fig["reruns_deleting"] += 1
        after = snapshot(d)
        assert set(after.articles) == set(ref.articles) - set(targets)
        assert after.vectors_generation == after.generation
        check_opens(d, after, keys)
        shutil.rmtree(d)
        shutil.copytree(ref_dir, d)  # the full corpus again for the next trial
    print("\ndelete crash figures:", fig)
    assert fig["kills_mid_run"] >= MIN_KILLS, fig


def _ids_from(d, path) -> list[str]:
    from index.store import Store

    store = Store(d)
    try:
        return store.article_ids_for_path(str(path.resolve()))
    finally:
        store.close()
