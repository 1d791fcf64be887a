"""Labelled groups of (question, sentence) pairs for the reader, built from the RealTime QA
training folder.

The product ranks many candidate sentences of the same retrieved articles and then decides
whether the best one answers, so the reader is trained on *groups*: the candidates of one
question, scored together. Every search result is split with the product's own splitter
(`assistant.reading.sentences`), so training sees the sentences the product will score; each pair
carries the article title as its headline and the previous sentence as its context (what the
product passes). Group kinds:

* **answer** - the question's positives plus negatives it must beat:
  * `pos` - a search-result sentence containing the right choice (`matching.find_choice`) and at
    least `MIN_OVERLAP` content-word stem of the question besides the choice's own words, not
    itself a question; span = the choice (with its "$" or "%"). At most `MAX_POS` per question,
    most overlapping first. When the build asks to `confirm` (half the string matches only
    mention the answer in passing: "sentenced to 16 years" for "how many Americans return"), a
    match is kept only if its meaning is near the question and, where the quiz's evidence has a
    sentence holding the answer, near that sentence too (cosine of the bundled MiniLM's
    embeddings, `variants.CONFIRM_Q` and `CONFIRM_E`), or very near the evidence sentence alone
    (`CONFIRM_E_ALONE`); a question left without a positive falls back to `pos-evid`.
  * `pos-evid` - where the search results give no positive: a sentence of the quiz's own
    evidence containing the choice (and for every 2020-21 back number). The evidence has no
    headline, so the negatives of such a group lose theirs too (a missing headline says nothing).
  * hard negatives, same search results, no word of the right choice (so a paraphrase of the
    answer is rarely labelled negative), in a pool the trainer samples from: `neg-near` (a
    neighbour of a positive), `neg-article` (the most overlapping of a positive's article),
    then the most overlapping of all results (`neg-choice` when it holds a wrong choice, else
    `neg-overlap`); back numbers take the other evidence sentences as `neg-article`.
  * easy negatives: `neg-away` (the most overlapping sentence of another week's articles) and
    `neg-random` (any sentence of another week).
  * `neg-week` (only when the build asks for `week_negatives`): the most word-overlapping
    sentences of the *same* week's other questions' search results. Retrieval hands the reader
    such sentences (another story of the same days sharing the question's words); without them
    the reader sees overlap mostly in its own results' non-answers and learns to discount it.
    Measured over two seeds (docs/QUALITY.md): within the seed noise on every dev set.
* **none** - "not answered", all negatives, trained with the pointwise loss only, so a low
  absolute score means "no answer here":
  * `none-away` - the question against another week's most word-overlapping sentences;
  * `none-swap` (only when the build asks for `swaps`) - the question with one name or number
    it shares with its positives swapped for another of the same kind from the same search
    results (a different city, person, year or count of the same story), against those
    positives: related sentences that no longer answer (the positive's headline and context must
    not hold the new name either). The "one city's population for another's" mistake, taught as
    data rather than as a rule.

Weeks, not questions, are held out (every 10th week, spread over the two years); the held-out
split also gets a `rank` set: each question's 48 most overlapping sentences of its own results,
labelled by whether they contain the right choice, to measure picking the best one, and a
`rank_none` set: the question against another week's 24 most overlapping sentences, to measure
telling "answered here" from "not answered".
Limits: string matching labels, so some noise remains (answers paraphrased or spelled out, an
answer mentioned in passing).
"""

from __future__ import annotations

import pickle
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from assistant.reading.sentences import split_sentences

from . import matching as M
from .records import BUILD_VERSION, HARD, Cand, Group, Pair, PairSet  # noqa: F401 - old caches unpickle these from here
from .sources import Question, data_hash, read_backnumber, read_weeks
from .variants import bundled_embed, confirmed, swapped

SEED = 13
HOLD_EVERY, HOLD_AT = 10, 4  # weeks i with i % 10 == 4 are held out
MIN_OVERLAP = 1  # question stems (besides the choice's) a positive must share
MAX_POS = 3  # positives per question
POOL = 14  # hard negatives kept per question (the trainer samples HARD of them per epoch)
NEAR, ARTICLE = 2, 2  # of the pool: neighbours of a positive, best of a positive's article
NONE_K = 5  # sentences of a "not answered" group
RANK_K = 48
RANK_NONE_K = 24  # a held-out question against another week: what abstention must refuse


