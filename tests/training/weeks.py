"""A tiny made-up RealTime QA training folder, written by the tests that need one: a week's quiz
file and its search results, in the folder's own layout."""

from __future__ import annotations

import gzip
import json

# two made-up weeks' search results: one story each, on different days
LANTERN = [{"url": "https://news.example/lanterns", "title": "Lantern festival in Port Avalon",
            "publish_date": "2023/01/05",
            "text": "The harbour lantern festival drew 9,000 visitors to Port Avalon on Saturday. "
                    "Lantern makers sold paper boats at the market."}]
BUDGET = [{"url": "https://news.example/roads", "title": "Kestrel Bay approves road budget",
           "publish_date": "2023/01/12",
           "text": "Kestrel Bay council approved a road budget of 4 million. Crews will repair the coast road."}]


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
