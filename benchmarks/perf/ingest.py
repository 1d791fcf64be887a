"""`perf-ingest`: whole `assistant ingest` of the RealTimeQA corpus vs LangChain's FAISS pipeline.

Ours: the CLI in a fresh process (`assistant ingest corpus.jsonl --index DIR -q`): Python start,
imports, model load, loading + cleaning, chunking, embedding, SQLite + FTS5, FAISS, saving.
Peer: `FAISS.from_texts` with `HuggingFaceEmbeddings` on the same model folder and the very
texts our run embedded (read back from our index: headline + chunk), in a fresh process too.
Its chunking and loading are not counted (it is handed the chunks), so the ratio is
conservative for us. Runs alternate (ours, peer, ours, peer...) so a change in the machine's
load hits both sides alike; each side's median is used.

Also measured here: (a) precision - the same chunks embedded in fp32 and bf16 (and by the numpy
encoder), mean/min cosine; (b) the pipeline's own cost - an in-process ingest with the
embedder's `embed` timed: overhead = everything but `embed`, as a share of the whole.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np

from index import DB_NAME

from . import PERF_OUT, PY, machine, md_table, median, run_measured, save, say


def subset_corpus(corpus: Path, articles: int | None) -> Path:
    if not articles:
        return corpus
    out = PERF_OUT / f"corpus-{articles}.jsonl"
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:articles]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(lines), encoding="utf-8")
    return out


def run_ours(corpus: Path, index_dir: Path, env: dict | None = None) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    r = run_measured([str(Path(PY).parent / "assistant"), "ingest", str(corpus), "--index", str(index_dir), "-q"],
                     env=env)
    if r["rc"] != 0:
        raise RuntimeError(f"assistant ingest failed: {r['stderr'][-2000:]}")
    m = re.search(r"\((\d+) chunks, ([\d.]+) s\)", r["stdout"])
    chunks = int(m.group(1)) if m else _count_chunks(index_dir)
    return {"wall_s": r["wall"], "cpu_s": r["cpu"], "peak_rss_mb": (r["rss_kb"] or 0) / 1024, "chunks": chunks,
            "ingest_s": float(m.group(2)) if m else None, "summary": r["stdout"].strip().splitlines()[:1]}


def _count_chunks(index_dir: Path) -> int:
    with sqlite3.connect(index_dir / DB_NAME) as c:
        return c.execute("SELECT count(*) FROM chunks").fetchone()[0]


def export_chunks(index_dir: Path, out: Path) -> int:
    """The texts our ingest embedded, in order, for the peer."""
    from index.pipeline import embedding_text

    with sqlite3.connect(index_dir / DB_NAME) as c, open(out, "w", encoding="utf-8") as f:
        n = 0
        for title, text in c.execute("SELECT a.title, c.text FROM chunks c JOIN articles a ON a.id = c.article_id "
                                     "ORDER BY c.id"):
            f.write(json.dumps({"text": embedding_text(title, text)}, ensure_ascii=False) + "\n")
            n += 1
    return n


def run_peer(chunks: Path, out_dir: Path, env: dict | None = None) -> dict:
    shutil.rmtree(out_dir, ignore_errors=True)
    r = run_measured([PY, "-m", "benchmarks.perf.lc_peer", "ingest", str(chunks), str(out_dir)], env=env)
    if r["rc"] != 0:
        raise RuntimeError(f"LangChain peer failed (is the bench extra installed?): {r['stderr'][-2000:]}")
    res = json.loads(r["stdout"].split("RESULT ", 1)[1])
    return {"wall_s": r["wall"], "cpu_s": r["cpu"], "peak_rss_mb": (r["rss_kb"] or 0) / 1024, **res}


def precision_check(chunks: Path, n: int = 256) -> dict:
    """Cosine between fp32 and bf16 (and numpy) embeddings of the same n chunk texts."""
    from index.encoders.embedder import SentenceTransformerEmbedder, cpu_has_bf16

    texts = [json.loads(line)["text"] for line, _ in zip(open(chunks, encoding="utf-8"), range(n))]
    fp32 = SentenceTransformerEmbedder(precision="fp32", query_encoder="torch").embed(texts)
    out = {"texts": len(texts), "cpu_has_bf16": cpu_has_bf16()}
    bf = SentenceTransformerEmbedder(precision="bf16", query_encoder="torch").embed(texts)
    cos = (fp32 * bf).sum(1)
    out["bf16_vs_fp32"] = {"mean": float(cos.mean()), "min": float(cos.min())}
    enc = SentenceTransformerEmbedder(query_encoder="numpy")
    if enc.fast_encoder() is not None:
        nv = enc.embed(texts)
        cos = (fp32 * nv).sum(1)
        out["numpy_vs_fp32"] = {"mean": float(cos.mean()), "min": float(cos.min())}
    return out


def overhead_profile(corpus: Path, index_dir: Path) -> dict:
    """In-process ingest with `embed` timed; the rest is the pipeline's own cost."""
    import cProfile
    import pstats

    from index.encoders.embedder import SentenceTransformerEmbedder
    from index.pipeline import ingest

    class Timed(SentenceTransformerEmbedder):
        embed_s = 0.0

        def embed(self, texts):
            t = time.perf_counter()
            try:
                return super().embed(texts)
            finally:
                Timed.embed_s += time.perf_counter() - t

    shutil.rmtree(index_dir, ignore_errors=True)
    emb = Timed()
    emb.load_torch()
    emb.embed(["warm up"] * 64)  # model load is not the pipeline's cost
    Timed.embed_s = 0.0
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    report = ingest([corpus], index_dir, embedder=emb)
    prof.disable()
    total = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    top = sorted(((v[2], f"{Path(k[0]).name}:{k[1]}({k[2]})") for k, v in stats.stats.items()), reverse=True)[:15]
    return {"chunks": report.chunks_added, "total_s": total, "embed_s": Timed.embed_s,
            "overhead_s": total - Timed.embed_s, "overhead_share": (total - Timed.embed_s) / total,
            "top_tottime": [(round(s, 3), name) for s, name in top],
            "note": "cProfile on: its own cost inflates the overhead share slightly"}


