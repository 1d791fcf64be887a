"""Split article text into sentences, keeping each sentence's character offsets.

A rule-based splitter tuned for news prose: a sentence ends at . ! ? (optionally followed by
closing quotes or brackets) before whitespace and an upper-case letter, digit or opening quote,
and at every line break (news text keeps one paragraph or one line per block). It does not
split after common abbreviations (Mr., Dr., U.S., Jan., a.m.), initials ("J. Smith") or inside
numbers ("1.5 million"). Page furniture run into a paragraph (a photo gallery's "Hide Caption 3
of 31 Photos:", `index.loading.clean.INLINE_FURNITURE`) ends a sentence and is in none. Limits:
no language model, so a sentence ending in an abbreviation ("... in the U.S. The next") stays
joined to the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.loading.clean import INLINE_FURNITURE
from index.text.dates import MONTH_NAMES, MONTHS, WEEKDAY_ABBREVIATIONS

# titles, business and Latin abbreviations, and the month and weekday ones; not "may": "May." is
# the whole name, and ends a sentence
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    no nos vol fig inc ltd co corp dept univ est approx vs etc al e.g i.e a.m p.m u.s u.k u.n
    e.u d.c""".split()
) | (set(MONTHS) - set(MONTH_NAMES)) | set(WEEKDAY_ABBREVIATIONS)

# candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ]")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at index `dot` closes an abbreviation or an initial."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS:
        return True
    # single capital initial ("J. Smith"), but not a one-letter sentence end like "Plan B."
    # (at a line's start or after an opening bracket or quote too: "(J. Smith)")
    return len(word) == 1 and text[j].isupper() and (j == 0 or text[j - 1] in " \t\n([\"'“‘") and \
        dot + 2 < len(text) and text[dot + 2].isupper()


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of `text[start:end]`, with offsets into `text`; surrounding whitespace trimmed."""
    end = len(text) if end is None else end
    out: list[Sentence] = []
    for a, b in _pieces(text, start, end):
        seg_start = a
        for m in _END.finditer(text, a, b):
            stop = m.end()
            nxt = _NEXT_START.match(text, stop, b)
            if not nxt:
                continue
            if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start()):
                continue
            _emit(text, seg_start, stop, out)
            seg_start = stop
        _emit(text, seg_start, b, out)
    return out


def _pieces(text: str, start: int, end: int):
    """The lines of `text[start:end]`, each cut where page furniture is run into it (a gallery's
    "Hide Caption 14 of 29 Photos:"), the furniture left out."""
    for a, b in _lines(text, start, end):
        for m in INLINE_FURNITURE.finditer(text, a, b):
            yield a, m.start()
            a = m.end()
        yield a, b


def _lines(text: str, start: int, end: int):
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        yield pos, stop
        pos = stop + 1


def _emit(text: str, a: int, b: int, out: list[Sentence]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append(Sentence(a, b, text[a:b]))
