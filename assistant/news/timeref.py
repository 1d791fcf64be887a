"""Relative time in questions ("last week", "in 2022", "since June", "before the fall of Hama")
resolved to publication-date filters, against a reference date that is never the system clock.

The reference date is the caller's `as_of`, else the newest article's date in the index (a
collection of 2021 reports is asked about "last week" of its own time). One phrase per question
is resolved, the first found; it becomes since/until (inclusive) and is removed from the text
that is searched. Periods are calendar periods, except "this week", the seven days up to the reference
date: "last week" is the Monday–Sunday week before the
reference date's week, "last month" the previous calendar month, "this year" 1 January to the
reference date; "in June" is the most recent June not after the reference date; "yesterday" is
the day before it; "between 2019 and 2021" and "from March to June 2022" are ranges (a start
without a year takes the end's); "from March 2024" is a period only after a word for reports
("news from March 2024"; "prices rose from 2019" is left alone); "on 3 March" is that day only
in a question that asks for nothing else ("What happened on 3 March?"): elsewhere it is as often
the event's day as the reports' ("the quake that struck on 6 February", reported on the 7th).
"by 12 February" is "as of 12 February". A month or day named without a year in a question about
something ("How many died in the earthquake as of February 10?") is of that story's time: where
the article best matching the rest of the question (BM25) is more than half a year older than
the reference date, half a year after it is the reference instead, so the day read is the one
nearest the story (February 10 of the 2023 earthquake, not of the newest article's 2024; "24
February" after a report of 10 February 2023 is 24 February 2023). A question that asks about
nothing but the event ("What happened after the Ever Given was freed?") keeps the event's words
to search.
A phrase naming a year ("in 2019", "before March 2024") may mean the event's
time rather than the reports': when no article was published in that range it is searched as
words instead of filtering everything out. "before/after/since <event>" is dated by the earliest dated article whose
sentence mentions every content word of the event (see `earliest_mention`); the event must
have two content words or more ("the fall of Hama", not "the election").

Limits: English phrases only; filters are on publication dates, so "what happened yesterday"
finds articles *published* yesterday, not articles published today about yesterday; an event is
only as well dated as the articles indexed (its earliest mention, which may be later than the
event itself), and undated articles can date nothing; weekday names alone are not resolved.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from index.text.dates import MONTH_PATTERN, MONTHS, YEAR
from index.text.numbers import SMALL_NUMBERS
from index.text.words import REPORT_NOUNS, STOPWORDS, stem, words

_MONTH = rf"(?:{MONTH_PATTERN})\.?"
_ORD = r"[0-3]?\d(?:st|nd|rd|th)?"
# a day, month and/or year as written: "5 June 2022", "June 5", "June 2022", "June", "2022"
_DATEISH = (rf"(?P<d>(?:{_ORD}\s+(?:of\s+)?)?{_MONTH}(?:\s+{_ORD}(?![\d:]))?(?:,?\s+{YEAR})?"
            rf"|{YEAR})(?![\w-])")
# the end of a range ("from March to June 2022"): the same shape, its own group
_DATEISH_END = _DATEISH.replace("(?P<d>", "(?P<e>")
# a single day, which "on" needs ("on 3 March", "on June 5, 2022"); "on 2022" is no date
_DAY = rf"(?P<d>{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+{YEAR})?|{_MONTH}\s+{_ORD}(?:,?\s+{YEAR})?)(?![\w:-])"
# "on 6 February" is the day of the event as often as of the reports ("the quake that struck on 6
# February", reported on the 7th), so it filters only a question that asks for nothing else
# ("What happened on 3 March?"); otherwise its words are searched, as before
_ON_DAY = re.compile(rf"\bon\s+(?:the\s+)?{_DAY}", re.I)
_REPORTS = "(?:" + "|".join(f"(?<={w} )" for w in sorted(REPORT_NOUNS | {"updates"})) + ")"
_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}
# how many periods "in the last N days" counts: these number words only (the regex tries them in
# this order), and "few" and "several" as 3 and 7
_N = {"a": 1, **{w: SMALL_NUMBERS[w] for w in "one two three four five six seven ten".split()}, "few": 3,
      "several": 7}


@dataclass(frozen=True)
class TimeRange:
    """A resolved time phrase: the filter it means, and the question without it."""

    since: date | None
    until: date | None
    phrase: str  # as written in the question
    text: str  # the question with the phrase removed: what is searched
    note: str  # what was resolved, for Answer.notes


def _month_range(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _recent_month(m: int, ref: date, year: str | None) -> tuple[date, date]:
    """`m` of the given year, else the most recent such month not after `ref`."""
    y = int(year) if year else (ref.year if m <= ref.month else ref.year - 1)
    return _month_range(y, m)


def _period(m: re.Match, ref: date, group: str = "d") -> tuple[date, date]:
    """The (first, last) day the date phrase in `group` names."""
    return _days_of(m[group], ref)


def _days_of(phrase: str, ref: date) -> tuple[date, date]:
    """The (first, last) day a date phrase names ("5 June 2022", "June", "2022")."""
    text = phrase.lower()
    year = re.search(YEAR, text)
    mon = re.search(rf"\b(?:{MONTH_PATTERN})", text)  # not the "th" of "5th"
    if not mon:
        y = int(year.group(0))
        return date(y, 1, 1), date(y, 12, 31)
    month = MONTHS[mon.group(0)]
    day = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b", text.replace(year.group(0), "") if year else text)
    if not day:
        return _recent_month(month, ref, year.group(0) if year else None)
    d = int(day.group(1))
    y = int(year.group(0)) if year else (ref.year if (month, d) <= (ref.month, ref.day) else ref.year - 1)
    return date(y, month, d), date(y, month, d)


def _range(m: re.Match, ref: date) -> tuple[date, date]:
    """(first day of the range's start, last day of its end); a start without a year takes the
    end's ("from March to June 2022")."""
    year = re.search(YEAR, m["e"])
    start = m["d"] if re.search(YEAR, m["d"]) or not year else f"{m['d']} {year.group(0)}"
    since = _days_of(start, ref)[0]
    return since, _period(m, ref, "e")[1]


def _rules(ref: date) -> list[tuple[re.Pattern, Callable[[re.Match], tuple[date | None, date | None]]]]:
    def back(n: int) -> date:
        return ref - timedelta(days=n)

    week0 = ref - timedelta(days=ref.weekday())
    first = ref.replace(day=1)
    prev_month_end = first - timedelta(days=1)
    return [
        (re.compile(r"\b(today|tonight|this morning|this evening)\b", re.I), lambda m: (ref, ref)),
        (re.compile(r"\byesterday\b", re.I), lambda m: (back(1), back(1))),
        (re.compile(r"\b(?:in|over|during|within)\s+the\s+(?:last|past)\s+(?P<n>\d+|" + "|".join(_N) + r")?"
                    r"\s*(?P<u>day|week|month|year)s?\b", re.I),
         lambda m: (back(_UNITS[m["u"].lower()] * (int(m["n"]) if (m["n"] or "").isdigit()
                                                    else _N.get((m["n"] or "one").lower(), 1))), ref)),
        (re.compile(r"\blast\s+week\b", re.I), lambda m: (week0 - timedelta(days=7), week0 - timedelta(days=1))),
        # "this week" in news means the last seven days: a Thursday report on Sunday's event counts
        (re.compile(r"\bthis\s+week\b", re.I), lambda m: (ref - timedelta(days=6), ref)),
        (re.compile(r"\blast\s+month\b", re.I), lambda m: (prev_month_end.replace(day=1), prev_month_end)),
        (re.compile(r"\bthis\s+month\b", re.I), lambda m: (first, ref)),
        (re.compile(r"\blast\s+year\b", re.I), lambda m: (date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31))),
        (re.compile(r"\bthis\s+year\b", re.I), lambda m: (date(ref.year, 1, 1), ref)),
        (re.compile(rf"\b(?:as\s+of|by)\s+{_DATEISH}\b", re.I), lambda m: (None, _period(m, ref)[1])),
        (re.compile(rf"\bsince\s+{_DATEISH}\b", re.I), lambda m: (_period(m, ref)[0], None)),
        (re.compile(rf"\b(?:before|until|prior to)\s+{_DATEISH}\b", re.I),
         lambda m: (None, _period(m, ref)[0] - timedelta(days=1))),
        (re.compile(rf"\bafter\s+{_DATEISH}\b", re.I), lambda m: (_period(m, ref)[1] + timedelta(days=1), None)),
        # a range before the single dates, so "from March to June" is not read as "from March"
        (re.compile(rf"\b(?:between|from)\s+{_DATEISH}\s+(?:and|to|until|through|till)\s+{_DATEISH_END}\b", re.I),
         lambda m: _range(m, ref)),
        (re.compile(rf"\b(?:in|during|throughout)\s+{_DATEISH}\b", re.I), lambda m: _period(m, ref)),
        # "news from March 2024" means published then; "prices rose from 2019" means since: only
        # after a word for reports is "from" a period
        (re.compile(rf"{_REPORTS}from\s+{_DATEISH}\b", re.I), lambda m: _period(m, ref)),
        (_ON_DAY, lambda m: _period(m, ref)),
    ]


