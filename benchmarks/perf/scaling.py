"""`perf-scaling` and `perf-memory`: ingest time, index size, ask latency and memory at 1k, 10k,
100k and 1M chunks.

* ingest time: at 1k chunks a real `assistant ingest` of the first RealTimeQA articles (through
  the model); at 10k and up, the model's share is projected from the chunks/s of the full
  RealTimeQA ingest (`perf-ingest`, benchmarks/out/perf/ingest.json) and the rest (SQLite, FTS5,
  FAISS build + save) is measured by writing the index directly (see data.py). Labelled as such.
* index size: SQLite file (articles, chunks with vectors, FTS5) + FAISS file, bytes on disk.
* ask latency: warm Assistant.ask() p50/p95 over the 110 RealTimeQA questions (numpy query
  encoder), from `latency._worker` in a fresh process per size.
* memory: peak RSS of that warm process, and of `assistant ingest` adding 20 articles to a copy
  of the 100k / 1M index (ingest at that size: open, load FAISS, embed, write, save), plus the
  in-memory size of the vectors + FAISS index.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import PERF_OUT, PY, machine, md_table, run_measured, save, say
from .latency import _summary, ensure_index, index_dir

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def _ingest_rate() -> float | None:
    p = PERF_OUT / "ingest.json"
    if not p.exists():
        return None
    return json.loads(p.read_text()).get("ours_chunks_per_s")


def _ask(n: int, qpath: Path) -> dict:
    r = run_measured([PY, "-m", "benchmarks.perf.latency", "worker", str(n), "numpy", str(qpath)])
    if r["rc"]:
        raise RuntimeError(r["stderr"][-3000:])
    res = json.loads(r["stdout"].split("RESULT ", 1)[1])
    res["summary"] = _summary(res)
    res.pop("rows")
    return res


def scaling(data: Path, out: Path, sizes=SIZES) -> int:
    from .data import ensure_corpus

    ensure_corpus(data, out)
    qpath = out / "realtimeqa" / "questions.jsonl"
    rate = _ingest_rate()
    rows, figs = [], {}
    for n in sizes:
        build = ensure_index(n, data, out)
        say(f"perf-scaling: {n:,} chunks: warm ask")
        ask = _ask(n, qpath)
        fig = {"build": build, "ask": ask, "model_chunks_per_s": rate, "load_average": machine()["load_average"]}
        if n <= 1_000:
            from .data import corpus_path
            from .ingest import run_ours, subset_corpus

            say(f"perf-scaling: {n:,} chunks: real ingest")
            real = run_ours(subset_corpus(corpus_path(out), 150), PERF_OUT / "ingest-1k")
            fig["real_ingest"] = real
            ingest_s, how = real["wall_s"] * n / real["chunks"], f"measured ({real['chunks']} chunks, scaled to {n})"
        elif rate:
            ingest_s = n / rate + build["seconds"]
            how = f"projected: n / {rate:.0f} chunks/s + direct build {build['seconds']:.0f} s"
        else:
            ingest_s, how = None, "run perf-ingest first"
        fig["ingest_s"], fig["ingest_how"] = ingest_s, how
        figs[str(n)] = fig
        s = ask["summary"]
        rows.append([f"{n:,}", ingest_s if ingest_s is not None else "", how, build["bytes"] / 2**20,
                     build["faiss_bytes"] / 2**20, ask["kind"], s["p50_ms"], s["p95_ms"], s["cpu_p50_ms"],
                     f"{ask['recall_at_10']:.3f}", ask["peak_rss_mb"]])
    path = save("scaling", figs)
    print(md_table(["chunks", "ingest s", "ingest: how", "index MB (all)", "FAISS MB", "FAISS type", "ask p50 ms",
                    "ask p95 ms", "ask CPU p50 ms", "recall@10", "warm RSS MB"], rows))
    print(f"\nfigures: {path}")
    return 0


def memory(data: Path, out: Path, sizes=(100_000, 1_000_000)) -> int:
    from .data import ensure_corpus

    corpus = ensure_corpus(data, out)
    # the corpus's last 20 articles: past the ones the indexes hold (see data.REAL_PIECES), so they
    # are really chunked, embedded and added
    extra = PERF_OUT / "corpus-last-20.jsonl"
    extra.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(keepends=True)[-20:]), encoding="utf-8")
    qpath = out / "realtimeqa" / "questions.jsonl"
    rows, figs = [], {}
    for n in sizes:
        ensure_index(n, data, out)
        src = index_dir(n)
        # in-memory size of vectors + FAISS index: RSS of a process that only loads it
        code = ("import resource, sys; from index.vectors import VectorIndex; from pathlib import Path\n"
                "import numpy as np\n"
                "r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                f"vi, _ = VectorIndex.load(Path({str(src / 'vectors.faiss')!r}))\n"
                "r1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                "print('RESULT', (r1 - r0) / 1024, vi.ntotal, vi.kind)\n")
        r = run_measured([PY, "-c", code])
        vec_mb = float(r["stdout"].split("RESULT ", 1)[1].split()[0]) if r["rc"] == 0 else None
        say(f"perf-memory: {n:,} chunks: warm ask process")
        ask = _ask(n, qpath)
        say(f"perf-memory: {n:,} chunks: assistant ingest of 20 articles into a copy")
        copy = PERF_OUT / f"index-{n}-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(src, copy)
        r = run_measured([str(Path(PY).parent / "assistant"), "ingest", str(extra), "--index", str(copy), "-q"])
        ingest_rss = (r["rss_kb"] or 0) / 1024
        shutil.rmtree(copy, ignore_errors=True)
        added = r["stdout"].strip().splitlines()[:1]
        figs[str(n)] = {"ingest_summary": added, "vectors_and_index_mb": vec_mb, "faiss_file_mb": (src / "vectors.faiss").stat().st_size / 2**20,
                        "warm_ask_peak_rss_mb": ask["peak_rss_mb"], "ingest_peak_rss_mb": ingest_rss,
                        "ingest_wall_s": r["wall"], "ingest_rc": r["rc"], "kind": ask["kind"],
                        "load_average": machine()["load_average"]}
        rows.append([f"{n:,}", ask["kind"], vec_mb, ask["peak_rss_mb"], ingest_rss])
    path = save("memory", figs)
    print(md_table(["chunks", "FAISS type", "vectors + index in memory, MB", "warm Assistant peak RSS, MB",
                    "assistant ingest (20 articles into it) peak RSS, MB"], rows))
    print(f"\nfigures: {path}")
    return 0
