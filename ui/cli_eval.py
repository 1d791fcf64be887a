"""`assistant eval`: measure the assistant on question files with known answers.

Reads JSON Lines eval files (see `assistant.eval.data`), asks every question of the index and
prints recall of gold sources, answer-hit, abstention rates and latency, then the failures.
Exit status 0 whatever the scores (it is a measurement, not a test); 1 when a file cannot be
read (the typed EvalFileError becomes a one-line message in `ui.cli.main`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ui.cli import add_index_arg


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got {value!r}")
    return n


def add_eval(sub) -> None:
    p = sub.add_parser(
        "eval", help="score the assistant on question files with known answers",
        description="Ask every question of one or more JSON Lines eval files and report: gold source "
                    "among the first 1 and 5 articles cited, answer hit (an expected answer appears in "
                    "the answer), abstentions on unanswerable and on answerable questions, and latency. "
                    'Lines: {"question": ..., "answers": [...], "sources": [url, path or file name], '
                    '"unanswerable": false} or a dialogue {"turns": [{"question": ..., "answers": [...]}, ...]}.',
        epilog="exit status: 0 when the evaluation ran (whatever the scores); 1 when a file cannot be read.")
    p.add_argument("files", nargs="+", metavar="QA.jsonl", help="eval files (JSON Lines)")
    add_index_arg(p)
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--failures", type=_count, default=10, metavar="N",
                   help="failures to list (default 10; 0 for none)")
    p.add_argument("--limit", type=_count, default=None, metavar="N",
                   help="evaluate only the first N lines of each file")
    p.set_defaults(run=run_eval)


def _progress(enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit=" questions", desc="evaluating", file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return bar, update


def make_assistant(index_dir):
    """The assistant to evaluate (a seam: tests put a fake here)."""
    from assistant import Assistant

    a = Assistant(index_dir)
    a.warm()  # many questions: the engine they want is loaded before the clock starts
    return a


def run_eval(args) -> int:
    from assistant import load_eval_file

    items = []
    for f in args.files:  # every file is checked before the (slow) model loads
        loaded = load_eval_file(f)
        items.extend(loaded if args.limit is None else loaded[: args.limit])

    from assistant import evaluate, warm_up

    assistant = make_assistant(args.index)
    bar, update = _progress(not args.json)
    try:
        warm_up(assistant)  # the model loads here, not inside the first question's latency
        report = evaluate(assistant, items, progress=update)
    finally:
        if bar is not None:
            bar.close()
        close = getattr(assistant, "close", None)
        if callable(close):
            close()
    if args.json:
        print(json.dumps(report.to_dict(max_failures=args.failures), indent=2, ensure_ascii=False))
    else:
        print(report.format_text(max_failures=args.failures))
    return 0