# the event is "the ..." or a name ("after Hurricane Ian"): a capital, whatever the flag says
_EVENT = re.compile(r"\b(?P<rel>before|after|since|prior to)\s+(?P<event>the\s+[^,.;?!]{3,60}?|(?-i:[A-Z])[^,.;?!]{2,60}?)"
                    r"(?=\s*(?:[,.;?!]|$))", re.I)


_ASKS = re.compile(r"\b(?:which|what|who|whom|whose|where|when|how)\b", re.I)


def cut(text: str, start: int, end: int) -> str:
    """`text` without `text[start:end]`, spaces and the punctuation left around it tidied
    ("According to X, how many died?" less "According to X" is "how many died?"); `text` itself
    when nothing would be left."""
    out = re.sub(r"\s+([?.!,;])", r"\1", " ".join((text[:start] + " " + text[end:]).split()))
    return re.sub(r"[,;]+([?.!])", r"\1", out).strip(" ,;") or text


def _strip(text: str, m: re.Match) -> str:
    return cut(text, m.start(), m.end())


def _show(a: date | None, b: date | None) -> str:
    if a and b:
        return a.isoformat() if a == b else f"{a.isoformat()} to {b.isoformat()}"
    return f"from {a.isoformat()}" if a else f"up to {b.isoformat()}"


