"""Bylines and datelines: the outlet, date and authors a plain-text article states in its first lines.

Purpose: many saved articles carry their metadata as text above the story instead of front matter.
`read_byline(text)` reads, from the first `MAX_LINES` non-empty lines and only before the body
starts:
- an outlet and a date: "The Coastal Herald, 12 June 2025", "Meridian Wire — 5 Dec 2024";
- a byline of parts split by "|", "·", "•" or a spaced dash: "By Jane Roe | Reuters | Dec 5, 2024
  10:32 GMT" (a part starting "By" names the authors, a date part the date, a name the outlet;
  "Published" / "Updated" labels are read, an updated date only when no other date is given);
- a date alone ("December 5, 2024", "2024-12-05") or "By Jane Roe and John Doe";
- a wire dateline opening the first paragraph: "HOMS, Syria (AP) — …", "LONDON (Reuters) - …"
  gives the outlet in the brackets (and the date, when the dateline states one with its year).

The body starts at the first line that reads like prose (it ends like a sentence, or is longer than
a headline): its opening dateline is read and nothing after it, so a date the story mentions is
never taken for the article's.

Limits: English month names; numeric day/month orders are not guessed (see `parse_date`); a
dateline without a year ("LONDON, June 12 (Reuters) -") gives the outlet only; an outlet must read
like a name (at most six words, each capitalised or a short joining word such as "of" or "the"); a
byline below a standfirst sentence is not reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.loading.fields import parse_authors, parse_date
from index.text.dates import only_calendar_words

MAX_LINES = 6  # non-empty lines looked at, headline included
_MAX_HEADLINE_CHARS = 200
_MAX_NAME_WORDS = 6
_MAX_NAME_CHARS = 60

_PART_SPLIT_RE = re.compile(r"\s*[|·•]\s*|\s+[-–—]\s+")
_LABEL_RE = re.compile(r"^(published|updated|last updated|posted|first published|modified)\b\s*(on\b|at\b)?\s*:?\s*",
                       re.IGNORECASE)
_BY_RE = re.compile(r"^by\s+(?=\S)", re.IGNORECASE)
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_JOINING_WORDS = frozenset("of the and for de la le du des del al el von van & on".split())
_NAME_WORD_RE = re.compile(r"^[A-Z0-9][\w.'’&-]*$|^[A-Z][a-z]*[A-Z][\w.'’-]*$")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")
_EMPHASIS_RE = re.compile(r"^[*_#>\s]+|[*_\s]+$")
# "HOMS, Syria (AP) —": a capitalised place (the city in capitals), optionally a region or a date
# after a comma, the outlet in brackets, then a dash or colon before the story.
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z'.\-]+(?:\s+[A-Z][A-Z'.\-]+)*)(?:,\s*(?P<rest>[^()\n]{1,40}?))?\s*"
    r"\((?P<outlet>[^()\n]{2,40})\)\s*[-–—:]+\s*")


@dataclass(frozen=True)
class Byline:
    """What the first lines of an article state about it; empty fields where they state nothing."""

    source: str = ""
    published: date | None = None
    authors: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.source or self.published or self.authors)


def _date_of(part: str) -> tuple[date | None, bool]:
    """(the date `part` is, whether it was labelled "updated"), or (None, False) when `part` is
    more than a date (a date followed by words is a sentence, not a date line)."""
    label = _LABEL_RE.match(part)
    updated = bool(label) and label.group(1).lower().endswith(("updated", "modified"))
    text = part[label.end():] if label else part
    text = text.strip(" ,.")
    if not text or not (only_calendar_words(text) or _ISO_RE.fullmatch(text)):
        return None, False
    return parse_date(text), updated


def _is_name(part: str) -> bool:
    """Reads like an outlet's name: "The Coastal Herald", "Reuters", "BBC News", "AP"."""
    words = part.split()
    if not words or len(words) > _MAX_NAME_WORDS or len(part) > _MAX_NAME_CHARS:
        return False
    if _SENTENCE_END_RE.search(part) and not part.endswith((".com", ".org", ".net")) or part[-1] in ",;:":
        return False
    if _BY_RE.match(part) or _LABEL_RE.match(part) or only_calendar_words(part):
        return False
    if not part[0].isupper() and not part[0].isdigit():
        return False
    return all(w.lower() in _JOINING_WORDS or _NAME_WORD_RE.match(w) for w in words)


