"""`perf-coldstart`: `assistant ask "..."` in a new process on an index of the bundled samples.

Each run is the installed console script in a fresh process, as a user types it: Python start,
imports, opening the index (SQLite + FAISS file), loading the query encoder, answering,
printing. Reported: wall per run (median, min, max), peak RSS, and the same with the torch
query path (ASSISTANT_QUERY_ENCODER=torch) for comparison; `-X importtime` of `import assistant,
index` and of the whole ask path, checked for heavy modules (torch, transformers,
sentence_transformers, gradio, langchain) and summarised (top cumulative entries). The LangChain
peer: a new process that loads HuggingFaceEmbeddings + a saved FAISS store of the same chunks
and runs one similarity_search.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from . import PERF_OUT, PY, md_table, median, run_measured, save, say
from .. import ROOT

QUESTION = "How many containers was the Ever Given carrying?"
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "langchain", "langchain_core",
         "langchain_community", "langchain_text_splitters", "scipy", "sklearn", "pandas")


def importtime(args: list[str]) -> dict:
    p = subprocess.run([PY, "-X", "importtime", *args], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    names = {r[2] for r in rows}
    heavy = sorted(n for n in names if n.split(".")[0] in HEAVY)
    top = sorted((r for r in rows if r[1] == 0), reverse=True)[:12]
    return {"total_ms": sum(r[0] for r in rows if r[1] == 0) / 1000, "heavy_modules": heavy,
            "top_level": [(round(us / 1000, 1), name) for us, _, name in top], "rc": p.returncode}


def main(data: Path, out: Path, runs: int = 5) -> int:
    from .ingest import export_chunks

    samples = ROOT / "examples" / "articles"
    d = PERF_OUT / "samples-index"
    shutil.rmtree(d, ignore_errors=True)
    assistant = str(Path(PY).parent / "assistant")
    r = run_measured([assistant, "ingest", str(samples), "--index", str(d), "-q"])
    if r["rc"]:
        raise RuntimeError(r["stderr"])
    say("perf-coldstart: assistant ask in new processes")
    fig = {"question": QUESTION, "index": "examples/articles"}
    for label, env, extra in (("reader ranker, numpy query encoder", {}, ["--ranker", "reader"]),
                              ("rules ranker, numpy query encoder", {}, ["--ranker", "rules"]),
                              ("reader ranker, torch query encoder", {"ASSISTANT_QUERY_ENCODER": "torch"},
                               ["--ranker", "reader"])):
        walls, rss, out_text = [], [], ""
        for _ in range(runs if "numpy" in label else max(2, runs // 2)):
            r = run_measured([assistant, "ask", QUESTION, "--index", str(d), *extra], env=env)
            if r["rc"]:
                raise RuntimeError(r["stderr"])
            walls.append(r["wall"])
            rss.append((r["rss_kb"] or 0) / 1024)
            out_text = r["stdout"]
        fig[label] = {"walls_s": walls, "median_s": median(walls), "min_s": min(walls), "max_s": max(walls),
                      "peak_rss_mb": median(rss), "answer_head": out_text.strip().splitlines()[:1]}
        say(f"  {label}: median {median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f})")
    fig["importtime_import"] = importtime(["-c", "import assistant, index"])
    fig["importtime_ask"] = importtime(["-m", "ui.cli", "ask", QUESTION, "--index", str(d)])
    # the peer: LangChain store of the same chunks, loaded in a new process
    chunks = PERF_OUT / "samples-chunks.jsonl"
    export_chunks(d, chunks)
    lc_dir = PERF_OUT / "samples-langchain"
    shutil.rmtree(lc_dir, ignore_errors=True)
    r = run_measured([PY, "-m", "benchmarks.perf.lc_peer", "ingest", str(chunks), str(lc_dir)])
    if r["rc"] == 0:
        code = ("import sys, time; t=time.perf_counter()\n"
                "from langchain_community.vectorstores import FAISS\n"
                "from benchmarks.perf.lc_peer import _embeddings\n"
                f"s = FAISS.load_local({str(lc_dir)!r}, _embeddings(), allow_dangerous_deserialization=True)\n"
                f"print(s.similarity_search({QUESTION!r}, k=1)[0].page_content[:80])\n")
        walls = []
        for _ in range(max(2, runs // 2)):
            r = run_measured([PY, "-c", code])
            walls.append(r["wall"])
        fig["langchain"] = {"walls_s": walls, "median_s": median(walls), "peak_rss_mb": (r["rss_kb"] or 0) / 1024}
        say(f"  LangChain: median {median(walls):.2f} s")
    path = save("coldstart", fig)
    rows = [[k, v["median_s"], v.get("min_s", min(v["walls_s"])), v["peak_rss_mb"]]
            for k, v in fig.items() if isinstance(v, dict) and "median_s" in v]
    print(md_table(["ask in a new process", "median s", "min s", "peak RSS MB"], rows))
    imp = fig["importtime_ask"]
    print(f"\nheavy modules imported on the ask path: {imp['heavy_modules'] or 'none'} "
          f"(import assistant, index: {fig['importtime_import']['heavy_modules'] or 'none'})")
    print("importtime, top-level (ms, cumulative): " + ", ".join(f"{n} {ms}" for ms, n in imp["top_level"][:8]))
    print(f"\nfigures: {path}")
    return 0
