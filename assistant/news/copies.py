"""Wire copies in answers: articles grouped at ingest as near-duplicates (syndicated
copies, light rewrites; see `index.dedup.groups`) are shown once and cited with every outlet.

- Retrieval (`collapse_groups`): the best-ranked article of a group represents it. Another
  member's passage is dropped when all of its text (every word 5-shingle) is in the
  representative, and kept, under its own article, when it says something the representative
  doesn't (a reworded intro, an updated figure), so grouping never hides a different wording.
  Every kept hit of a group names the group's other articles in `Hit.group`.
- Sentences (`same_text_key`): a sentence found word for word in two articles of one group is a
  candidate once, so a copy never reads as a second outlet confirming it.
- Citations (`copies_of`): the group's other articles as `Copy` records, which the CLI prints
  as "also reported by: ...".
Limits: groups follow the search filters (a copy from an outlet or date filtered out is neither
shown nor named); a passage is kept or dropped as a whole, so a kept one may repeat shared text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from index.dedup import minhash
from index.records import Article

from assistant.records import Copy, Hit


def collapse_groups(hits: Sequence[Hit], groups: dict[str, tuple[str, ...]],
                    in_representative: Callable[[Hit, str], bool] | None = None) -> list[Hit]:
    """Best-first hits with each group shown by its best-ranked article. `groups` maps an article
    id to its group's ids (itself included); articles not in it stand alone.
    `in_representative(hit, rep_id)`: is all of the hit's text in that article? (default: always)."""
    reps: dict[tuple[str, ...], str] = {}
    out = []
    for h in hits:
        members = groups.get(h.article_id)
        if not members:
            out.append(h)
            continue
        rep = reps.setdefault(members, h.article_id)
        if rep != h.article_id and (in_representative is None or in_representative(h, rep)):
            continue  # the representative says the same, word for word
        out.append(replace(h, group=tuple(m for m in members if m != h.article_id)))
    return out


class TextIn:
    """`in_representative` for `collapse_groups`, reading articles from an index (once each)."""

    def __init__(self, index):
        self.index = index
        self._shingles: dict[str, np.ndarray] = {}

    def __call__(self, hit: Hit, article_id: str) -> bool:
        theirs = self._shingles.get(article_id)
        if theirs is None:
            a = self.index.article(article_id)
            theirs = self._shingles[article_id] = minhash.shingles(a.text) if a else np.empty(0, np.uint64)
        own = minhash.shingles(hit.text)
        return bool(len(own)) and bool(np.isin(own, theirs, assume_unique=True).all())


def same_text_key(article_id: str, sentence_text: str, group_of: dict[str, tuple[str, ...]]):
    """A key shared by word-for-word equal sentences of articles in one group; None outside groups."""
    group = group_of.get(article_id)
    if not group:
        return None
    return frozenset((article_id, *group)), " ".join(minhash.words(sentence_text))


def copies_of(hit: Hit, articles: dict[str, Article]) -> tuple[Copy, ...]:
    """The other articles of the hit's group that `articles` holds, as citation copies."""
    return tuple(Copy.of(articles[i]) for i in hit.group if i in articles)