def _article(title: str, text: str, art: int = 0) -> list[Cand]:
    sents = [s.text for s in split_sentences(text)]
    out = []
    for i, s in enumerate(sents):
        if not (20 <= len(s) <= 600) or s.count(" ") < 3:
            continue  # page furniture and run-on blobs: not worth a label
        out.append(Cand(s, title, sents[i - 1] if i else "", M.content_stems(s), art, i))
    return out


def _candidates(q: Question) -> list[Cand]:
    seen, out = set(), []
    for n, r in enumerate(q.results):
        for c in _article(r["title"], r["text"], n):
            key = M.normalise(c.text)
            if key not in seen:  # wire copies repeat sentences across results
                seen.add(key)
                out.append(c)
    return out


def _pair(q: Question, c: Cand, label: int, span, kind: str, headline: str | None = None) -> Pair:
    return Pair(q.text, c.text, c.headline if headline is None else headline, c.context, label, span, kind, q.qid)


def _is_question(text: str) -> bool:
    return text.rstrip(" \"'”’)").endswith("?")


def _positives(q: Question, cands: list[Cand], rng: random.Random, counts: Counter,
               embed=None) -> list[tuple[Cand, Pair]]:
    right_v = M.choice_variants(q.right)
    q_st = M.content_stems(q.text, exclude=M.choice_stems(q.right))
    got = []
    for c in cands:
        span = M.find_choice(c.text, right_v)
        if not span:
            continue
        ov = len(c.stems & q_st)
        if _is_question(c.text):
            counts["left out: contains the answer, but asks a question"] += 1
        elif ov < MIN_OVERLAP:
            counts[f"left out: contains the answer, < {MIN_OVERLAP} question word"] += 1
        else:
            got.append((ov, rng.random(), c, _pair(q, c, 1, M.widen_units(c.text, span), "pos")))
    if embed is not None and got:
        ev = _evidence(q)[0] if q.evidence else []
        ok = confirmed(q.text, [t[2].text for t in got], ev[0].sentence if ev else "", embed)
        counts["left out: contains the answer, not confirmed by meaning"] += ok.count(False)
        got = [t for t, k in zip(got, ok) if k]
    got.sort(key=lambda t: (-t[0], t[1]))
    if len(got) > MAX_POS:
        counts[f"left out: positives beyond {MAX_POS} per question"] += len(got) - MAX_POS
    return [(c, p) for *_, c, p in got[:MAX_POS]]


def _hard_pool(q: Question, cands: list[Cand], pos: list[Cand], headline: str | None = None) -> list[Pair]:
    """Hard negatives of `q` from its own results, highest priority first (see the module doc)."""
    right_v, right_st = M.choice_variants(q.right), M.choice_stems(q.right)
    wrong_v = [v for i, c in enumerate(q.choices) if i != q.answer for v in M.choice_variants(c)]
    q_st = M.content_stems(q.text, exclude=right_st)
    ok = [i for i, c in enumerate(cands) if not (c.stems & right_st) and not M.find_choice(c.text, right_v)]
    ov = {i: len(cands[i].stems & q_st) for i in ok}
    where = {(c.art, c.pos) for c in pos}
    arts = {c.art for c in pos}
    near = [i for i in ok if ((cands[i].art, cands[i].pos - 1) in where or (cands[i].art, cands[i].pos + 1) in where)]
    near = sorted(near, key=lambda i: (-ov[i], i))[:NEAR]
    article = sorted((i for i in ok if cands[i].art in arts and i not in near and ov[i] >= 1),
                     key=lambda i: (-ov[i], i))[:ARTICLE]
    taken = set(near) | set(article)
    rest = sorted((i for i in ok if i not in taken and ov[i] >= 1), key=lambda i: (-ov[i], i))
    out = [_pair(q, cands[i], 0, None, "neg-near", headline) for i in near]
    out += [_pair(q, cands[i], 0, None, "neg-article", headline) for i in article]
    for i in rest[: POOL - len(out)]:
        kind = "neg-choice" if M.find_choice(cands[i].text, wrong_v) else "neg-overlap"
        out.append(_pair(q, cands[i], 0, None, kind, headline))
    return out


