"""Split article text into sentences, keeping each sentence's character offsets.

A rule-based splitter tuned for news prose: a sentence ends at . ! ? (optionally followed by
closing quotes or brackets) before whitespace and an upper-case letter, digit or opening quote,
and at every line break (news text keeps one paragraph or one line per block). It does not
split after common abbreviations (Mr., Dr., U.S., Jan., a.m.), initials ("J. Smith") or inside
numbers ("1.5 million"). A photo gallery scraped into a line (its captions between "Hide Caption
3 of 31 Photos:" marks, `index.loading.clean.INLINE_FURNITURE`) gives no sentence. Limits:
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
_GALLERY_TITLE = "Photos:"  # what opens a scraped photo gallery, before its title
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
    """The lines of `text[start:end]`, less a photo gallery scraped into one: its captions run
    together between "Hide Caption 14 of 29 Photos:" marks ("Photos: … Newton-John holds her
    daughter … in 1987"), each caption before its mark. What a line holds before the gallery (up to
    its first "Photos:" title, else its first mark) and after it (after "Hide Caption 31 of 31";
    a gallery cut short, past the caption after its last mark) stays."""
    for a, b in _lines(text, start, end):
        marks = list(INLINE_FURNITURE.finditer(text, a, b))
        if not marks:
            yield a, b
            continue
        title = text.find(_GALLERY_TITLE, a, marks[0].start())
        yield a, title if title >= 0 else marks[0].start()
        last = marks[-1]
        if last["k"] == last["n"]:
            yield last.end(), b
        elif (caption_end := _END.search(text, last.end(), b)) is not None:
            yield caption_end.end(), b


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
