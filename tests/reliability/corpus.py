"""A synthetic news corpus for the reliability tests: distinct, news-like, deterministic.

Every article has a made-up place name of its own (`Article.key`), so a question naming it
retrieves that article and no other, and its text shares no sentence with any other article
(article ids are hashes of the text, so duplicates would collapse).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

_SYL = ["ka", "lo", "mi", "ren", "tor", "vash", "el", "qui", "dan", "or", "zel", "bri", "mon", "tav", "sul",
        "ner", "pho", "gal", "ix", "um"]
_OUTLETS = ["Harbor Ledger", "Northwind Post", "Meridian Wire", "Atlas Morning News", "Valley Courier"]
_EVENTS = [
    ("flood", "Heavy rain sent the river over its banks in {p}, and {n} homes were evacuated overnight."),
    ("fire", "A warehouse fire in {p} burned for {h} hours before crews brought it under control."),
    ("election", "Voters in {p} elected a new mayor, with turnout reaching {pct} percent."),
    ("bridge", "Engineers closed the old bridge at {p} after finding {n} cracked girders."),
    ("festival", "The harvest festival in {p} drew {n} visitors over the weekend."),
    ("strike", "Dock workers in {p} walked out for {h} hours over a pay dispute."),
    ("quake", "A magnitude {mag} earthquake shook {p}, damaging {n} buildings."),
    ("launch", "A rocket carrying {n} satellites lifted off from the spaceport near {p}."),
]
_FILLER = [
    "Officials said the situation was being monitored closely.",
    "Local businesses reported a sharp drop in trade during the week.",
    "Residents gathered at the town hall to hear updates from the council.",
    "The regional government promised further support in the coming days.",
    "Witnesses described long queues at the main road out of town.",
    "Schools in the district stayed closed while inspections continued.",
    "Emergency services urged people to avoid the area until further notice.",
    "A spokesperson declined to give a timetable for repairs.",
    "Volunteers handed out water and blankets at the community centre.",
    "Insurance assessors were expected to arrive later in the month.",
]


@dataclass(frozen=True)
class SynthArticle:
    key: str        # the article's own place name, e.g. "Kalomiren"
    kind: str
    title: str
    text: str
    source: str
    published: date


def place(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(_SYL) for _ in range(rng.randint(3, 4))).capitalize()
        if name not in used:
            used.add(name)
            return name


def make_articles(n: int, seed: int = 7, paragraphs: tuple[int, int] = (3, 6)) -> list[SynthArticle]:
    rng = random.Random(seed)
    used: set[str] = set()
    out = []
    for i in range(n):
        p = place(rng, used)
        kind, lead = _EVENTS[i % len(_EVENTS)]
        fill = dict(p=p, n=rng.randint(12, 9000), h=rng.randint(2, 70), pct=rng.randint(20, 95),
                    mag=round(rng.uniform(3.0, 7.9), 1))
        paras = [lead.format(**fill)]
        for j in range(rng.randint(*paragraphs)):
            sents = rng.sample(_FILLER, 3)
            # a sentence only this article has, so no two texts share a paragraph
            sents.append(f"In {p}, report {i}.{j} noted {rng.randint(1, 10**6)} readings from station {p}-{j}.")
            paras.append(" ".join(sents))
        out.append(SynthArticle(
            key=p, kind=kind, title=f"{kind.capitalize()} in {p}", text="\n\n".join(paras),
            source=_OUTLETS[i % len(_OUTLETS)], published=date(2024, 1, 1) + timedelta(days=i % 300)))
    return out


def write_corpus(folder: Path, articles: list[SynthArticle], jsonl_share: float = 0.3,
                 per_jsonl: int = 25) -> Path:
    """Most articles as one .txt/.md file each (front matter), the rest in .jsonl files."""
    folder.mkdir(parents=True, exist_ok=True)
    n_jsonl = int(len(articles) * jsonl_share)
    singles, grouped = articles[: len(articles) - n_jsonl], articles[len(articles) - n_jsonl:]
    for i, a in enumerate(singles):
        ext = ".md" if i % 3 == 0 else ".txt"
        (folder / f"{i:04d}-{a.key.lower()}{ext}").write_text(
            f"---\ntitle: {a.title}\nsource: {a.source}\npublished: {a.published.isoformat()}\n---\n\n{a.text}\n",
            encoding="utf-8")
    for start in range(0, len(grouped), per_jsonl):
        part = grouped[start:start + per_jsonl]
        with open(folder / f"feed-{start // per_jsonl:02d}.jsonl", "w", encoding="utf-8") as f:
            for a in part:
                f.write(json.dumps({"title": a.title, "text": a.text, "source": a.source,
                                    "published": a.published.isoformat()}) + "\n")
    return folder
