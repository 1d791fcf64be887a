"""The readers-writer lock: readers share, a writer is alone, a waiting writer goes before new readers."""

from __future__ import annotations

import threading
import time

from ui.api.rwlock import RWLock


def test_readers_share():
    lock, both_in = RWLock(), threading.Barrier(2, timeout=5)

    def reader():
        with lock.read():
            both_in.wait()  # breaks (BrokenBarrierError) unless both are inside at once

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert not both_in.broken and lock.readers == 0


def test_writer_waits_for_readers_and_goes_before_new_ones():
    lock, order = RWLock(), []
    first_in, release_first = threading.Event(), threading.Event()

    def first_reader():
        with lock.read():
            first_in.set()
            release_first.wait(5)
            order.append("reader 1 out")

    def writer():
        with lock.write():
            order.append("writer")

    def late_reader():
        with lock.read():
            order.append("reader 2")

    threads = [threading.Thread(target=first_reader)]
    threads[0].start()
    first_in.wait(5)
    threads.append(threading.Thread(target=writer))
    threads[1].start()
    time.sleep(0.1)  # the writer is waiting now
    threads.append(threading.Thread(target=late_reader))
    threads[2].start()
    time.sleep(0.1)
    assert order == []  # the writer waits for reader 1; reader 2 waits behind the writer
    release_first.set()
    for t in threads:
        t.join(5)
    assert order == ["reader 1 out", "writer", "reader 2"]


def test_writers_exclude_each_other_and_readers():
    lock, inside, worst = RWLock(), [0], [0]
    guard = threading.Lock()

    def enter(kind):
        with (lock.write() if kind == "w" else lock.read()):
            with guard:
                inside[0] += 100 if kind == "w" else 1
                worst[0] = max(worst[0], inside[0])
            time.sleep(0.005)
            with guard:
                inside[0] -= 100 if kind == "w" else 1

    threads = [threading.Thread(target=enter, args=("w" if i % 4 == 0 else "r",)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert worst[0] <= 100  # a writer (100) was only ever inside alone: never with a reader or a writer
    assert inside[0] == 0 and lock.readers == 0
