"""Reading the RealTime QA training folder: weekly quizzes, their web-search results, and the
2020-21 back numbers; plus the fingerprint of the whole folder.

Layout (see the folder's README): `weeks/YYYYMMDD_qa.jsonl` + `weeks/YYYYMMDD_gcs.jsonl.gz`,
`backnumber/YYYYMMDD_qa.jsonl`. Everything is read in sorted order so the pairs built from it are
a pure function of the files. Nothing here is ever written into the repository.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Question:
    qid: str
    week: str  # YYYYMMDD of the quiz file
    text: str
    choices: list[str]
    answer: int
    evidence: str  # HTML stripped
    results: list[dict] = field(default_factory=list)  # [{title, text, url, published}], deduplicated by url

    @property
    def right(self) -> str:
        return self.choices[self.answer]


def data_hash(root: Path) -> str:
    """sha256 over the sorted relative file names and their bytes: the data's identity."""
    h = hashlib.sha256()
    for p in sorted(q for q in Path(root).rglob("*") if q.is_file()):
        rel = p.relative_to(root).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue
        h.update(rel.encode() + b"\0")
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


_TAG = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    return re.sub(r"[ \t]+", " ", html.unescape(_TAG.sub("", text or ""))).strip()


def _questions(path: Path, week: str) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        try:
            ans = int(d["answer"][0])
            choices = [str(c) for c in d["choices"]]
            choices[ans]
        except (KeyError, IndexError, ValueError, TypeError):
            continue  # a question without a usable answer labels nothing
        out.append(Question(d["question_id"], week, d["question_sentence"].strip(), choices, ans,
                            strip_html(d.get("evidence", ""))))
    return out


def _iso_day(value) -> str:
    """"2023/01/05" (the search results' form) as "2023-01-05"; "" when it isn't a day."""
    m = re.match(r"\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})", str(value or ""))
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def read_weeks(root: Path) -> list[tuple[str, list[Question]]]:
    """[(week, questions with their search results)] for weeks/, oldest first."""
    out = []
    for qa in sorted((Path(root) / "weeks").glob("*_qa.jsonl")):
        week = qa.name.split("_", 1)[0]
        qs = _questions(qa, week)
        gcs = qa.with_name(f"{week}_gcs.jsonl.gz")
        by_id = {q.qid: q for q in qs}
        if gcs.exists():
            with gzip.open(gcs, "rt", encoding="utf-8") as f:
                for line in f:
                    d = json.loads(line)
                    q = by_id.get(d.get("question_id"))
                    if q is None:
                        continue
                    seen = {r["url"] for r in q.results}
                    for r in d.get("search_result") or []:
                        url = r.get("url") or ""
                        if url in seen or not (r.get("text") or "").strip():
                            continue
                        seen.add(url)
                        q.results.append({"title": (r.get("title") or "").strip(), "text": r["text"],
                                          "url": url, "published": _iso_day(r.get("publish_date"))})
        out.append((week, qs))
    return out


def read_backnumber(root: Path) -> list[Question]:
    out = []
    for qa in sorted((Path(root) / "backnumber").glob("*_qa.jsonl")):
        out.extend(_questions(qa, qa.name.split("_", 1)[0]))
    return out
