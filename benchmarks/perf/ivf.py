"""`perf-ivf`: recall@10 and search time of IVF settings at 1M chunks, on real query vectors.

The vectors are the 1M of `data.tiled` (100k real sentence vectors, then perturbed copies); the
queries are the 110 RealTimeQA questions embedded by the index's model, plus 1,000 held-out
real sentences (from articles past the ones indexed) for a steadier estimate. Exact top-10 comes
from a flat inner-product index over the same vectors. For each nlist the IVF is trained as
`index.vectors` trains it, then every nprobe is tried; time is single-query search, one thread,
median over the queries. `index.vectors` takes its nlist/nprobe rule from this table.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from . import Timer, md_table, save, say


def queries(out: Path, n_heldout: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    from index.encoders.embedder import SentenceTransformerEmbedder

    from . import data as d
    from .data import questions

    emb = SentenceTransformerEmbedder(query_encoder="numpy")
    qv = emb.embed(questions(out))
    allp = d.pieces(d.corpus_path(out), limit=10**9)
    used = d.pieces(d.corpus_path(out))
    rest = allp.texts[len(used.texts):]
    rng = np.random.default_rng(1)
    pick = [rest[i] for i in rng.choice(len(rest), size=min(n_heldout, len(rest)), replace=False)]
    hv = np.concatenate([emb.embed(pick[i:i + 64]) for i in range(0, len(pick), 64)])
    return qv, hv


def _saved_ivf(n: int):
    """The IVF inside perf-latency's n-chunk index, if it has been built."""
    from index.vectors import VectorIndex

    from .latency import index_dir

    path = index_dir(n) / "vectors.faiss"
    if not path.exists():
        return None
    vi, _ = VectorIndex.load(path)
    return vi.index if vi.kind == "ivf" else None  # the proxy that owns the C++ index


def main(data: Path, out: Path, n: int = 1_000_000, nlists=(1024,),
         nprobes=(8, 16, 32, 48, 64, 96, 128, 192, 256)) -> int:
    import faiss

    from . import data as d
    from index.vectors import _new_ivf

    faiss.omp_set_num_threads(1)
    p = d.pieces(d.ensure_corpus(data, out))
    vecs = d.piece_vectors(p)
    xb = np.concatenate([v for _, _, v in d.tiled(p, vecs, n)]).astype(np.float32)
    qv, hv = queries(out)
    exact = faiss.IndexFlatIP(xb.shape[1])
    exact.add(xb)
    truth = {name: exact.search(q, 10)[1] for name, q in (("questions", qv), ("heldout", hv))}
    flat_ms = []
    for q in qv[:50]:
        with Timer() as t:
            exact.search(q[None], 10)
        flat_ms.append(t.wall * 1000)
    del exact
    rows, figs = [], {"n": n, "flat_search_ms_median": float(np.median(flat_ms)), "settings": []}
    saved = _saved_ivf(n)
    if saved is not None and int(saved.nlist) not in nlists:
        nlists = (*nlists, int(saved.nlist))
    for nlist in nlists:
        shift = 0
        if saved is not None and int(saved.nlist) == nlist:
            # the index perf-latency uses, as built (chunk ids 1..n in the order of data.tiled)
            ivf, train_s, shift = saved, float("nan"), 1
        else:
            say(f"perf-ivf: training nlist={nlist}")
            t0 = time.perf_counter()
            ivf = _new_ivf(xb.shape[1], xb, nlist=nlist)
            ivf.add(xb)
            train_s = time.perf_counter() - t0
        for nprobe in nprobes:
            if nprobe > nlist:
                continue
            ivf.nprobe = nprobe
            rec = {}
            for name, q in (("questions", qv), ("heldout", hv)):
                got = ivf.search(q, 10)[1] - shift
                rec[name] = float(np.mean([len(set(g) & set(w)) / 10 for g, w in zip(got, truth[name])]))
            ms = []
            for q in qv:
                with Timer() as t:
                    ivf.search(q[None], 10)
                ms.append(t.wall * 1000)
            figs["settings"].append({"nlist": nlist, "nprobe": nprobe, "train_and_add_s": train_s,
                                     "recall_questions": rec["questions"], "recall_heldout": rec["heldout"],
                                     "search_ms_median": float(np.median(ms))})
            rows.append([nlist, nprobe, f"{rec['questions']:.3f}", f"{rec['heldout']:.3f}", float(np.median(ms)),
                         train_s])
        del ivf
    path = save("ivf", figs)
    print(f"exact (flat) search at {n:,}: {figs['flat_search_ms_median']:.1f} ms median, one thread")
    print(md_table(["nlist", "nprobe", "recall@10 (110 questions)", "recall@10 (1,000 held-out sentences)",
                    "search ms (median, 1 thread)", "train + add s"], rows))
    print(f"\nfigures: {path}")
    return 0
