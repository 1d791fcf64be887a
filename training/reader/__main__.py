"""python -m training.reader --data ../shared/train/realtimeqa [--out assistant/reading/weights] [--minutes 60]

Builds the labelled groups (cached under /tmp by the data's hash), fine-tunes the reader for the
time budget, calibrates its score on the held-out weeks, measures it there (ranking, abstention,
short answers), and writes `reader.safetensors` (fp16, no word embeddings) and `MODEL_CARD.md`
into --out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def measure_speed(reader, rank, sizes=(24, 32, 48), repeats: int = 5) -> str:
    """Median wall time of `reader.score` over one held-out question's first n rank candidates
    (the product's call: tokenizing included), and their mean input length."""
    from collections import defaultdict

    from assistant.reading.reader_inputs import ReadItem

    by = defaultdict(list)
    for p in rank:
        by[p.qid].append(ReadItem(p.question, p.sentence, p.headline, p.context))
    items = next((v for v in by.values() if len(v) >= max(sizes)), None)
    if items is None:
        return "not measured (no question with enough candidates)"
    reader.score(items[: max(sizes)])  # warm-up: one-off kernel choices
    out = []
    for n in sizes:
        ts = []
        for _ in range(repeats):
            t = time.perf_counter()
            reader.score(items[:n])
            ts.append(time.perf_counter() - t)
        out.append(f"{n} candidates {sorted(ts)[len(ts) // 2] * 1e3:.0f} ms")
    tokens = sum(len(e.ids) for e in reader.builder.encode(items[: max(sizes)])) / max(sizes)
    return ", ".join(out) + f" (mean {tokens:.0f} tokens per candidate; median of {repeats}, a shared machine)"


def terse_top1(net, builder, held, seed: int, bf16: bool) -> float:
    """How often a held-out answer group's positive wins when its question is asked tersely."""
    from .evaluate import group_top1
    from .train import predict
    from .variants import short_questions

    groups, _ = short_questions([g for g in held if g.kind == "answer"], 1.0, seed)
    logits, _ = predict(net, builder, [p for g in groups for p in g.pairs()], bf16)
    return group_top1(groups, logits)[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.reader", description=__doc__.split("\n\n")[1],
                                 epilog="The command that made the shipped weights is in their model card "
                                        "(assistant/reading/weights/MODEL_CARD.md).")
    ap.add_argument("--data", type=Path, required=True, help="the realtimeqa training folder")
    ap.add_argument("--out", type=Path, default=Path("assistant/reading/weights"),
                    help="where the weights and model card go (default: the shipped ones, %(default)s)")
    ap.add_argument("--minutes", type=float, default=60.0, help="training time budget in minutes; training stops at it (default %(default)s)")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (default: none)")
    ap.add_argument("--max-epochs", type=float, default=2.0, help="passes over the training groups (default %(default)s)")
    ap.add_argument("--eval-every", type=int, default=400, help="steps between held-out checks (0: none; default %(default)s)")
    ap.add_argument("--batch-pairs", type=int, default=32, help="pairs per batch, whole groups (default %(default)s)")
    ap.add_argument("--lr", type=float, default=5e-5, help="learning rate of the trained layers (default %(default)s)")
    ap.add_argument("--head-lr", type=float, default=5e-4, help="learning rate of the two heads (default %(default)s)")
    ap.add_argument("--train-layers", type=int, default=4, help="top layers trained, the rest kept as the base has them (6: all; default %(default)s)")
    ap.add_argument("--seed", type=int, default=13, help="seeds sampling, shuffling and the heads (default %(default)s)")
    ap.add_argument("--pooling", choices=("cls", "mean"), default="mean", help="what the score head reads (default %(default)s)")
    ap.add_argument("--list-weight", type=float, default=1.0, help="weight of the listwise loss over a question's candidates (default %(default)s)")
    ap.add_argument("--bce-weight", type=float, default=0.5, help="weight of the per-sentence binary loss (default %(default)s)")
    ap.add_argument("--span-weight", type=float, default=0.5, help="weight of the short-answer span loss (default %(default)s)")
    ap.add_argument("--skip-rank", action="store_true", help="evaluate on held-out groups only")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads (default %(default)s)")
    ap.add_argument("--device", default="cpu", help="where to train: cpu (the default, what the budget is set for) or cuda")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                    help="bf16 autocast on a GPU or a CPU with native bf16 (auto, the default), always (bf16) or never (fp32)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/reader-pairs"), help="where built groups are cached, by the data's hash (default %(default)s)")
    ap.add_argument("--no-cache", action="store_true", help="build the groups again, ignoring the cache")
    ap.add_argument("--confirm", action="store_true", help="keep a sentence holding the answer as a positive only "
                    "if its meaning is near the question (and the quiz's evidence): drops mentions in passing")
    ap.add_argument("--swaps", type=int, default=0, metavar="N", help="altered 'not answered' questions per question "
                    "(none-swap groups; 0: none)")
    ap.add_argument("--contrast", action="store_true", help="with --swaps: put each altered question into its "
                    "original's group, so the listwise loss makes the original win on the same sentence")
    ap.add_argument("--week-negatives", type=int, default=0, metavar="N", help="per answer group, the most word-overlapping "
                    "sentences of the same week's other stories as negatives (neg-week; 0: none)")
    ap.add_argument("--short-questions", type=float, default=0.0, metavar="SHARE", help="rewrite this share of the "
                    "training groups' questions tersely ('Which team Hamlin emergency?'; 0: none): people ask "
                    "shorter questions than the quizzes")
    ap.add_argument("--rank-questions", type=int, default=None, help="evaluate ranking on this many held-out questions (default: all)")
    a = ap.parse_args(argv)
    if a.contrast and not a.swaps:
        print("error: --contrast needs --swaps N (the altered questions it contrasts)", file=sys.stderr)
        return 2
    if not 0.0 <= a.short_questions <= 1.0:
        print("error: --short-questions must be a share from 0 to 1", file=sys.stderr)
        return 2

    import torch

    from assistant.reading.reader_inputs import InputBuilder, load_tokenizer
    from assistant.reading.reader_model import (
        Reader, base_folder, base_state, build_net, save_weights, word_embeddings)

    from .card import write_card
    from .evaluate import evaluate
    from .pairs import load_or_build
    from .train import TrainConfig, seed_all, train

    started = time.monotonic()
    torch.set_num_threads(a.threads)
    log = sys.stderr
    print(f"pairs from {a.data} ...", file=log)
    ps = load_or_build(a.data, None if a.no_cache else a.cache, seed=a.seed, log=log, swaps=a.swaps, confirm=a.confirm,
                       week_negatives=a.week_negatives)
    if a.contrast:
        from .variants import contrasted

        ps.train, n = contrasted(ps.train)
        ps.counts["train groups with altered questions as negatives"] = n
        ps.version += "+contrast"
    if a.short_questions:
        from .variants import short_questions

        ps.train, n = short_questions(ps.train, a.short_questions, a.seed)
        ps.counts["train groups asked tersely"] = n
    for k, v in sorted(ps.counts.items()):
        print(f"  {v:8d}  {k}", file=log)
    folder = base_folder()
    word, sha = word_embeddings(folder)
    seed_all(a.seed)
    net = build_net(word, a.pooling)
    missing, _ = net.load_state_dict(base_state(folder), strict=False)
    print(f"fresh (not in the base): {sorted(k for k in missing if not k.startswith('word.'))}", file=log)
    net.to(a.device)
    builder = InputBuilder(load_tokenizer(folder))
    cfg = TrainConfig(minutes=a.minutes, max_steps=a.max_steps, batch_pairs=a.batch_pairs, lr=a.lr, head_lr=a.head_lr,
                      seed=a.seed, threads=a.threads, precision=a.precision, list_weight=a.list_weight,
                      bce_weight=a.bce_weight, span_weight=a.span_weight, train_layers=a.train_layers,
                      max_epochs=a.max_epochs, eval_every=a.eval_every)
    held_pairs = ps.held_pairs()

    def quick(n):  # held-out groups only: the score's AUC and how often a group's positive wins
        from .evaluate import group_top1
        from .metrics import auc
        from .train import predict, uses_bf16

        logits, _ = predict(n, builder, held_pairs, uses_bf16(a.precision, n))
        return {"auc": auc(logits, [p.label for p in held_pairs]), "group_top1": group_top1(ps.held, logits)[0]}

    summary = train(net, builder, ps.train, cfg, log=log, on_eval=quick)
    print(f"trained {summary['steps']} steps in {summary['seconds'] / 60:.1f} min", file=log)

    rank, rank_none = ([], []) if a.skip_rank else (ps.rank, ps.rank_none)
    if a.rank_questions is not None:
        keep = set(sorted({p.qid for p in rank})[: a.rank_questions])
        rank, rank_none = [p for p in rank if p.qid in keep], [p for p in rank_none if p.qid in keep]
    res = evaluate(net, builder, ps.held, rank, summary["bf16"], log=log, rank_none=rank_none)
    res["terse_group_top1"] = terse_top1(net, builder, ps.held, a.seed, summary["bf16"])
    print(f"held-out groups asked tersely: the positive wins {res['terse_group_top1']:.3f}", file=log)
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / "reader.safetensors"
    extra = {"temperature": res["temperature"], "bias": res["bias"], "data_sha256": ps.data_sha256,
             "pairs": ps.version, "steps": summary["steps"], "pooling": a.pooling, "budget": json.dumps(builder.budget.__dict__)}
    save_weights(net, path, sha, extra)
    # the shipped file is fp16: check the figures hold when it is read back the way the product does
    shipped = Reader.load(path, precision=a.precision)
    res16 = evaluate(shipped.net, builder, ps.held, [], shipped.bf16, log=log, calibrate=False,
                     temperature=res["temperature"], bias=res["bias"])
    res["fp16_file_auc"], res["fp16_file_group_top1"] = res16["auc"], res16["group_top1"]
    res["fp16_file_span_exact_match"] = res16["span_exact_match"]
    speed = measure_speed(Reader.load(path), ps.rank) if ps.rank else ""
    print(f"speed: {speed}", file=log)
    cmd = (f"python -m training.reader --data {a.data} --out {a.out} --minutes {a.minutes:g} "
           f"--batch-pairs {a.batch_pairs} --lr {a.lr:g} --head-lr {a.head_lr:g} --train-layers {a.train_layers} "
           f"--seed {a.seed} --threads {a.threads} --pooling {a.pooling} --list-weight {a.list_weight:g} "
           f"--bce-weight {a.bce_weight:g} --span-weight {a.span_weight:g} --max-epochs {a.max_epochs:g}"
           + (f" --max-steps {a.max_steps}" if a.max_steps else "") + (" --confirm" if a.confirm else "") + (f" --swaps {a.swaps}" if a.swaps else "") + (" --contrast" if a.contrast else "") + (f" --week-negatives {a.week_negatives}" if a.week_negatives else "") + (f" --short-questions {a.short_questions:g}" if a.short_questions else "") + (f" --device {a.device}" if a.device != "cpu" else ""))
    write_card(a.out / "MODEL_CARD.md", ps=ps, summary=summary, cfg=cfg, results=res, word_sha=sha,
               file_bytes=path.stat().st_size, command=cmd, date=dt.date.today().isoformat(),
               total_minutes=(time.monotonic() - started) / 60, budget=builder.budget, pooling=a.pooling,
               speed=speed, device=a.device)
    print(json.dumps({k: v for k, v in res.items() if not isinstance(v, (list, dict))}, indent=1), file=log)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and {a.out / 'MODEL_CARD.md'}", file=log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
