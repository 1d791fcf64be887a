"""Groups from the product's own shortlists: the second stage of the reader's training.

The first stage (`pairs`) builds candidates from each question's own search results. At run time
the reader sees something else: the 16 sentences the rules shortlist from what hybrid retrieval
finds in a whole index of the week's news (other stories of the same days, the same story's
other articles), and most of its misses are a sentence of the wrong article. This module puts
the training questions to the product itself and labels what it hands the reader:

* every training week with search results, except the reader's held-out weeks, becomes an index
  (the week's pages, deduplicated by URL, through the product's own ingest; kept under `work`);
* each question is asked of its week as of the quiz date; the rules' shortlist (the exact
  candidates and inputs `ReaderRanker` reads) is labelled by string match with the right choice
  (`matching.find_choice`): an **answer** group (`sl-pos`, at most `MAX_POS`, span = the choice;
  every other candidate `sl-neg`) where the shortlist holds it and something else;
* a question whose own search results never hold the right choice: its shortlist is a
  **none** group (`sl-related`, the first `NONE_K`): pages on the subject that don't answer;
* each question asked of the week half the sample away, as of that week: a **none** group
  (`sl-away`), unless what it shortlists holds the right choice.

Limits: string-match labels (an answer worded differently is a negative; a mention in passing a
positive), and one retrieval setting (the product's defaults).
"""

from __future__ import annotations

import pickle
import sys
from collections import Counter
from pathlib import Path

from training.confidence.rows import asked

from . import matching as M
from .pairs import HOLD_AT, HOLD_EVERY, MAX_POS
from .records import Group, Pair
from .sources import data_hash, read_weeks

VERSION = "shortlists-1"  # bump when a rule changes: the cache key and the card carry it
NONE_K = 8  # candidates of a "not answered" group


def tuning_weeks(root: Path) -> list:
    """(week, questions) of every week with search results that the first stage does not hold out."""
    return [(w, qs) for i, (w, qs) in enumerate(read_weeks(root))
            if i % HOLD_EVERY != HOLD_AT and any(q.results for q in qs)]


def _read(assistant, q, as_of: str) -> list:
    """The ReadItems the product's reader would read for `q` (the rules' shortlist, best first)."""
    from assistant.records import Query

    passages = assistant.search(q.text, as_of=as_of)
    ranker, query = assistant.ranker, Query(q.text, q.text)
    return [ranker.read_item(query, c, passages) for c in ranker.rules.shortlist(query, passages).top]


def _pair(q, item, label: int, span, kind: str) -> Pair:
    return Pair(q.text, item.sentence, item.headline, item.context, label, span, kind, q.qid)


def groups_of(q, own: list, away: list, results_hold: bool, counts: Counter) -> list[Group]:
    """The groups of one question from its own week's read items and the away week's (see the
    module doc); `results_hold`: its own search results hold the right choice."""
    variants = M.choice_variants(q.right)
    pos, neg = [], []
    for it in own:
        span = M.find_choice(it.sentence, variants)
        if span:
            pos.append(_pair(q, it, 1, M.widen_units(it.sentence, span), "sl-pos"))
        else:
            neg.append(_pair(q, it, 0, None, "sl-neg"))
    out = []
    if pos and neg:
        out.append(Group(q.qid, "answer", tuple(pos[:MAX_POS]), tuple(neg)))
        counts["groups: answer"] += 1
    elif not pos and not results_hold and neg:
        out.append(Group(q.qid, "none", (), tuple(_pair(q, it, 0, None, "sl-related") for it in own[:NONE_K])))
        counts["groups: none, related"] += 1
    elif not pos:
        counts["left out: shortlist misses the answer its results hold"] += 1
    else:
        counts["left out: every candidate holds the answer"] += 1
    if away and not any(M.find_choice(it.sentence, variants) for it in away):
        out.append(Group(q.qid + "-away", "none", (), tuple(_pair(q, it, 0, None, "sl-away") for it in away[:NONE_K])))
        counts["groups: none, another week"] += 1
    elif away:
        counts["left out: another week's shortlist holds the answer"] += 1
    return out


def build_groups(root: Path, work: Path, log=sys.stderr, embedder=None) -> tuple[list[Group], Counter]:
    """Every tuning week's groups (see the module doc); indexes are built under `work` (reused)."""
    from index import SentenceTransformerEmbedder

    weeks = tuning_weeks(root)
    embedder = embedder or SentenceTransformerEmbedder()
    counts: Counter = Counter(weeks=len(weeks))
    groups: list[Group] = []
    for own_a, own_day, away_a, away_day, q, variants in asked(weeks, Path(work), embedder, "reader", counts, log):
        holds = any(M.find_choice(r["text"], variants) for r in q.results)
        groups.extend(groups_of(q, _read(own_a, q, own_day), _read(away_a, q, away_day), holds, counts))
    for g in groups:
        for p in g.positives + g.hard:
            counts[f"pairs: {p.kind}"] += 1
    return groups, counts


def load_or_build(root: Path, work: Path, log=sys.stderr, embedder=None) -> tuple[list[Group], Counter, str]:
    """`build_groups`, cached in `work` by the data's hash and `VERSION`; also returns the hash."""
    digest = data_hash(root)
    key = Path(work) / f"{VERSION}-{digest[:16]}.pkl"
    if key.exists():
        with open(key, "rb") as f:
            groups, counts = pickle.load(f)
        return groups, counts, digest
    groups, counts = build_groups(root, work, log, embedder)
    tmp = key.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump((groups, counts), f)
    tmp.replace(key)
    return groups, counts, digest