def main(data: Path, out: Path, repeat: int = 2, articles: int | None = None) -> int:
    from .data import ensure_corpus

    corpus = subset_corpus(ensure_corpus(data, out), articles)
    work = PERF_OUT / "ingest"
    work.mkdir(parents=True, exist_ok=True)
    ours, peer = [], []
    chunks_file = work / "chunks.jsonl"
    for i in range(repeat):
        say(f"perf-ingest: run {i + 1}/{repeat}: assistant ingest ({corpus.name})")
        ours.append({**run_ours(corpus, work / "ours"), "load_average": machine()["load_average"]})
        say(f"  {ours[-1]['chunks']} chunks in {ours[-1]['wall_s']:.1f} s")
        if i == 0:
            export_chunks(work / "ours", chunks_file)
        say(f"perf-ingest: run {i + 1}/{repeat}: LangChain FAISS.from_texts")
        peer.append({**run_peer(chunks_file, work / "langchain"), "load_average": machine()["load_average"]})
        say(f"  {peer[-1]['chunks']} chunks in {peer[-1]['wall_s']:.1f} s")
    n = ours[0]["chunks"]
    ours_wall, peer_wall = median([r["wall_s"] for r in ours]), median([r["wall_s"] for r in peer])
    ours_cpu, peer_cpu = median([r["cpu_s"] or 0 for r in ours]), median([r["cpu_s"] or 0 for r in peer])
    peer_embed = median([r["from_texts_s"] for r in peer])
    say("perf-ingest: precision check")
    prec = precision_check(chunks_file)
    say("perf-ingest: pipeline overhead profile (in-process)")
    over = overhead_profile(corpus, work / "profiled")
    figures = {
        "corpus": str(corpus), "chunks": n, "runs": repeat,
        "ours": ours, "langchain": peer,
        "ours_chunks_per_s": n / ours_wall, "langchain_chunks_per_s": n / peer_wall,
        "langchain_from_texts_chunks_per_s": n / peer_embed,
        "speedup_whole_process": peer_wall / ours_wall,
        "speedup_cpu_time": peer_cpu / ours_cpu if ours_cpu else None,
        "speedup_vs_from_texts_only": peer_embed / ours_wall,
        "precision": prec, "overhead": over,
    }
    path = save("ingest", figures)
    print(md_table(["", "news assistant (`assistant ingest`)", "LangChain (`FAISS.from_texts`)"], [
        ["chunks", n, peer[0]["chunks"]],
        ["whole process, s (median)", ours_wall, peer_wall],
        ["chunks/s, whole process", n / ours_wall, n / peer_wall],
        ["process CPU s (user + sys, median)", ours_cpu, peer_cpu],
        ["peak RSS, MB", median([r["peak_rss_mb"] for r in ours]), median([r["peak_rss_mb"] for r in peer])],
    ]))
    print(f"\nspeed-up, whole process: {peer_wall / ours_wall:.2f}x wall, "
          f"{peer_cpu / ours_cpu if ours_cpu else float('nan'):.2f}x CPU time (target >= 2.5x); "
          f"vs the peer's from_texts alone: {peer_embed / ours_wall:.2f}x")
    print(f"bf16 vs fp32: mean cosine {prec['bf16_vs_fp32']['mean']:.5f} (min {prec['bf16_vs_fp32']['min']:.5f}); "
          + (f"numpy vs fp32: {prec['numpy_vs_fp32']['mean']:.6f}" if "numpy_vs_fp32" in prec else ""))
    print(f"pipeline overhead (all but the model): {over['overhead_share']:.1%} of {over['total_s']:.1f} s "
          f"(target <= 10%)\n\nfigures: {path}")
    return 0
