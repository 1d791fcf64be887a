"""Field reading shared by the loaders: which keys mean what, dates, and authors.

Purpose: map one record (a JSON object, a JSONL line, markdown front matter) onto the
fields of an article, leniently: keys match case-insensitively, several spellings
are accepted, and a value that cannot be read becomes a warning, never an error.

Limits: dates are read only in the formats listed in `parse_date` (numeric day/month
orders like 06/12/2024 are ambiguous and are not guessed); a date keeps the calendar
day the source wrote, without converting time zones.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from index.text.dates import WEEKDAY_ABBREVIATIONS

TITLE_KEYS = ("title", "headline")
# "articlebody" (schema.org) and "maintext" (news-please) are common in scraped dumps.
TEXT_KEYS = ("text", "body", "content", "article", "articlebody", "maintext")
URL_KEYS = ("url", "link")
SOURCE_KEYS = ("source", "outlet", "site", "publisher", "site_name", "sitename")
DATE_KEYS = ("published", "date", "publish_date", "published_at", "pubdate", "datepublished", "date_publish")
AUTHOR_KEYS = ("authors", "author")


@dataclass
class Draft:
    """An article as read from its input, before cleaning and id: internal to the loaders.

    `title_given` says the title came from the input (so lines repeating it are dropped
    from the text), rather than being left for the loader to derive. `warnings` are
    messages for LoadWarnings of this record.
    """

    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None
    authors: tuple[str, ...] = ()
    line: int | None = None
    title_given: bool = False
    warnings: list[str] = field(default_factory=list)


def _lower_keys(record: dict) -> dict:
    out: dict = {}
    for key, value in record.items():
        if isinstance(key, str):
            out.setdefault(key.strip().casefold(), (key, value))
    return out


def _first(fields: dict, keys: tuple[str, ...]):
    """(original key, value) of the first key holding a non-empty value, else (None, None)."""
    for key in keys:
        if key in fields:
            name, value = fields[key]
            if value not in (None, "", [], {}):
                return name, value
    return None, None


def _as_text(value) -> str:
    """A text field: a string, or a list of paragraph strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    return ""


def _as_name(value) -> str:
    """A plain string, or an object like {"name": "Reuters"}."""
    if isinstance(value, dict):
        value = _first(_lower_keys(value), ("name", "title"))[1]
    return " ".join(value.split()) if isinstance(value, str) else ""


_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)


def parse_authors(value) -> tuple[str, ...]:
    """Authors from a string ("A, B and C"), a list of strings, or a list of {name} objects."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = _as_name(item)
        parts = _AUTHOR_SPLIT_RE.split(name) if isinstance(item, str) else [name]
        for part in parts:
            part = re.sub(r"^by\s+", "", part.strip(), flags=re.IGNORECASE)
            if part and part.casefold() not in (n.casefold() for n in names):
                names.append(part)
    return tuple(names)


_MONTH_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")
_WEEKDAY_RE = re.compile(rf"^({'|'.join(WEEKDAY_ABBREVIATIONS)})[a-z]*\.?,?\s+", re.IGNORECASE)
# Day and month name in either order, then the year; anything after (a time) is ignored.
_MONTH_DATE_RE = re.compile(r"^(\d{1,2}\s+[a-z]{3,}|[a-z]{3,}\s+\d{1,2})\s+(\d{4})\b", re.IGNORECASE)


def _from_timestamp(value: float) -> date | None:
    if value > 1e11:  # milliseconds, as JavaScript writes them
        value /= 1000
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return None


def _month_name_date(text: str) -> date | None:
    text = _WEEKDAY_RE.sub("", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)  # 6th -> 6
    text = re.sub(r"\bsept\b", "Sep", text, flags=re.IGNORECASE)
    text = " ".join(text.replace(",", " ").replace(".", " ").split())
    match = _MONTH_DATE_RE.match(text)
    if not match:
        return None
    candidate = f"{match.group(1)} {match.group(2)}"
    for fmt in _MONTH_FORMATS:
        try:
            return datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    return None


def parse_date(value) -> date | None:
    """A calendar date from ISO 8601 (`2024-12-06`, `2024-12-06T10:00:00Z`), `2024/12/06`,
    `06 Dec 2024`, `December 6, 2024`, RFC 2822 (`Fri, 06 Dec 2024 10:00:00 GMT`) or a
    Unix timestamp number; None when the value is none of these."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_timestamp(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?=$|[T\s])", text)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    return _month_name_date(text)


def outlet_from_url(url: str) -> str:
    """The outlet an article's URL names when nothing else does: its host, lower-case, without a
    leading "www." ("https://www.cnn.com/2024/..." -> "cnn.com"); "" for no URL or no host."""
    if not isinstance(url, str) or "://" not in url:
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # "http://[::1" and other broken netlocs
        return ""
    return host[4:] if host.startswith("www.") else host


def draft_from_record(record: dict, *, line: int | None = None) -> Draft:
    """Read the article fields of one record; `Draft.text` is "" when it has no text."""
    fields = _lower_keys(record)
    draft = Draft(text=_as_text(_first(fields, TEXT_KEYS)[1]), line=line)
    draft.title = _as_name(_first(fields, TITLE_KEYS)[1])
    draft.title_given = bool(draft.title)
    draft.url = _as_name(_first(fields, URL_KEYS)[1])
    draft.source = _as_name(_first(fields, SOURCE_KEYS)[1])
    key, value = _first(fields, AUTHOR_KEYS)
    if value is not None:
        draft.authors = parse_authors(value)
    key, value = _first(fields, DATE_KEYS)
    if value is not None:
        draft.published = parse_date(value)
        if draft.published is None:
            shown = value if isinstance(value, str) else repr(value)
            draft.warnings.append(f"unrecognised date in field '{key}': '{shown[:60]}' (left empty)")
    return draft
