"""Held-out evaluation and score calibration after training (weeks never trained on).

* groups (each held-out group's fixed pairs): AUC of the score, how often an answer group's
  positive scores above all its negatives, short-answer exact match / F1 on positives, mean
  probability and share below 0.5 per kind of pair;
* calibration: Platt scaling (temperature, bias) fitted on all held-out pairs and shipped; its
  honest error is measured cross-fitted (fit on alternate weeks, measure on the others);
* rank (the figure that matters): each held-out question against its 48 (and 24) most
  word-overlapping sentences (what retrieval hands the reader): does the top-scored one contain
  the right choice, against the most overlapping one (the word-overlap floor), and is its marked
  short answer exactly the choice?
* abstention: the best probability among a question's own 24 most overlapping sentences (when
  one holds the answer) against the best among another week's 24 (`rank_none`): AUC, and at
  thresholds the share of each side kept.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from . import metrics as MX
from .train import fit_calibration, predict


def _split_weeks(pairs) -> tuple[list[int], list[int]]:
    weeks = sorted({p.qid.split("_")[0] for p in pairs})
    odd = {w for i, w in enumerate(weeks) if i % 2}
    a = [i for i, p in enumerate(pairs) if p.qid.split("_")[0] in odd]
    b = [i for i, p in enumerate(pairs) if p.qid.split("_")[0] not in odd]
    return a, b


def group_top1(groups, logits) -> tuple[float, int]:
    """Share of answer groups whose best-scored pair is a positive (logits: the groups' fixed
    pairs in order)."""
    wins = n = at = 0
    for g in groups:
        ps = g.pairs()
        if g.kind == "answer":
            s = logits[at:at + len(ps)]
            wins += ps[max(range(len(ps)), key=lambda i: s[i])].label
            n += 1
        at += len(ps)
    return wins / max(1, n), n


def rank_figures(rank, rl, rs, temperature: float, bias: float, k: int | None = None) -> dict:
    """Top-1 vs word overlap over each question's first `k` rank pairs (all when None)."""
    by = defaultdict(list)
    for i, p in enumerate(rank):
        by[p.qid].append(i)
    lists = {q: ix[:k] if k else ix for q, ix in by.items()}
    answerable = {q: ix for q, ix in lists.items() if any(rank[i].label for i in ix)}
    top = {q: max(ix, key=lambda i: rl[i]) for q, ix in answerable.items()}
    em = 0
    for i in top.values():
        if rank[i].label:
            (a, b), (c, d), s = rank[i].span, rs[i], rank[i].sentence
            em += MX.normalise(s[a:b]) == MX.normalise(s[c:d])
    n = max(1, len(top))
    return {"questions": len(lists), "answerable": len(answerable),
            "top1_has_answer": sum(rank[i].label for i in top.values()) / n,
            "lexical_baseline": sum(rank[ix[0]].label for ix in answerable.values()) / n,
            "top1_short_answer_exact": em / n,
            "top1_prob_answerable": sum(MX.sigmoid(rl[i] / temperature + bias) for i in top.values()) / n,
            "best_prob": {q: MX.sigmoid(max(rl[i] for i in ix) / temperature + bias) for q, ix in answerable.items()}}


def evaluate(net, builder, held_groups, rank, bf16: bool, log=sys.stderr, calibrate: bool = True,
             temperature: float = 1.0, bias: float = 0.0, rank_none=()) -> dict:
    res: dict = {}
    held = [p for g in held_groups for p in g.pairs()]
    logits, spans = predict(net, builder, held, bf16)
    labels = [p.label for p in held]
    res["held_groups"], res["held_pairs"], res["held_positives"] = len(held_groups), len(held), sum(labels)
    res["auc"] = MX.auc(logits, labels)
    res["group_top1"], res["group_questions"] = group_top1(held_groups, logits)
    pos = [i for i, p in enumerate(held) if p.label and p.span]
    res.update(MX.span_scores([held[i].sentence for i in pos], [held[i].span for i in pos], [spans[i] for i in pos]))
    if calibrate:
        temperature, bias = fit_calibration(logits, labels)
        res["raw"] = MX.calibration([MX.sigmoid(z) for z in logits], labels)
        crossed = [0.0] * len(held)
        a, b = _split_weeks(held)
        for fit, use in ((a, b), (b, a)):
            t, c = fit_calibration([logits[i] for i in fit], [labels[i] for i in fit]) if fit else (1.0, 0.0)
            for i in use:
                crossed[i] = MX.sigmoid(logits[i] / t + c)
        res["calibrated_crossfit"] = MX.calibration(crossed, labels)
    res["temperature"], res["bias"] = temperature, bias
    probs = [MX.sigmoid(z / temperature + bias) for z in logits]
    kinds = defaultdict(list)
    for p, pr in zip(held, probs):
        kinds[p.kind].append(pr)
    res["per_kind"] = {k: {"n": len(v), "mean_probability": sum(v) / len(v),
                           "share_below_0.5": sum(x < 0.5 for x in v) / len(v)} for k, v in sorted(kinds.items())}
    if rank:
        rl, rs = predict(net, builder, rank, bf16)
        for k, tag in ((None, "rank"), (24, "rank24")):
            got = rank_figures(rank, rl, rs, temperature, bias, k)
            best = got.pop("best_prob")
            res.update({f"{tag}_{n}": v for n, v in got.items()})
        if rank_none:
            nl, _ = predict(net, builder, list(rank_none), bf16)
            by = defaultdict(list)
            for p, z in zip(rank_none, nl):
                by[p.qid].append(z)
            away = [MX.sigmoid(max(v) / temperature + bias) for v in by.values()]
            own = list(best.values())  # the 24-candidate lists holding the answer
            res["abstain_auc"] = MX.auc(own + away, [1] * len(own) + [0] * len(away))
            res["abstain_questions"] = f"{len(own)} answerable / {len(away)} another week"
            res["abstain_curve"] = {f"{t:.2f}": (sum(x >= t for x in own) / max(1, len(own)),
                                                 sum(x < t for x in away) / max(1, len(away)))
                                    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)}
    for k, v in res.items():
        if not isinstance(v, dict):
            print(f"  {k}: {v:.4f}" if isinstance(v, float) else f"  {k}: {v}", file=log)
    if "abstain_curve" in res:
        print("  abstention (threshold: answerable kept, another week refused): " + ", ".join(
            f"{t}: {a:.2f}/{b:.2f}" for t, (a, b) in res["abstain_curve"].items()), file=log)
    return res
