"""Benchmarks of the news assistant on public evaluation sets, run as `python -m benchmarks`.

The sets are read from `../shared/eval` (relative to the project root; override with --data)
and never copied into the project: converters write articles and questions, indexes and
reports under `benchmarks/out/` (git-ignored). See `benchmarks/__main__.py` for the commands.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
