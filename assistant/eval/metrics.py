"""The scoring rules of the evaluation, as small pure functions, so the assistant and any
baseline (benchmarks/naive.py) are scored by exactly the same code.

- `normalise`: NFKC, case-folded; quotes and punctuation become spaces, except `.`/`,` between
  digits, which are dropped (so "21,000" == "21000" and "6.5" stays one token); whitespace
  collapsed.
- `answer_hit`: an expected answer, normalised, occurs in the normalised text on word
  boundaries ("7.8" does not hit "1978", "Europe" does not hit "European").
- `exact_match`: the short answer, normalised, equals an expected answer.
- `source_matches`: a gold source names a cited article when it equals the citation's url,
  its path, the path's file name, or a trailing part of the path ("articles/a.md").
- `recall_at`: a gold source is among the first k distinct articles cited, in citation order;
  a citation's wire copies (`Citation.copies`, the same report in other outlets) count as it.

Limits: answers are matched as text, so a right answer worded differently ("Tampa Bay" for
"Tampa, Florida", "two" for "2") is a miss; read the failures before trusting a low figure.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Protocol, Sequence

_DIGIT_SEP = re.compile(r"(?<=\d)[.,](?=\d)")
_QUOTES = "“”\"'‘’«»„‚`´"


class CitedSource(Protocol):
    """What scoring needs from a citation (`assistant.records.Citation` has all of it)."""

    article_id: str
    url: str
    path: str


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _DIGIT_SEP.sub("", text)
    out = []
    for ch in text:
        if ch in _QUOTES or unicodedata.category(ch).startswith("P"):
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def answer_hit(text: str, answers: Iterable[str]) -> bool:
    """True when any expected answer occurs in `text` (both normalised, on word boundaries)."""
    haystack = f" {normalise(text)} "
    for answer in answers:
        needle = normalise(answer)
        if needle and f" {needle} " in haystack:
            return True
    return False


def exact_match(text: str, answers: Iterable[str]) -> bool:
    """True when `text`, normalised, is one of the expected answers, normalised: how a short
    answer ("Pumpkin Spice Latte") is scored, as RealTimeQA scores its own baselines."""
    got = normalise(text)
    return bool(got) and any(got == normalise(a) for a in answers)


def _file_name(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] if path else ""


def source_matches(gold: str, citation: CitedSource) -> bool:
    gold = (gold or "").strip()
    if not gold:
        return False
    url = (getattr(citation, "url", "") or "").strip()
    path = (getattr(citation, "path", "") or "").strip()
    if url and gold.rstrip("/") == url.rstrip("/"):
        return True
    if not path:
        return False
    if gold == path or gold == _file_name(path):
        return True
    tail = re.sub(r"^(\./)+", "", gold.replace("\\", "/")).lstrip("/")
    return bool(tail) and path.replace("\\", "/").endswith("/" + tail)


def distinct_articles(citations: Sequence[CitedSource]) -> list[CitedSource]:
    """The first citation of each article, in citation order."""
    seen: set[str] = set()
    out = []
    for c in citations:
        key = getattr(c, "article_id", "") or getattr(c, "url", "") or getattr(c, "path", "")
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def recall_at(gold_sources: Iterable[str], citations: Sequence[CitedSource], k: int) -> bool:
    """True when any gold source names one of the first k distinct articles cited."""
    top = distinct_articles(citations)[:k]
    golds = [g for g in gold_sources if g and g.strip()]
    named = [x for c in top for x in (c, *getattr(c, "copies", ()))]
    return any(source_matches(g, x) for g in golds for x in named)


def shown_source(citation: CitedSource) -> str:
    """How a cited article is named in failure listings: its url, else its file name."""
    return (getattr(citation, "url", "") or _file_name(getattr(citation, "path", "") or "")
            or getattr(citation, "article_id", "")[:12])