def _evidence(q: Question) -> tuple[list[Pair], list[Pair]]:
    """(the first evidence sentence holding the right choice, as `pos-evid`; the evidence
    sentences holding no word of it, as `neg-article`), context = the previous sentence."""
    sents = [s.text for s in split_sentences(q.evidence)]
    right_v, right_st = M.choice_variants(q.right), M.choice_stems(q.right)
    pos, neg = [], []
    for i, s in enumerate(sents):
        ctx = sents[i - 1] if i else ""
        span = M.find_choice(s, right_v)
        if span:
            pos.append(Pair(q.text, s, "", ctx, 1, M.widen_units(s, span), "pos-evid", q.qid))
        elif not (M.content_stems(s) & right_st) and len(s) >= 20 and s.count(" ") >= 3:
            neg.append(Pair(q.text, s, "", ctx, 0, None, "neg-article", q.qid))
    return pos[:1], neg


class _Pool:
    """A week's sentences with an inverted index of their stems, for negatives from other weeks."""

    def __init__(self, cands: list[Cand]):
        self.cands = cands
        self.index = defaultdict(list)
        for i, c in enumerate(cands):
            for s in c.stems:
                self.index[s].append(i)

    def _fits(self, q: Question, c: Cand) -> bool:
        return not (c.stems & M.choice_stems(q.right)) and not M.find_choice(c.text, M.choice_variants(q.right))

    def nearest(self, q: Question, k: int, kind: str, no_headline: bool = False,
                skip: frozenset = frozenset()) -> list[Pair]:
        """The `k` sentences sharing most question stems (not the answer's), `skip`ped texts aside."""
        hits = Counter()
        for s in M.content_stems(q.text, exclude=M.choice_stems(q.right)):
            hits.update(self.index.get(s, ()))
        out = []
        for i, n in sorted(hits.items(), key=lambda t: (-t[1], t[0])):
            if len(out) >= k:
                break
            if self.cands[i].text not in skip and self._fits(q, self.cands[i]):
                out.append(_pair(q, self.cands[i], 0, None, kind, "" if no_headline else None))
        return out

    def random(self, q: Question, rng: random.Random, no_headline: bool = False) -> list[Pair]:
        for _ in range(10):
            c = self.cands[rng.randrange(len(self.cands))]
            if self._fits(q, c):
                return [_pair(q, c, 0, None, "neg-random", "" if no_headline else None)]
        return []


def _week_negatives(pool: _Pool, q: Question, cands: list[Cand], k: int, no_headline: bool = False) -> list[Pair]:
    """`neg-week`: the `k` sentences of `q`'s own week (`pool`) sharing most of its words, none of
    its own results (`cands`): the other stories of the same days that retrieval mixes in."""
    return pool.nearest(q, k, "neg-week", no_headline, frozenset(c.text for c in cands)) if k else []


def _rank_set(q: Question, cands: list[Cand]) -> list[Pair]:
    right_v = M.choice_variants(q.right)
    q_st = M.content_stems(q.text)
    top = sorted(range(len(cands)), key=lambda i: (-len(cands[i].stems & q_st), i))[:RANK_K]
    out = []
    for i in top:
        span = M.find_choice(cands[i].text, right_v)
        out.append(_pair(q, cands[i], int(span is not None), span, "rank"))
    return out


def _count(counts: Counter, split: str, g: Group) -> None:
    counts[f"{split} groups: {g.kind}"] += 1
    for p in g.positives + g.hard + g.easy:
        counts[f"{split} pairs: {p.kind}"] += 1


def version_of(swaps: int, confirm: bool = False, week_negatives: int = 0) -> str:
    """The group rules' version: the cache key and the card carry it."""
    return (BUILD_VERSION + ("+confirm" if confirm else "") + (f"+swap{swaps}" if swaps else "")
            + (f"+week{week_negatives}" if week_negatives else ""))


