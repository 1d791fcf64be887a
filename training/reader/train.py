"""The reader's trainer: fine-tunes MiniLM-L6 (word embeddings frozen; by default only the top
layers and the heads) on groups of candidates (`pairs.Group`).

Loss, per batch of whole groups: listwise softmax cross-entropy over each "answer" group's scores
(every positive against the group's negatives: it must win) + `bce_weight` x binary cross-entropy
on every score (so the sigmoid stays a usable probability, and "not answered" groups, which have
no positive, push absolute scores down) + `span_weight` x cross-entropy on the start and end token
of the short answer for positives. Each epoch draws a group's hard negatives afresh from its pool.
AdamW (no decay on biases and LayerNorms), linear warm-up then linear decay to zero over a step
count set from the *measured* speed so the run fits its time budget (the machine may be shared:
it stops at the budget even if slower than measured). Groups of similar length are batched
together (buckets shuffled) to waste little on padding. bf16 autocast where the CPU does bf16
natively. Everything is seeded.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
from dataclasses import dataclass
from typing import Sequence

from assistant.reading.reader_inputs import Encoded, InputBuilder, ReadItem
from assistant.reading.reader_model import LAYERS, bf16_native, collate

from .pairs import HARD, Group, Pair


@dataclass
class TrainConfig:
    minutes: float = 60.0  # training time budget (evaluation and saving come on top)
    max_steps: int | None = None
    batch_pairs: int = 32  # whole groups are added to a batch until it holds this many pairs
    lr: float = 5e-5  # encoder
    head_lr: float = 5e-4  # the freshly initialised score/span heads learn faster
    warmup: float = 0.06  # share of the steps
    weight_decay: float = 0.01
    list_weight: float = 1.0
    bce_weight: float = 0.5
    span_weight: float = 0.5
    train_layers: int = 4  # the top layers trained (LAYERS: all, with the embeddings' LayerNorm/positions)
    hard: int = HARD  # hard negatives drawn per group each epoch
    seed: int = 13
    threads: int = 2  # the most torch threads; fewer where measured faster (a shared machine)
    precision: str = "auto"  # auto | bf16 | fp32
    max_epochs: float = 2.0  # label noise: more passes would learn the mislabelled pairs too
    eval_every: int = 400  # steps between held-out checks (reported, not used to pick weights)
    measure_steps: int = 12  # steps timed before the step count is fixed
    log_every: int = 20


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the OS. Batches of ever-changing shapes leave glibc's heap
    fragmented: the full run, same seed and losses, held 9 GB resident at step 740 without this and
    1.8 GB with it. A no-op off glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _resident_gb() -> float:
    """This process's resident memory in GB (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def device_of(net):
    """The device the network's weights are on (training and prediction follow them)."""
    import torch

    p = next(net.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def uses_bf16(precision: str, net) -> bool:
    """Whether `precision` ("auto" | "bf16" | "fp32") means bf16 autocast for `net`: "auto" on a
    GPU or a CPU with native bf16."""
    return precision == "bf16" or (precision == "auto" and (device_of(net).type == "cuda" or bf16_native()))


def short_budget(total: int, cap: int, minutes: float, bf16: bool) -> str | None:
    """The warning printed when the time budget fits fewer steps than `cap` (the steps of the
    epochs asked for): the schedule still decays to zero, so the run ends cleanly, but on less
    than the data asked for (a CPU without native bf16 runs each step several times slower)."""
    if total >= cap:
        return None
    why = "" if bf16 else " (no native bf16 here: fp32 steps are several times slower)"
    return (f"warning: {minutes:g} min fit {total} of the {cap} steps asked for ({total / cap:.0%}){why}; "
            f"raise --minutes, lower --max-epochs, or train with --device cuda")


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
    """Seeded batches of whole groups, epoch after epoch: each epoch draws every group's hard
    negatives afresh (`Group.pairs`), sorts groups by length within chunks of ~50 batches (random
    yet snug), packs them until a batch holds `batch_pairs` pairs, and shuffles the batches.
    Yields [(group kind, [indices into `index`'s pairs])]."""

    def __init__(self, groups: Sequence[Group], index: dict, lengths: Sequence[int], batch_pairs: int,
                 seed: int, hard: int = HARD):
        self.groups, self.index, self.lengths = list(groups), index, lengths
        self.bs, self.hard, self.rng = batch_pairs, hard, random.Random(seed)

    def epoch_pairs(self) -> int:
        return sum(len(g.pairs(None, self.hard)) for g in self.groups)

    def __iter__(self):
        while True:
            drawn = [(g.kind, [self.index[p] for p in g.pairs(self.rng, self.hard)]) for g in self.groups]
            self.rng.shuffle(drawn)
            batches, chunk, size = [], [], 0
            for k, d in enumerate(drawn):
                chunk.append(d)
                size += len(d[1])
                if size >= self.bs * 50 or k == len(drawn) - 1:
                    chunk.sort(key=lambda t: sum(self.lengths[i] for i in t[1]) / len(t[1]))
                    cur, n = [], 0
                    for t in chunk:
                        cur.append(t)
                        n += len(t[1])
                        if n >= self.bs:
                            batches.append(cur)
                            cur, n = [], 0
                    if cur:
                        batches.append(cur)
                    chunk, size = [], 0
            self.rng.shuffle(batches)
            yield from batches


def freeze_below(net, train_layers: int) -> int:
    """Train only the top `train_layers` layers and the heads (the word embeddings are always
    frozen; below all layers the position/type embeddings and their LayerNorm freeze too).
    Returns the number of trainable parameters."""
    keep = max(0, min(LAYERS, train_layers))
    for name, p in net.named_parameters():
        if name.startswith("word."):
            p.requires_grad_(False)
        elif name.startswith(("pos.", "segment.", "emb_ln.")):
            p.requires_grad_(keep >= LAYERS)
        elif name.startswith("layers."):
            p.requires_grad_(int(name.split(".")[1]) >= LAYERS - keep)
        else:
            p.requires_grad_(True)
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


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


def train(net, builder: InputBuilder, groups: Sequence[Group], cfg: TrainConfig, log=sys.stderr,
          on_eval=None) -> dict:
    """Train `net` in place on `groups`; returns a summary (steps, seconds, losses, speed).
    `on_eval(net) -> dict`, when given, runs every `cfg.eval_every` steps; its results are logged
    and kept in the summary (the clock pauses meanwhile)."""
    import torch

    seed_all(cfg.seed)
    on_gpu = device_of(net).type == "cuda"
    bf16 = uses_bf16(cfg.precision, net)
    pairs = list(dict.fromkeys(p for g in groups for p in g.positives + g.hard + g.easy))
    index = {p: i for i, p in enumerate(pairs)}
    encs = builder.encode(items_of(pairs))
    labels = [float(p.label) for p in pairs]
    spans = [token_span(e, p.span) if p.label else None for e, p in zip(encs, pairs)]
    lost = sum(1 for p, s in zip(pairs, spans) if p.label and p.span and s is None)
    trainable = freeze_below(net, cfg.train_layers)
    print(f"{len(groups)} groups, {len(pairs)} distinct pairs, {trainable / 1e6:.1f} M trainable parameters "
          f"(top {min(cfg.train_layers, LAYERS)} layers and the heads)", file=log, flush=True)
    opt = _optimizer(net, cfg)
    base_lrs = [g["lr"] for g in opt.param_groups]
    net.train()
    budget = cfg.minutes * 60
    batches = Batches(groups, index, [len(e.ids) for e in encs], cfg.batch_pairs, cfg.seed, cfg.hard)
    per_epoch = batches.epoch_pairs()
    cap = max(1, int(cfg.max_epochs * per_epoch / cfg.batch_pairs))
    total = min(cfg.max_steps or 10 ** 9, cap)  # fixed after the first measured steps
    t0 = time.monotonic()
    seen, losses, hist, evals = 0, [], [], []
    step = 0
    probe = _ThreadProbe(torch, cfg.threads if not on_gpu else 1, log)
    m0 = 9 if probe.threads > 1 else 1  # speed is measured after the thread probe and warm-up
    t_mark, s_mark = t0, 0
    for batch in batches:
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
                print(f"measured {per:.2f} s/step: {total} steps fit {cfg.minutes:g} min (cap {cap})", file=log)
                note = short_budget(total, cap, cfg.minutes, bf16)
                if note:
                    print(note, file=log, flush=True)
            t_mark, s_mark = now, step
        warm = max(1, int(cfg.warmup * (total if total < 10 ** 9 else 1000)))
        f = (step + 1) / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
        for g, lr in zip(opt.param_groups, base_lrs):
            g["lr"] = lr * f
        rows = [i for _, ix in batch for i in ix]
        seg = [(kind, len(ix)) for kind, ix in batch]
        loss = group_loss(net, [encs[i] for i in rows], [labels[i] for i in rows], [spans[i] for i in rows],
                          seg, bf16, cfg)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad], 1.0)
        opt.step()
        probe.after(step, time.monotonic() - t_step, sum(len(encs[i].ids) for i in rows))
        step += 1
        seen += len(rows)
        losses.append(float(loss.detach()))
        if step % cfg.log_every == 0 or step == total:
            el = time.monotonic() - t0
            avg = sum(losses[-cfg.log_every:]) / len(losses[-cfg.log_every:])
            hist.append((step, avg))
            eta = (min(total, 10 ** 6) - step) * el / step if total < 10 ** 9 else float("nan")
            _release_freed_memory()
            print(f"step {step}/{total if total < 10 ** 9 else '?'}  loss {avg:.4f}  {seen / el:.1f} pairs/s  "
                  f"epoch {seen / per_epoch:.2f}  elapsed {el / 60:.1f} min  ETA {eta / 60:.1f} min  "
                  f"memory {_resident_gb():.1f} GB", file=log, flush=True)
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
    return {"steps": step, "seconds": el, "pairs_seen": seen, "epochs": seen / max(1, per_epoch),
            "pairs_per_epoch": per_epoch, "groups": len(groups), "distinct_pairs": len(pairs),
            "trainable": trainable, "pairs_per_s": seen / max(el, 1e-9), "loss_curve": hist, "evals": evals,
            "spans_outside_budget": lost, "bf16": bf16, "threads": probe.chosen,
            "first_loss": sum(losses[:10]) / max(1, len(losses[:10])),
            "last_loss": sum(losses[-50:]) / max(1, len(losses[-50:])),
            "mean_tokens": sum(len(e.ids) for e in encs) / max(1, len(encs))}


