"""Labelled (question, sentence) pairs for the reader, built from the RealTime QA training folder.

Every search result is split with the product's own splitter (`assistant.reading.sentences`), so
training sees the sentences the product will score; each pair carries the article title as its
headline and the sentences before and after as context. Kinds (rules in `_label_question`):

* `pos`        - contains the right choice (`matching.find_choice`) AND shares >= 2 content-word
                 stems with the question besides the choice's own words, and is not itself a
                 question; span = the choice (with its "$" or "%");
* `pos-evid`   - a sentence of the quiz's own evidence containing the choice (back numbers, and
                 2023-24 questions whose search results gave no positive); no headline;
* `neg-choice` - contains a wrong choice, neither the right one nor any of its words;
* `neg-overlap`- same search results, shares >= 2 stems with the question, no word of the right
                 choice (so paraphrases of the answer are rarely mislabelled);
* `neg-away`   - "not answered": the most word-overlapping sentences of another week's articles,
                 without any word of the right choice.
A sentence that contains the right choice but shares < 2 stems is left out (it may or may not
answer). Weeks, not questions, are held out (every 10th week, spread over the two years); the
held-out split also gets a `rank` set: each question's 48 most overlapping sentences of its own
results, labelled by whether they contain the right choice, to measure picking the best one.
Limits: string matching labels, so some noise remains (answers paraphrased or spelled out).
"""

from __future__ import annotations

import pickle
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.reading.sentences import split_sentences

from . import matching as M
from .sources import Question, data_hash, read_backnumber, read_weeks

SEED = 13
BUILD_VERSION = "pairs-2"  # bump when a rule changes: the cache key and the card carry it
HOLD_EVERY, HOLD_AT = 10, 4  # weeks i with i % 10 == 4 are held out
QUOTA = {"pos": 4, "neg-choice": 3, "neg-overlap": 3, "neg-away": 2}
RANK_K = 48
MIN_OVERLAP = 2


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


@dataclass
class PairSet:
    train: list[Pair]
    held: list[Pair]
    rank: list[Pair]  # held-out questions against their top-48 overlapping sentences
    counts: Counter
    data_sha256: str
    held_weeks: list[str]
    version: str = BUILD_VERSION
    notes: dict = field(default_factory=dict)


@dataclass
class _Cand:
    text: str
    headline: str
    context: str
    stems: set


def _article(title: str, text: str) -> list[_Cand]:
    sents = [s.text for s in split_sentences(text)]
    out = []
    for i, s in enumerate(sents):
        if not (20 <= len(s) <= 600) or s.count(" ") < 3:
            continue  # page furniture and run-on blobs: not worth a label
        ctx = " ".join(x for x in (sents[i - 1] if i else "", sents[i + 1] if i + 1 < len(sents) else "") if x)
        out.append(_Cand(s, title, ctx, M.content_stems(s)))
    return out


def _candidates(q: Question) -> list[_Cand]:
    seen, out = set(), []
    for r in q.results:
        for c in _article(r["title"], r["text"]):
            key = M.normalise(c.text)
            if key not in seen:  # wire copies repeat sentences across results
                seen.add(key)
                out.append(c)
    return out


def _pair(q: Question, c: _Cand, label: int, span, kind: str, headline: str | None = None) -> Pair:
    return Pair(q.text, c.text, c.headline if headline is None else headline, c.context, label, span, kind, q.qid)


def _label_question(q: Question, cands: list[_Cand], rng: random.Random, counts: Counter) -> dict:
    right_v = M.choice_variants(q.right)
    wrong_v = [v for i, c in enumerate(q.choices) if i != q.answer for v in M.choice_variants(c)]
    right_st = M.choice_stems(q.right)
    q_st = M.content_stems(q.text, exclude=right_st)
    got = defaultdict(list)
    for c in cands:
        ov = len(c.stems & q_st)
        span = M.find_choice(c.text, right_v)
        if span:
            if c.text.rstrip(" \"'”’)").endswith("?"):
                counts["left out: contains the answer, but asks a question"] += 1
            elif ov >= MIN_OVERLAP:
                got["pos"].append((ov, rng.random(), _pair(q, c, 1, M.widen_units(c.text, span), "pos")))
            else:
                counts["left out: contains the answer, < 2 question words"] += 1
            continue
        if c.stems & right_st:
            continue  # mentions a word of the answer: may paraphrase it, so no negative label
        if M.find_choice(c.text, wrong_v):
            got["neg-choice"].append((ov, rng.random(), _pair(q, c, 0, None, "neg-choice")))
        elif ov >= MIN_OVERLAP:
            got["neg-overlap"].append((ov, rng.random(), _pair(q, c, 0, None, "neg-overlap")))
    return {k: [p for *_, p in sorted(v, key=lambda t: (-t[0], t[1]))[:QUOTA[k]]] for k, v in got.items()}


def _evidence_pairs(q: Question) -> list[Pair]:
    sents = [s.text for s in split_sentences(q.evidence)]
    right_v = M.choice_variants(q.right)
    out = []
    for i, s in enumerate(sents):
        span = M.find_choice(s, right_v)
        if span:
            ctx = " ".join(x for j, x in enumerate(sents) if j != i)
            out.append(Pair(q.text, s, "", ctx, 1, M.widen_units(s, span), "pos-evid", q.qid))
    return out[:1]


