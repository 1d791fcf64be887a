"""The reader's trainer: fine-tunes MiniLM-L6 (word embeddings frozen) on labelled pairs.

Loss: binary cross-entropy on the score for every pair, plus cross-entropy on the start and end
token of the short answer for positives (negatives have no span loss: the span head is only read
where the score says the sentence answers). AdamW (no decay on biases and LayerNorms), linear
warm-up then linear decay to zero over a step count set from the *measured* speed so the run fits
its time budget (the machine may be shared: it stops at the budget even if slower than measured).
Batches are length-bucketed (pairs of similar length together, buckets shuffled) to waste little
on padding. bf16 autocast where the CPU does bf16 natively. Everything is seeded.
"""

from __future__ import annotations

import math
import random
import sys
import time
from dataclasses import dataclass
from typing import Sequence

from assistant.reading.reader_inputs import Encoded, InputBuilder, ReadItem
from assistant.reading.reader_model import bf16_native, collate

from .pairs import Pair


@dataclass
class TrainConfig:
    minutes: float = 60.0  # training time budget (evaluation and saving come on top)
    max_steps: int | None = None
    batch_size: int = 32
    lr: float = 1e-4  # encoder
    head_lr: float = 5e-4  # the freshly initialised score/span heads learn faster
    warmup: float = 0.06  # share of the steps
    weight_decay: float = 0.01
    span_weight: float = 0.5
    seed: int = 13
    threads: int = 2  # the most torch threads; fewer where measured faster (a shared machine)
    precision: str = "auto"  # auto | bf16 | fp32
    max_epochs: float = 4.0  # label noise: more passes would learn the mislabelled pairs too
    eval_every: int = 600  # steps between held-out checks (reported, not used to pick weights)
    measure_steps: int = 12  # steps timed before the step count is fixed
    log_every: int = 20


def seed_all(seed: int) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)


