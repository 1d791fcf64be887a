"""Numbers as news text writes them: number words and their values, and the shapes of numerals.

- `SMALL_NUMBERS`: "zero".."twenty" -> 0..20; `TENS`: "thirty".."ninety"; `SCALES`: the words that
  multiply ("thousand", "million", "dozen", ...); `FRACTIONS`: "half", "quarter", "third".
- `NUMBER_WORDS`: the words that state a figure without digits, as answer-type detection counts them.
- `GROUPED_NUMBER` (a regex fragment): digits grouped by thousands, "21,000" or "1,234.5", read as
  one number; `NUMERAL`: a number as written, digits joined by "," or "." ("21,000", "3.5").

Limits: English words only, and only these: no "twenty-one", no "one hundred and five" (a caller
reading values joins a number word to the scale word after it, see `assistant.reading.values`).
"""

from __future__ import annotations

import re

SMALL_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
TENS = {w: 10 * i for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)}
# in this order, which is also the order a regex built from it tries them (none is a prefix of another)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "hundred": 1e2, "dozen": 12}
FRACTIONS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}

# What `has_answer_type` counts as a figure in a sentence without digits: not "zero"; the plurals
# news uses for a vague amount ("thousands fled"), "trillions" not among them; and "percent".
NUMBER_WORDS = frozenset(
    (set(SMALL_NUMBERS) - {"zero"}) | set(TENS) | set(SCALES) | set(FRACTIONS)
    | {"hundreds", "thousands", "millions", "billions", "dozens"} | {"percent"})

GROUPED_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
NUMERAL = re.compile(r"\d[\d,.]*\d|\d")
