"""Converters: public evaluation sets -> an articles JSONL the index ingests + a QA JSONL that
`assistant.eval.data.load_eval_file` reads.

- realtimeqa: corpus = every article of all `*_gold.jsonl` and `*_gcs.jsonl` (deduped by url
  without its #fragment;
  a gold copy wins over a search-result copy, else the longest text; a gold article without a
  title borrows the search result's); questions = those with at least one gold article,
  answer = the gold choice with its quotes stripped, sources = the gold urls.
- squad2: each distinct context is an article `squad2://<n>`; `is_impossible` -> unanswerable.
- rgb: positives + negatives of every record as articles `rgb://<id>/<kind>/<i>`, and a second
  corpus with `positive_wrong` added (counterfactual robustness); questions carry
  the positives as sources and the fake answers under `fake_answers` (ignored by eval).

Limits: the index treats two articles with the same text as one, keeping the first url, so
whenever a text repeats under another url the converter adds the url it will be found under
to the question's sources. RGB answers given as nested lists (parts x alternatives) are
flattened into alternatives, so a multi-part answer counts as a hit on any one part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

QUOTES = "“”\"'‘’«»"


@dataclass
class ConvertedSet:
    """What a converter wrote: the corpus to ingest and the questions to ask."""

    name: str
    corpus: Path
    questions: Path
    articles: int
    question_count: int
    unanswerable: int = 0
    extra_corpora: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line))
    return out


def write_jsonl(path: Path, rows) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(path)
    return n


def domain(url: str) -> str:
    host = (urlparse(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def iso_date(value) -> str | None:
    """'2022/06/12' (RealTimeQA's form) -> '2022-06-12'; anything else is passed on as given."""
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    if len(v) >= 10 and v[4] in "/-" and v[7] in "/-" and v[:4].isdigit():
        return f"{v[:4]}-{v[5:7]}-{v[8:10]}"
    return v


class _TextUrls:
    """The url each distinct text is first written under (what the index will cite)."""

    def __init__(self):
        self.first: dict[str, str] = {}

    def add(self, text: str, url: str) -> bool:
        """Remember `url` for `text`; False when the text was already written under another url."""
        key = " ".join(text.split())
        if key in self.first:
            return False
        self.first[key] = url
        return True

    def cited_as(self, text: str, url: str) -> str:
        return self.first.get(" ".join(text.split()), url)


# -- RealTimeQA ----------------------------------------------------------------------------------

def _rtqa_article(r: dict) -> dict:
    url = str(r.get("url") or "").strip().split("#", 1)[0]  # "#:~:text=..." highlights name the same page
    authors = r.get("authors") or []
    return {"title": str(r.get("title") or "").strip(), "text": str(r.get("text") or ""), "url": url,
            "published": iso_date(r.get("publish_date")),
            "authors": [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else [],
            "source": domain(url)}


def convert_realtimeqa(src: Path, out: Path) -> ConvertedSet:
    src, out = Path(src), Path(out)
    gold: dict[str, dict] = {}
    gold_by_q: dict[str, list[str]] = {}
    for f in sorted(src.glob("*_gold.jsonl")):
        for rec in read_jsonl(f):
            urls = []
            for r in rec.get("search_result") or []:
                a = _rtqa_article(r)
                if not a["url"]:
                    continue
                urls.append(a["url"])
                old = gold.get(a["url"])
                if old is None or len(a["text"]) > len(old["text"]):
                    gold[a["url"]] = a
            if urls:
                gold_by_q[str(rec["question_id"])] = list(dict.fromkeys(urls))
    others: dict[str, dict] = {}
    for f in sorted(src.glob("*_gcs.jsonl")):
        for rec in read_jsonl(f):
            for r in rec.get("search_result") or []:
                a = _rtqa_article(r)
                if not a["url"]:
                    continue
                if a["url"] in gold:
                    g = gold[a["url"]]
                    g["title"] = g["title"] or a["title"]
                    if not g["text"].strip():
                        g["text"] = a["text"]
                    continue
                old = others.get(a["url"])
                if old is None or len(a["text"]) > len(old["text"]):
                    others[a["url"]] = a
    texts = _TextUrls()
    articles = []
    for a in list(gold.values()) + list(others.values()):
        if a["text"].strip() and texts.add(a["text"], a["url"]):
            articles.append({k: v for k, v in a.items() if v not in (None, "", [])})
    questions = []
    for f in sorted(src.glob("*_qa.jsonl")):
        for q in read_jsonl(f):
            qid = str(q.get("question_id"))
            if qid not in gold_by_q:
                continue
            choice = q["choices"][int(q["answer"][0])]
            urls = gold_by_q[qid]
            cited = [texts.cited_as(gold[u]["text"], u) for u in urls]
            questions.append({"id": qid, "question": q["question_sentence"].strip(),
                              "answers": [choice.strip().strip(QUOTES).strip()],
                              "sources": list(dict.fromkeys(urls + cited)),
                              "date": iso_date(q.get("question_date"))})
    n_art = write_jsonl(out / "corpus.jsonl", articles)
    n_q = write_jsonl(out / "questions.jsonl", questions)
    written = {a["url"] for a in articles}
    missing = sum(not any(s in written for s in q["sources"]) for q in questions)
    notes = [f"{missing} of {n_q} questions have no gold article with text in the data "
             f"(recall ceiling {100 * (n_q - missing) / n_q:.1f}%)"] if missing and n_q else []
    return ConvertedSet("realtimeqa", out / "corpus.jsonl", out / "questions.jsonl", n_art, n_q, notes=notes)


# -- SQuAD 2.0 -----------------------------------------------------------------------------------

def _title(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def convert_squad2(src: Path, out: Path) -> ConvertedSet:
    """`src` is squad2/dev.jsonl (or the folder holding it)."""
    src, out = Path(src), Path(out)
    if src.is_dir():
        src = src / "dev.jsonl"
    url_of: dict[str, str] = {}
    articles, questions = [], []
    for rec in read_jsonl(src):
        ctx = rec["context"]
        key = " ".join(ctx.split())
        if key not in url_of:
            url_of[key] = f"squad2://{len(url_of) + 1}"
            articles.append({"title": _title(ctx) or str(rec.get("id", "")), "text": ctx, "url": url_of[key],
                             "source": "squad2"})
        impossible = bool(rec.get("is_impossible"))
        answers = [] if impossible else list(dict.fromkeys(a.strip() for a in rec.get("answers") or [] if a.strip()))
        questions.append({"id": str(rec.get("id", "")), "question": rec["question"].strip(), "answers": answers,
                          "sources": [url_of[key]], "unanswerable": impossible})
    n_art = write_jsonl(out / "corpus.jsonl", articles)
    n_q = write_jsonl(out / "questions.jsonl", questions)
    return ConvertedSet("squad2", out / "corpus.jsonl", out / "questions.jsonl", n_art, n_q,
                        unanswerable=sum(q["unanswerable"] for q in questions))


# -- RGB -----------------------------------------------------------------------------------------

def flatten(value) -> list[str]:
    """Strings of a string, list or nested list, in order, without repeats."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    out: list[str] = []
    if isinstance(value, (list, tuple)):
        for v in value:
            out.extend(flatten(v))
    return list(dict.fromkeys(out))


def convert_rgb(src: Path, out: Path) -> ConvertedSet:
    """`src` is rgb/en_fact.jsonl (or the folder holding it). Writes corpus.jsonl (positives +
    negatives) and corpus_counterfactual.jsonl (+ positive_wrong)."""
    src, out = Path(src), Path(out)
    if src.is_dir():
        src = src / "en_fact.jsonl"
    records = read_jsonl(src)
    plain, counter = _TextUrls(), _TextUrls()
    corpus, corpus_cf, questions = [], [], []
    for rec in records:
        rid = rec.get("id")
        for kind in ("positive", "negative", "positive_wrong"):
            for i, text in enumerate(flatten(rec.get(kind))):
                art = {"text": text, "url": f"rgb://{rid}/{kind}/{i}", "source": "rgb"}
                if kind != "positive_wrong" and plain.add(text, art["url"]):
                    corpus.append(art)
                if counter.add(text, art["url"]):
                    corpus_cf.append(art)
        positives = flatten(rec.get("positive"))
        sources = [f"rgb://{rid}/positive/{i}" for i in range(len(positives))]
        sources += [plain.cited_as(t, s) for t, s in zip(positives, sources)]
        sources += [counter.cited_as(t, s) for t, s in zip(positives, sources)]
        questions.append({"id": str(rid), "question": str(rec["query"]).strip(), "answers": flatten(rec.get("answer")),
                          "sources": list(dict.fromkeys(sources)), "fake_answers": flatten(rec.get("fakeanswer"))})
    n_art = write_jsonl(out / "corpus.jsonl", corpus)
    write_jsonl(out / "corpus_counterfactual.jsonl", corpus_cf)
    n_q = write_jsonl(out / "questions.jsonl", questions)
    return ConvertedSet("rgb", out / "corpus.jsonl", out / "questions.jsonl", n_art, n_q,
                        extra_corpora={"counterfactual": out / "corpus_counterfactual.jsonl"})


CONVERTERS = {
    "realtimeqa": (convert_realtimeqa, "realtimeqa"),
    "squad2": (convert_squad2, "squad2"),
    "rgb": (convert_rgb, "rgb"),
}


def convert(name: str, data_dir: Path, out_dir: Path) -> ConvertedSet:
    """Convert set `name` from `data_dir/<its folder>` into `out_dir/<name>`."""
    func, folder = CONVERTERS[name]
    return func(Path(data_dir) / folder, Path(out_dir) / name)
