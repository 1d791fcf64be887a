"""The scale-out benchmark behind docs/SCALE.md: Milvus Lite against the default store (SQLite +
FAISS) at 100k chunks, and ingest with Ray against the default path.

    python -m benchmarks.scale [--chunks 100000] [--questions 40] [--ray-articles 60] [--skip-ray]

1. **Stores.** Real text (every sentence of the RealTimeQA articles as a chunk, as the perf
   benchmarks build their 100k indexes, `benchmarks.perf.data.pieces`) with synthetic vectors
   (each article a random direction, each chunk near it, normalised): what is measured is what
   the stores cost, not the model, and embedding 100k chunks would take most of an hour here.
   Both stores are written through the same seam an ingest uses (`NewsStore.add_articles`,
   batches of ~256 chunks): store-side ingest throughput in chunks/s, the model excluded.
2. **Asking.** For each store, a fresh process opens `Assistant(index)` with the real model (the
   numpy query encoder), asks every question once to warm up, then again timed: ask p50/p95,
   and the retrieval step alone (dense + BM25 + fusion); peak RSS of that process; size on disk.
3. **Ray.** The first `--ray-articles` RealTimeQA articles ingested with the real model by the
   default path (torch engine, one thread per core) and with `ray=` on a local cluster of 2 CPUs
   (two actors), each in a fresh process: chunks/s of the whole ingest, cluster start excluded
   and reported apart.

Writes benchmarks/out/scale/scale.json and prints the tables. Timings on a shared machine
move with its load; the load average is recorded with them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import OUT, ROOT, SHARED_EVAL
from benchmarks.perf import machine, md_table, pct, say

SCALE_OUT = OUT / "scale"
BATCH_CHUNKS = 256


class _Dims:
    """Stands in for the model while writing precomputed vectors: its name and dimension only."""

    dim = 384

    def __init__(self):
        from index.encoders.embedder import resolve_model

        self.name = resolve_model("default")[0]

    def embed(self, texts):  # pragma: no cover - never called: vectors are given
        raise RuntimeError("the scale benchmark writes precomputed vectors")

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def _vectors(article_of: np.ndarray, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((int(article_of.max()) + 1, dim)).astype(np.float32)
    v = 0.6 * centres[article_of] + 0.4 * rng.standard_normal((len(article_of), dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def build(where: str, p, vecs: np.ndarray) -> dict:
    """Write the pieces as chunks into a fresh store at `where`; figures of the write."""
    from index.chunking import Span
    from index.stores import NewArticle, open_store, resolve_location

    loc = resolve_location(where)
    shutil.rmtree(loc.path, ignore_errors=True)
    idx = open_store(where, embedder=_Dims(), create=True)
    t0 = time.perf_counter()
    batch, pending, n = [], 0, 0
    try:
        with idx.write_lock():
            order = np.argsort(p.article_of, kind="stable")
            bounds = np.flatnonzero(np.diff(p.article_of[order])) + 1
            for group in np.split(order, bounds):
                art = p.articles[int(p.article_of[group[0]])]
                spans = [Span(i, int(p.starts[j]), int(p.ends[j]), p.texts[j]) for i, j in enumerate(group)]
                batch.append(NewArticle(art, spans, vecs[group]))
                pending += len(spans)
                if pending >= BATCH_CHUNKS:
                    idx.add_articles(batch)
                    n += pending
                    batch, pending = [], 0
                    if n % 10_240 < BATCH_CHUNKS:
                        say(f"  {loc.kind}: {n:,} chunks, {n / (time.perf_counter() - t0):,.0f}/s")
            if batch:
                idx.add_articles(batch)
                n += pending
            idx.flush()
    finally:
        idx.close()
    seconds = time.perf_counter() - t0
    return {"chunks": n, "seconds": seconds, "chunks_per_s": n / seconds, "bytes": _du(loc.path)}


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


_ASK = r"""
import json, resource, sys, time
from assistant import Assistant
where, questions = sys.argv[1], json.loads(sys.argv[2])
t0 = time.perf_counter(); a = Assistant(where); open_s = time.perf_counter() - t0
rss_open = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for q in questions: a.ask(q)
ask, search = [], []
for q in questions:
    t = time.perf_counter(); a.ask(q); ask.append(time.perf_counter() - t)
    t = time.perf_counter(); a.search(q); search.append(time.perf_counter() - t)
