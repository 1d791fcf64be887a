"""Real text and real vectors for the scale benchmarks, and indexes of any size built from them.

Pushing 1M chunks through the model here would take hours (~200 chunks/s), and the point of
the 100k / 1M runs is what FAISS, SQLite and FTS5 cost at that size. So:

1. `pieces()`: every sentence (>= 20 characters) of every RealTimeQA article, as the loaders
   clean it, with its offsets in the article text: ~163k real pieces from ~2,000 articles.
2. `piece_vectors()`: each piece embedded for real, once, exactly as ingest embeds a chunk
   (`title\\npiece`, the index's own embedder, bf16 where the CPU has it); cached in
   benchmarks/out/perf/pieces.npz.
3. `build_index(n)`: an index directory with n chunks, written straight into SQLite (articles,
   chunks with vectors, FTS5 rows) and FAISS (the index type `choose_kind(n)` picks), through
   the same schema and file format `assistant ingest` writes. Up to the number of real pieces
   every chunk is a real piece with its real vector. Beyond it (1M) the pieces are tiled: copy t
   of article A is a new article `A~t` with the same text, and each of its chunk vectors is the
   real vector plus Gaussian noise, renormalised, at a cosine of ~0.95 to the original - so the
   copies are near, but not identical to, the real points, and FAISS sees realistic clusters.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import PERF_OUT, say

MIN_PIECE_CHARS = 20
REAL_PIECES = 100_000
TILE_COSINE = 0.95


@dataclass
class Pieces:
    articles: list  # index.records.Article
    article_of: np.ndarray  # piece -> index into articles
    starts: np.ndarray
    ends: np.ndarray
    texts: list[str]


def corpus_path(out: Path) -> Path:
    return out / "realtimeqa" / "corpus.jsonl"


def ensure_corpus(data: Path, out: Path) -> Path:
    path = corpus_path(out)
    if not path.exists():
        from ..convert import convert

        convert("realtimeqa", data, out)
    return path


def load_articles(corpus: Path) -> list:
    from index.loading.walk import iter_articles
    from index.records import Article

    seen, arts = set(), []
    for item in iter_articles([corpus]):
        if isinstance(item, Article) and item.id not in seen:
            seen.add(item.id)
            arts.append(item)
    return arts


def pieces(corpus: Path, limit: int = REAL_PIECES) -> Pieces:
    from assistant.reading.sentences import split_sentences

    arts = load_articles(corpus)
    art_of, starts, ends, texts = [], [], [], []
    for i, a in enumerate(arts):
        if len(texts) >= limit:
            arts = arts[:i]
            break
        for s in split_sentences(a.text):
            if len(s.text) >= MIN_PIECE_CHARS:
                art_of.append(i)
                starts.append(s.start)
                ends.append(s.end)
                texts.append(s.text)
    return Pieces(arts, np.array(art_of, np.int32), np.array(starts, np.int64), np.array(ends, np.int64), texts)


def _embed_worker(args):
    texts, threads = args
    import torch

    torch.set_num_threads(threads)
    from index.encoders.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(query_encoder="torch", batch_size=64).embed(texts)


def piece_vectors(p: Pieces, cache: Path | None = None, workers: int = 2) -> np.ndarray:
    """Real embeddings of every piece (cached: minutes of model time)."""
    import multiprocessing as mp

    cache = cache or PERF_OUT / "pieces.npz"
    key = f"{len(p.texts)}:{sum(map(len, p.texts))}:{p.texts[0][:40]}:{p.texts[-1][:40]}"
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        if str(z["key"]) == key:
            return z["vectors"]
    step, t0 = 2048, time.perf_counter()
    jobs = [(p.texts[s:s + step], 1) for s in range(0, len(p.texts), step)]
    parts = []
    with mp.get_context("spawn").Pool(workers) as pool:
        for part in pool.imap(_embed_worker, jobs):
            parts.append(part)
            done = sum(map(len, parts))
            say(f"  embedded {done:,}/{len(p.texts):,} pieces ({done / (time.perf_counter() - t0):,.0f}/s)")
    out = np.concatenate(parts).astype(np.float32)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=out, key=np.array(key))
    return out


def tiled(p: Pieces, vecs: np.ndarray, n: int, seed: int = 0):
    """(article index, copy number, piece index, vector) for n chunks: real pieces first, then
    perturbed copies (see the module doc)."""
    m = len(p.texts)
    reps = -(-n // m)
    rng = np.random.default_rng(seed)
    dim = vecs.shape[1]
    # |noise|^2 = dim * sigma^2; cos(v, v + noise) ~ 1 / sqrt(1 + dim sigma^2) for unit v
    sigma = np.sqrt((1 / TILE_COSINE ** 2 - 1) / dim)
    for t in range(reps):
        take = min(m, n - t * m)
        v = vecs[:take]
        if t:
            v = v + rng.normal(0, sigma, size=v.shape).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
        yield t, np.arange(take), v


def build_index(n: int, index_dir: Path, p: Pieces, vecs: np.ndarray, embedder=None, kind: str | None = None) -> dict:
    """Write an index of n chunks (see the module doc); returns build figures."""
    import shutil

    from index.news_index import NewsIndex
    from index.encoders.embedder import SentenceTransformerEmbedder
    from index.pipeline import embedding_text  # noqa: F401 - the text convention the vectors follow
    from index.store import Store
    from index.vectors import VECTORS_NAME, VectorIndex, choose_kind

    shutil.rmtree(index_dir, ignore_errors=True)
    t0 = time.perf_counter()
    emb = embedder or SentenceTransformerEmbedder()
    idx = NewsIndex.open(index_dir, embedder=emb, create=True)
    conn: sqlite3.Connection = idx.store.conn
    conn.execute("PRAGMA journal_mode=WAL")
    all_ids, all_vecs = [], []
    t_sql = time.perf_counter()
    with idx.store.transaction() as c:
        for t, piece_idx, v in tiled(p, vecs, n):
            used = sorted(set(p.article_of[piece_idx].tolist()))
            c.executemany(
                "INSERT INTO articles(id, title, text, source, url, published, authors, path) VALUES (?,?,?,?,?,?,?,?)",
                [(_aid(p.articles[i].id, t), p.articles[i].title, p.articles[i].text, p.articles[i].source,
                  p.articles[i].url, p.articles[i].published.isoformat() if p.articles[i].published else None,
                  json.dumps(list(p.articles[i].authors)), p.articles[i].path) for i in used])
            first = (c.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()[0]) + 1
            ids = np.arange(first, first + len(piece_idx), dtype=np.int64)
            rows = ((int(cid), _aid(p.articles[p.article_of[j]].id, t), int(j), int(p.starts[j]), int(p.ends[j]),
                     p.texts[j], vv.tobytes()) for cid, j, vv in zip(ids, piece_idx, v))
            c.executemany("INSERT INTO chunks(id, article_id, ord, start, end, text, vector) VALUES (?,?,?,?,?,?,?)",
                          rows)
            c.executemany("INSERT INTO chunk_fts(rowid, title, text) VALUES (?,?,?)",
                          ((int(cid), p.articles[p.article_of[j]].title, p.texts[j]) for cid, j in zip(ids, piece_idx)))
            all_ids.append(ids)
            all_vecs.append(np.ascontiguousarray(v, np.float32))
            say(f"  {index_dir.name}: {sum(map(len, all_ids)):,}/{n:,} chunks written")
        Store.bump_generation(c)
    sql_s = time.perf_counter() - t_sql
    ids = np.concatenate(all_ids)
    v = np.concatenate(all_vecs)
    del all_vecs
    t_faiss = time.perf_counter()
    idx.vectors = VectorIndex.build(idx.dim, ids, v, kind=kind or choose_kind(n))
    del v
    faiss_s = time.perf_counter() - t_faiss
    idx.save_vectors()
    idx.close()
    total = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in index_dir.iterdir() if f.is_file())
    return {"chunks": n, "seconds": total, "sqlite_seconds": sql_s, "faiss_seconds": faiss_s,
            "bytes": size, "faiss_bytes": (index_dir / VECTORS_NAME).stat().st_size,
            "kind": kind or choose_kind(n)}


def _aid(article_id: str, copy: int) -> str:
    return article_id if copy == 0 else f"{article_id}~{copy}"


def questions(out: Path) -> list[str]:
    path = out / "realtimeqa" / "questions.jsonl"
    return [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
