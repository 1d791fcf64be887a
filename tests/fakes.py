"""A deterministic stand-in for the embedding model, behind the same seam as the real one.

Each word is hashed to a fixed random direction and a text is the normalised sum of its
words' directions, so texts sharing words are similar and unrelated texts are not — enough
for retrieval tests to mean something, with no model load.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w+")


class FakeEmbedder:
    name = "fake-embedder"

    def __init__(self, dim: int = 64):
        self._dim = dim
        self.calls = 0
        self.texts_embedded = 0

    @property
    def dim(self) -> int:
        return self._dim

    def _word_vec(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self._dim).astype(np.float32)

    def embed(self, texts):
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in _WORD.findall(t.lower()):
                out[i] += self._word_vec(w)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class FakeReader:
    """A stand-in for the trained reader, behind the same `score(items)` seam: a sentence's
    probability is the share of the question's longer words (4+ letters) it contains, and the
    short answer is its first number (or nothing). Hand-checkable; records what it was asked."""

    def __init__(self):
        self.batches: list[list] = []
        self.threads: list[str] = []  # the thread each batch was read on

    def score(self, items, batch_size: int = 16):
        from assistant.reading.reader_model import ReadResult

        self.batches.append(list(items))
        self.threads.append(threading.current_thread().name)
        out = []
        for it in items:
            asked = {w for w in _WORD.findall(it.question.lower()) if len(w) >= 4}
            have = set(_WORD.findall(it.sentence.lower()))
            p = len(asked & have) / len(asked) if asked else 0.0
            m = re.search(r"\d[\d,.]*\d|\d", it.sentence)
            start, end = (m.start(), m.end()) if m else (0, 0)
            out.append(ReadResult(probability=p, logit=0.0, start=start, end=end, span_probability=0.5 if m else 0.0))
        return out


def fake_index(folder: Path, articles: list[dict]) -> Path:
    """An index of `articles` (dicts as in a JSON Lines file: title, text, source, url, published)
    built in `folder` with `FakeEmbedder`; its directory."""
    from index import ingest

    corpus = folder / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    ingest([corpus], folder / "idx", embedder=FakeEmbedder())
    return folder / "idx"
