"""The naive baseline the assistant is measured against: the textbook dense-retrieval RAG.

Each article's text is cut into 800-character chunks (LangChain's RecursiveCharacterTextSplitter,
chunk_size=800, no overlap, counted in characters), embedded with the same MiniLM model the index
uses (`index.encoders.embedder.SentenceTransformerEmbedder`), and searched with a flat inner-product FAISS
index. The "answer" is the top chunk; its citations are the articles of the top chunks, one per
article, in rank order. It never abstains.

It has the assistant's `ask(question, history=None) -> Answer` shape, so `assistant.eval.run`
scores both with the same code. Limits: no cleaning, no titles, no lexical search, history
ignored; vectors are cached in `cache_dir` keyed by the corpus bytes, model and chunk size
(in blocks while embedding, so an interrupted run resumes).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np

from assistant.records import Answer, Citation

CHUNK_CHARS = 800
SEARCH_CHUNKS = 50   # chunks fetched per question before keeping one per article
TOP_ARTICLES = 5
BLOCK = 1024         # chunks embedded (and cached) per step


class NaiveBaseline:
    def __init__(self, corpus: Path, *, cache_dir: Path | None = None, embedder=None,
                 chunk_chars: int = CHUNK_CHARS, top_articles: int = TOP_ARTICLES, verbose: bool = True):
        import faiss
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        if embedder is None:
            from index.encoders.embedder import SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder()
        self.embedder = embedder
        self.corpus = Path(corpus)
        self.top_articles = top_articles
        self.articles = [json.loads(line) for line in self.corpus.read_text(encoding="utf-8").splitlines()
                         if line.strip()]
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_chars, chunk_overlap=0)
        self.chunks: list[tuple[int, str]] = [(i, piece) for i, a in enumerate(self.articles)
                                              for piece in splitter.split_text(a.get("text") or "") if piece.strip()]
        vectors = self._vectors(cache_dir, chunk_chars, verbose)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)

    def _vectors(self, cache_dir: Path | None, chunk_chars: int, verbose: bool) -> np.ndarray:
        """Chunk vectors, from the cache when it holds them. Embedding goes in blocks saved as
        they finish, so an interrupted run resumes where it stopped."""
        key = hashlib.sha256(self.corpus.read_bytes()).hexdigest()[:16]
        model = hashlib.sha256(self.embedder.name.encode()).hexdigest()[:8]
        cache = Path(cache_dir) / f"naive-{key}-{model}-{chunk_chars}.npy" if cache_dir else None
        if cache is not None and cache.exists():
            vecs = np.load(cache)
            if vecs.shape[0] == len(self.chunks):
                return vecs
        parts_dir = cache.with_suffix(".parts") if cache is not None else None
        texts = [t for _, t in self.chunks]
        parts = []
        for start in range(0, len(texts), BLOCK):
            block = texts[start:start + BLOCK]
            part = parts_dir / f"{start:08d}.npy" if parts_dir is not None else None
            vecs = np.load(part) if part is not None and part.exists() else None
            if vecs is None or vecs.shape[0] != len(block):
                vecs = self.embedder.embed(block)
                if part is not None:
                    part.parent.mkdir(parents=True, exist_ok=True)
                    np.save(part, vecs)
                if verbose:
                    print(f"  naive: embedded {start + len(block)}/{len(texts)} chunks", file=sys.stderr, flush=True)
            parts.append(vecs)
        vecs = np.ascontiguousarray(np.concatenate(parts) if parts else np.zeros((0, self.embedder.dim)),
                                    dtype=np.float32)
        if cache is not None:
            np.save(cache, vecs)
            shutil.rmtree(parts_dir, ignore_errors=True)
        return vecs

    def ask(self, question: str, history=None, **_ignored) -> Answer:
        qv = np.ascontiguousarray(self.embedder.embed([question]), dtype=np.float32)
        scores, ids = self.index.search(qv, min(SEARCH_CHUNKS, len(self.chunks)))
        citations: list[Citation] = []
        seen: set[int] = set()
        for score, cid in zip(scores[0], ids[0]):
            if cid < 0:
                continue
            art_i, text = self.chunks[cid]
            if art_i in seen:
                continue
            seen.add(art_i)
            a = self.articles[art_i]
            start = max((a.get("text") or "").find(text), 0)
            citations.append(Citation(
                n=len(citations) + 1, article_id=a.get("url") or f"article-{art_i}", title=a.get("title") or "",
                source=a.get("source") or "", url=a.get("url") or "", published=None, path=str(self.corpus),
                quote=text, passage=text, start=start, end=start + len(text), score=float(score),
                passage_start=start))
            if len(citations) >= self.top_articles:
                break
        top = citations[0].quote if citations else ""
        return Answer(question=question, text=top, citations=citations, abstained=False,
                      confidence=citations[0].score if citations else 0.0, query=question, mode="naive")
