"""Calendar words of English news text, and the one reader of a day given as a filter.

- `MONTH_NAMES` ("january".."december"), `MONTH_ABBREVIATIONS` ("jan".."dec", "may" among them)
  and `MONTHS`: each of those and "sept" -> the month's number, 1..12;
- `MONTH_PATTERN`: the keys of `MONTHS` as one regex alternation, longest first, so "september"
  is tried before "sept" and "sep", for the callers that build their own date patterns;
- `WEEKDAYS` ("monday".."sunday"), `WEEKDAY_ABBREVIATIONS` ("mon".."sun") and `WEEKDAY`, a
  regex that finds a weekday name in any case;
- `YEAR`: a regex fragment for a year as news writes it, 1900 to 2099;
- `only_calendar_words`: whether a line holds nothing but calendar and clock words and numbers
  ("Mon 6 Dec 2024, 10:00 GMT"), as a date line under a headline does;
- `parse_day`: the day a caller gives as a filter (since, until, as of).

Limits: English names only, lower-case here (callers match with re.I or lower-case first);
`parse_day` reads ISO dates only: "6 Dec 2024" is for the caller to convert, not guessed here.
"""

from __future__ import annotations

import re
from datetime import date

from index.errors import ConfigError

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
MONTH_ABBREVIATIONS = tuple(m[:3] for m in MONTH_NAMES)
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = tuple(d[:3] for d in WEEKDAYS)
WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)

YEAR = r"(?:19|20)\d\d"

_CALENDAR_WORDS = "|".join([*MONTHS, *WEEKDAYS, *WEEKDAY_ABBREVIATIONS,
                            *"am pm gmt utc bst cet est edt et pt at on".split()])
_CALENDAR_TOKEN = re.compile(rf"\b(?:{_CALENDAR_WORDS})\b\.?|\d+(?:st|nd|rd|th)?|[\s,:/.\-–()]+", re.IGNORECASE)


def only_calendar_words(text: str) -> bool:
    """True when `text` is nothing but month and weekday names, clock words ("am", "GMT"),
    numbers and date punctuation: "Mon 6 Dec 2024, 10:00 GMT" (and also "", or "12:30")."""
    return _CALENDAR_TOKEN.sub("", text).strip() == ""


def parse_day(value, field: str) -> date | None:
    """A date, an ISO 'YYYY-MM-DD' string, or None; anything else is a ConfigError naming the field."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):  # 20210329 is not a date, whatever fromisoformat makes of it
        raise ConfigError(f"{field} must be a date like 2024-12-06, got {value!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{field} must be a date like 2024-12-06, got {value!r}") from None
