"""The records the reader's training data is made of: a labelled (question, sentence) `Pair`,
a question's `Group` of pairs scored together, the `PairSet` a build produces (pickled in the
group cache), and `Cand`, a split sentence of a search result before it is labelled."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

BUILD_VERSION = "groups-1"  # bump when a rule changes: the cache key and the card carry it
HARD = 7  # hard negatives per group


@dataclass(frozen=True)
class Pair:
    question: str
    sentence: str
    headline: str
    context: str
    label: int
    span: tuple[int, int] | None  # character offsets of the short answer in `sentence`
    kind: str
    qid: str


@dataclass(frozen=True)
class Group:
    """One question's candidates scored together. `kind` "answer": `positives` must beat the
    negatives (`hard` is a pool, highest priority first; `easy` always joins); "none": no
    positive, `hard` holds the not-answering sentences."""

    qid: str
    kind: str
    positives: tuple[Pair, ...]
    hard: tuple[Pair, ...]
    easy: tuple[Pair, ...] = ()

    def pairs(self, rng: random.Random | None = None, hard: int = HARD) -> list[Pair]:
        """Positives, then `hard` hard negatives (the pool's first when `rng` is None, else its
        first two kept and the rest drawn by `rng`), then the easy ones."""
        pool = list(self.hard)
        if self.kind == "none" or len(pool) <= hard:
            chosen = pool
        elif rng is None:
            chosen = pool[:hard]
        else:
            fixed = min(2, hard)
            chosen = pool[:fixed] + rng.sample(pool[fixed:], hard - fixed)
        return list(self.positives) + chosen + list(self.easy)


@dataclass
class PairSet:
    train: list[Group]
    held: list[Group]
    rank: list[Pair]  # held-out questions against their top-48 overlapping sentences
    counts: Counter
    data_sha256: str
    held_weeks: list[str]
    rank_none: list[Pair] = field(default_factory=list)  # held-out questions against another week's top-24
    version: str = BUILD_VERSION
    notes: dict = field(default_factory=dict)

    def held_pairs(self) -> list[Pair]:
        """Every held-out group's fixed pairs (the pool's first negatives), in order."""
        return [p for g in self.held for p in g.pairs()]


@dataclass
class Cand:
    text: str
    headline: str
    context: str
    stems: set
    art: int = 0  # which search result (within a question)
    pos: int = 0  # index among the article's sentences
