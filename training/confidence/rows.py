"""Rows for the confidence fit, built from the RealTime QA training weeks (never `../shared/eval`).

Every `every`-th week with search results (starting at `offset`) becomes a small index: the
week's pages, deduplicated by URL, ingested by the product's own pipeline with the bundled model.
Each of the week's questions is then read by the rules ranker as the product reads it (hybrid
retrieval as of the quiz's date, the rules' best sentence), and what the rules' confidence reads
about that sentence (`assistant.reading.confidence.features`) is one row:

- label 1, `own`: the question asked of its own week, where its search results hold the right
  choice (string match, `training.reader.matching`);
- label 0, `related` (left out with `with_related=False`): a question whose own results don't
  hold its right choice, asked of its own week: pages on the subject that don't give the answer,
  the near miss an off-topic row never shows (an answer worded differently is mislabelled here);
- label 0, `away`: the question asked of the week half the sample away (other stories, the same
  kind of pages), as of that week; left out where what it retrieves holds the right choice.

Limits: labels are string matches; the near misses are the training pages' own, not SQuAD v2's
crafted ones ("westward" for "easterly").
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.reading.confidence import features
from training.reader import matching as M
from training.reader.sources import Question, read_weeks


# bumped whenever a row would come out differently, so a cached set of rows is not reused
# (2: questions are read through `Assistant.read`, time phrases as filters)
ROWS_VERSION = 2


@dataclass(frozen=True)
class Row:
    qid: str
    week: str
    kind: str  # "own" | "away" | "related"
    label: int
    features: dict[str, float]
    other_year: bool


def quiz_day(week: str) -> str:
    """The date a week's questions are asked as of: YYYYMMDD -> YYYY-MM-DD."""
    return f"{week[:4]}-{week[4:6]}-{week[6:]}"


def _pages(qs: list[Question]) -> list[dict]:
    seen, out = set(), []
    for q in qs:
        for r in q.results:
            if r["url"] not in seen:
                seen.add(r["url"])
                out.append({"title": r["title"], "text": r["text"], "url": r["url"], "published": r.get("published", "")})
    return out


def _holds(texts, variants: list[str]) -> bool:
    return any(M.find_choice(t, variants) for t in texts)


def build_indexes(weeks: list[tuple[str, list[Question]]], work: Path, embedder, log=sys.stderr) -> dict[str, Path]:
    """One index per week under `work` (kept between runs: a finished one is reused)."""
    from index import ingest

    work.mkdir(parents=True, exist_ok=True)
    out = {}
    for n, (week, qs) in enumerate(weeks):
        target = work / f"index-{week}"
        done = target / "complete"
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            corpus = work / f"pages-{week}.jsonl"
            with open(corpus, "w", encoding="utf-8") as f:
                for page in _pages(qs):
                    f.write(json.dumps(page, ensure_ascii=False) + "\n")
            ingest([corpus], target, embedder=embedder)
            corpus.unlink()
            done.write_text("ok\n")
        out[week] = target
        print(f"\rindexing weeks {n + 1}/{len(weeks)}", end="", file=log, flush=True)
    print(file=log)
    return out


def read(assistant, q: Question, as_of: str, away: bool = False):
    """The product's ranking of `q` asked of `assistant` as of `as_of` (`Assistant.read`: the
    question searched and ranked as `ask` reads it, a time phrase such as "this week" read as
    date filters, not as words); None where nothing was ranked, or, `away`, where the other
    week's passages hold the right choice too (a story that ran for weeks)."""
    reading = assistant.read(q.text, as_of=as_of)
    if away and _holds((h.text for h in reading.passages.hits), M.choice_variants(q.right)):
        return None
    ranking = reading.ranking
    return ranking if ranking.evidence is not None and ranking.ranked else None


def _row(assistant, q: Question, as_of: str, kind: str, label: int) -> Row | None:
    ranking = read(assistant, q, as_of, away=kind == "away")
    if ranking is None:
        return None
    return Row(q.qid, q.week, kind, label, features(ranking.evidence), ranking.evidence.other_year)


def asked(weeks: list[tuple[str, list[Question]]], work: Path, embedder, ranker: str, counts, log=sys.stderr):
    """Index `weeks` under `work` (`build_indexes`), open each with the product (`ranker`), and
    yield (own week's assistant, as-of day, away week's assistant, its as-of day, question, the
    right choice's variants) for every question whose right choice can be matched; the away week
    is half the sample away (other stories). Counts "questions" and the generic choices left out
    into `counts`; shows progress; closes what it opened."""
    from assistant import AnswerSettings, Assistant

    indexes = build_indexes(weeks, work, embedder, log)
    opened = {w: Assistant(p, embedder=embedder, answer=AnswerSettings(ranker=ranker)) for w, p in indexes.items()}
    names = [w for w, _ in weeks]
    try:
        for j, (week, qs) in enumerate(weeks):
            away = names[(j + len(names) // 2) % len(names)]
            for q in qs:
                counts["questions"] += 1
                variants = M.choice_variants(q.right)
                if not variants:
                    counts["left out: generic right choice"] += 1
                    continue
                # the away week is asked as of its own date: its pages are all there
                yield opened[week], quiz_day(week), opened[away], quiz_day(away), q, variants
            print(f"\rasking weeks {j + 1}/{len(weeks)}", end="", file=log, flush=True)
        print(file=log)
    finally:
        for a in opened.values():
            a.close()


def build_rows(root: Path, work: Path, every: int = 2, offset: int = 1, log=sys.stderr,
               embedder=None, with_related: bool = True) -> tuple[list[Row], dict]:
    """The rows of the sampled weeks (see the module doc) and counts of what was kept; `embedder`
    defaults to the bundled model (tests pass a stand-in); `with_related` adds the `related` rows."""
    from index import SentenceTransformerEmbedder

    weeks = [(w, qs) for i, (w, qs) in enumerate(read_weeks(root)) if i % every == offset and any(q.results for q in qs)]
    embedder = embedder or SentenceTransformerEmbedder()
    counts = {"weeks": len(weeks), "questions": 0, "left out: generic right choice": 0,
              "left out: results don't hold the right choice": 0, "rows own (1)": 0, "rows away (0)": 0,
              "left out: the other week holds the right choice": 0, "rows related (0)": 0}
    rows: list[Row] = []
    for own_a, own_day, away_a, away_day, q, variants in asked(weeks, work, embedder, "rules", counts, log):
        if not _holds((r["text"] for r in q.results), variants):
            related = _row(own_a, q, own_day, "related", 0) if with_related else None
            if related:
                rows.append(related)
                counts["rows related (0)"] += 1
            else:
                counts["left out: results don't hold the right choice"] += 1
            continue
        own = _row(own_a, q, own_day, "own", 1)
        if own:
            rows.append(own)
            counts["rows own (1)"] += 1
        other = _row(away_a, q, away_day, "away", 0)
        if other:
            rows.append(other)
            counts["rows away (0)"] += 1
        else:
            counts["left out: the other week holds the right choice"] += 1
    return rows, counts


def save_rows(rows: list[Row], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(asdict(r)) + "\n")


def load_rows(path: Path) -> list[Row]:
    return [Row(**json.loads(line)) for line in open(path, encoding="utf-8") if line.strip()]
