"""Concurrency: 50 concurrent `ask()` calls from threads on one Assistant (real model,
sample index) give 0 errors and the same answers as the same questions asked one at a time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = [
    "Which container ship blocked the Suez Canal in March 2021?",
    "Who is the chairman of the Suez Canal Authority?",
    "What was the magnitude of the first earthquake that struck Türkiye on 6 February 2023?",
    "When did the Artemis I rocket launch?",
    "What hit the Francis Scott Key Bridge in Baltimore?",
    "Where did Chandrayaan-3 land?",
    "How high did the Hunga Tonga eruption plume reach?",
    "What happened to the spire of Notre-Dame?",
    "How many people lost power in the Texas winter storm?",
    "Who won the football match on Mars?",  # abstains
]
N_CALLS = 50
FIGURES: dict = {}


def essence(answer) -> tuple:
    """What must not depend on concurrency: the text, the abstention, and every citation."""
    return (answer.text, answer.abstained, round(answer.confidence, 4),
            tuple((c.article_id, c.quote, c.start, c.end) for c in answer.citations))


def test_50_concurrent_asks_match_sequential_answers(sample_index_dir, real_embedder):
    from assistant import Assistant

    a = Assistant(sample_index_dir, embedder=real_embedder)
    try:
        t0 = time.monotonic()
        expected = {q: essence(a.ask(q)) for q in QUESTIONS}
        sequential = time.monotonic() - t0
        calls = [QUESTIONS[i % len(QUESTIONS)] for i in range(N_CALLS)]
        start = threading.Barrier(N_CALLS)

        def one(q):
            start.wait()  # all 50 threads ask at once
            t = time.monotonic()
            answer = a.ask(q)
            return q, essence(answer), time.monotonic() - t

        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=N_CALLS) as pool:
            futures = [pool.submit(one, q) for q in calls]
            outcomes, errors = [], []
            for f in futures:
                try:
                    outcomes.append(f.result(timeout=300))
                except Exception as e:  # noqa: BLE001 - counted, the test fails below
                    errors.append(repr(e))
        wall = time.monotonic() - t0
        different = [q for q, got, _ in outcomes if got != expected[q]]
        FIGURES.update(calls=N_CALLS, errors=len(errors), different=len(different),
                       sequential_s_per_question=round(sequential / len(QUESTIONS), 3),
                       concurrent_wall_s=round(wall, 2),
                       max_latency_s=round(max(t for *_, t in outcomes), 2) if outcomes else None)
        print("\nconcurrency:", FIGURES)
        assert not errors, errors[:3]
        assert not different, different[:3]
        assert len(outcomes) == N_CALLS
    finally:
        a.close()