def resolve(question: str, reference: date, find_event: Callable[[str], date | None] | None = None,
            reference_from: str = "") -> TimeRange | None:
    """The first time phrase of `question` as a filter, or None when there is none (or an event
    that can't be dated). `reference_from` says where the reference date came from, for the note."""
    ref_note = f" (reference date {reference.isoformat()}{', ' + reference_from if reference_from else ''})"
    hits = []
    for rx, span in _rules(reference):
        for m in rx.finditer(question):
            if re.search(r"\bmay\b", m.group(0)) and not re.search(r"\d", m.group(0)):
                continue  # "what may happen in may": lower-case "may" alone is the verb, not the month
            if rx is _ON_DAY and any(w not in STOPWORDS for w in words(_strip(question, m))):
                continue
            hits.append((m.start(), m, span))
            break
    if hits:
        _, m, span = min(hits, key=lambda h: h[0])
        try:
            since, until = span(m)
        except (ValueError, KeyError):  # "31 February" and the like: not a date, leave the question alone
            return None
        return TimeRange(since, until, m.group(0), _strip(question, m),
                         f"“{m.group(0)}” read as published {_show(since, until)}{ref_note}.")
    m = _EVENT.search(question)
    # "the fall of Hama", not "the election": one word names too many events to date any
    # "after the flooding in which state?" asks about the event: it is what is searched, not a date
    if m and find_event and len([w for w in words(m["event"]) if w not in STOPWORDS]) >= 2 \
            and not _ASKS.search(m["event"]):
        when = find_event(m["event"])
        if when is None:
            return None
        rel = m["rel"].lower()
        since, until = (None, when - timedelta(days=1)) if rel in ("before", "prior to") else (when, None)
        text = _strip(question, m)
        if not any(w not in STOPWORDS for w in words(text)):
            # "What happened after the Ever Given was freed?": the event is all it asks about, so
            # its words are searched (in the reports of that time), not dropped for a briefing
            text = cut(question, m.start("rel"), m.end("rel"))
        return TimeRange(since, until, m.group(0), text,
                         f"“{m['event']}” dated {when.isoformat()} by the earliest dated article mentioning it; "
                         f"“{m.group(0)}” read as published {_show(since, until)}.")
    return None


