"""`python -m benchmarks.collection`: what the answers that read the collection cost at 100k chunks.

A listing ("Which stories mention X?"), the index's overview ("What stories do you have?"), a
comparison of reports ("How do the X reports differ?") and a timeline ("Timeline of X") read
more than the few passages a question retrieves: BM25 over the whole index (up to 200
passages), the articles' full text, and for a comparison an embedding of every sentence of up
to six reports that names the subject with a figure or a day. Each is asked `--repeat` times per
subject on the 100k-chunk benchmark index (built by `python -m benchmarks perf-latency` from the
RealTimeQA pages), warm, with an ordinary question beside them; printed: median and max per kind.

    python -m benchmarks.collection [--index DIR] [--subjects Ukraine,Covid,...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import datetime, timezone

from .perf import PERF_OUT

FORMS = {
    "question": "What happened to {s}?",
    "listing": "Which stories mention {s}?",
    "overview": "What stories do you have?",
    "comparison": "How do the {s} reports differ?",
    "timeline": "Timeline of {s}",
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.collection", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default=str(PERF_OUT / "index-100000"), help="an index directory (default: the 100k one)")
    ap.add_argument("--subjects", default="Ukraine,Covid,Biden,Taiwan,monkeypox",
                    help="comma-separated subjects asked about (default: five of the RealTimeQA weeks')")
    ap.add_argument("--repeat", type=int, default=3, help="times each question is asked (default 3)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.index):
        ap.error(f"no index at {args.index}: build it with `python -m benchmarks perf-latency --sizes 100000`")

    from assistant import Assistant

    a = Assistant(args.index)
    a.warm()
    a.ask("What happened?")  # the model, the reader and the caches loaded before the clock starts
    subjects = [s.strip() for s in args.subjects.split(",") if s.strip()]
    times: dict[str, list[float]] = {k: [] for k in FORMS}
    for kind, form in FORMS.items():
        for s in subjects if "{s}" in form else subjects[:1]:
            q = form.format(s=s)
            for _ in range(args.repeat):
                t = time.perf_counter()
                a.ask(q)
                times[kind].append((time.perf_counter() - t) * 1000)
    a.close()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"benchmarks collection, {stamp}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, index {args.index}")
    print("\n| answer | asked | median | max |\n|---|---:|---:|---:|")
    for kind, ts in times.items():
        print(f"| {kind} (\"{FORMS[kind].format(s='X')}\") | {len(ts)} | {statistics.median(ts):.0f} ms | "
              f"{max(ts):.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
