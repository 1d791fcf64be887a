"""A tiny made-up RealTime QA training folder, written by the tests that need one: a week's quiz
file and its search results, in the folder's own layout."""

from __future__ import annotations

import gzip
import json


def write_week(root, week, questions, pages):
    """`questions`: [(qid, text, choices, index of the right one)]; every question gets `pages`
    as its search results."""
    (root / "weeks").mkdir(parents=True, exist_ok=True)
    with open(root / "weeks" / f"{week}_qa.jsonl", "w") as f:
        for qid, text, choices, ans in questions:
            f.write(json.dumps({"question_id": qid, "question_sentence": text, "choices": choices,
                                "answer": [str(ans)], "evidence": ""}) + "\n")
    with gzip.open(root / "weeks" / f"{week}_gcs.jsonl.gz", "wt") as f:
        for qid, *_ in questions:
            f.write(json.dumps({"question_id": qid, "search_result": pages}) + "\n")
