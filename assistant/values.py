"""Numbers stated in a sentence, normalised so different spellings of one value compare equal:
"280,000", "280000" and "280 thousand" are all 280000; "1.5 million" is 1500000; "half a
million" is 500000. Used to see when two outlets state the same figure (agreement) or
different figures for the same thing (disagreement).

Limits: English number words up to "twenty" and the scale words; years (1900–2099 standing
alone) are dates, not quantities, and are left out; ranges keep both ends as separate values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "hundred": 1e2, "dozen": 12}
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_FRACTION = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}

_NUM = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(_SMALL, key=len, reverse=True)) + r"|(?:a\s+|one\s+)?(?:half|quarter|third)(?:\s+a)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|hundred|dozen)s?\b)?"
    r"(?:\s+(?P<unit>[a-z%]+))?",
    re.I,
)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # the word after the number, lower-case ("people", "km", "%"), or ""
    text: str  # as written
    start: int
    end: int


def _number(raw: str) -> float | None:
    raw = raw.lower().strip()
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    if raw in _SMALL:
        return float(_SMALL[raw])
    for word, frac in _FRACTION.items():
        if word in raw:
            return frac
    return None


def quantities(text: str) -> list[Quantity]:
    out = []
    for m in _NUM.finditer(text):
        value = _number(m.group("num"))
        if value is None:
            continue
        scale = m.group("scale")
        if scale:
            value *= _SCALE[scale.lower()]
        elif _FRACTION.get(m.group("num").lower().strip().split()[-1] if m.group("num") else "", None):
            continue  # a bare "half" is not a quantity
        raw = m.group("num")
        if not scale and raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2099:
            continue  # a year
        unit = (m.group("unit") or "").lower()
        out.append(Quantity(value, unit, m.group(0), m.start(), m.end()))
    return out


def salient_values(text: str) -> set[float]:
    """Values worth matching across articles: not tiny counts that recur by chance."""
    return {q.value for q in quantities(text) if q.value >= 20}
