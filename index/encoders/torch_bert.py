"""A torch forward pass for BERT-family sentence-transformers models, without sentence-transformers.

Ingest is almost all model time, and two things around the model were costing more than the
model itself needs to:

* `import sentence_transformers` (torch, transformers, scipy, ...) takes ~6 s on this class of
  machine; torch alone ~1 s. A 50 s ingest paid 10 % of its time for imports it did not use.
* a padded batch of 16-32 chunks runs every projection over its padding; packing the real tokens
  (as `numpy_bert` does in numpy) makes the GEMMs, nearly all the work, exactly as big as the
  text. Attention still runs padded per batch (length-sorted, so little is wasted) and masked.

`TorchBertEncoder` takes its configuration, tokenizer and weights from `NumpyBertEncoder` (same
folders supported, same `unsupported_reason`), keeps the projection weights in bfloat16 where the
CPU does bf16 natively (fp32 otherwise or when asked), and runs LayerNorm, residuals and pooling in
fp32 - the split `torch.autocast` makes. `encode(..., workers=n)` deals length-sorted batches to n
threads that run single-threaded torch: on 2 cores that beat one process with 2 intra-op threads
(measured on 512 RealTimeQA chunks: 100 vs 94 chunks/s; sentence-transformers bf16 autocast 78,
fp32 32), because small per-layer ops don't split well over threads. Parity with
sentence-transformers is tested (fp32: mean cosine >= 0.9999; bf16 >= 0.999).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from index.encoders.numpy_bert import NumpyBertEncoder, gelu, length_sorted_batches


class TorchBertEncoder:
    """`encode(texts) -> (n, dim) float32`, as the sentence-transformers model in `folder` would."""

    def __init__(self, folder: Path, *, precision: str = "bf16"):
        import torch

        if precision not in ("bf16", "fp32"):
            raise ValueError(f"precision must be bf16 or fp32, got {precision!r}")
        self.precision = precision
        self._torch = torch
        # exact_gelu: the erf form where the model's config says gelu (the tanh form where it says so)
        ref = NumpyBertEncoder(folder, exact_gelu=True)  # ValueError for a folder it can't reproduce
        self._ref = ref
        self.hidden, self.heads, self.eps = ref.hidden, ref.heads, ref.eps
        self.pooling, self.normalize = ref.pooling, ref.normalize
        self.approximate = "none" if ref._gelu is gelu else "tanh"
        low = torch.bfloat16 if precision == "bf16" else torch.float32

        def t(a: np.ndarray, dtype=torch.float32):
            # np.array copies: the memory map under the weights is read-only
            return torch.from_numpy(np.array(a, dtype=np.float32)).to(dtype)

        self.word = t(ref.word)
        self.pos = t(ref.pos)
        self.type0 = t(ref.type0)
        self.emb_ln = tuple(t(a) for a in ref.emb_ln)
        self.layers = [
            # torch's linear wants (out, in): the numpy encoder stores the transpose
            (t(L.qkv_w.T, low), t(L.qkv_b, low), t(L.o_w.T, low), t(L.o_b, low), t(L.ln1_w), t(L.ln1_b),
             t(L.i_w.T, low), t(L.i_b, low), t(L.out_w.T, low), t(L.out_b, low), t(L.ln2_w), t(L.ln2_b))
            for L in ref.layers]
        self._low = low
        ref.word = ref.pos = None  # the numpy copies are not needed once torch has its own
        ref.layers = []

    @property
    def dim(self) -> int:
        return self.hidden

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        return self._ref.tokenize(texts)

    def encode(self, texts: Sequence[str], batch_size: int = 16, workers: int = 1) -> np.ndarray:
        """Embeddings of `texts`; length-sorted batches of `batch_size`, over `workers` threads."""
        texts = list(texts)
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenize(texts)
        batches = length_sorted_batches(ids, batch_size)
        workers = max(1, min(workers, len(batches)))

        def run(mine: list[list[int]]) -> None:
            for part in mine:
                out[part] = self._forward([ids[i] for i in part])

        if workers == 1:
            run(batches)
        else:
            self._run_threads(run, [batches[w::workers] for w in range(workers)])
        return out

    def _run_threads(self, run, shares) -> None:
        torch = self._torch
        before = torch.get_num_threads()
        errors: list[BaseException] = []

        def work(mine):
            torch.set_num_threads(1)  # this thread's OpenMP team: one thread per worker
            try:
                run(mine)
            except BaseException as e:  # re-raised in the caller, where it can be handled
                errors.append(e)

        threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in shares]
        try:
            for th in threads:
                th.start()
            for th in threads:
                th.join()
        finally:
            # set_num_threads in a worker also changes the default new threads start with
            torch.set_num_threads(before)
        if errors:
            raise errors[0]

    def _forward(self, seqs: list[list[int]]) -> np.ndarray:
        torch = self._torch
        F = torch.nn.functional
        with torch.inference_mode():
            D, H = self.hidden, self.heads
            dh = D // H
            lens = torch.tensor([len(s) for s in seqs])
            B, Lmax, N = len(seqs), int(lens.max()), int(lens.sum())
            flat = torch.tensor([t for s in seqs for t in s])
            starts = torch.cumsum(lens, 0) - lens
            positions = torch.arange(N) - torch.repeat_interleave(starts, lens)
            x = F.layer_norm(self.word[flat] + self.pos[positions] + self.type0, (D,), *self.emb_ln, self.eps)
            ar = torch.arange(Lmax)
            valid = ar[None, :] < lens[:, None]  # (B, Lmax)
            gather = torch.where(valid, starts[:, None] + ar[None, :], torch.tensor(N)).reshape(-1)
            keep = valid.reshape(-1).nonzero().squeeze(1)
            mask = valid[:, None, None, :]  # keys a query may attend to
            for qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, out_w, out_b, ln2_w, ln2_b in self.layers:
                qkv = F.linear(x.to(self._low), qkv_w, qkv_b)
                qkv = torch.cat([qkv, qkv.new_zeros(1, 3 * D)])  # row N: what padding gathers
                g = qkv[gather].view(B, Lmax, 3, H, dh).permute(2, 0, 3, 1, 4)  # (3, B, H, L, dh)
                c = F.scaled_dot_product_attention(g[0], g[1], g[2], attn_mask=mask)
                c = c.permute(0, 2, 1, 3).reshape(B * Lmax, D)[keep]
                x = F.layer_norm(F.linear(c, o_w, o_b).float() + x, (D,), ln1_w, ln1_b, self.eps)
                h = F.gelu(F.linear(x.to(self._low), i_w, i_b), approximate=self.approximate)
                x = F.layer_norm(F.linear(h, out_w, out_b).float() + x, (D,), ln2_w, ln2_b, self.eps)
            pooled = self._pool(x, lens, starts, gather, B, Lmax, D)
            if self.normalize:
                pooled = F.normalize(pooled, dim=1)
            return pooled.numpy()

    def _pool(self, x, lens, starts, gather, B, Lmax, D):
        torch = self._torch
        if self.pooling == "cls":
            return x[starts]
        if self.pooling == "max":
            padded = torch.cat([x, x.new_full((1, D), float("-inf"))])[gather].view(B, Lmax, D)
            return padded.max(dim=1).values
        seg = torch.repeat_interleave(torch.arange(B), lens)
        return torch.zeros(B, D).index_add_(0, seg, x) / lens[:, None]
