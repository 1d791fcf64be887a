"""Performance benchmarks: ingest, answer latency, cold start, memory, scaling, each
side by side with a LangChain peer where one exists. Run as `python -m benchmarks perf-...`.

Every run writes `benchmarks/out/perf/<name>.json` (figures + machine facts) and prints a
markdown table; docs/BENCHMARKS.md quotes them. The machine these were written on is small and
shared (2 cores, other jobs running), so every timing is repeated, the load average is recorded
next to it, and single-threaded work also reports process CPU time, which moves far less with
the load than wall time does.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .. import OUT, ROOT

PERF_OUT = OUT / "perf"
PY = sys.executable
_FLAGS_OF_INTEREST = ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
                      "amx_bf16", "amx_tile", "avx_vnni")


def machine() -> dict:
    cpu, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and cpu in ("", platform.machine(), platform.processor()):
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        mem_gb = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb, "python": platform.python_version(),
            "flags": [f for f in _FLAGS_OF_INTEREST if f in flags],
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "load_average": load()}


def load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def pct(values, q: float) -> float:
    """The q-th percentile (0-100), linear interpolation; NaN for no values."""
    v = sorted(values)
    if not v:
        return float("nan")
    if len(v) == 1:
        return v[0]
    pos = (len(v) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


class Timer:
    """Wall and process-CPU seconds of a block."""

    def __enter__(self):
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0
        return False


def save(name: str, figures: dict) -> Path:
    PERF_OUT.mkdir(parents=True, exist_ok=True)
    path = PERF_OUT / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **figures}, indent=2, default=str))
    return path


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_measured(cmd: list[str], env: dict | None = None, timeout: float = 7200) -> dict:
    """Run a process; its wall seconds, CPU seconds (user + sys) and peak RSS (KiB) from GNU time
    when present, exit code, output."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **(env or {})}
    timer = ["/usr/bin/time", "-f", "__TIME__ %e %M %U %S"] if Path("/usr/bin/time").exists() else []
    t0 = time.perf_counter()
    p = subprocess.run(timer + cmd, capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=timeout)
    wall = time.perf_counter() - t0
    rss = cpu = None
    err_lines = []
    for line in p.stderr.splitlines():
        if line.startswith("__TIME__ "):
            f = line.split()
            rss, cpu = int(f[2]), float(f[3]) + float(f[4])
        else:
            err_lines.append(line)
    return {"wall": wall, "cpu": cpu, "rss_kb": rss, "rc": p.returncode, "stdout": p.stdout,
            "stderr": "\n".join(err_lines)}


def md_table(header: list[str], rows: list[list]) -> str:
    def cell(v):
        if isinstance(v, float):
            return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(out)
