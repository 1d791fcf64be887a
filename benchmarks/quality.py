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
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from assistant.eval.data import load_eval_file
from assistant.eval.metrics import exact_match
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
    systems: dict[str, EvalReport]  # the assistant per ranker ("reader", "rules"), then "naive"
    report_path: Path
    published: dict[str, float] = field(default_factory=dict)  # the set's own baselines: exact match

    @property
    def assistant(self) -> EvalReport:
        return next(iter(self.systems.values()))


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
            fresh: bool = False, rankers: Sequence[str] = ("reader",), naive: bool = True) -> SetResult:
    """Evaluate the assistant with each of `rankers` (same index, same questions), then the naive
    baseline; write `<out>/<set>/report.json` after each system, so figures survive an interruption."""
    from assistant import AnswerSettings, Assistant
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
    path = set_dir / "report.json"
    systems: dict[str, EvalReport] = {}
    published = published_baselines(name, data_dir, items)

    def write() -> None:
        first = next(iter(systems.values()), None)
        path.write_text(json.dumps({
            "set": name, "system": system_info(), "limit": limit,
            "corpus": {"articles": conv.articles, "questions": conv.question_count, "notes": conv.notes},
            "index": asdict(build) | {"chunks_per_second": round(build.chunks_per_second, 1)},
            "assistant": first.to_dict() if first else None,
            "systems": {k: v.to_dict() for k, v in systems.items()}, "published_exact_match": published,
        }, indent=2, ensure_ascii=False))

    for ranker in rankers:
        assistant = Assistant(set_dir / "index", embedder=embedder, answer=AnswerSettings(ranker=ranker))
        try:
            warm_up(assistant)
            systems[ranker] = evaluate(assistant, items, progress=_progress(f"{name} {ranker}"),
                                       name=f"{name} {ranker}")
        finally:
            assistant.close()
        write()
    if naive:
        baseline = NaiveBaseline(conv.corpus, cache_dir=set_dir, embedder=embedder)
        warm_up(baseline)
        systems["naive"] = evaluate(baseline, items, progress=_progress(f"{name} naive"), name=f"{name} naive")
        write()
    return SetResult(name, conv, build, systems, path, published)


BASELINE_NAMES = {"qa_open_gpt3_gcs_gen": "GPT-3 175B + web search", "qa_open_rag_gcs_gen": "RAG + web search",
                  "qa_closed_gpt3_gen": "GPT-3 175B, no retrieval"}


def published_baselines(name: str, data_dir: Path, items) -> dict[str, float]:
    """RealTimeQA's own weekly baselines on the same questions, scored by the same exact match."""
    folder = Path(data_dir) / name / "baselines"
    if not folder.is_dir():
        return {}
    wanted = {it.id: it.turns[0].answers for it in items if it.id and it.turns and it.turns[0].answers}
    out = {}
    for key, label in BASELINE_NAMES.items():
        got: dict[str, str] = {}
        for f in sorted(folder.glob(f"*_{key}.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    got[row["question_id"]] = row.get("prediction") or ""
        if got and wanted:
            out[label] = round(sum(exact_match(got.get(q, ""), a) for q, a in wanted.items()) / len(wanted), 4)
    return out


def markdown_table(r: SetResult) -> str:
    names = list(r.systems)
    ms = [r.systems[n].overall for n in names]
    a = ms[0]
    lines = [f"### {r.name}: {a.questions} questions over {r.build.articles} articles", "",
             "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names),
             "| questions | " + " | ".join(str(m.questions) for m in ms) + " |"]
    for label, *spec in ROWS:
        lines.append(f"| {label} | " + " | ".join(format_rate(m, *spec) for m in ms) + " |")
    lines.append("| mean latency | " + " | ".join(f"{m.mean_latency_ms:.0f} ms" for m in ms) + " |")
    lines.append("| p95 latency | " + " | ".join(f"{m.p95_latency_ms:.0f} ms" for m in ms) + " |")
    if any(m.errors for m in ms):
        lines.append("| errors | " + " | ".join(str(m.errors) for m in ms) + " |")
    lines += [f"- {note}" for note in r.converted.notes]
    lines += [f"- published baseline on the same questions, short answer exact match: {label} {100 * v:.1f}%"
              for label, v in r.published.items()]
    return "\n".join(lines)
