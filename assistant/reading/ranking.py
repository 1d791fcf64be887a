"""The seam between retrieval and composition: a `Ranker` reads the retrieved passages and
returns a `Ranking` - the candidate sentences best first, each with a score in [0, 1], and how
sure it is that the best one answers the question (`confidence`, what abstention thresholds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from assistant.reading.question import Question
from assistant.reading.scoring import Candidate
from assistant.records import Passages, Query


@dataclass
class Ranking:
    """`ranked` best first; `vectors` maps (article id, sentence start) to the unit vector of
    the sentences that were embedded (duplicate detection compares them); `analysis` is the
    question as read."""

    analysis: Question
    ranked: list[Candidate]
    confidence: float | None = None  # None: the best sentence's score
    vectors: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)


class Ranker(Protocol):
    def rank(self, query: Query, query_vec: np.ndarray, passages: Passages,
             prefer: set[str] | None = None) -> Ranking:
        """`prefer`: articles cited earlier in the conversation; near ties go to them."""
        ...
