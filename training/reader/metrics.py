"""Held-out figures of the reader: how well the score separates answering sentences, whether the
best-scored sentence of a question answers it, how exact the short answer is, and how calibrated
the probability is. Pure Python over lists; labels come from `pairs` (string-matched, so a little
noisy: the figures are comparisons between runs, not absolute truth)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Sequence

from .matching import normalise


def auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    ranked = sorted(zip(scores, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + j + 1) / 2  # 1-based mean rank of the tie group
        rank_sum += avg * sum(l for _, l in ranked[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def best_per_question(qids: Sequence[str], scores: Sequence[float], labels: Sequence[int]) -> tuple[float, int]:
    """Share of questions (with at least one positive) whose top-scored candidate is a positive."""
    by = defaultdict(list)
    for q, s, l in zip(qids, scores, labels):
        by[q].append((s, l))
    asked = [c for c in by.values() if any(l for _, l in c)]
    if not asked:
        return float("nan"), 0
    return sum(max(c)[1] for c in asked) / len(asked), len(asked)


def _f1(pred: str, gold: str) -> float:
    p, g = normalise(pred).split(), normalise(gold).split()
    common = sum(min(p.count(w), g.count(w)) for w in set(p))
    if not common:
        return 0.0
    pr, rc = common / len(p), common / len(g)
    return 2 * pr * rc / (pr + rc)


def span_scores(sentences: Sequence[str], gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> dict:
    """Exact match (normalised text) and token F1 of predicted vs labelled short answers."""
    em = f1 = 0.0
    for s, (a, b), (c, d) in zip(sentences, gold, pred):
        em += normalise(s[a:b]) == normalise(s[c:d])
        f1 += _f1(s[c:d], s[a:b])
    n = max(1, len(gold))
    return {"span_exact_match": em / n, "span_f1": f1 / n, "span_pairs": len(gold)}


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -60 else 0.0


def calibration(probs: Sequence[float], labels: Sequence[int], bins: int = 10) -> dict:
    """Expected calibration error (equal-width bins) and mean log-loss."""
    ece, n = 0.0, len(probs)
    for b in range(bins):
        sel = [(p, l) for p, l in zip(probs, labels) if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p == 1)]
        if sel:
            ece += len(sel) / n * abs(sum(p for p, _ in sel) / len(sel) - sum(l for _, l in sel) / len(sel))
    ll = -sum(math.log(max(1e-12, p if l else 1 - p)) for p, l in zip(probs, labels)) / max(1, n)
    return {"ece": ece, "log_loss": ll}
