"""`MilvusIndex`: an index kept in Milvus (Milvus Lite file or server), the same public methods
as `NewsIndex`, so retrieval, answering, ingest and the UI work on it unchanged.

Searching: the dense top k is a Milvus vector search (inner product on normalised vectors, as
FAISS), the lexical top k a search of the BM25 sparse field that Milvus's BM25 function fills
from the analysed text (see `analysis`), and `hybrid_search` sends both as `AnnSearchRequest`s
fused by Milvus's `RRFRanker` in one call. Outlet and date filters are scalar filter expressions
on the chunk rows, applied inside each search (each request carries its own), never after it.
Large indexes leave very common words out of the BM25 query exactly as the default store does
(`news_index.selective`), with document frequencies from `news_terms`.

Opening checks the format version, the embedding model and the text analysis recorded in
`news_meta`; `refresh()` notices writes by other clients through the meta `generation`.
Reads are in `reading.MilvusReads`, writes in `writes.MilvusWrites`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date
from typing import Sequence

import numpy as np

from index.config import IndexConfig
from index.encoders.embedder import Embedder, SentenceTransformerEmbedder, resolve_model
from index.errors import IndexBusyError, IndexMismatchError, IndexNotFoundError, StoreUnavailableError
from index.locks import file_lock
from index.records import Chunk, SearchHit
from index.store import fts_terms
from index.stores.base import StoreLocation
from index.stores.milvus import analysis, connect, schema
from index.stores.milvus.reading import MilvusReads
from index.stores.milvus.schema import CHUNK_FIELDS, CHUNKS, META, NO_VECTOR
from index.stores.milvus.writes import MilvusWrites

FORMAT_VERSION = 1  # of the collections' layout; the default store has its own
_META_KEYS = ("format_version", "model", "dimension", "chunk_tokens", "chunk_overlap", "analysis")


class MilvusIndex(MilvusReads, MilvusWrites):
    def __init__(self, location: StoreLocation, client, embedder: Embedder, meta: dict[str, str]):
        self.location = location
        self.dir = None  # no directory: the UI's directory-swapping rebuild does not apply
        self.client = client
        self.embedder = embedder
        self.meta = meta
        self.dim = int(meta["dimension"])
        self._generation = -1
        self._df_cache: dict[str, int] = {}
        self._n_chunks: int | None = None
        self._thread_lock = threading.Lock()
        self._closed = False

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, location: StoreLocation, *, embedder: Embedder | None = None, config: IndexConfig | None = None,
             create: bool = False) -> "MilvusIndex":
        if not analysis.available():
            raise StoreUnavailableError(location.uri, f"snowballstemmer is not installed; {connect.INSTALL_HINT}")
        client = connect.connect(location, create=create)
        try:
            exists = client.has_collection(META)
            if exists:
                client.load_collection(META)
            if not exists or not _read_meta(client).get("format_version"):
                if not create:
                    raise IndexNotFoundError(location.uri)
                config = config or IndexConfig.from_env()
                embedder = embedder or SentenceTransformerEmbedder(
                    config.model, precision=config.precision, batch_size=config.batch_size)
                schema.create_all(client, embedder.dim, location.kind)
                schema.load_all(client)
                _write_meta(client, {
                    "model": embedder.name, "dimension": embedder.dim, "chunk_tokens": config.chunk_tokens,
                    "chunk_overlap": config.chunk_overlap, "analysis": analysis.ANALYSIS, "generation": 0,
                    "next_chunk_id": 1, "next_seq": 1, "outlets": "{}", "pending": "[]"})
                _write_meta(client, {"format_version": FORMAT_VERSION})  # last: the index is complete
            schema.load_all(client)
            return cls._checked(location, client, embedder, config)
        except BaseException:
            connect.release(location, client)
            raise

    @classmethod
    def _checked(cls, loc: StoreLocation, client, embedder, config) -> "MilvusIndex":
        meta = _read_meta(client)
        fix = f"Copy it to a new index (assistant copy) or re-create it: assistant ingest ... --index {loc.uri}"
        if meta.get("format_version") != str(FORMAT_VERSION):
            raise IndexMismatchError(loc.uri, "Milvus format version", meta.get("format_version"), FORMAT_VERSION, fix)
        if meta.get("analysis") != analysis.ANALYSIS:
            raise IndexMismatchError(loc.uri, "text analysis", meta.get("analysis"), analysis.ANALYSIS, fix)
        if embedder is None:
            cfg = config or IndexConfig.from_env(model=meta["model"])
            wanted = resolve_model(cfg.model)[0]
            if wanted != meta["model"]:
                raise _model_mismatch(loc, meta["model"], wanted)
            embedder = SentenceTransformerEmbedder(meta["model"], precision=cfg.precision, batch_size=cfg.batch_size)
        elif embedder.name != meta["model"]:
            raise _model_mismatch(loc, meta["model"], embedder.name)
        idx = cls(loc, client, embedder, {k: meta[k] for k in _META_KEYS if k in meta})
        idx._generation = int(meta.get("generation", 0))
        return idx

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            connect.release(self.location, self.client)

    def refresh(self) -> bool:
        """Pick up writes made by other clients since the last look; True when something changed."""
        gen = self.generation()
        if gen == self._generation:
            return False
        self._generation = gen
        self._df_cache, self._n_chunks = {}, None
        self._forget_cached()
        return True

    def generation(self) -> int:
        return int(self._meta(["generation"]).get("generation", 0))

    def _meta(self, keys: Sequence[str]) -> dict[str, str]:
        rows = self.client.get(META, ids=list(keys), output_fields=["key", "value"])
        return {r["key"]: r["value"] for r in rows}

    def _set_meta(self, values: dict) -> None:
        _write_meta(self.client, values)

    @contextmanager
    def write_lock(self, wait: float = 600.0):
        """One writer at a time: threads of this process, and for a Lite file other processes too
        (a lock file beside it). A server has no lock here: run one writer at a time against it."""
        if not self._thread_lock.acquire(timeout=wait):
            raise IndexBusyError(f"another writer is writing to the index at {self.location}; try again later")
        try:
            if self.location.kind == "milvus-lite":
                with file_lock(f"{self.location.path}.lock", wait, self.location):
                    yield
            else:
                yield
        finally:
            self._thread_lock.release()

    # -- searching -------------------------------------------------------------------------------
    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed([text])[0]

    def dense_search(self, query_vec: np.ndarray, k: int, *, sources: Sequence[str] | None = None,
                     since: date | None = None, until: date | None = None) -> list[SearchHit]:
        if k <= 0:
            return []
        res = self.client.search(
            CHUNKS, data=[np.asarray(query_vec, np.float32).tolist()], anns_field="vector", limit=int(k),
            filter=schema.filter_expr(sources, since, until), output_fields=CHUNK_FIELDS[1:],
            search_params=schema.dense_search_params(self.location.kind, k))
        return [SearchHit(_chunk(h), float(h["distance"])) for h in res[0]] if res else []

    def lexical_search(self, text: str, k: int, *, sources=None, since=None, until=None) -> list[SearchHit]:
        """BM25 top k (scores positive, higher better), ties by chunk id as the default store."""
        from index.news_index import selective

        query = analysis.query_text(selective(text, self._chunk_total(), self.doc_freqs))
        if not query or k <= 0:
            return []
        res = self.client.search(
            CHUNKS, data=[query], anns_field="sparse", limit=int(k), filter=schema.filter_expr(sources, since, until),
            output_fields=CHUNK_FIELDS[1:], search_params={"metric_type": "BM25"})
        # Milvus Lite reports BM25 as a negative distance, a server as a positive score
        hits = [SearchHit(_chunk(h), abs(float(h["distance"]))) for h in (res[0] if res else [])]
        return sorted(hits, key=lambda h: (-h.score, h.chunk.id))

    def hybrid_search(self, query_vec: np.ndarray, text: str, k: int, *, sources=None, since=None, until=None,
                      rrf_k: int = 60) -> list[SearchHit]:
        """Dense and BM25 in one request, each filtered, fused by Milvus's RRFRanker."""
        from pymilvus import AnnSearchRequest, RRFRanker

        from index.news_index import selective

        expr = schema.filter_expr(sources, since, until)
        reqs = [AnnSearchRequest(data=[np.asarray(query_vec, np.float32).tolist()], anns_field="vector",
                                 param=schema.dense_search_params(self.location.kind, k), limit=int(k), expr=expr)]
        query = analysis.query_text(selective(text, self._chunk_total(), self.doc_freqs))
        if query:
            reqs.append(AnnSearchRequest(data=[query], anns_field="sparse", param={"metric_type": "BM25"},
                                         limit=int(k), expr=expr))
        res = self.client.hybrid_search(CHUNKS, reqs, RRFRanker(rrf_k), limit=int(k), output_fields=CHUNK_FIELDS[1:])
        hits = [SearchHit(_chunk(h), float(h["distance"])) for h in (res[0] if res else [])]
        return sorted(hits, key=lambda h: (-h.score, h.chunk.id))

    def doc_freqs(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """(chunks containing each term, total chunks), cached until the index changes. A term
        is counted as the default store's FTS5 counts it: after the same stemming."""
        total = self._chunk_total()
        keys = {}
        for t in terms:
            first = fts_terms(t, max_terms=1)  # what the default store's doc_freq matches
            keys[t] = analysis.tokens(first[0]) if first else []
        cache = self._df_cache
        missing = list(dict.fromkeys(k for ks in keys.values() for k in ks if k not in cache))
        got = {}
        if missing:
            found = self._term_counts(missing)
            got = {k: found.get(k, 0) for k in missing}
            if len(cache) > 50_000:
                self._df_cache = cache = {}
            cache.update(got)
        # read from `got` first: another thread may replace the cache meanwhile. A phrase of
        # several words ("al-Sham") can be in no more chunks than its rarest word.
        df = {t: min((got[k] if k in got else cache.get(k, 0) for k in ks), default=0) for t, ks in keys.items()}
        return df, total

    def _chunk_total(self) -> int:
        if self._n_chunks is None:
            self._n_chunks = self._count(CHUNKS)
        return self._n_chunks


def _chunk(hit) -> Chunk:
    e = hit["entity"]
    return Chunk(int(hit["id"]), e["article_id"], int(e["ord"]), int(e["start_char"]), int(e["end_char"]), e["text"])


def _read_meta(client) -> dict[str, str]:
    rows = client.query(META, filter='key != ""', output_fields=["key", "value"])
    return {r["key"]: r["value"] for r in rows}


def _write_meta(client, values: dict) -> None:
    client.upsert(META, [{"key": k, "value": str(v), "_v": NO_VECTOR} for k, v in values.items()])


def _model_mismatch(loc: StoreLocation, stored: str, wanted: str) -> IndexMismatchError:
    return IndexMismatchError(
        loc.uri, "embedding model", stored, wanted,
        f"Use the index's own model (omit --model / ASSISTANT_MODEL), or copy the articles into a new "
        f"index built with the new one")
