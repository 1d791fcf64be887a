"""`python -m benchmarks COMMAND`: the project's benchmarks (need ../shared/eval; see README there).

    python -m benchmarks quality [--sets realtimeqa,squad2,rgb] [--limit N] [--failures N] [--fresh]
        convert, ingest each set into benchmarks/out/<set>/index, evaluate the Assistant and the
        naive baseline, print a markdown table per set, write benchmarks/out/<set>/report.json
    python -m benchmarks ingest-realtimeqa
        time a fresh ingest of the RealTimeQA corpus (articles, chunks, seconds, chunks/s, CPU, date):
        into benchmarks/out/realtimeqa/index when there is none yet, else into a scratch index
        that is deleted afterwards
    python -m benchmarks convert [--sets ...]     only write the converted corpora and questions
    python -m benchmarks perf-ingest | perf-latency | perf-overlap | perf-coldstart | perf-memory | perf-scaling | perf
        performance vs LangChain (see benchmarks/perf and docs/BENCHMARKS.md)
    python -m benchmarks all                      quality on every set, then perf (what `make bench` runs)

Exit status 0 when the runs completed (whatever the scores), 1 when the data is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Sequence

from index import DB_NAME

from . import OUT, SHARED_EVAL
from .convert import CONVERTERS

SETS = tuple(CONVERTERS)


def _sets(value: str) -> list[str]:
    names = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in names if s not in SETS]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"unknown set(s) {', '.join(bad) or '(none)'}; choose from {', '.join(SETS)}")
    return names


def _rankers(value: str) -> list[str]:
    names = [s.strip() for s in value.split(",") if s.strip()]
    if not names or any(n not in ("reader", "rules") for n in names):
        raise argparse.ArgumentTypeError(f"rankers are reader and/or rules, got {value!r}")
    return names


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, metavar="DIR", default=SHARED_EVAL, help=f"evaluation data folder (default {SHARED_EVAL})")
    p.add_argument("--out", type=Path, metavar="DIR", default=OUT, help=f"output folder (default {OUT})")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    q = sub.add_parser("quality", help="assistant vs naive baseline on the evaluation sets")
    q.add_argument("--sets", type=_sets, default=list(SETS), help=f"comma-separated, from {','.join(SETS)}")
    q.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N questions per set")
    q.add_argument("--failures", type=int, default=0, metavar="N", help="also print N assistant failures per set")
    q.add_argument("--fresh", action="store_true", help="delete and rebuild the indexes first")
    q.add_argument("--rankers", type=_rankers, default=["reader", "rules"],
                   help="comma-separated rankers to compare side by side (default reader,rules)")
    q.add_argument("--no-naive", action="store_true", help="skip the naive dense-only baseline")
    sub.add_parser("ingest-realtimeqa", help="time a fresh ingest of the RealTimeQA corpus")
    c = sub.add_parser("convert", help="only write the converted corpora and questions")
    c.add_argument("--sets", type=_sets, default=list(SETS))
    a = sub.add_parser("all", help="quality on every set, then every perf-* benchmark")
    a.add_argument("--limit", type=int, default=None, metavar="N")
    from .perf.cli import add_commands  # perf-ingest, perf-latency, ... (see benchmarks/perf)

    add_commands(sub)
    return p


def _check_data(data: Path, sets: list[str]) -> bool:
    missing = [s for s in sets if not (data / CONVERTERS[s][1]).exists()]
    if missing:
        print(f"benchmarks: no evaluation data for {', '.join(missing)} under {data} "
              f"(the benchmarks read ../shared/eval; give --data DIR)", file=sys.stderr)
        return False
    return True


def cmd_quality(args, sets: list[str], limit: int | None, failures: int = 0, fresh: bool = False,
                rankers: Sequence[str] = ("reader", "rules"), naive: bool = True) -> int:
    from index.encoders.embedder import SentenceTransformerEmbedder

    from .quality import markdown_table, run_set, system_info

    if not _check_data(args.data, sets):
        return 1
    embedder = SentenceTransformerEmbedder()
    info = system_info()
    print(f"benchmarks quality, {info['date']}, {info['cpu']} ({info['cores']} cores, "
          f"load average {info['load_average_1min']})"
          + (f", first {limit} questions per set" if limit else "") + "\n")
    for name in sets:
        r = run_set(name, args.data, args.out, limit=limit, embedder=embedder, fresh=fresh, rankers=rankers,
                    naive=naive)
        print(markdown_table(r))
        print(f"\nreport: {r.report_path}\n", flush=True)
        if failures:
            print(r.assistant.format_text(max_failures=failures).split("\n\n", 2)[-1] + "\n", flush=True)
    return 0


def _cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads): unlike wall-clock seconds it
    barely moves when other work shares the machine."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cmd_ingest_realtimeqa(args) -> int:
    from index.encoders.embedder import SentenceTransformerEmbedder

    from .convert import convert
    from .quality import ensure_index, system_info

    if not _check_data(args.data, ["realtimeqa"]):
        return 1
    conv = convert("realtimeqa", args.data, args.out)
    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])  # model load is not ingest throughput
    info = system_info()
    cpu0 = _cpu_seconds()
    target = args.out / "realtimeqa" / "index"
    scratch = (target / DB_NAME).exists()  # never pull the quality index from under its readers
    if scratch:
        target = args.out / "realtimeqa" / "ingest-timing" / "index"
    build = ensure_index(conv.corpus, target, embedder, fresh=True)
    if scratch:
        shutil.rmtree(target.parent, ignore_errors=True)
    cpu = _cpu_seconds() - cpu0
    end = system_info()
    figures = {"articles": build.articles, "chunks": build.chunks, "skipped": build.skipped,
               "seconds": round(build.seconds, 1), "chunks_per_second": round(build.chunks_per_second, 1),
               "cpu_seconds": round(cpu, 1),
               "chunks_per_cpu_second": round(build.chunks / cpu, 1) if cpu else 0.0,
               "model": embedder.name, "precision": embedder.precision, **info,
               "load_average_1min_end": end["load_average_1min"]}
    (args.out / "realtimeqa" / "ingest.json").write_text(json.dumps(figures, indent=2))
    for k, v in figures.items():
        print(f"{k + ':':20} {v}")
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    if args.command == "quality":
        return cmd_quality(args, args.sets, args.limit, args.failures, args.fresh, args.rankers, not args.no_naive)
    if args.command == "all":
        rc = cmd_quality(args, list(SETS), args.limit)
        if rc == 0 and _check_data(args.data, ["realtimeqa"]):
            from .perf.cli import run_all

            rc = run_all(args.data, args.out)
        return rc
    if args.command.startswith("perf"):
        if not _check_data(args.data, ["realtimeqa"]):
            return 1
        from .perf.cli import run

        return run(args)
    if args.command == "ingest-realtimeqa":
        return cmd_ingest_realtimeqa(args)
    if not _check_data(args.data, args.sets):
        return 1
    from .convert import convert

    for name in args.sets:
        c = convert(name, args.data, args.out)
        print(f"{name}: {c.articles} articles -> {c.corpus}; {c.question_count} questions -> {c.questions}")
        for note in c.notes:
            print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