def build_pairs(root: Path, seed: int = SEED, log=sys.stderr, swaps: int = 0, confirm: bool = False,
                embed=None, week_negatives: int = 0) -> PairSet:
    """Every group of the folder (see the module doc); `swaps` altered questions per question
    with a positive (`none-swap`; 0: none); `confirm` keeps only the string matches that answer
    in meaning (`embed`: texts -> unit vectors, the bundled MiniLM when None); `week_negatives` same-week
    distractors per answer group (`neg-week`; 0: none). All off: the groups-1 rules exactly."""
    if confirm and embed is None:
        embed = bundled_embed()
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
    train, held, rank, rank_none = [], [], [], []
    by_week = dict(weeks)
    for split, wl in (("train", [w for w in names if w not in held_weeks]), ("held", held_weeks)):
        sink = train if split == "train" else held
        for j, week in enumerate(wl):
            away = pools[wl[(j + len(wl) // 2) % len(wl)]]  # half the split away in time: other stories
            for q in by_week[week]:
                if not M.choice_variants(q.right):
                    counts["questions skipped: generic right choice (True, 5, ...)"] += 1
                    continue
                cands = per_q[q.qid]
                pos = _positives(q, cands, rng, counts, embed if confirm else None)
                if pos:
                    counts["questions with a search-result positive"] += 1
                    g = Group(q.qid, "answer", tuple(p for _, p in pos), tuple(_hard_pool(q, cands, [c for c, _ in pos])),
                              tuple(away.nearest(q, 1, "neg-away") + away.random(q, rng)
                                    + _week_negatives(pools[week], q, cands, week_negatives)))
                else:
                    counts["questions without a search-result positive"] += 1
                    ev, _ = _evidence(q) if q.evidence else ([], [])
                    g = None
                    if ev:
                        counts["questions without a search-result positive: evidence positive"] += 1
                        g = Group(q.qid, "answer", tuple(ev), tuple(_hard_pool(q, cands, [], headline="")),
                                  tuple(away.nearest(q, 1, "neg-away", True) + away.random(q, rng, True)
                                        + _week_negatives(pools[week], q, cands, week_negatives, True)))
                if g is not None and g.hard + g.easy:
                    sink.append(g)
                    _count(counts, split, g)
                    altered = swapped(q, list(g.positives), cands, rng, swaps) if swaps else []
                    if altered:
                        sink.append(Group(q.qid, "none", (), tuple(altered)))
                        _count(counts, split, sink[-1])
                none = away.nearest(q, NONE_K, "none-away")
                if none:
                    g = Group(q.qid, "none", (), tuple(none))
                    sink.append(g)
                    _count(counts, split, g)
                if split == "held":
                    rank.extend(_rank_set(q, cands))
                    rank_none.extend(away.nearest(q, RANK_NONE_K, "rank-none"))
    train_weeks = [w for w in names if w not in held_weeks]
    for i, q in enumerate(read_backnumber(root)):
        counts["questions (2020-21 back numbers)"] += 1
        ev, neg = _evidence(q) if q.evidence and M.choice_variants(q.right) else ([], [])
        if not ev:
            counts["back numbers without an evidence sentence holding the answer"] += 1
            continue
        away = pools[train_weeks[i % len(train_weeks)]]
        hard = neg[:HARD] + away.nearest(q, max(0, HARD - len(neg)), "neg-away", no_headline=True)
        g = Group(q.qid, "answer", tuple(ev), tuple(hard), tuple(away.random(q, rng, True)))
        train.append(g)
        _count(counts, "train (back numbers)", g)
    counts["train groups"], counts["held-out groups"] = len(train), len(held)
    counts["held-out rank pairs"], counts["held-out rank pairs, another week"] = len(rank), len(rank_none)
    return PairSet(train, held, rank, counts, digest, held_weeks, rank_none, version=version_of(swaps, confirm, week_negatives))


def _build_into(key: Path, root: Path, seed: int, swaps: int, confirm: bool, week_negatives: int = 0) -> None:
    ps = build_pairs(root, seed, sys.stderr, swaps, confirm, week_negatives=week_negatives)
    key.parent.mkdir(parents=True, exist_ok=True)
    tmp = key.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(ps, f)
    tmp.replace(key)


def load_or_build(root: Path, cache_dir: Path | None = Path("/tmp/reader-pairs"), seed: int = SEED,
                  log=sys.stderr, swaps: int = 0, confirm: bool = False, week_negatives: int = 0) -> PairSet:
    """`build_pairs`, cached by the data's hash, the rules' version and the seed (never in the repo).
    A missing cache is built in a child process (its log goes to stderr): splitting ~1.7M
    sentences leaves a process holding several GB it never gives back, which training does not
    need."""
    if cache_dir is None:
        return build_pairs(root, seed, log, swaps, confirm, week_negatives=week_negatives)
    key = Path(cache_dir) / f"{version_of(swaps, confirm, week_negatives)}-{seed}-{data_hash(root)[:16]}.pkl"
    if not key.exists():
        import multiprocessing as mp

        child = mp.get_context("spawn").Process(target=_build_into, args=(key, Path(root), seed, swaps, confirm, week_negatives))
        child.start()
        child.join()
        if child.exitcode != 0 or not key.exists():
            raise RuntimeError(f"building the training groups from {root} failed (exit code {child.exitcode})")
    with open(key, "rb") as f:
        return pickle.load(f)
