"""Numbers and dates stated in a sentence, normalised so different spellings of one value compare
equal: "280,000", "280000" and "280 thousand" are all 280000; "1.5 million" is 1500000; "half a
million" is 500000; "three and a half days" is 3.5 days; "26 March 2024", "March 26, 2024" and
"2024-03-26" are one date. Used to see when outlets state the same figure (agreement) or
different figures for the same thing (disagreement, see `conflicts`).

Limits: English only; number words up to "twenty", "a" before a scale word ("a dozen") and the scale
words; years (1900–2099
standing alone), day numbers next to a month name and clock times ("04:17") are dates, not
quantities, and are left out of `quantities()`; ranges keep both ends as separate values; the
qualifier ("more than", "about") is recorded but `same_value` compares the bare numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.text.dates import MONTH_PATTERN, MONTHS, YEAR
from index.text.numbers import FRACTIONS, GROUPED_NUMBER, SCALES, SMALL_NUMBERS
from index.text.words import STOPWORDS

_CURRENCY = "$€£¥"

_WORDS = "|".join(sorted(SMALL_NUMBERS, key=len, reverse=True))
_NUM = re.compile(
    rf"(?<![\w.:])(?P<num>{GROUPED_NUMBER}|\d+(?:\.\d+)?(?![\d:])"
    rf"|(?:{_WORDS})\b"  # "ten" but not "tense", "nine" but not "ninety"
    r"|(?:a\s+|one\s+)?(?:half|quarter|third)(?:\s+a)?"
    r"|a(?=\s+(?:dozen|hundred|thousand|million|billion)\b))"  # "a dozen", "a million"
    r"(?P<andahalf>\s+and\s+a\s+half)?"
    rf"(?:\s*(?P<scale>{'|'.join(SCALES)})s?\b)?"
    r"(?:(?:\s+|-)(?P<unit>[a-z%]+))?",
    re.I,
)
_QUALIFIER = re.compile(
    r"\b(more than|over|at least|nearly|almost|about|around|approximately|roughly|some|up to|fewer than|"
    r"less than|under|above|exceeding|just over|just under|close to|an estimated|estimated)\s+$", re.I)

_MON = r"(?P<mon>" + MONTH_PATTERN + r")\.?"
_DATE_RXS = [
    re.compile(rf"\b(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + rf"(?:,?\s+(?P<y>{YEAR}))?\b", re.I),
    re.compile(r"\b" + _MON + rf"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{YEAR}))?", re.I),
    re.compile(r"\b" + _MON + rf"(?:\s+of)?\s+(?P<y>{YEAR})\b", re.I),
    re.compile(rf"\b(?:in|since|of|by|until|during|before|after)\s+(?P<y>{YEAR})\b(?!-)", re.I),
]


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # the word after the number, lower-case ("people", "km", "%", "metre" of "400-metre"),
    # the currency symbol before it ("$" of "$9.6 billion"), or ""
    text: str  # as written, without the qualifier
    start: int
    end: int
    qualifier: str = ""  # "more than", "about", ... as written before the number, or ""

    @property
    def phrase(self) -> str:
        """The value as a reader would quote it: "more than 21,000"."""
        return f"{self.qualifier} {self.text}".strip()


@dataclass(frozen=True)
class DateMention:
    """A calendar date in a sentence; `month`/`day` are None when the text gives less ("in 2022")."""

    text: str
    start: int
    end: int
    year: int | None
    month: int | None = None
    day: int | None = None

    def resolve(self, default_year: int | None) -> date | None:
        """The date, with `default_year` filling in a missing year; None when it can't be built."""
        y = self.year or default_year
        if y is None or self.month is None:
            return None
        try:
            return date(y, self.month, self.day or 1)
        except ValueError:
            return None

    def key(self, default_year: int | None = None) -> tuple:
        """(year, month, day) with unknown parts as None, for comparing two mentions."""
        return (self.year or default_year, self.month, self.day)


def _number(raw: str) -> float | None:
    raw = raw.lower().strip()
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    if raw in SMALL_NUMBERS:
        return float(SMALL_NUMBERS[raw])
    if raw == "a":  # "a dozen", "a million"
        return 1.0
    for word, frac in FRACTIONS.items():
        if word in raw:
            return frac
    return None


def dates(text: str) -> list[DateMention]:
    """Calendar dates in `text`, in order, overlapping matches resolved to the longest."""
    found: list[DateMention] = []
    for rx in _DATE_RXS:
        for m in rx.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            g = m.groupdict()
            mon = g.get("mon") or g.get("m")
            month = int(mon) if mon and mon.isdigit() else MONTHS.get((mon or "").lower().rstrip("."))
            day = int(g["d"]) if g.get("d") else None
            if day is not None and not 1 <= day <= 31:
                continue
            start = m.start("y") if set(g) == {"y"} else m.start()  # "in 2022": the year only
            found.append(DateMention(text[start:m.end()], start, m.end(), int(g["y"]) if g.get("y") else None,
                                     month, day))
    return sorted(found, key=lambda d: d.start)


def quantities(text: str) -> list[Quantity]:
    date_spans = [(d.start, d.end) for d in dates(text)]
    out = []
    for m in _NUM.finditer(text):
        if any(a <= m.start("num") < b for a, b in date_spans):
            continue  # a day number or a year: a date, not a quantity
        value = _number(m.group("num"))
        if value is None:
            continue
        if m.group("andahalf"):
            value += 0.5
        scale = m.group("scale")
        if scale:
            value *= SCALES[scale.lower()]
        elif FRACTIONS.get(m.group("num").lower().strip().split()[-1], None):
            continue  # a bare "half" is not a quantity
        raw = m.group("num")
        if not scale and raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2099:
            continue  # a year
        unit, end = (m.group("unit") or "").lower(), m.end()
        if unit in STOPWORDS:  # "21,000 on 10 February": no unit, and "on" is not part of the value
            unit, end = "", max(m.end(g) for g in ("num", "andahalf", "scale") if m.group(g))
        start = m.start()
        if start and text[start - 1] in _CURRENCY:  # "$9.6 billion": the unit is the currency
            unit, start, end = text[start - 1], start - 1, max(m.end(g) for g in ("num", "andahalf", "scale")
                                                                if m.group(g))
        q = _QUALIFIER.search(text, max(0, start - 20), start)
        out.append(Quantity(value, unit, text[start:end], start, end, q.group(1) if q else ""))
    return out


def salient_values(text: str) -> set[float]:
    """Values worth matching across articles: not tiny counts that recur by chance."""
    return {q.value for q in quantities(text) if q.value >= 20}


def same_value(a: float, b: float, tolerance: float = 0.05) -> bool:
    """Equal up to rounding: within `tolerance` (a share of the larger) of each other."""
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def same_date(a: DateMention, b: DateMention, year_a: int | None = None, year_b: int | None = None) -> bool:
    """Do two mentions agree on every part both give? Missing years borrow `year_a`/`year_b`."""
    ka, kb = a.key(year_a), b.key(year_b)
    return all(x is None or y is None or x == y for x, y in zip(ka, kb))
