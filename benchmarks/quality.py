"""Answer-quality benchmark: one set = convert -> ingest into its own index -> evaluate the real
Assistant and the naive baseline on the same questions -> side-by-side table + report.json.

Indexes live in `benchmarks/out/<set>/index`; `index.complete.json` beside it records the
corpus hash of the last complete ingest, so a re-run with an unchanged corpus skips the ingest
(an interrupted one is simply resumed: ingest is idempotent). Limits: runs on the CPU in this
process; latencies are wall-clock and move with whatever else the machine is doing.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.eval.data import load_eval_file
from assistant.eval.report import ROWS, EvalReport, format_rate
from assistant.eval.run import evaluate, warm_up

from index import DB_NAME

from .convert import ConvertedSet, convert
from .naive import NaiveBaseline

MARKER = "index.complete.json"


@dataclass
class IndexBuild:
    """The index a set was evaluated on, and what building it cost (zeros when reused)."""

    index_dir: str
    built: bool
    articles: int
    chunks: int
    seconds: float
    skipped: int = 0

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.built and self.seconds else 0.0


@dataclass
class SetResult:
    name: str
    converted: ConvertedSet
    build: IndexBuild
    assistant: EvalReport
    naive: EvalReport
    report_path: Path


def system_info() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average_1min": round(load, 2) if load is not None else None}


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ensure_index(corpus: Path, index_dir: Path, embedder, *, fresh: bool = False) -> IndexBuild:
    """Ingest `corpus` into `index_dir` unless the marker says that exact corpus is already in."""
    from index import ingest, open_index

    index_dir = Path(index_dir)
    marker = index_dir.parent / MARKER
    digest = _sha(corpus)
    if fresh:
        shutil.rmtree(index_dir, ignore_errors=True)
        marker.unlink(missing_ok=True)
    if marker.exists() and (index_dir / DB_NAME).exists():
        done = json.loads(marker.read_text())
        if done.get("corpus_sha256") == digest:
            return IndexBuild(str(index_dir), False, done["articles"], done["chunks"], 0.0)
    last = [0.0]

    def progress(p):
        if time.monotonic() - last[0] > 15 or p.stage == "done":
            last[0] = time.monotonic()
            _say(f"  ingest: {p.articles_read} articles read, {p.chunks_added} chunks embedded")

    _say(f"ingesting {corpus} into {index_dir} ...")
    report = ingest([corpus], index_dir, embedder=embedder, progress=progress)
    idx = open_index(index_dir, embedder=embedder)
    try:
        st = idx.stats()
    finally:
        idx.close()
    build = IndexBuild(str(index_dir), True, st.articles, report.chunks_added, report.seconds, len(report.skipped))
    marker.write_text(json.dumps({"corpus_sha256": digest, "articles": st.articles, "chunks": st.chunks,
                                  "seconds": round(report.seconds, 1), "added": len(report.added)}, indent=2))
    return build


def _progress(label: str):
    last = [0.0]

    def update(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 20 or done == total:
            last[0] = time.monotonic()
            _say(f"  {label}: {done}/{total} questions")

    return update


def run_set(name: str, data_dir: Path, out_dir: Path, *, limit: int | None = None, embedder=None,
            fresh: bool = False) -> SetResult:
    from assistant import Assistant
    from index.encoders.embedder import SentenceTransformerEmbedder

    conv = convert(name, data_dir, out_dir)
    for note in conv.notes:
        _say(f"note ({name}): {note}")
    embedder = embedder or SentenceTransformerEmbedder()
    set_dir = Path(out_dir) / name
    build = ensure_index(conv.corpus, set_dir / "index", embedder, fresh=fresh)
    items = load_eval_file(conv.questions)
    if limit is not None:
        items = items[:limit]
    assistant = Assistant(set_dir / "index", embedder=embedder)
    try:
        warm_up(assistant)
        rep_a = evaluate(assistant, items, progress=_progress(f"{name} assistant"), name=f"{name} assistant")
    finally:
        assistant.close()
    path = set_dir / "report.json"

    def write(rep_n: EvalReport | None) -> None:
        path.write_text(json.dumps({
            "set": name, "system": system_info(), "limit": limit,
            "corpus": {"articles": conv.articles, "questions": conv.question_count, "notes": conv.notes},
            "index": asdict(build) | {"chunks_per_second": round(build.chunks_per_second, 1)},
            "assistant": rep_a.to_dict(), "naive": rep_n.to_dict() if rep_n else None,
        }, indent=2, ensure_ascii=False))

    write(None)  # the assistant's figures are on disk while the baseline embeds its corpus
    naive = NaiveBaseline(conv.corpus, cache_dir=set_dir, embedder=embedder)
    warm_up(naive)
    rep_n = evaluate(naive, items, progress=_progress(f"{name} naive"), name=f"{name} naive")
    write(rep_n)
    return SetResult(name, conv, build, rep_a, rep_n, path)


def markdown_table(r: SetResult) -> str:
    a, n = r.assistant.overall, r.naive.overall
    lines = [f"### {r.name}: {a.questions} questions over {r.build.articles} articles", "",
             "| metric | assistant | naive |", "|---|---|---|",
             f"| questions | {a.questions} | {n.questions} |"]
    for label, *spec in ROWS:
        lines.append(f"| {label} | {format_rate(a, *spec)} | {format_rate(n, *spec)} |")
    lines.append(f"| mean latency | {a.mean_latency_ms:.0f} ms | {n.mean_latency_ms:.0f} ms |")
    lines.append(f"| p95 latency | {a.p95_latency_ms:.0f} ms | {n.p95_latency_ms:.0f} ms |")
    if a.errors or n.errors:
        lines.append(f"| errors | {a.errors} | {n.errors} |")
    lines += [f"- {note}" for note in r.converted.notes]
    return "\n".join(lines)
