"""The `perf-*` subcommands of `python -m benchmarks` (registered by benchmarks/__main__.py)."""

from __future__ import annotations

import argparse

COMMANDS = ("perf-ingest", "perf-latency", "perf-overlap", "perf-coldstart", "perf-memory", "perf-scaling", "perf-ivf", "perf")


def _sizes(value: str) -> list[int]:
    try:
        return [int(float(v)) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be numbers like 100000,1e6, got {value!r}") from None


def add_commands(sub) -> None:
    p = sub.add_parser("perf-ingest", help="assistant ingest vs LangChain FAISS.from_texts on RealTimeQA")
    p.add_argument("--repeat", type=int, default=2, help="alternating runs per side (default 2)")
    p.add_argument("--articles", type=int, default=None, help="only the first N articles (default: all)")
    p = sub.add_parser("perf-latency", help="warm ask() at 100k / 1M chunks vs LangChain similarity_search")
    p.add_argument("--sizes", type=_sizes, default=[100_000, 1_000_000])
    p.add_argument("--encoders", default="numpy,torch", help="query encoders to measure (default numpy,torch)")
    p.add_argument("--rankers", default="reader,rules", help="sentence rankers to measure (default reader,rules)")
    p.add_argument("--no-peer", action="store_true", help="skip LangChain")
    p.add_argument("--rebuild", action="store_true", help="rebuild the indexes")
    p = sub.add_parser("perf-overlap", help="warm ask() at 100k with the reader on a worker thread vs after the rules, "
                                            "paired per question")
    p.add_argument("--n", type=int, default=100_000, help="index size (a perf-latency index; default 100000)")
    p = sub.add_parser("perf-coldstart", help="assistant ask in a new process, samples index")
    p.add_argument("--runs", type=int, default=5)
    p = sub.add_parser("perf-memory", help="peak RSS of ingest and of a warm Assistant at 100k / 1M chunks")
    p.add_argument("--sizes", type=_sizes, default=[100_000, 1_000_000])
    p = sub.add_parser("perf-scaling", help="ingest time, size, latency at 1k..1M chunks")
    p.add_argument("--sizes", type=_sizes, default=[1_000, 10_000, 100_000, 1_000_000])
    p = sub.add_parser("perf-ivf", help="recall@10 / search time of IVF nlist x nprobe at 1M chunks")
    p.add_argument("--n", type=int, default=1_000_000)
    sub.add_parser("perf", help="every perf-* benchmark, in order")


def run(args) -> int:
    from . import coldstart, ingest, ivf, latency, overlap, scaling

    c = args.command
    if c == "perf-overlap":
        return overlap.main(args.data, args.out, n=args.n)
    if c == "perf-ivf":
        return ivf.main(args.data, args.out, n=args.n)
    if c == "perf-ingest":
        return ingest.main(args.data, args.out, repeat=args.repeat, articles=args.articles)
    if c == "perf-latency":
        return latency.main(args.data, args.out, sizes=args.sizes, encoders=tuple(args.encoders.split(",")),
                            peer=not args.no_peer, rebuild=args.rebuild, rankers=tuple(args.rankers.split(",")))
    if c == "perf-coldstart":
        return coldstart.main(args.data, args.out, runs=args.runs)
    if c == "perf-memory":
        return scaling.memory(args.data, args.out, sizes=args.sizes)
    if c == "perf-scaling":
        return scaling.scaling(args.data, args.out, sizes=args.sizes)
    return run_all(args.data, args.out)


def run_all(data, out) -> int:
    from . import coldstart, ingest, ivf, latency, overlap, scaling

    rc = 0
    for step in (lambda: ingest.main(data, out), lambda: coldstart.main(data, out), lambda: ivf.main(data, out),
                 lambda: latency.main(data, out), lambda: overlap.main(data, out),
                 lambda: scaling.memory(data, out), lambda: scaling.scaling(data, out)):
        rc |= step()
        print()
    return rc
