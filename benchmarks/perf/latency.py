"""`perf-latency`: warm `Assistant.ask()` at 100k and 1M chunks, vs LangChain's
`similarity_search` + top chunk over the same texts and vectors; recall@10 of the FAISS index
type chosen by size against exact search, on real question embeddings.

Indexes are built by `data.build_index` (real sentences and their real vectors; tiled and
perturbed past the real count - see data.py). Each (size, system) is measured in its own
process, so its peak RSS is that of a warm process holding that index: the Assistant with its
SQLite connection, FAISS index and model/encoder, or LangChain's store. Questions: the 110
RealTimeQA questions, after 3 warm-up asks; every ask is timed whole (wall and CPU), and the
time inside the embedder, the FAISS search and the FTS5 search is recorded per ask.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from index import DB_NAME

from . import PERF_OUT, PY, Timer, machine, md_table, pct, run_measured, save, say

SIZES = (100_000, 1_000_000)
WARMUP = 3


def index_dir(n: int) -> Path:
    return PERF_OUT / f"index-{n}"


def ensure_index(n: int, data: Path, out: Path, rebuild: bool = False) -> dict:
    """Build (or reuse) the n-chunk index; returns its build figures."""
    from . import data as d

    marker = index_dir(n) / "perf-build.json"
    if marker.exists() and not rebuild:
        return json.loads(marker.read_text())
    p = d.pieces(d.ensure_corpus(data, out))
    vecs = d.piece_vectors(p)
    say(f"building the {n:,}-chunk index (SQLite + FTS5 + FAISS, vectors written directly)")
    fig = d.build_index(n, index_dir(n), p, vecs)
    marker.write_text(json.dumps(fig))
    return fig


def _worker(n: int, encoder: str, questions_path: str, ranker: str = "reader") -> dict:
    """In a fresh process: open the index warm, ask every question, report timings + RSS."""
    import resource

    from assistant import AnswerSettings, Assistant
    from index.encoders.embedder import SentenceTransformerEmbedder

    qs = [json.loads(line)["question"] for line in open(questions_path, encoding="utf-8") if line.strip()]
    t = time.perf_counter()
    emb = SentenceTransformerEmbedder(query_encoder=encoder)
    if encoder == "torch":
        emb.load_torch()
    a = Assistant(index_dir(n), embedder=emb, answer=AnswerSettings(ranker=ranker))
    a.ranker.warm()  # a warm process: the reader's torch engine loaded, as serve and chat load it
    open_s = time.perf_counter() - t
    idx = a.index
    spent = {"embed": 0.0, "dense": 0.0, "lexical": 0.0}

    def timed(obj, name, key):
        f = getattr(obj, name)

        def g(*args, **kw):
            t0 = time.perf_counter()
            try:
                return f(*args, **kw)
            finally:
                spent[key] += time.perf_counter() - t0
        setattr(obj, name, g)

    timed(emb, "embed", "embed")
    timed(idx, "dense_search", "dense")
    timed(idx, "lexical_search", "lexical")
    for q in qs[:WARMUP]:
        a.ask(q)
    rows = []
    for q in qs:
        for k in spent:
            spent[k] = 0.0
        with Timer() as tm:
            ans = a.ask(q)
        rows.append({"wall": tm.wall, "cpu": tm.cpu, **{k: v for k, v in spent.items()},
                     "abstained": ans.abstained})
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the recall check
    # recall@10 of the live index vs exact search over the same vectors, on the question vectors
    recall = _recall(idx, emb.embed(qs))
    return {"n": n, "encoder": encoder, "ranker": ranker, "open_s": open_s, "kind": idx.vectors.kind, "rows": rows,
            "recall_at_10": recall, "peak_rss_mb": peak_rss_mb, "nprobe": _nprobe(idx)}


def _nprobe(idx):
    if idx.vectors.kind != "ivf":
        return None
    import faiss

    ivf = faiss.extract_index_ivf(idx.vectors.index)
    return {"nlist": int(ivf.nlist), "nprobe": int(ivf.nprobe)}


def _recall(idx, qv: np.ndarray, k: int = 10) -> float:
    import faiss

    _, got = idx.vectors.search(qv, k)
    if idx.vectors.kind == "flat":
        return 1.0  # the flat index *is* exact search
    ids, vecs = [], []
    for i, v in idx.store.iter_vectors(idx.dim):
        ids.append(i)
        vecs.append(v)
    exact = faiss.IndexIDMap2(faiss.IndexFlatIP(idx.dim))
    exact.add_with_ids(np.concatenate(vecs), np.concatenate(ids))
    _, want = exact.search(np.ascontiguousarray(qv, np.float32), k)
    return float(np.mean([len(set(g) & set(w)) / k for g, w in zip(got, want)]))


def _summary(r: dict) -> dict:
    rows = r["rows"]
    w = [x["wall"] * 1000 for x in rows]
    c = [x["cpu"] * 1000 for x in rows]
    return {"p50_ms": pct(w, 50), "p95_ms": pct(w, 95), "cpu_p50_ms": pct(c, 50), "cpu_p95_ms": pct(c, 95),
            "embed_p50_ms": pct([x["embed"] * 1000 for x in rows], 50),
            "dense_p50_ms": pct([x["dense"] * 1000 for x in rows], 50),
            "lexical_p50_ms": pct([x["lexical"] * 1000 for x in rows], 50),
            "answered": sum(not x["abstained"] for x in rows), "asked": len(rows)}


def export_texts(n: int, path: Path) -> None:
    """The first n chunk texts (as embedded: headline + text) for the LangChain peer."""
    import sqlite3

    from index.pipeline import embedding_text

    with sqlite3.connect(index_dir(n) / DB_NAME) as c, open(path, "w", encoding="utf-8") as f:
        for title, text in c.execute("SELECT a.title, c.text FROM chunks c JOIN articles a ON a.id = c.article_id "
                                     "ORDER BY c.id LIMIT ?", (n,)):
            f.write(json.dumps({"text": embedding_text(title, text)}, ensure_ascii=False) + "\n")


def main(data: Path, out: Path, sizes=SIZES, encoders=("numpy", "torch"), peer: bool = True,
         rebuild: bool = False, rankers=("reader", "rules")) -> int:
    from .data import ensure_corpus

    ensure_corpus(data, out)
    qpath = out / "realtimeqa" / "questions.jsonl"
    results = {"sizes": {}}
    name = "latency" if tuple(sizes) == SIZES else "latency-" + "-".join(map(str, sizes))
    for n in sizes:
        build = ensure_index(n, data, out, rebuild=rebuild)
        entry = {"build": build, "assistant": {}, "langchain": None}
        for enc, ranker in [(e, rk) for rk in rankers for e in encoders]:
            say(f"perf-latency: {n:,} chunks, Assistant.ask, {ranker} ranker, {enc} query encoder")
            r = run_measured([PY, "-m", "benchmarks.perf.latency", "worker", str(n), enc, str(qpath), ranker])
            if r["rc"] != 0:
                raise RuntimeError(r["stderr"][-3000:])
            res = json.loads(r["stdout"].split("RESULT ", 1)[1])
            res["summary"] = _summary(res)
            res["load_average"] = machine()["load_average"]
            entry["assistant"][f"{ranker}/{enc}"] = res
            s = res["summary"]
            say(f"  p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms (CPU p50 {s['cpu_p50_ms']:.0f} ms), "
                f"recall@10 {res['recall_at_10']:.3f}, RSS {res['peak_rss_mb']:.0f} MB")
        if peer:
            say(f"perf-latency: {n:,} chunks, LangChain similarity_search")
            texts = PERF_OUT / f"texts-{n}.jsonl"
            export_texts(n, texts)
            r = run_measured([PY, "-m", "benchmarks.perf.latency", "peer", str(n), str(texts), str(qpath)])
            if r["rc"] != 0:
                raise RuntimeError(r["stderr"][-3000:])
            res = json.loads(r["stdout"].split("RESULT ", 1)[1])
            ms = [t * 1000 for t in res.pop("times")]
            res.update({"p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "load_average": machine()["load_average"]})
            entry["langchain"] = res
            texts.unlink(missing_ok=True)
            say(f"  p50 {res['p50_ms']:.0f} ms, p95 {res['p95_ms']:.0f} ms, RSS {res['peak_rss_kb'] / 1024:.0f} MB")
        results["sizes"][str(n)] = entry
        save(name, results)  # after every size: a later failure keeps what was measured
    path = save(name, results)
    rows = []
    for n, e in results["sizes"].items():
        for enc, r in e["assistant"].items():
            s = r["summary"]
            ranker, encoder = enc.split("/") if "/" in enc else ("rules", enc)
            rows.append([f"{int(n):,}", f"news assistant ask() ({ranker} ranker, {encoder} query encoder)", r["kind"],
                         s["p50_ms"], s["p95_ms"],
                         s["cpu_p50_ms"], f"{r['recall_at_10']:.3f}", r["peak_rss_mb"]])
        if e["langchain"]:
            lc = e["langchain"]
            rows.append([f"{int(n):,}", "LangChain similarity_search(k=1)", "flat L2", lc["p50_ms"], lc["p95_ms"], "",
                         "1 (exact)", lc["peak_rss_kb"] / 1024])
    print(md_table(["chunks", "system", "FAISS index", "p50 ms", "p95 ms", "CPU p50 ms", "recall@10",
                    "peak RSS MB"], rows))
    print(f"\nfigures: {path}")
    return 0


def _peer(n: int, texts_path: str, questions_path: str) -> dict:
    """LangChain's FAISS store over the same n texts and vectors (built the way from_embeddings
    builds it - IndexFlatL2 + InMemoryDocstore - but from numpy, since a list of 1M python
    float lists would need ~10 GB), then similarity_search per question."""
    import resource

    import faiss
    from langchain_community.docstore.in_memory import InMemoryDocstore
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document

    from .lc_peer import _embeddings

    import sqlite3

    vecs = np.zeros((n, 384), np.float32)
    with sqlite3.connect(index_dir(n) / DB_NAME) as c:
        pos = 0
        for (blob,) in c.execute("SELECT vector FROM chunks ORDER BY id LIMIT ?", (n,)):
            vecs[pos] = np.frombuffer(blob, np.float32)
            pos += 1
    texts = [json.loads(line)["text"] for line in open(texts_path, encoding="utf-8")]
    qs = [json.loads(line)["question"] for line in open(questions_path, encoding="utf-8") if line.strip()]
    emb = _embeddings()
    emb.embed_query("warm up")
    t = time.perf_counter()
    index = faiss.IndexFlatL2(vecs.shape[1])
    index.add(vecs)
    ids = [str(i) for i in range(n)]
    store = FAISS(emb, index, InMemoryDocstore({i: Document(page_content=tx) for i, tx in zip(ids, texts)}),
                  dict(enumerate(ids)))
    del vecs
    build_s = time.perf_counter() - t
    for q in qs[:WARMUP]:
        store.similarity_search(q, k=1)
    times = []
    for q in qs:
        t = time.perf_counter()
        store.similarity_search(q, k=1)
        times.append(time.perf_counter() - t)
    return {"chunks": n, "build_s": build_s, "times": times,
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if sys.argv[1] == "worker":
        result = _worker(int(sys.argv[2]), sys.argv[3], sys.argv[4], *sys.argv[5:6])
    elif sys.argv[1] == "peer":
        result = _peer(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        raise SystemExit("usage: python -m benchmarks.perf.latency worker|peer N ...")
    print("RESULT " + json.dumps(result))