@dataclass
class _Found:
    source: str = ""
    published: date | None = None
    updated: date | None = None
    authors: tuple[str, ...] = ()

    def result(self) -> Byline:
        return Byline(self.source, self.published or self.updated, self.authors)


def _read_part(part: str, found: _Found) -> bool:
    """Read one part of a byline into `found`; False when the part is none of the known kinds."""
    day, updated = _date_of(part)
    if day is not None:
        if updated:
            found.updated = found.updated or day
        else:
            found.published = found.published or day
        return True
    if _BY_RE.match(part):
        found.authors = found.authors or parse_authors(_BY_RE.sub("", part))
        return bool(found.authors)
    if _is_name(part):
        # without "By", a name is the outlet; of several ("Headline | The Herald | 5 Dec 2024",
        # "Jane Roe | Reuters | 5 Dec 2024") the outlet comes last
        found.source = part
        return True
    # "The Coastal Herald, 12 June 2025": a name, a comma, a date
    for comma in (m.start() for m in re.finditer(",", part)):
        head, tail = part[:comma].strip(), part[comma + 1:].strip()
        day, updated = _date_of(tail)
        if day is not None and _is_name(head):
            found.source = found.source or head
            if updated:
                found.updated = found.updated or day
            else:
                found.published = found.published or day
            return True
    return False


def _byline_of(line: str) -> _Found | None:
    """What a byline line states, or None when the line is not wholly a byline."""
    text = _EMPHASIS_RE.sub("", line.strip())
    parts = [p.strip() for p in _PART_SPLIT_RE.split(text) if p.strip()]
    if not parts:
        return None
    found = _Found()
    if not all(_read_part(p, found) for p in parts):
        return None
    if not (found.published or found.updated or found.authors):
        return None  # names alone ("Harbour Reopens | The Herald") are a headline or a section label
    return found


def is_byline(line: str) -> bool:
    """True when the whole line is an outlet-and-date line or a byline that names an outlet or
    a date: "The Coastal Herald, 12 June 2025", "By Jane Roe | Reuters | Dec 5, 2024"."""
    found = _byline_of(line)
    return found is not None and bool(found.source or (found.published or found.updated) and len(line.split()) > 3)


def _dateline(line: str) -> _Found | None:
    match = _DATELINE_RE.match(_EMPHASIS_RE.sub("", line.strip()))
    if not match or not _is_name(match.group("outlet").strip()):
        return None
    found = _Found(source=match.group("outlet").strip())
    rest = (match.group("rest") or "").strip()
    if rest:
        day, _ = _date_of(rest)
        found.published = day
    return found


def _is_prose(line: str) -> bool:
    text = line.strip().rstrip("*_ ")
    return len(text) > _MAX_HEADLINE_CHARS or bool(_SENTENCE_END_RE.search(text))


def read_byline(text: str) -> Byline:
    """The outlet, date and authors stated above the body of `text` (see the module docstring)."""
    found = _Found()
    lines = [line for line in text.split("\n", 200)[:200] if line.strip()][:MAX_LINES]
    for line in lines:
        byline = _byline_of(line)
        if byline is not None:
            found.source = found.source or byline.source
            found.published = found.published or byline.published
            found.updated = found.updated or byline.updated
            found.authors = found.authors or byline.authors
            continue
        dateline = _dateline(line)
        if dateline is not None:
            found.source = found.source or dateline.source
            found.published = found.published or dateline.published
            break  # the dateline opens the story: the body has started
        if _is_prose(line):
            break
    return found.result()