def token_span(e: Encoded, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """Char span in the sentence -> (first, last) token index in the full input; None when the
    span is missing or falls outside the kept (budgeted) sentence tokens."""
    if span is None:
        return None
    a, b = span
    toks = [i for i, (s, t) in enumerate(e.offsets) if t > a and s < b and t > s]
    if not toks or e.offsets[toks[-1]][1] < b:
        return None
    return e.sent_from + toks[0], e.sent_from + toks[-1]


class Batches:
    """Length-bucketed, seeded batches over encoded pairs, epoch after epoch."""

    def __init__(self, encs: list[Encoded], batch_size: int, seed: int):
        self.encs, self.bs, self.rng = encs, batch_size, random.Random(seed)

    def __iter__(self):
        n = len(self.encs)
        while True:
            order = list(range(n))
            self.rng.shuffle(order)
            batches = []
            for k in range(0, n, self.bs * 50):  # sort within chunks of 50 batches: random yet snug
                chunk = sorted(order[k:k + self.bs * 50], key=lambda i: len(self.encs[i].ids))
                batches += [chunk[j:j + self.bs] for j in range(0, len(chunk), self.bs)]
            self.rng.shuffle(batches)
            yield from batches


class _ThreadProbe:
    """Times steps 1-4 at `threads` torch threads and 5-8 at one, then keeps the faster (per token).
    On a machine other work shares, two OpenMP threads on two busy cores can be several times
    slower than one (measured: 12 s vs 3 s per step), so the count is chosen, not assumed."""

    def __init__(self, torch, threads: int, log):
        self.torch, self.threads, self.log = torch, threads, log
        self.cost = {threads: [], 1: []}
        self.chosen = threads
        torch.set_num_threads(threads)

    def before(self, step: int) -> None:
        if self.threads > 1 and step == 5:
            self.torch.set_num_threads(1)

    def after(self, step: int, seconds: float, tokens: int) -> None:
        if self.threads <= 1 or step > 8 or step == 0:  # step 0 pays one-off warm-up costs
            return
        self.cost[self.threads if step < 5 else 1].append(seconds / tokens)
        if step == 8:
            per = {n: sum(c) / len(c) for n, c in self.cost.items()}
            self.chosen = min(per, key=per.get)
            self.torch.set_num_threads(self.chosen)
            print(f"threads: {self.threads} -> {per[self.threads] * 1e3:.2f} ms/token, 1 -> "
                  f"{per[1] * 1e3:.2f} ms/token; training on {self.chosen}", file=self.log, flush=True)


def items_of(pairs: Sequence[Pair]) -> list[ReadItem]:
    return [ReadItem(p.question, p.sentence, p.headline, p.context) for p in pairs]


def _optimizer(net, cfg: TrainConfig):
    import torch

    groups = {"dec": [], "nodec": [], "head": []}
    for name, p in net.named_parameters():
        if not p.requires_grad:
            continue
        if name.startswith(("score.", "span.")):
            groups["head"].append(p)
        elif p.ndim < 2 or "ln" in name:
            groups["nodec"].append(p)
        else:
            groups["dec"].append(p)
    return torch.optim.AdamW([
        {"params": groups["dec"], "weight_decay": cfg.weight_decay, "lr": cfg.lr},
        {"params": groups["nodec"], "weight_decay": 0.0, "lr": cfg.lr},
        {"params": groups["head"], "weight_decay": 0.0, "lr": cfg.head_lr}])


def train(net, builder: InputBuilder, pairs: Sequence[Pair], cfg: TrainConfig, log=sys.stderr,
          on_eval=None) -> dict:
    """Train `net` in place on `pairs`; returns a summary (steps, seconds, losses, speed).
    `on_eval(net) -> dict`, when given, runs every `cfg.eval_every` steps; its results are logged
    and kept in the summary (the clock pauses meanwhile)."""
    import torch

    seed_all(cfg.seed)
    bf16 = cfg.precision == "bf16" or (cfg.precision == "auto" and bf16_native())
    encs = builder.encode(items_of(pairs))
    labels = [float(p.label) for p in pairs]
    spans = [token_span(e, p.span) if p.label else None for e, p in zip(encs, pairs)]
    lost = sum(1 for p, s in zip(pairs, spans) if p.label and p.span and s is None)
    opt = _optimizer(net, cfg)
    base_lrs = [g["lr"] for g in opt.param_groups]
    net.train()
    budget = cfg.minutes * 60
    cap = max(1, int(cfg.max_epochs * len(encs) / cfg.batch_size))
    total = min(cfg.max_steps or 10 ** 9, cap)  # fixed after the first measured steps
    t0 = time.monotonic()
    seen, losses, hist, evals = 0, [], [], []
    step = 0
    probe = _ThreadProbe(torch, cfg.threads, log)
    m0 = 9 if cfg.threads > 1 else 1  # speed is measured after the thread probe and warm-up
    t_mark, s_mark = t0, 0
    for batch in Batches(encs, cfg.batch_size, cfg.seed):
        if step >= total or (step > 0 and time.monotonic() - t0 > budget):
            break
        probe.before(step)
        t_step = time.monotonic()
        if step == m0:
            t_mark, s_mark = time.monotonic(), step
        elif cfg.max_steps is None and (step == m0 + cfg.measure_steps or (step > m0 and step % 100 == 0)):
            # fix (and every 100 steps re-fix) the step count from the recent speed, so the
            # schedule decays to zero at the budget even when other work slows the machine
            now = time.monotonic()
            per = (now - t_mark) / (step - s_mark)
            total = min(cap, max(step + 1, step + int((budget - (now - t0)) / per)))
            if step == m0 + cfg.measure_steps:
                print(f"measured {per:.2f} s/step: {total} steps fit {cfg.minutes:g} min", file=log)
            t_mark, s_mark = now, step
        warm = max(1, int(cfg.warmup * (total if total < 10 ** 9 else 1000)))
        f = (step + 1) / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
        for g, lr in zip(opt.param_groups, base_lrs):
            g["lr"] = lr * f
        loss = batch_loss(net, [encs[i] for i in batch], [labels[i] for i in batch],
                          [spans[i] for i in batch], bf16, cfg.span_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        probe.after(step, time.monotonic() - t_step, sum(len(encs[i].ids) for i in batch))
        step += 1
        seen += len(batch)
        losses.append(float(loss.detach()))
        if step % cfg.log_every == 0 or step == total:
            el = time.monotonic() - t0
            avg = sum(losses[-cfg.log_every:]) / len(losses[-cfg.log_every:])
            hist.append((step, avg))
            eta = (min(total, 10 ** 6) - step) * el / step if total < 10 ** 9 else float("nan")
            print(f"step {step}/{total if total < 10 ** 9 else '?'}  loss {avg:.4f}  {seen / el:.1f} pairs/s  "
                  f"epoch {seen / len(encs):.2f}  elapsed {el / 60:.1f} min  ETA {eta / 60:.1f} min", file=log, flush=True)
        if on_eval is not None and cfg.eval_every and step % cfg.eval_every == 0 and step < total:
            paused = time.monotonic()
            got = on_eval(net)
            net.train()
            evals.append((step, got))
            print(f"held-out at step {step}: " + "  ".join(f"{k} {v:.4f}" for k, v in got.items()), file=log, flush=True)
            t0 += time.monotonic() - paused  # evaluation time is not training time
            t_mark += time.monotonic() - paused
    net.eval()
    el = time.monotonic() - t0
    return {"steps": step, "seconds": el, "pairs_seen": seen, "epochs": seen / max(1, len(encs)),
            "pairs_per_s": seen / max(el, 1e-9), "loss_first": losses[:1], "loss_curve": hist, "evals": evals,
            "spans_outside_budget": lost, "bf16": bf16, "threads": probe.chosen, "first_loss": sum(losses[:10]) / max(1, len(losses[:10])),
            "last_loss": sum(losses[-50:]) / max(1, len(losses[-50:]))}


def batch_loss(net, encs, labels, spans, bf16: bool, span_weight: float = 1.0):
    """BCE on the score + span_weight x mean CE of start and end over the rows with a span."""
    import torch
    from torch.nn import functional as F

    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        score, st, en = net(*collate(encs))
    loss = F.binary_cross_entropy_with_logits(score, torch.tensor(labels, dtype=torch.float32))
    rows = [r for r, s in enumerate(spans) if s is not None]
    if rows and span_weight:
        tgt = torch.tensor([spans[r] for r in rows])
        r = torch.tensor(rows)
        loss = loss + span_weight * 0.5 * (F.cross_entropy(st[r], tgt[:, 0]) + F.cross_entropy(en[r], tgt[:, 1]))
    return loss


def mean_loss(net, builder: InputBuilder, pairs: Sequence[Pair], bf16: bool = False) -> float:
    """The training loss over `pairs` in eval mode (no dropout), as one batch."""
    import torch

    encs = builder.encode(items_of(pairs))
    spans = [token_span(e, p.span) if p.label else None for e, p in zip(encs, pairs)]
    net.eval()
    with torch.inference_mode():
        return float(batch_loss(net, encs, [float(p.label) for p in pairs], spans, bf16))


def predict(net, builder: InputBuilder, pairs: Sequence[Pair], bf16: bool, batch_size: int = 64):
    """Raw score logits and (start, end) char spans for pairs, with the inference decoding."""
    import torch

    from assistant.reading.reader_inputs import best_span, snap_to_words

    encs = builder.encode(items_of(pairs))
    order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
    logits, spans = [0.0] * len(encs), [(0, 0)] * len(encs)
    net.eval()
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for k in range(0, len(order), batch_size):
            part = order[k:k + batch_size]
            score, st, en = net(*collate([encs[i] for i in part]))
            for r, i in enumerate(part):
                e = encs[i]
                logits[i] = float(score[r])
                a, b = e.sent_from, e.sent_from + len(e.offsets)
                if e.offsets:
                    s, t, _ = best_span(st[r][a:b], en[r][a:b], len(e.offsets))
                    spans[i] = snap_to_words(pairs[i].sentence, e.offsets[s][0], e.offsets[t][1])
    return logits, spans


def fit_calibration(logits: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """(temperature, bias) minimising log-loss of sigmoid(logit / T + b) (Platt scaling)."""
    import torch

    x, y = torch.tensor(logits, dtype=torch.float64), torch.tensor(labels, dtype=torch.float64)
    a, b = torch.ones((), dtype=torch.float64, requires_grad=True), torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, b], lr=0.5, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(a * x + b, y)
        loss.backward()
        return loss

    opt.step(closure)
    a_ = float(a.detach())
    if not math.isfinite(a_) or a_ <= 1e-3:  # a degenerate fit: keep the raw scores
        return 1.0, 0.0
    return 1.0 / a_, float(b.detach())
