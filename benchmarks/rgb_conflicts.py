"""Does the assistant report disagreement between sources? RGB counterfactual robustness
(`../shared/eval/rgb/en_fact.jsonl`), run as `python -m benchmarks.rgb_conflicts`.

For each record, its `positive`, `positive_wrong` and `negative` passages are indexed as separate
articles of distinct fake outlets ("Source 1".."Source n", undated, in a fixed shuffled order so
the number says nothing about which passage is right), in an index of their own; the record's
query is asked once per ranker (`--rankers`, default reader,rules). The conflict is *reported* when both the true `answer` and the `fakeanswer`
occur in Answer.text (normalised as the eval does) and each is in the quote of a citation whose
[n] mark is in the text. Also counted: answer present, fake answer present, Answer.conflicts
non-empty, and abstentions. One embedding model serves every record. `--without-wrong` indexes
the positives and negatives only and counts answers that list a conflict all the same (false
alarms, or real disagreement among the original web snippets).

Limits: answers are matched as text, so a right answer worded differently is a miss; RGB's
wrong passages are the right ones with the answer substituted, which is the easy case for a
near-duplicate contradiction check (real disagreements are worded more freely).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from assistant.eval.metrics import answer_hit

from . import OUT, SHARED_EVAL
from .convert import flatten, read_jsonl


def articles_for(rec: dict, seed: int = 8, wrong: bool = True) -> list[dict]:
    kinds = ("positive", "positive_wrong", "negative") if wrong else ("positive", "negative")
    passages = [(kind, t) for kind in kinds for t in flatten(rec.get(kind))]
    random.Random(seed * 1000 + int(rec.get("id", 0))).shuffle(passages)
    seen, out = set(), []
    for i, (kind, text) in enumerate(passages, start=1):
        key = " ".join(text.split())
        if key in seen:
            continue
        seen.add(key)
        out.append({"title": f"{rec['query']} ({i})", "text": text, "source": f"Source {i}",
                    "url": f"rgb://{rec.get('id')}/{kind}/{i}"})
    return out


def reported(answer, values: list[str]) -> bool:
    """Some value is in the text and in the quote of a citation marked in the text."""
    if not answer_hit(answer.text, values):
        return False
    return any(f"[{c.n}]" in answer.text and answer_hit(c.quote, values) for c in answer.citations)


def run(data: Path, limit: int | None = None, failures: int = 0, out: Path | None = None,
        wrong: bool = True, rankers: Sequence[str] = ("reader", "rules")) -> dict:
    """Each record's own index, asked once per ranker (same index, same run); counts per ranker."""
    from assistant import AnswerSettings, Assistant
    from index import ingest
    from index.encoders.embedder import SentenceTransformerEmbedder

    records = read_jsonl(Path(data) / "rgb" / "en_fact.jsonl")[:limit]
    emb = SentenceTransformerEmbedder()
    keys = ("records", "reported", "answer_in_text", "fake_in_text", "conflicts_listed", "abstained")
    counts = {r: dict.fromkeys(keys, 0) for r in rankers}
    misses: dict[str, list] = {r: [] for r in rankers}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rgb-conflicts-") as tmp:
        for rec in records:
            d = Path(tmp) / str(rec.get("id"))
            d.mkdir()
            src = d / "articles.jsonl"
            src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles_for(rec, wrong=wrong)) + "\n")
            ingest([src], d / "index", embedder=emb)
            true, fake = flatten(rec.get("answer")), flatten(rec.get("fakeanswer"))
            for ranker in rankers:
                a = Assistant(d / "index", embedder=emb, answer=AnswerSettings(ranker=ranker))
                try:
                    ans = a.ask(rec["query"])
                finally:
                    a.close()
                ok_true, ok_fake = reported(ans, true), reported(ans, fake)
                c = counts[ranker]
                c["records"] += 1
                c["reported"] += ok_true and ok_fake
                c["answer_in_text"] += answer_hit(ans.text, true)
                c["fake_in_text"] += answer_hit(ans.text, fake)
                c["conflicts_listed"] += bool(ans.conflicts)
                c["abstained"] += ans.abstained
                if not (ok_true and ok_fake):
                    misses[ranker].append({"id": rec.get("id"), "query": rec["query"], "answer": true,
                                           "fake": fake, "text": ans.text})
    seconds = round(time.perf_counter() - t0, 1)
    for c in counts.values():
        c["rate"] = round(c["reported"] / (c["records"] or 1), 3)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"counts": counts, "misses": misses, "seconds": seconds}, indent=2,
                                  ensure_ascii=False))
    for ranker, c in counts.items():
        n = c["records"] or 1
        if wrong:
            print(f"[{ranker}] RGB en_fact conflict reporting: {c['reported']}/{c['records']} records "
                  f"({100 * c['reported'] / n:.1f} %) report both the answer and the fake answer, each cited")
        else:
            print(f"[{ranker}] RGB en_fact without the counterfactual passages: {c['conflicts_listed']}/"
                  f"{c['records']} answers list a conflict anyway (false alarms, or real disagreement among "
                  f"the original passages)")
        for k in ("answer_in_text", "fake_in_text", "conflicts_listed", "abstained"):
            print(f"  {k}: {c[k]}/{c['records']}")
        for m in misses[ranker][:failures]:
            print(f"- [{m['id']}] {m['query']} | answer {m['answer']} | fake {m['fake']}\n    {m['text'][:400]}")
    print(f"  {seconds} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.rgb_conflicts", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=SHARED_EVAL, help=f"evaluation data folder (default {SHARED_EVAL})")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N records")
    p.add_argument("--failures", type=int, default=0, metavar="N", help="print N records where it was not reported")
    p.add_argument("--without-wrong", action="store_true",
                   help="index positives and negatives only (no positive_wrong): counts false alarms")
    p.add_argument("--out", type=Path, default=None, help="where to write the counts (default "
                                                          "benchmarks/out/rgb/conflicts[-without-wrong].json)")
    p.add_argument("--rankers", default="reader,rules",
                   help="comma-separated sentence rankers, each asked on the same indexes (default reader,rules)")
    args = p.parse_args(argv)
    args.out = args.out or OUT / "rgb" / ("conflicts-without-wrong.json" if args.without_wrong else "conflicts.json")
    if not (args.data / "rgb" / "en_fact.jsonl").exists():
        print(f"no RGB data under {args.data} (see ../shared/eval/README.md)", file=sys.stderr)
        return 1
    run(args.data, args.limit, args.failures, args.out, wrong=not args.without_wrong,
        rankers=[r.strip() for r in args.rankers.split(",") if r.strip()])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