def earliest_mention(index, phrase: str, limit: int = 50) -> date | None:
    """The earliest publication date among articles with a chunk sentence naming every content
    word of `phrase` (best effort: BM25 finds the candidates, the word check confirms them)."""
    from assistant.reading.sentences import split_sentences

    want = {stem(w) for w in words(phrase) if w not in STOPWORDS}
    if not want:
        return None
    hits = index.lexical_search(phrase, limit)
    dated = {a.id: a.published for a in index.articles({h.chunk.article_id for h in hits}) if a.published}
    best = None
    for h in hits:
        d = dated.get(h.chunk.article_id)
        if d is None or (best and d >= best):
            continue
        if any(want <= {stem(w) for w in words(s.text)} for s in split_sentences(h.chunk.text)):
            best = d
    return best


STORY_SPAN = timedelta(days=182)  # a day without a year is the one nearest the story: at most this after it


def _without_year(phrase: str) -> bool:
    """A month or day named without a year ("as of February 10", "in June")."""
    return re.search(rf"\b(?:{MONTH_PATTERN})", phrase, re.I) is not None and re.search(YEAR, phrase) is None


def subject_date(index, text: str, ref: date) -> date | None:
    """The publication date of the article of the best BM25 passage for `text` (the question, its
    time phrase taken out) among those dated up to `ref`; None when it names nothing."""
    if not any(w not in STOPWORDS for w in words(text)):
        return None
    hits = index.lexical_search(text, 1, until=ref)
    return next((a.published for a in index.articles({h.chunk.article_id for h in hits})), None)


def _any_published(index, tr: TimeRange) -> bool:
    return index.any_published(tr.since, tr.until)


def apply(index, query: str, since: date | None, until: date | None,
          as_of: date | None) -> tuple[str, date | None, date | None, list[str]]:
    """What `Assistant.ask` searches and filters by: a time phrase in `query` becomes since/until
    when the caller gave neither; `as_of` also leaves out articles published after it."""
    notes: list[str] = []
    if since is None and until is None:
        ref, where = as_of, "given"
        if ref is None:
            ref, where = index.newest_date(), "the newest article's date"
        if ref is not None:
            tr = resolve(query, ref, lambda p: earliest_mention(index, p), where)
            if tr is not None and _without_year(tr.phrase) and (own := subject_date(index, tr.text, ref)) \
                    and own + STORY_SPAN < ref:
                # "as of February 10" in a question about the 2023 earthquake is the February 10
                # nearest the story's time (the latest within half a year after its best-matching
                # report), not the one of the newest article's year
                tr = resolve(query, own + STORY_SPAN, lambda p: earliest_mention(index, p),
                             "half a year after the article best matching the question")
            if tr is not None and re.search(rf"\b{YEAR}\b", tr.phrase) and not _any_published(index, tr):
                # "in 2019" may name the event's year rather than the reports': with no article
                # published then, filtering would only hide the answer, so the phrase is searched
                notes.append(f"No article is dated {_show(tr.since, tr.until)}; “{tr.phrase}” was searched "
                             f"as words, not used as a date filter.")
            elif tr is not None:
                query, since, until = tr.text, tr.since, tr.until
                notes.append(tr.note)
    if as_of is not None and (until is None or until > as_of):
        until = as_of
        notes.append(f"Answered as of {as_of.isoformat()}: articles published later are left out.")
    if since and until and since > until:
        notes.append(f"The time range is empty ({since.isoformat()} is after {until.isoformat()}).")
    return query, since, until, notes
