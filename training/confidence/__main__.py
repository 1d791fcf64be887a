"""python -m training.confidence --data ../shared/train/realtimeqa [--out assistant/reading/weights/confidence.json]

Fits the rules' confidence model (the logistic model of `assistant.reading.confidence`) on the
training weeks only: builds one small index per sampled week (kept in --work, reused by a later
run), asks each week's questions of it and of another week's (see `rows`), fits the coefficients
(see `fit`) and writes them with their provenance: data hash, weeks, row counts, cross-validation.
About 25 minutes on 2 cores with the default sample (every 2nd week), most of it indexing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.confidence", description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="the realtimeqa training folder")
    ap.add_argument("--out", type=Path, default=Path("assistant/reading/weights/confidence.json"),
                    help="where the coefficients go (default: the product's file)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/confidence-fit"),
                    help="the weeks' indexes and the rows (never in the repository)")
    ap.add_argument("--every", type=int, default=2, metavar="N", help="use every Nth week (default 2)")
    ap.add_argument("--offset", type=int, default=1, metavar="K", help="starting at week K (default 1)")
    ap.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the coefficients (default 1)")
    ap.add_argument("--related", action=argparse.BooleanOptionalAction, default=True,
                    help="questions whose own pages lack the answer, asked of their own week, as 'not answered' "
                         "(near misses; noisier labels); --no-related: off-topic negatives only (default: with)")
    args = ap.parse_args(argv)
    if not (args.data / "weeks").is_dir():
        print(f"error: {args.data} has no weeks/ folder (give the realtimeqa training folder)", file=sys.stderr)
        return 2
    if args.every < 1 or not 0 <= args.offset < args.every:
        print("error: --every must be >= 1 and --offset in [0, every)", file=sys.stderr)
        return 2

    from training.reader.sources import data_hash

    from .fit import auc, cross_validate, fit, matrix, named
    from .rows import ROWS_VERSION, build_rows, load_rows, save_rows

    digest = data_hash(args.data)
    args.work.mkdir(parents=True, exist_ok=True)
    cached = args.work / (f"rows-v{ROWS_VERSION}-{digest[:16]}-{args.every}-{args.offset}"
                          f"{'-related' if args.related else ''}.jsonl")
    if cached.exists():
        rows, counts = load_rows(cached), json.loads(cached.with_suffix(".counts.json").read_text())
    else:
        rows, counts = build_rows(args.data, args.work, every=args.every, offset=args.offset,
                                  with_related=args.related)
        save_rows(rows, cached)
        cached.with_suffix(".counts.json").write_text(json.dumps(counts, indent=1))
    x, y = matrix(rows)
    beta = fit(x, y, l2=args.l2)
    result = {
        "coef": named(beta),
        "fitted_on": {"data": "realtimeqa training weeks (../shared/train), never ../shared/eval",
                      "data_sha256": digest, "every": args.every, "offset": args.offset, "related": args.related,
                      "weeks": sorted({r.week for r in rows}), "counts": counts},
        "l2": args.l2,
        "auc_on_fit_rows": round(auc(x @ beta, y), 3),
        "cross_validation": cross_validate(rows, args.l2),
        "date": dt.date.today().isoformat(),
        "command": "python -m training.confidence --data ../shared/train/realtimeqa"
                   + (f" --every {args.every}" if args.every != 2 else "")
                   + (f" --offset {args.offset}" if args.offset != 1 else "")
                   + (f" --l2 {args.l2:g}" if args.l2 != 1.0 else "") + ("" if args.related else " --no-related"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("coef", "auc_on_fit_rows", "cross_validation")}, indent=1))
    print(f"rows: {counts}\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
