"""The two optional steps of a group build (both off for the shipped weights; see
`pairs`): `confirm` keeps a string match of the answer as a positive only where it answers in
meaning, `swaps` makes altered "not answered" questions (`none-swap`).

`confirm`'s cosine floors were set by reading 40 string matches by hand (9 of 24 kept before
were mentions in passing, 2-4 after; most of those dropped were wrong).
"""

from __future__ import annotations

import random
import re
from collections import Counter

from . import matching as M
from .records import Cand, Pair
from .sources import Question

CONFIRM_Q, CONFIRM_E, CONFIRM_E_ALONE = 0.40, 0.40, 0.50


def bundled_embed():
    """The bundled MiniLM as `texts -> unit vectors` (for `confirm`)."""
    from index.encoders.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(precision="fp32").embed


def confirmed(question: str, texts: list[str], evidence: str, embed) -> list[bool]:
    """Whether each string match of the answer (`texts`) answers `question` in meaning: near the
    question and near `evidence` (the quiz's evidence sentence holding the answer; "" when
    none), or very near `evidence` alone."""
    vecs = embed([question, *texts] + ([evidence] if evidence else []))
    cq = vecs[1 : 1 + len(texts)] @ vecs[0]
    if not evidence:
        return [bool(c >= CONFIRM_Q) for c in cq]
    ce = vecs[1 : 1 + len(texts)] @ vecs[-1]
    return [bool((a >= CONFIRM_Q and b >= CONFIRM_E) or b >= CONFIRM_E_ALONE) for a, b in zip(cq, ce)]


# a name (capitalised words, not opening the question) or a number, for `none-swap`
NAME = re.compile(r"(?<![\w’'-])[A-Z][a-z][\w’'-]*(?:[ ][A-Z][a-z][\w’'-]*)*")
NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w.,])")


def mentions(text: str) -> list[tuple[str, str]]:
    """(kind, text) of each name and number in `text`; a name loses leading stopwords ("The",
    "After") and one opening the text is skipped (any capitalised word would pass)."""
    out = []
    for m in NAME.finditer(text):
        words = m.group().split(" ")
        while words and words[0].lower() in M.STOPWORDS:
            words = words[1:]
        if words and m.start() > 0:
            out.append(("name", " ".join(words)))
    return out + [("number", m.group()) for m in NUMBER.finditer(text)]


def swapped(q: Question, positives: list[Pair], cands: list[Cand], rng: random.Random, n: int) -> list[Pair]:
    """`none-swap` pairs (see the module doc): up to `n` altered questions, each with one name or
    number it shares with a positive swapped for another of its kind mentioned in at least two
    sentences of the results, against the positives holding the swapped one; [] when none fits."""
    right = M.normalise(q.right)
    shared = [(k, t) for k, t in dict.fromkeys(mentions(q.text))
              if any(t in p.sentence for p in positives) and M.normalise(t) not in right and right not in M.normalise(t)]
    seen = Counter(m for c in cands for m in dict.fromkeys(mentions(c.text)))
    options = []
    for kind, old in shared:
        keep = [p for p in positives if old in p.sentence]
        near = " " + " ".join(M.normalise(f"{p.sentence} {p.headline} {p.context} {q.text}") for p in keep) + " "
        avoid = [M.normalise(c) for c in q.choices] + [M.normalise(old)]
        for (k, t), c in sorted(seen.items()):
            if k == kind and c >= 2 and (m := M.normalise(t)) and f" {m} " not in near and not any(m in a or a in m for a in avoid):
                options.append((old, t, keep))
    out = []
    for old, new, keep in rng.sample(options, min(n, len(options))):
        new_q = q.text.replace(old, new, 1)
        out += [Pair(new_q, p.sentence, p.headline, p.context, 0, None, "none-swap", q.qid) for p in keep]
    return out
