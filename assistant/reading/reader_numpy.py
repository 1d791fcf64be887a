"""The trained reader's forward pass in numpy: the same network as `reader_model.build_net` (its
weights read from the same fp16 file, in float32), run by the embedder's numpy BERT layers
(`index.encoders.numpy_bert.encoder_layers`), so a one-off question never imports torch (about
2.4 s of a new process; see docs/BENCHMARKS.md). A process that has torch loaded anyway reads
with the torch engine, which is faster per question where the CPU does bf16.

Limits: float32 only, GELU in its tanh form (the embedder's numpy engine's choice: ~11x cheaper,
within 5e-4 per activation); scores match the torch engine's fp32 pass to ~1e-3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from index.encoders.numpy_bert import Layer, encoder_layers, gelu_tanh, layer_norm

from .reader_inputs import Encoded

HEADS, EPS = 12, 1e-12


class NumpyReaderNet:
    """`forward(encs) -> (score logits (B,), per item an (len(ids), 2) array of start/end logits,
    -1e4 outside the sentence)`, like `Reader.forward_packed`."""

    def __init__(self, state: dict[str, np.ndarray], word: np.ndarray, pooling: str):
        g = lambda k: np.asarray(state[k], dtype=np.float32)  # noqa: E731
        self.word, self.pooling = word, pooling
        self.pos, self.segment = g("pos.weight"), g("segment.weight")
        self.emb_ln = (g("emb_ln.weight"), g("emb_ln.bias"))
        self.layers = []
        n = 0
        while f"layers.{n}.qkv.weight" in state:
            p, L = f"layers.{n}.", Layer()
            # y = x @ W.T + b: W.T kept contiguous so each projection is one GEMM
            for name, attr in (("qkv", "qkv"), ("o", "o"), ("i", "i"), ("out", "out")):
                setattr(L, f"{attr}_w", np.ascontiguousarray(g(p + name + ".weight").T))
                setattr(L, f"{attr}_b", g(p + name + ".bias"))
            L.ln1_w, L.ln1_b = g(p + "ln1.weight"), g(p + "ln1.bias")
            L.ln2_w, L.ln2_b = g(p + "ln2.weight"), g(p + "ln2.bias")
            self.layers.append(L)
            n += 1
        self.pool_w, self.pool_b = np.ascontiguousarray(g("pool.weight").T), g("pool.bias")
        self.score_w, self.score_b = g("score.weight")[0], float(g("score.bias")[0])
        self.span_w, self.span_b = np.ascontiguousarray(g("span.weight").T), g("span.bias")

    @classmethod
    def from_file(cls, path: Path, word: np.ndarray, pooling: str) -> "NumpyReaderNet":
        from safetensors.numpy import load_file

        return cls(load_file(str(path)), word, pooling)

    def forward(self, encs: Sequence[Encoded]):
        lens = np.array([len(e.ids) for e in encs])
        N = int(lens.sum())
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        ids = np.fromiter((t for e in encs for t in e.ids), dtype=np.int64, count=N)
        types = np.fromiter((t for e in encs for t in e.types), dtype=np.int64, count=N)
        positions = np.arange(N) - np.repeat(starts, lens)
        x = self.word[ids] + self.pos[positions] + self.segment[types]
        x = layer_norm(x, *self.emb_ln, EPS)
        x = encoder_layers(x, self.layers, lens, starts, HEADS, EPS, gelu_tanh)
        if self.pooling == "mean":
            h = np.add.reduceat(x, starts, axis=0) / lens[:, None].astype(np.float32)
        else:
            h = x[starts]
        score = np.tanh(h @ self.pool_w + self.pool_b) @ self.score_w + self.score_b
        span = x @ self.span_w + self.span_b
        sent = np.zeros(N, dtype=bool)
        for e, a in zip(encs, starts.tolist()):
            sent[a + e.sent_from:a + e.sent_from + len(e.offsets)] = True
        span[~sent] = -1e4
        return score, np.split(span, starts[1:])