def group_loss(net, encs, labels, spans, seg, bf16: bool, cfg: TrainConfig):
    """Listwise CE over each answer group (every positive against the group's negatives) +
    bce_weight x BCE on every row + span_weight x mean CE of start and end over rows with a span.
    `seg`: [(group kind, rows)] in row order."""
    import torch
    from torch.nn import functional as F

    dev = device_of(net)
    with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
        score, st, en = net(*(t.to(dev) for t in collate(encs)))
    y = torch.tensor(labels, dtype=torch.float32, device=dev)
    loss = cfg.bce_weight * F.binary_cross_entropy_with_logits(score, y)
    terms, at = [], 0
    for kind, n in seg:
        s, lab = score[at:at + n], labels[at:at + n]
        at += n
        neg = s[[i for i, v in enumerate(lab) if not v]]
        if kind != "answer" or not len(neg):
            continue
        for i, v in enumerate(lab):
            if v:
                terms.append(torch.logsumexp(torch.cat([s[i:i + 1], neg]), 0) - s[i])
    if terms and cfg.list_weight:
        loss = loss + cfg.list_weight * torch.stack(terms).mean()
    rows = [r for r, sp in enumerate(spans) if sp is not None]
    if rows and cfg.span_weight:
        tgt = torch.tensor([spans[r] for r in rows], device=dev)
        r = torch.tensor(rows, device=dev)
        loss = loss + cfg.span_weight * 0.5 * (F.cross_entropy(st[r], tgt[:, 0]) + F.cross_entropy(en[r], tgt[:, 1]))
    return loss


