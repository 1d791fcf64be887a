"""python -m training.confidence.share --data ../shared/train/realtimeqa [--work DIR]

A check of the reader's share of the answer's confidence (`AnswerSettings.reader_confidence_weight`,
chosen on the dev sets) on training weeks the reader never trained on: its held-out weeks (every
10th, `training.reader.pairs.HOLD_EVERY`). Each week's pages become a small index (as
`training.confidence` builds them); each question is asked of its own week and of another held-out
week by the product with the reader on, and for the best sentence it records the rules'
confidence, the reader's probability and whether that sentence holds the right choice. Prints the
AUC of `share x reader + (1 - share) x rules` for shares 0..1, against two labels: the question's
pages hold the answer (what the confidence model is fitted on) and the sentence shown holds it;
then what the product's own share and threshold refuse of each kind of question: asked of another
week (no page answers), of its own week where no page holds the answer, and falsely, of its own
week where one does.
About 20 minutes on 2 cores, most of it indexing; the indexes stay in --work for a rerun.

Limits: ten weeks (a few hundred rows, a few dozen right answers shown), string-matched labels.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)


def rows_on_held_weeks(root: Path, work: Path, log=sys.stderr, embedder=None) -> list[dict]:
    """One row per question asked (own week: "own" or "related"; another week: "away");
    `embedder` defaults to the bundled model (tests pass a stand-in)."""
    from collections import Counter

    from assistant.reading.confidence import confidence
    from index import SentenceTransformerEmbedder
    from training.reader import matching as M
    from training.reader.pairs import HOLD_AT, HOLD_EVERY
    from training.reader.sources import read_weeks

    from .rows import _holds, asked, read

    weeks = [(w, qs) for i, (w, qs) in enumerate(read_weeks(root)) if i % HOLD_EVERY == HOLD_AT]
    rows: list[dict] = []

    def row(a, q, day, kind, label, variants):
        rk = read(a, q, day, away=kind == "away")
        if rk is None:
            return
        rules, cw = confidence(rk.evidence), a.ranker.confidence_weight
        rows.append({"week": q.week, "kind": kind, "label": label, "rules": rules,
                     "reader": (rk.confidence - (1 - cw) * rules) / cw,  # the blend, undone
                     "shown": bool(label and M.find_choice(rk.ranked[0].sentence.text, variants))})

    counts = Counter()
    for own_a, own_day, away_a, away_day, q, variants in asked(weeks, work, embedder or SentenceTransformerEmbedder(),
                                                                "reader", counts, log):
        if not _holds((r["text"] for r in q.results), variants):
            row(own_a, q, own_day, "related", 0, variants)
            continue
        row(own_a, q, own_day, "own", 1, variants)
        row(away_a, q, away_day, "away", 0, variants)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.confidence.share", description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="the realtimeqa training folder")
    ap.add_argument("--work", type=Path, default=Path("/tmp/confidence-share"), help="the weeks' indexes")
    args = ap.parse_args(argv)
    if not (args.data / "weeks").is_dir():
        print(f"error: {args.data} has no weeks/ folder (give the realtimeqa training folder)", file=sys.stderr)
        return 2
    rows = rows_on_held_weeks(args.data, args.work)
    print(table(rows))
    return 0


def table(rows: list[dict]) -> str:
    """The AUC of each reader share against both labels, as the command prints it."""
    from training.reader.metrics import auc

    label = [r["label"] for r in rows]
    shown = [int(r["shown"]) for r in rows]
    out = [f"{len(rows)} rows: {sum(label)} with the answer in their pages, {sum(shown)} with it in the sentence shown",
           "reader share | AUC, pages hold the answer | AUC, sentence shown holds it"]
    for s in SHARES:
        score = [blended(r, s) for r in rows]
        out.append(f"{s:12.1f} | {auc(score, label):.3f} | {auc(score, shown):.3f}")
    from assistant import AnswerSettings

    product = AnswerSettings(ranker="reader")
    share, threshold = product.reader_confidence_weight, product.threshold
    out.append(f"at the product's share {share} and threshold {threshold}, refused:")
    for kind, (n, refused) in refusals(rows, share, threshold).items():
        out.append(f"  {KINDS[kind]}: {refused}/{n}" + (f" ({refused / n:.3f})" if n else ""))
    return "\n".join(out)


KINDS = {"away": "asked of another week (no page answers)",
         "related": "own week, no page holds the answer",
         "own": "own week, its pages hold the answer (false abstention)",
         "shown": "  of which the sentence shown holds it (a right answer refused)"}


def refusals(rows: list[dict], share: float, threshold: float) -> dict[str, tuple[int, int]]:
    """Per kind of row (and "shown": own rows whose sentence shown holds the answer): (rows, rows
    whose blended confidence falls below `threshold`), as `ask` abstains (below it, not at it)."""
    out = {}
    for kind in KINDS:
        mine = [r for r in rows if r["kind"] == kind or (kind == "shown" and r["shown"])]
        out[kind] = (len(mine), sum(blended(r, share) < threshold for r in mine))
    return out


def blended(row: dict, share: float) -> float:
    """A row's confidence with the reader at `share` of it (the product's blend)."""
    return share * row["reader"] + (1 - share) * row["rules"]


if __name__ == "__main__":
    sys.exit(main())
