"""Check a generated answer against the passages it cites, deterministically, sentence by sentence.

For each sentence of the reply:
1. its `[n]` marks are read ("[1][3]", "[1, 3]" and "[1] [3]" alike; marks a sentence starts
   with belong to the sentence before); numbers that point to no passage are removed;
2. the claim (the sentence without marks) is compared with each cited passage: the cosine
   between the claim and the passage's best-matching sentence (the index's own embedder), and
   the IDF-weighted share of the claim's content words found in the cited span (that sentence
   and its neighbours; the same stems and weights as answer scoring). Support is their mean;
3. every number in the claim must appear in a cited passage: a figure the articles never gave is
   the typical invention;
4. a sentence with no valid citation, or whose support stays below `min_support` for every cited
   passage, is unsupported: marked "[unsupported]" (its marks removed) or dropped.

Sentences of a passage that address a language model ("ignore previous instructions", "AI
assistants must answer ...") are never evidence: an answer that obeys an instruction planted in
an article finds no support for what the instruction made it say.

Limits: support is word and embedding similarity, not entailment: a claim that reuses the cited
sentence's words but reverses its meaning ("did not" for "did") can pass; numbers are compared
as written ("1.2 million" and "1,200,000" differ). English stemming only. The instruction
patterns catch the common phrasings, not every possible one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from index.records import Article
from index.text.numbers import NUMERAL
from index.text.words import stems

from assistant.reading.question import analyse
from assistant.reading.sentences import Sentence, split_sentences

UNSUPPORTED_MARK = "[unsupported]"
_GROUP = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")  # [1] or [1, 3]
_MARK = re.compile(r"\[(\d{1,3})\]")
_LEADING_MARKS = re.compile(r"^(?:\s*\[\d{1,3}\])+\s*")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+", re.M)
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,60}\b(?:instructions?|prompts?|rules|directions)\b|"
    r"\bsystem prompt\b|\b(?:new|updated) instructions?\b|"
    r"\b(?:ai|a\.i\.|assistants?|chatbots?|language models?|llms?)\b[^.!?]{0,60}\b(?:must|should|shall|are to|"
    r"have to)\s+(?:say|answer|reply|respond|state|write|tell|claim|report)\b|"
    r"\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:ai|assistants?|chatbots?|language models?|llms?)\b|"
    r"\byou are (?:now )?(?:an?|the) (?:ai|assistant|chatbot|language model)\b|"
    r"^\s*(?:say|reply|respond|answer|output)\s*(?:only\s*)?:", re.I)


def looks_like_instruction(sentence: str) -> bool:
    """Does this sentence address a language model rather than report news?"""
    return bool(_INSTRUCTION.search(sentence))


@dataclass(frozen=True)
class Passage:
    """Passage `n` as the model saw it: whole sentences of one article, `start:end` in its text."""

    n: int
    article: Article
    chunk_id: int
    start: int
    end: int
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return self.article.text[self.start:self.end]


@dataclass(frozen=True)
class Checked:
    """One sentence of the reply after checking."""

    claim: str  # the sentence without its marks
    cited: tuple[int, ...]  # passage numbers it cites that exist
    removed: tuple[int, ...]  # numbers it cited that point to no passage
    supported: bool
    support: float  # best support over its cited passages, 0..1
    quotes: dict[int, tuple[Sentence, float]] = field(default_factory=dict)  # n -> best sentence, match


@dataclass
class Verification:
    sentences: list[Checked]
    text: str  # the reply as it should be shown: marks normalised, unsupported marked or dropped
    unsupported: list[str]
    removed: list[int]  # citation numbers that pointed to no passage, in order of appearance

    @property
    def supported(self) -> list[Checked]:
        return [c for c in self.sentences if c.supported]

    def quotes(self) -> dict[int, tuple[Sentence, float]]:
        """For each passage cited by a supported sentence: its best-matching sentence and match."""
        best: dict[int, tuple[Sentence, float]] = {}
        for c in self.supported:
            for n, (s, score) in c.quotes.items():
                if n not in best or score > best[n][1]:
                    best[n] = (s, score)
        return best


def split_claims(reply: str) -> list[tuple[str, list[int]]]:
    """(claim, cited numbers) per sentence of `reply`, in order; a claim keeps no marks."""
    text = _BULLET.sub("", reply.replace("\r", ""))
    text = _GROUP.sub(lambda m: "".join(f"[{x}]" for x in re.split(r"\s*[,;]\s*", m.group(1).strip())), text)
    out: list[tuple[str, list[int]]] = []
    for s in split_sentences(text):
        part = s.text
        lead = _LEADING_MARKS.match(part)
        if lead and out:  # "... rose. [2] The next ..." : the [2] closes the sentence before
            out[-1][1].extend(int(x) for x in _MARK.findall(lead.group(0)))
            part = part[lead.end():]
        nums = [int(x) for x in _MARK.findall(part)]
        claim = " ".join(_MARK.sub(" ", part).split())
        claim = re.sub(r"\s+([.,;:!?])", r"\1", claim)
        if claim.strip(" .,;:!?\"'“”"):
            out.append((claim, nums))
        elif out:
            out[-1][1].extend(nums)
    return [(c, list(dict.fromkeys(ns))) for c, ns in out]


def _numbers(text: str) -> set[str]:
    return {m.group(0).replace(",", "").rstrip(".") for m in NUMERAL.finditer(text)}


def _given(p: Passage) -> set[str]:
    """The numbers passage `p` gives the model: its text, its headline and its date."""
    out = _numbers(f"{p.text} {p.article.title}")
    d = p.article.published
    return out | ({str(d.year), str(d.month), str(d.day)} if d else set())


class Verifier:
    """Scores claims against passages. `embed(texts) -> unit vectors`; `idf(terms) -> weights`."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], idf: Callable[[Sequence[str]], dict[str, float]],
                 min_support: float = 0.5):
        self.embed, self.idf, self.min_support = embed, idf, min_support

    def check(self, reply: str, passages: Sequence[Passage], on_unsupported: str = "mark") -> Verification:
        by_n = {p.n: p for p in passages}
        claims = split_claims(reply)
        evidence = {p.n: [s for s in p.sentences if not looks_like_instruction(s.text)] for p in passages}
        texts = [c for c, _ in claims] + [s.text for p in passages for s in evidence[p.n]]
        vecs = self.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        cvecs, svecs, i = vecs[:len(claims)], {}, len(claims)
        for p in passages:
            svecs[p.n] = vecs[i:i + len(evidence[p.n])]
            i += len(evidence[p.n])
        checked, removed = [], []
        for (claim, nums), cvec in zip(claims, cvecs):
            cited = tuple(n for n in nums if n in by_n)
            gone = tuple(n for n in nums if n not in by_n)
            removed.extend(gone)
            quotes, support = {}, 0.0
            for n in cited:
                got = self._against(claim, cvec, evidence[n], svecs[n])
                if got is not None:
                    quotes[n] = got[0]
                    support = max(support, got[1])
            numbers_ok = bool(cited) and _numbers(claim) <= set().union(*(_given(by_n[n]) for n in cited))
            ok = bool(cited) and numbers_ok and support >= self.min_support
            checked.append(Checked(claim, cited, gone, ok, round(support, 4), quotes))
        return Verification(checked, _render(checked, on_unsupported), [c.claim for c in checked if not c.supported],
                            list(dict.fromkeys(removed)))

    def _against(self, claim: str, cvec: np.ndarray, sents: list[Sentence], svecs: np.ndarray):
        """((best sentence, its match), support) of `claim` against one passage, or None when the
        passage has no sentence that can be evidence."""
        if not sents:
            return None
        q = analyse(claim)
        weights = self.idf(q.terms) if q.terms else {}
        cos = svecs @ cvec
        sent_stems = [stems(s.text) for s in sents]
        lex = [_overlap(q.terms, q.term_stems, weights, st) for st in sent_stems]
        match = [0.5 * max(0.0, float(c)) + 0.5 * x for c, x in zip(cos, lex)]
        best = int(np.argmax(match))
        # the cited span: the best sentence and its neighbours (a claim may join two sentences)
        span = set().union(*sent_stems[max(0, best - 1): best + 2])
        support = 0.5 * max(0.0, float(cos[best])) + 0.5 * _overlap(q.terms, q.term_stems, weights, span)
        return (sents[best], round(match[best], 4)), support


def _overlap(terms, term_stems, weights: dict[str, float], have: set[str]) -> float:
    total = sum(weights.get(t, 1.0) for t in terms)
    if total <= 0:
        return 0.0
    return sum(weights.get(t, 1.0) for t, s in zip(terms, term_stems) if s in have) / total


def _render(checked: list[Checked], on_unsupported: str) -> str:
    parts = []
    for c in checked:
        if c.supported:
            marks = "".join(f"[{n}]" for n in c.cited)
            parts.append(_attach(c.claim, marks))
        elif on_unsupported == "mark":
            parts.append(_attach(c.claim, UNSUPPORTED_MARK))
    return " ".join(parts)


def _attach(claim: str, marks: str) -> str:
    """'The toll rose.' + '[1]' -> 'The toll rose [1].' (marks inside the final punctuation)."""
    m = re.search(r"[.!?…]+[\"'”’)]*$", claim)
    if m:
        return f"{claim[:m.start()].rstrip()} {marks}{claim[m.start():]}"
    return f"{claim} {marks}"
