"""The optional steps of a group build (all off for the shipped weights; see `pairs` and
docs/QUALITY.md): `confirm` keeps a string match of the answer as a positive only where it
answers in meaning, `swaps` makes altered "not answered" questions (`none-swap`),
`contrasted` folds those into their original's answer group, and `short_questions` rewrites a
share of the built groups' questions tersely (the last two after the cache, so they never change
the cached groups).

`confirm`'s cosine floors were set by reading 40 string matches by hand (9 of 24 kept before
were mentions in passing, 2-4 after; most of those dropped were wrong).
"""

from __future__ import annotations

import random
import re
from collections import Counter

from index.text.words import QUESTION_WORDS

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


# --- terse questions ---------------------------------------------------------------------------
# The quiz questions the reader trains on are long (median 16 words, 1 % of 7 words or fewer);
# people ask short ones ("Who leads HTS?"), and on those the reader trained on quizzes alone
# reads badly. `short_questions` rewrites a share of the training groups' questions tersely.

_WORD = re.compile(r"[\w’'.,%$-]*\w")


def terse(question: str, rng: random.Random) -> str | None:
    """A terse form of `question`: the question word of its last sentence (and the word after
    it: "How many", "Which country", "Who is"), then 2-4 other content words of the whole
    question in their order, names and numbers drawn first more often (a preamble often holds
    the name: "... Damar Hamlin was hospitalized. What team does he play for?"); None when the
    last sentence has no question word."""
    sents = [_WORD.findall(s) for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s.strip()]
    if not sents or not sents[-1]:
        return None
    last = sents[-1]
    i = next((k for k, w in enumerate(last) if w.lower() in QUESTION_WORDS), None)
    if i is None:
        return None
    head = last[i : i + 2]
    rest, weights = [], []
    for n_s, words in enumerate(sents):
        for k, w in enumerate(words):
            if (n_s == len(sents) - 1 and i <= k < i + 2) or w.lower() in M.STOPWORDS:
                continue
            rest.append(((n_s, k), w))
            named = (w[0].isupper() and k > 0) or any(ch.isdigit() for ch in w)
            weights.append(3.0 if named else 1.0)
    if not rest:
        return None
    picked: list[tuple[tuple[int, int], str]] = []
    for _ in range(min(len(rest), rng.randint(2, 4))):
        j = rng.choices(range(len(rest)), weights)[0]
        picked.append(rest.pop(j))
        weights.pop(j)
    return " ".join([head[0].capitalize(), *head[1:], *(w for _, w in sorted(picked))]) + "?"


def short_questions(groups: list, share: float, seed: int) -> tuple[list, int]:
    """`groups` with the question of a `share` of them (seeded) replaced by its `terse` form in
    every pair asked it (an altered question `contrasted` into the group keeps its own words, or
    it would become the positive's question labelled "not answered"); returns the groups and how
    many were rewritten."""
    from dataclasses import replace

    rng = random.Random(f"terse-{seed}")
    out, n = [], 0
    for g in groups:
        q = g.positives[0].question if g.positives else (g.hard[0].question if g.hard else None)
        t = terse(q, rng) if q and rng.random() < share else None
        if t is None:
            out.append(g)
            continue
        n += 1
        swap = lambda ps: tuple(replace(p, question=t) if p.question == q else p for p in ps)  # noqa: E731
        out.append(replace(g, positives=swap(g.positives), hard=swap(g.hard), easy=swap(g.easy)))
    return out, n


# --- contrast ----------------------------------------------------------------------------------
# With `swaps` alone an altered question is a group of its own, trained only pointwise, and the
# reader scored the altered questions about as high as the real ones (docs/QUALITY.md). Putting
# them into their original's answer group makes the listwise loss compare the two questions on
# the same sentence: the original must win.


def contrasted(groups: list) -> tuple[list, int]:
    """`groups` with each question's `none-swap` group (built with `swaps`) folded into its
    answer group's always-joining negatives (`easy`), so the positive must beat the same sentence
    asked with a swapped name or number; returns the groups and how many were folded."""
    from dataclasses import replace

    swaps = {g.qid: g for g in groups if g.kind == "none" and g.hard and all(p.kind == "none-swap" for p in g.hard)}
    answered = {g.qid for g in groups if g.kind == "answer"}
    out = []
    for g in groups:
        if g.qid in swaps and g.qid in answered:
            if g is swaps[g.qid]:
                continue
            if g.kind == "answer":
                g = replace(g, easy=g.easy + swaps[g.qid].hard)
        out.append(g)
    return out, len(swaps.keys() & answered)
