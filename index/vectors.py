"""The FAISS half of an index: normalised vectors, inner product, keyed by chunk id.

The index type follows the corpus size (as txtai does): exact search (`IndexFlatIP` inside an
`IndexIDMap2`) up to `FLAT_MAX` vectors, where a query costs well under 20 ms; above it an
inverted-file index (`IndexIVFFlat`, inner product, native ids) whose `nprobe` keeps recall@10
high. Both support adding and removing ids in place.

The file on disk is one self-describing blob: a magic line, a JSON header (format version,
model, dimension, generation, index kind, count) and FAISS's own serialisation. It is written
to a temporary name, fsynced and renamed, so a crash leaves the old file or the new one.
"""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path

import numpy as np

MAGIC = b"NEWSIDX\n"
FLAT_MAX = 200_000
SMALL_QUERY_BATCH = 4  # searches of up to this many queries run on one OpenMP thread
VECTORS_NAME = "vectors.faiss"


def _faiss():
    import faiss

    return faiss


def choose_kind(n: int) -> str:
    return "flat" if n <= FLAT_MAX else "ivf"


class VectorIndex:
    def __init__(self, dim: int, index=None, kind: str = "flat"):
        faiss = _faiss()
        self.dim = dim
        self.kind = kind
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    # -- building ------------------------------------------------------------------------------------
    @classmethod
    def build(cls, dim: int, ids: np.ndarray, vecs: np.ndarray, kind: str | None = None) -> "VectorIndex":
        kind = kind or choose_kind(len(ids))
        if kind == "flat":
            vi = cls(dim)
        else:
            vi = cls(dim, _new_ivf(dim, vecs), kind="ivf")
        if len(ids):
            vi.add(ids, vecs)
        return vi

    def add(self, ids: np.ndarray, vecs: np.ndarray) -> None:
        vecs = np.ascontiguousarray(vecs, dtype=np.float32).reshape(-1, self.dim)
        self.index.add_with_ids(vecs, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids) -> int:
        ids = np.ascontiguousarray(list(ids), dtype=np.int64)
        if not len(ids):
            return 0
        return int(self.index.remove_ids(_faiss().IDSelectorBatch(ids)))

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def ids(self) -> np.ndarray:
        faiss = _faiss()
        if self.kind == "flat":
            return faiss.vector_to_array(self.index.id_map).astype(np.int64)
        ivf = faiss.extract_index_ivf(self.index)
        inv = ivf.invlists
        parts = [faiss.rev_swig_ptr(inv.get_ids(i), inv.list_size(i)).copy() for i in range(ivf.nlist)
                 if inv.list_size(i)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    # -- searching -----------------------------------------------------------------------------------
    def search(self, queries: np.ndarray, k: int, allowed_ids: np.ndarray | None = None):
        """Return (scores, ids) arrays of shape (n, k); missing slots have id -1."""
        faiss = _faiss()
        q = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if self.ntotal == 0 or k <= 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        k = min(k, self.ntotal)
        params = None
        if allowed_ids is not None:
            sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, dtype=np.int64))
            params = (faiss.SearchParametersIVF(sel=sel, nprobe=self._nprobe())
                      if self.kind == "ivf" else faiss.SearchParameters(sel=sel))
            self._keep_alive = sel  # the selector must outlive the call
        if len(q) > SMALL_QUERY_BATCH:
            return self.index.search(q, k, params=params)
        # A question is one query: FAISS would still start its OpenMP team, whose threads spin
        # against each other and any other work (measured at 100k flat, loaded 2-core machine:
        # 94 ms wall / 31 ms CPU with 2 threads, 22 ms / 6 ms with 1). Batches keep all threads.
        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self.index.search(q, k, params=params)
        finally:
            faiss.omp_set_num_threads(before)

    def _nprobe(self) -> int:
        return int(_faiss().extract_index_ivf(self.index).nprobe)

    # -- files ---------------------------------------------------------------------------------------
    def save(self, path: Path, header: dict) -> None:
        faiss = _faiss()
        header = {**header, "kind": self.kind, "dim": self.dim, "ntotal": self.ntotal}
        head = json.dumps(header, sort_keys=True).encode()
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        with open(tmp, "wb") as f:
            f.write(MAGIC)
            f.write(struct.pack("<I", len(head)))
            f.write(head)
            # streamed: no second in-memory copy of the index (1.5 GB at 1M chunks)
            writer = faiss.PyCallbackIOWriter(f.write)
            faiss.write_index(self.index, writer)
            del writer
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)

    @staticmethod
    def read_header(path: Path) -> dict | None:
        """The JSON header of a saved file, or None when the file is missing or not ours."""
        try:
            with open(path, "rb") as f:
                if f.read(len(MAGIC)) != MAGIC:
                    return None
                (n,) = struct.unpack("<I", f.read(4))
                return json.loads(f.read(n))
        except (OSError, ValueError, struct.error):
            return None

    @classmethod
    def load(cls, path: Path) -> tuple["VectorIndex", dict]:
        faiss = _faiss()
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                raise ValueError(f"{path} is not a news-assistant vector file")
            (n,) = struct.unpack("<I", f.read(4))
            header = json.loads(f.read(n))
            reader = faiss.PyCallbackIOReader(f.read)  # streamed, as in save()
            index = faiss.read_index(reader)
            del reader
        return cls(int(header["dim"]), index, kind=header.get("kind", "flat")), header


def ivf_nlist(n: int) -> int:
    """Inverted lists for n vectors (see benchmarks/perf/ivf.py for the measurements)."""
    return max(16, int(4 * math.sqrt(n)))


def ivf_nprobe(nlist: int) -> int:
    """Lists searched per query: enough for recall@10 >= 0.95 on real queries at 1M."""
    return max(8, nlist // 32)


def _new_ivf(dim: int, sample: np.ndarray, nlist: int | None = None):
    """An IVF index trained on (a sample of) the vectors it will hold."""
    faiss = _faiss()
    n = len(sample)
    nlist = nlist or ivf_nlist(n)
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    train = sample if n <= 64 * nlist else sample[rng.choice(n, 64 * nlist, replace=False)]
    ivf.train(np.ascontiguousarray(train, dtype=np.float32))
    ivf.nprobe = ivf_nprobe(nlist)
    ivf.quantizer_trains_alone = 0
    ivf.own_fields = True
    quantizer.this.disown()
    return ivf


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
