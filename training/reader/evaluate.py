"""Held-out evaluation and score calibration after training (weeks never trained on).

* pairs: AUC of the score, accuracy of the best-scored sentence per question, short-answer exact
  match / F1 on positives, mean probability and share below 0.5 per kind of pair;
* calibration: Platt scaling (temperature, bias) fitted on all held-out pairs and shipped; its
  honest error is measured cross-fitted (fit on alternate weeks, measure on the others);
* rank: each held-out question against its 48 most word-overlapping sentences (what retrieval
  hands the reader): does the top-scored one contain the right choice, and is its marked short
  answer exactly the choice?
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


def evaluate(net, builder, held, rank, bf16: bool, log=sys.stderr, calibrate: bool = True,
             temperature: float = 1.0, bias: float = 0.0) -> dict:
    res: dict = {}
    logits, spans = predict(net, builder, held, bf16)
    labels = [p.label for p in held]
    res["held_pairs"], res["held_positives"] = len(held), sum(labels)
    res["auc"] = MX.auc(logits, labels)
    res["best_sentence_accuracy"], res["best_sentence_questions"] = MX.best_per_question(
        [p.qid for p in held], logits, labels)
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
        by = defaultdict(list)
        for i, p in enumerate(rank):
            by[p.qid].append(i)
        answerable = [ix for ix in by.values() if any(rank[i].label for i in ix)]
        top = [max(ix, key=lambda i: rl[i]) for ix in answerable]
        res["rank_questions"] = len(by)
        res["rank_answerable"] = len(answerable)
        res["rank_top1_has_answer"] = sum(rank[i].label for i in top) / max(1, len(top))
        em = 0
        for i in top:
            if rank[i].label:
                (a, b), (c, d), s = rank[i].span, rs[i], rank[i].sentence
                em += MX.normalise(s[a:b]) == MX.normalise(s[c:d])
        res["rank_top1_short_answer_exact"] = em / max(1, len(top))
        res["rank_top1_prob_answerable"] = sum(MX.sigmoid(rl[i] / temperature + bias) for i in top) / max(1, len(top))
        lexical = [ix[0] for ix in answerable]  # the most word-overlapping sentence: the floor to beat
        res["rank_top1_lexical_baseline"] = sum(rank[i].label for i in lexical) / max(1, len(lexical))
    for k, v in res.items():
        if not isinstance(v, dict):
            print(f"  {k}: {v:.4f}" if isinstance(v, float) else f"  {k}: {v}", file=log)
    return res
