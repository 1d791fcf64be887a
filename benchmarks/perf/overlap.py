"""`perf-overlap`: what reading on a worker thread saves. The reader reads the rules' shortlist
while the rules embed the same sentences (`ReaderRanker.overlap`, the default), or after them on
one thread (`overlap=False`, what the product did before).

One warm process on the 100k index of `perf-latency` (torch engines, as `serve` and `chat` have
them), the 110 RealTimeQA questions after 3 warm-up asks; each question is asked once each way,
in alternating order, so the host's drift (which moves separate runs by tens of milliseconds)
falls on both sides alike and the saving is read per question, paired. The two answers must be
the same text and confidence: the figure counts the questions where they differ (0 expected).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from . import machine, md_table, pct, save, say
from .latency import WARMUP, ensure_index, index_dir


def measure(n: int, questions: list[str]) -> dict:
    from assistant import AnswerSettings, Assistant
    from index.encoders.embedder import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(query_encoder="torch")
    emb.load_torch()
    a = Assistant(index_dir(n), embedder=emb, answer=AnswerSettings(ranker="reader"))
    a.ranker.warm()
    for q in questions[:WARMUP]:
        a.ask(q)
    wall = {True: [], False: []}
    differ = 0
    for i, q in enumerate(questions):
        got = {}
        for overlap in ((True, False) if i % 2 else (False, True)):
            a.ranker.overlap = overlap
            t = time.perf_counter()
            ans = a.ask(q)
            wall[overlap].append((time.perf_counter() - t) * 1000)
            got[overlap] = (ans.text, ans.confidence)
        differ += got[True] != got[False]
    a.close()
    saved = [s - o for s, o in zip(wall[False], wall[True])]
    return {"n": n, "questions": len(questions), "answers_differ": differ,
            "overlap": {"p50_ms": pct(wall[True], 50), "p95_ms": pct(wall[True], 95)},
            "sequential": {"p50_ms": pct(wall[False], 50), "p95_ms": pct(wall[False], 95)},
            "saved_ms": {"median": statistics.median(saved), "mean": statistics.mean(saved)}}


def main(data: Path, out: Path, n: int = 100_000) -> int:
    from .data import ensure_corpus

    ensure_corpus(data, out)
    ensure_index(n, data, out)
    qpath = out / "realtimeqa" / "questions.jsonl"
    questions = [json.loads(line)["question"] for line in open(qpath, encoding="utf-8") if line.strip()]
    say(f"perf-overlap: {n:,} chunks, {len(questions)} questions, each asked with and without the overlap")
    r = measure(n, questions)
    r["load_average"] = machine()["load_average"]
    path = save(f"overlap-{n}", r)
    rows = [[f"{n:,}", "reader on a worker while the rules embed (default)", r["overlap"]["p50_ms"],
             r["overlap"]["p95_ms"]],
            [f"{n:,}", "reader after the rules embed (overlap=False)", r["sequential"]["p50_ms"], r["sequential"]["p95_ms"]]]
    print(md_table(["chunks", "ask()", "p50 ms", "p95 ms"], rows))
    print(f"\nsaved per question (paired): median {r['saved_ms']['median']:.1f} ms, mean {r['saved_ms']['mean']:.1f} ms; "
          f"answers that differ: {r['answers_differ']} of {r['questions']}")
    print(f"figures: {path}")
    return 0 if r["answers_differ"] == 0 else 1