def mean_loss(net, builder: InputBuilder, groups: Sequence[Group], cfg: TrainConfig | None = None,
              bf16: bool = False) -> float:
    """The training loss over `groups` (their fixed pairs) in eval mode (no dropout), as one batch."""
    import torch

    cfg = cfg or TrainConfig()
    drawn = [(g.kind, g.pairs(None, cfg.hard)) for g in groups]
    pairs = [p for _, ps in drawn for p in ps]
    encs = builder.encode(items_of(pairs))
    spans = [token_span(e, p.span) if p.label else None for e, p in zip(encs, pairs)]
    net.eval()
    with torch.inference_mode():
        return float(group_loss(net, encs, [float(p.label) for p in pairs], spans,
                                [(k, len(ps)) for k, ps in drawn], bf16, cfg))


def predict(net, builder: InputBuilder, pairs: Sequence[Pair], bf16: bool, batch_size: int = 64):
    """Raw score logits and (start, end) char spans for pairs, with the inference decoding."""
    import torch

    from assistant.reading.reader_inputs import best_span, snap_to_words

    encs = builder.encode(items_of(pairs))
    order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
    logits, spans = [0.0] * len(encs), [(0, 0)] * len(encs)
    net.eval()
    dev = device_of(net)
    with torch.inference_mode(), torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
        for k in range(0, len(order), batch_size):
            part = order[k:k + batch_size]
            score, st, en = (t.float().cpu() for t in net(*(t.to(dev) for t in collate([encs[i] for i in part]))))
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