class _Pool:
    """A week's sentences with an inverted index of their stems, for "not answered" pairs."""

    def __init__(self, cands: list[_Cand]):
        self.cands = cands
        self.index = defaultdict(list)
        for i, c in enumerate(cands):
            for s in c.stems:
                self.index[s].append(i)

    def nearest(self, q: Question, k: int, no_headline: bool = False) -> list[Pair]:
        right_st, right_v = M.choice_stems(q.right), M.choice_variants(q.right)
        hits = Counter()
        for s in M.content_stems(q.text, exclude=right_st):
            hits.update(self.index.get(s, ()))
        out = []
        for i, n in sorted(hits.items(), key=lambda t: (-t[1], t[0])):
            if n < MIN_OVERLAP or len(out) >= k:
                break
            c = self.cands[i]
            if c.stems & right_st or M.find_choice(c.text, right_v):
                continue
            out.append(_pair(q, c, 0, None, "neg-away", "" if no_headline else None))
        return out


def _rank_set(q: Question, cands: list[_Cand]) -> list[Pair]:
    right_v = M.choice_variants(q.right)
    q_st = M.content_stems(q.text)
    top = sorted(range(len(cands)), key=lambda i: (-len(cands[i].stems & q_st), i))[:RANK_K]
    out = []
    for i in top:
        span = M.find_choice(cands[i].text, right_v)
        out.append(_pair(q, cands[i], int(span is not None), span, "rank"))
    return out


def build_pairs(root: Path, seed: int = SEED, log=sys.stderr) -> PairSet:
    root = Path(root)
    counts: Counter = Counter()
    digest = data_hash(root)
    weeks = read_weeks(root)
    names = [w for w, _ in weeks]
    held_weeks = [w for i, w in enumerate(names) if i % HOLD_EVERY == HOLD_AT]
    rng = random.Random(seed)
    pools, per_q = {}, {}
    for n, (week, qs) in enumerate(weeks):
        week_cands, seen = [], set()
        for q in qs:
            cands = _candidates(q)
            per_q[q.qid] = cands
            counts["questions (2023-24)"] += 1
            counts["search results"] += len(q.results)
            counts["candidate sentences"] += len(cands)
            for c in cands:
                if c.text not in seen:
                    seen.add(c.text)
                    week_cands.append(c)
        pools[week] = _Pool(week_cands)
        print(f"\rsplitting weeks {n + 1}/{len(weeks)}", end="", file=log, flush=True)
    print(file=log)
    train, held, rank = [], [], []
    by_week = dict(weeks)
    for split, wl in (("train", [w for w in names if w not in held_weeks]), ("held", held_weeks)):
        sink = train if split == "train" else held
        for j, week in enumerate(wl):
            away = wl[(j + len(wl) // 2) % len(wl)]  # half the split away in time: other stories
            for q in by_week[week]:
                if not M.choice_variants(q.right):
                    counts["questions skipped: generic right choice (True, 5, ...)"] += 1
                    continue
                got = _label_question(q, per_q[q.qid], rng, counts)
                if not got.get("pos"):
                    counts["questions without a search-result positive"] += 1
                    ev = _evidence_pairs(q)
                    got["pos-evid"] = ev
                    if ev:  # balance the headline-less positive with a headline-less negative
                        got["neg-away-nohead"] = pools[away].nearest(q, 1, no_headline=True)
                got["neg-away"] = pools[away].nearest(q, QUOTA["neg-away"])
                for k, v in got.items():
                    counts[f"{split} pairs: {k}"] += len(v)
                    sink.extend(v)
                if split == "held":
                    rank.extend(_rank_set(q, per_q[q.qid]))
    train_weeks = [w for w in names if w not in held_weeks]
    for i, q in enumerate(read_backnumber(root)):
        counts["questions (2020-21 back numbers)"] += 1
        ev = _evidence_pairs(q) if q.evidence else []
        if not ev:
            counts["back numbers without an evidence sentence holding the answer"] += 1
            continue
        away = pools[train_weeks[i % len(train_weeks)]].nearest(q, 2, no_headline=True)
        counts["train pairs: pos-evid (back numbers)"] += len(ev)
        counts["train pairs: neg-away (back numbers, no headline)"] += len(away)
        train.extend(ev + away)
    counts["train pairs"], counts["held-out pairs"], counts["held-out rank pairs"] = len(train), len(held), len(rank)
    return PairSet(train, held, rank, counts, digest, held_weeks)


def load_or_build(root: Path, cache_dir: Path | None = Path("/tmp/reader-pairs"), seed: int = SEED,
                  log=sys.stderr) -> PairSet:
    """`build_pairs`, cached by the data's hash, the rules' version and the seed (never in the repo)."""
    if cache_dir is None:
        return build_pairs(root, seed, log)
    key = Path(cache_dir) / f"{BUILD_VERSION}-{seed}-{data_hash(root)[:16]}.pkl"
    if key.exists():
        with open(key, "rb") as f:
            return pickle.load(f)
    ps = build_pairs(root, seed, log)
    key.parent.mkdir(parents=True, exist_ok=True)
    tmp = key.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(ps, f)
    tmp.replace(key)
    return ps