a.close()
print(json.dumps({"open_s": open_s, "ask": ask, "search": search, "rss_open_kb": rss_open,
                  "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def asking(where: str, questions: list[str]) -> dict:
    env = {"HF_HUB_OFFLINE": "1", "ASSISTANT_QUERY_ENCODER": "numpy", "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", _ASK, where, json.dumps(questions)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=3600)
    if r.returncode:
        raise RuntimeError(r.stderr[-3000:])
    got = json.loads(r.stdout.strip().splitlines()[-1])
    ms = {k: [1000 * x for x in got[k]] for k in ("ask", "search")}
    return {"open_s": got["open_s"], "ask_p50_ms": pct(ms["ask"], 50), "ask_p95_ms": pct(ms["ask"], 95),
            "search_p50_ms": pct(ms["search"], 50), "search_p95_ms": pct(ms["search"], 95),
            "rss_open_mb": got["rss_open_kb"] / 1024, "rss_peak_mb": got["rss_peak_kb"] / 1024}


_INGEST = r"""
import json, sys, time
from index import ingest
src, where, ray_cpus = sys.argv[1], sys.argv[2], int(sys.argv[3])
extra, start_s = {}, 0.0
if ray_cpus:
    import ray
    t = time.perf_counter(); ray.init(num_cpus=ray_cpus, include_dashboard=False, log_to_driver=False); start_s = time.perf_counter() - t
    extra = {"ray": "auto", "ray_workers": ray_cpus}
r = ingest([src], where, **extra)
print(json.dumps({"chunks": r.chunks_added, "seconds": r.seconds, "cluster_start_s": start_s}))
"""


def ray_ingest(corpus: Path, work: Path, articles: int) -> dict:
    src = work / "ray-src" / "articles.jsonl"
    src.parent.mkdir(parents=True, exist_ok=True)
    lines = [ln for ln in corpus.read_text(encoding="utf-8").splitlines() if ln.strip()][:articles]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = {}
    for name, cpus in (("default", 0), ("ray-2cpu", 2)):
        where = work / f"ray-{name}"
        shutil.rmtree(where, ignore_errors=True)
        env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
        r = subprocess.run([sys.executable, "-c", _INGEST, str(src), str(where), str(cpus)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=3600)
        if r.returncode:
            raise RuntimeError(r.stderr[-3000:])
        got = json.loads(r.stdout.strip().splitlines()[-1])
        out[name] = {**got, "chunks_per_s": got["chunks"] / got["seconds"]}
        say(f"  ingest {name}: {out[name]['chunks']} chunks at {out[name]['chunks_per_s']:.1f}/s")
    return out


def chunking_rate(corpus: Path, articles: int = 400) -> dict:
    """Reading and chunking alone (what the ingest driver does while Ray embeds), one core."""
    from index.chunking import Chunker
    from index.encoders.embedder import SentenceTransformerEmbedder
    from index.loading.walk import iter_articles
    from index.records import Article

    chunker = Chunker(SentenceTransformerEmbedder().count_tokens)
    t0 = time.perf_counter()
    n_articles = n_chunks = 0
    for item in iter_articles([corpus]):
        if isinstance(item, Article):
            n_chunks += len(chunker.split(item.text))
            n_articles += 1
            if n_articles >= articles:
                break
    seconds = time.perf_counter() - t0
    return {"articles": n_articles, "chunks": n_chunks, "seconds": seconds, "chunks_per_s": n_chunks / seconds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--ray-articles", type=int, default=60)
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--skip-stores", action="store_true")
    ap.add_argument("--data", type=Path, default=SHARED_EVAL)
    args = ap.parse_args(argv)
    from benchmarks.perf.data import ensure_corpus, pieces, questions

    work = SCALE_OUT
    work.mkdir(parents=True, exist_ok=True)
    corpus = ensure_corpus(args.data, OUT)
    figures: dict = {"machine": machine(), "chunks": args.chunks}
    if not args.skip_stores:
        p = pieces(corpus, limit=args.chunks)
        vecs = _vectors(p.article_of)
        qs = questions(OUT)[: args.questions]
        for name, where in (("faiss+sqlite", str(work / "local")), ("milvus-lite", f"milvus://{work / 'lite.db'}")):
            say(f"{name}: writing {len(p.texts):,} chunks")
            figures[name] = {"build": build(where, p, vecs)}
            say(f"{name}: asking {len(qs)} questions")
            figures[name]["ask"] = asking(where, qs)
    if not args.skip_ray:
        figures["ray"] = ray_ingest(corpus, work, args.ray_articles)
        figures["chunking"] = chunking_rate(corpus)
    figures["machine"]["load_after"] = machine()["load_average"]
    (work / "scale.json").write_text(json.dumps(figures, indent=2, default=str))
    print(report(figures))
    return 0


def report(f: dict) -> str:
    out = []
    stores = [s for s in ("faiss+sqlite", "milvus-lite") if s in f]
    if stores:
        rows = [[s, f[s]["build"]["chunks"], f[s]["build"]["chunks_per_s"], f[s]["ask"]["ask_p50_ms"],
                 f[s]["ask"]["ask_p95_ms"], f[s]["ask"]["search_p50_ms"], f[s]["build"]["bytes"] / 2**20,
                 f[s]["ask"]["rss_peak_mb"], f[s]["ask"]["open_s"]] for s in stores]
        out.append(md_table(["store", "chunks", "write chunks/s", "ask p50 ms", "ask p95 ms", "retrieve p50 ms",
                             "disk MB", "peak RSS MB", "open s"], rows))
    if "ray" in f:
        rows = [[k, v["chunks"], v["seconds"], v["chunks_per_s"], v["cluster_start_s"]] for k, v in f["ray"].items()]
        out.append(md_table(["ingest", "chunks", "seconds", "chunks/s", "cluster start s"], rows))
    if "chunking" in f:
        c = f["chunking"]
        out.append(f"reading + chunking alone: {c['chunks']} chunks of {c['articles']} articles, "
                   f"{c['chunks_per_s']:,.0f} chunks/s on one core")
    return "\n\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
