"""python -m training.reader.tune --data ../shared/train/realtimeqa [--from WEIGHTS] [--out DIR]

The reader's second stage: fine-tunes trained reader weights (default: the shipped ones) on the
product's own shortlists of the training weeks (`shortlists`), recalibrates the score on the first
stage's held-out weeks, measures it there, and writes `reader.safetensors` and `TUNING.md` into
--out (default /tmp/reader-tuned: this stage is not what the product ships, see docs/QUALITY.md).
Building the week indexes takes about 1 minute a week the first time (kept under --work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    from assistant.reading.reader_model import WEIGHTS

    ap = argparse.ArgumentParser(prog="python -m training.reader.tune", description=__doc__.split("\n\n")[1])
    ap.add_argument("--data", type=Path, required=True, help="the realtimeqa training folder")
    ap.add_argument("--from", dest="start", type=Path, default=WEIGHTS, help="the weights to start from")
    ap.add_argument("--out", type=Path, default=Path("/tmp/reader-tuned"),
                    help="where the tuned weights and card go (default %(default)s; not the shipped ones)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/training-weeks"), help="week indexes and the group cache")
    ap.add_argument("--minutes", type=float, default=25.0, help="training time budget in minutes (default %(default)s)")
    ap.add_argument("--max-epochs", type=float, default=1.0, help="passes over the groups (default %(default)s)")
    ap.add_argument("--lr", type=float, default=2e-5, help="learning rate of the trained layers (default %(default)s)")
    ap.add_argument("--head-lr", type=float, default=1e-4, help="learning rate of the two heads (default %(default)s)")
    ap.add_argument("--train-layers", type=int, default=4, help="top layers trained (6: all; default %(default)s)")
    ap.add_argument("--seed", type=int, default=13, help="seeds the batches (default %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads (default %(default)s)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/reader-pairs"), help="the first stage's group cache")
    a = ap.parse_args(argv)
    if not (a.data / "weeks").is_dir():
        print(f"error: {a.data} has no weeks/ folder (the realtimeqa training folder is expected)", file=sys.stderr)
        return 2

    import torch

    from assistant.reading.reader_model import Reader, ReaderLoadError, save_weights

    from .evaluate import evaluate
    from .pairs import load_or_build as first_stage
    from .shortlists import NONE_K, VERSION, load_or_build
    from .train import TrainConfig, train

    started = time.monotonic()
    torch.set_num_threads(a.threads)
    # the product's loader (version, base embeddings and shapes checked), in fp32 to train; before
    # the groups, which take hours to build the first time
    try:
        start = Reader.load(a.start, precision="fp32")
    except ReaderLoadError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    groups, counts, digest = load_or_build(a.data, a.work)
    for k, v in sorted(counts.items()):
        print(f"  {v:8d}  {k}", file=sys.stderr)
    ps = first_stage(a.data, a.cache)  # its held-out weeks calibrate and measure (never tuned on)
    net, builder, meta = start.net, start.builder, start.meta
    sha = meta["base_word_sha256"]
    cfg = TrainConfig(minutes=a.minutes, lr=a.lr, head_lr=a.head_lr, train_layers=a.train_layers, seed=a.seed,
                      threads=a.threads, max_epochs=a.max_epochs, hard=10 ** 6, eval_every=0)  # every candidate
    summary = train(net, builder, groups, cfg)
    res = evaluate(net, builder, ps.held, ps.rank, summary["bf16"], rank_none=ps.rank_none)
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / "reader.safetensors"
    extra = {k: meta[k] for k in ("data_sha256", "pairs", "pooling", "budget") if k in meta}
    extra.update(temperature=res["temperature"], bias=res["bias"], steps=meta.get("steps", ""),
                 tuned=f"{VERSION}, {summary['steps']} steps")
    save_weights(net, path, sha, extra)
    figures = {k: v for k, v in res.items() if isinstance(v, (int, float, str))}
    lines = [f"# Reader, second stage ({VERSION})", "",
             f"Started from `{a.start}`; {dt.date.today().isoformat()}; data sha256 `{digest}`.",
             f"Command: `python -m training.reader.tune --data {a.data} --minutes {a.minutes:g} --max-epochs "
             f"{a.max_epochs:g} --lr {a.lr:g} --head-lr {a.head_lr:g} --train-layers {a.train_layers} --seed {a.seed}`",
             f"Training {summary['seconds'] / 60:.1f} min, {summary['steps']} steps, {summary['groups']} groups, "
             f"{summary['distinct_pairs']} distinct pairs ('not answered' groups: first {NONE_K} candidates); "
             f"{(time.monotonic() - started) / 60:.1f} min in all.", "", "| count | n |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(counts.items())]
    lines += ["", "Held-out weeks of the first stage:", "", "| figure | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in figures.items()]
    (a.out / "TUNING.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path} and {a.out / 'TUNING.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
