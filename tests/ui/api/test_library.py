"""The Library shared by every door: questions side by side, writes that never block or break
readers except for their swap, rebuilds that answer Rebuilding meanwhile (fake embedder)."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.fakes import FakeEmbedder
from tests.ui.api.conftest import SUEZ

QUESTIONS = [SUEZ, "How high did the Hunga Tonga eruption plume reach?", "Where did Chandrayaan-3 land?",
             "What happened to the spire of Notre-Dame?", "When did the Artemis I rocket launch?",
             "What hit the Francis Scott Key Bridge in Baltimore?"]


class Recording(FakeEmbedder):
    """Counts how many embed() calls overlap; slow on texts containing `slow_word`: `delay`
    seconds, or, given `hold`, until that event is set (at most 10 s), with `holding` set
    meanwhile."""

    def __init__(self, slow_word: str = "", delay: float = 0.0, each: float = 0.0,
                 hold: threading.Event | None = None):
        super().__init__()
        self.slow_word, self.delay, self.each, self.hold = slow_word, delay, each, hold
        self.holding = threading.Event()
        self.inside = self.most = 0
        self._guard = threading.Lock()

    def embed(self, texts):
        with self._guard:
            self.inside += 1
            self.most = max(self.most, self.inside)
        try:
            if self.slow_word and any(self.slow_word in t for t in texts):
                if self.hold is not None:
                    self.holding.set()
                    self.hold.wait(10)
                time.sleep(self.delay)
            time.sleep(self.each)
            return super().embed(texts)
        finally:
            with self._guard:
                self.inside -= 1


@pytest.fixture
def make(fake_sample_index, tmp_path):
    from assistant import Assistant
    from ui.api import Library

    def build(embedder=None):
        d = tmp_path / "index"
        shutil.copytree(fake_sample_index, d)
        emb = embedder or FakeEmbedder()
        return Library(Assistant(d, embedder=emb), reopen=lambda: Assistant(d, embedder=emb)), d

    yield build


def test_questions_run_side_by_side_with_the_same_answers(make):
    emb = Recording(each=0.02)
    lib, _ = make(emb)
    # the engines a server reads with, loaded first: the numpy and torch readers agree only to
    # about the fourth decimal, and the switch happens in the background at the second question
    lib.warm_up()
    serial = [lib.ask(q).to_dict() for q in QUESTIONS]
    emb.most = 0
    with ThreadPoolExecutor(6) as pool:
        parallel = list(pool.map(lambda q: lib.ask(q).to_dict(), QUESTIONS * 3))
    assert parallel == serial * 3
    assert emb.most > 1, "questions waited for each other"


def test_an_ingest_does_not_hold_questions_up_and_is_seen_when_done(make, tmp_path):
    release = threading.Event()
    emb = Recording(slow_word="Slowgest", hold=release)
    lib, _ = make(emb)
    doc = tmp_path / "new.txt"
    doc.write_text("Slowgest Zeppelin Lands\n\nThe Slowgest zeppelin landed in Quorbton on Monday.")
    done = {}
    writer = threading.Thread(target=lambda: done.setdefault("report", lib.ingest([doc])))
    writer.start()
    assert emb.holding.wait(10)  # the ingest is embedding, and stays there until released
    answers = [lib.ask(q) for q in QUESTIONS[:3]]
    # answered while the write was still under way (had they waited for it, the hold would
    # have timed out first and the writer would be done)
    assert writer.is_alive() and all(a.citations for a in answers)
    release.set()
    writer.join(30)
    new_id = done["report"].added[0]
    hits = lib.search("Slowgest zeppelin Quorbton", k=1).hits
    assert hits[0].article_id == new_id and lib.stats().articles == 18


def test_delete_and_unknown_ids(make):
    from index import ArticleNotFoundError

    lib, _ = make()
    page = lib.articles(limit=1)
    victim = page.articles[0].id
    assert lib.delete([victim[:8]]) == [victim] and lib.stats().articles == page.total - 1
    assert victim not in {a.id for a in lib.articles(limit=100).articles}
    with pytest.raises(ArticleNotFoundError):
        lib.delete([victim])


def test_writers_take_turns(make, tmp_path, monkeypatch):
    from ui.api import LibraryBusy

    lib, _ = make(Recording(slow_word="Slowgest", delay=1.5))
    monkeypatch.setattr(lib, "WRITE_WAIT", 0.2)
    doc = tmp_path / "slow.txt"
    doc.write_text("Slowgest Report\n\nThe Slowgest report says nothing else.")
    writer = threading.Thread(target=lib.ingest, args=([doc],))
    writer.start()
    time.sleep(0.3)
    with pytest.raises(LibraryBusy, match="another write"):
        lib.delete(["0123456789abcdef"])
    writer.join(30)


def test_rebuild_refuses_requests_until_the_new_index_is_open(make):
    from ui.api import Rebuilding

    emb = Recording(slow_word="\n", delay=1.0)  # chunks are embedded as "title\ntext": the rebuild is slow
    lib, _ = make(emb)
    before = lib.assistant
    t = lib.start_rebuild()
    assert lib.rebuilding
    with pytest.raises(Rebuilding):
        lib.ask(SUEZ)
    with pytest.raises(Rebuilding):
        lib.ingest([])
    t.join(60)
    assert not lib.rebuilding and lib.assistant is not before
    assert lib.last_rebuild.added and lib.ask(SUEZ).citations


def test_a_rebuild_by_another_process_is_followed(make, tmp_path):
    lib, d = make()
    before = lib.assistant
    lib.ask(SUEZ)
    shutil.copytree(d, tmp_path / "fresh")  # what `assistant ingest --rebuild` does: a new directory
    d.rename(tmp_path / "old")
    (tmp_path / "fresh").rename(d)
    assert lib.ask(SUEZ).citations and lib.assistant is not before


def test_a_stand_in_is_written_in_place(tmp_path):
    from tests.ui.fake_assistant import FakeAssistant
    from ui.api import Library

    fake = FakeAssistant()
    lib = Library(fake)
    assert lib.ingest(["/x.txt"]).added == ["a0"] and fake.ingested == [["/x.txt"]]
