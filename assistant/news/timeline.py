"""`Assistant.timeline(subject)`: dated, cited statements about a subject, oldest first.

The subject is retrieved like a question (hybrid search, a wider net of chunks); every sentence
of the retrieved articles that mentions the subject (its content words: all of them for a one-
or two-word subject, two thirds for longer ones; one is enough in an article whose title
mentions the subject) and carries a date, a weekday or a number (two or more) becomes one
entry, quoted verbatim with its offsets. Entries are ordered by the article's publication date,
then by the first date the sentence itself gives, then by position; undated articles come last.
When more than `k` sentences qualify, those covering more of the subject from better-ranked
articles are kept.

In a chat, "Timeline of the Suez Canal blockage", "How did the Baltimore bridge story
develop?" or "Walk me through the Suez blockage" is answered with the first `SHOWN` of them
(`answer`).

A name of two words or more in the subject must stand whole in the article, and counts as one
of its words ("Highland Park" of "Highland Park shooting": "park" and "shooting" alone fit
another town's shooting, "Highland Park" alone its park works).

Limits: the date of an entry is when it was *reported*; a sentence's own date ("on 6 February")
only breaks ties. Mentions are matched by word stems, so a pronoun ("the city") does not count
as mentioning "Homs".
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Callable

from index.text.dates import WEEKDAY
from index.text.words import CAPITALISED_RUN, stems

from assistant.errors import EmptyQuestionError
from assistant.news.attribution import capitalised, label
from assistant.news.listing import namer
from assistant.reading.question import analyse
from assistant.reading.values import dates, quantities
from assistant.records import Answer, Citation, Filters, Query


@dataclass(frozen=True)
class TimelineEntry:
    """One statement: `quote` is the article's text at `start:end`."""

    date: date | None  # the article's publication date
    source: str
    title: str
    quote: str
    article_id: str
    start: int
    end: int
    url: str = ""
    path: str = ""
    mentioned: date | None = None  # the first full date the sentence gives (year from the article)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        d["mentioned"] = self.mentioned.isoformat() if self.mentioned else None
        return d


def build(assistant, subject: str, k: int = 20, sources=None, since=None, until=None) -> list[TimelineEntry]:
    if not isinstance(subject, str) or not subject.strip():
        raise EmptyQuestionError()
    subject = " ".join(subject.split())
    want = set(analyse(subject).term_stems)
    if not want:
        return []
    # a name of two words or more ("Highland Park" of "Highland Park shooting") counts as one
    # word that must stand whole: "park" and "shooting" alone fit another town's shooting, and
    # "Highland Park" alone its park works
    runs = [m.group(0) for m in CAPITALISED_RUN.finditer(subject)]
    names = [namer(r) for r in runs]
    rest = want - set().union(*(stems(r) for r in runs))
    units = len(names) + len(rest)
    need = units if units <= 2 else math.ceil(2 * units / 3)

    def covered(text: str) -> int:
        return sum(n(text) for n in names) + len(rest & stems(text))

    index = assistant.index
    index.refresh()
    hits = assistant.retriever.search(subject, index.embed_query(subject), k=max(2 * k, 16),
                                      filters=Filters(tuple(sources) if sources else None, since, until))
    rank: dict[str, int] = {}
    for i, h in enumerate(hits):
        rank.setdefault(h.article_id, i)
    found: list[tuple[tuple, TimelineEntry]] = []
    seen: set[tuple] = set()
    for a in index.articles(set(rank)):
        if not all(n(a.title + "\n" + a.text) for n in names):
            continue
        year = a.published.year if a.published else None
        # an article about the subject (its headline names it, or the name in it): one word will do
        title_ok = covered(a.title) >= need or any(n(a.title) for n in names)
        for s in assistant.cache.sentences(a):
            got = covered(s.text)
            if got < need and not (got and title_ok):
                continue
            ds = dates(s.text)
            if not ds and not WEEKDAY.search(s.text) and not any(q.value >= 2 for q in quantities(s.text)):
                continue  # a timeline line carries a date or a figure ("one of the" is neither)
            key = (s.text, a.published, a.source)
            if key in seen:
                continue
            seen.add(key)
            mentioned = next((d.resolve(year) for d in ds if d.resolve(year)), None)
            e = TimelineEntry(a.published, a.source, a.title, s.text, a.id, s.start, s.end, a.url, a.path, mentioned)
            found.append(((-got, rank[a.id], s.start), e))
    found.sort(key=lambda x: x[0])
    kept = [e for _, e in found[:k]]
    # a sentence's own date orders statements of one day; one without borrows its article's date
    return sorted(kept, key=lambda e: (e.date is None, e.date or date.min, e.mentioned or e.date or date.min,
                                       e.article_id, e.start))


# -- asked in a chat ---------------------------------------------------------------------------------
SHOWN = 6  # statements a chat answer quotes (the CLI's --timeline lists 20)
NOTE = "The question asks how {subject} developed: dated statements about it, oldest first."
_ASKS = [re.compile(p, re.I) for p in (
    r"^(?:(?:give me|show me|show|make|build|i'd like|can i (?:have|get)|what is|what's)\s+)?(?:a |the )?"
    r"(?:timeline|chronology|sequence of events)\s+(?:of|for|on|about)\s+(?P<subject>.+)$",
    r"^how did (?P<subject>.+?) (?:develop|unfold|evolve|play out|progress)(?: over time)?$",
    r"^(?:walk|take) me through (?P<subject>.+)$",
)]


def subject_asked(text: str) -> str | None:
    """What a chat question asks the timeline of ("the Suez Canal blockage" in "Timeline of the
    Suez Canal blockage", "How did the Baltimore bridge story develop?"), or None."""
    t = " ".join(text.replace("’", "'").split()).rstrip(" ?.!")
    m = next((m for rx in _ASKS if (m := rx.match(t))), None)
    if m is None:
        return None
    subject = re.sub(r"^(?:the|a|an)\s+|\s+(?:story|stories|events?|news)$", "", m.group("subject").strip(), flags=re.I)
    return subject if analyse(subject).terms else None


def answer(assistant, query: Query, quoted: Callable[[str, int, int], bool] | None = None) -> Answer | None:
    """The timeline a chat question asks for, as an answer: up to `SHOWN` dated statements, oldest
    first, each cited, the outlet and date named once per run of one report's statements. After
    "Tell me more", `quoted(article_id, start, end)` marks the statements already given, and the
    next best are given instead."""
    subject = subject_asked(query.text)
    if subject is None:
        return None
    f = query.filters
    entries = build(assistant, subject, k=SHOWN * (4 if quoted else 1), sources=f.sources, since=f.since,
                    until=f.until)
    if quoted:
        entries = [e for e in entries if not quoted(e.article_id, e.start, e.end)][:SHOWN]
    notes = [*query.notes, NOTE.format(subject=f"“{subject}”")]
    if not entries:
        text = (f"No further dated statement about “{subject}” was found in the articles." if quoted
                else f"No dated statement about “{subject}” was found in the articles.")
        return Answer(query.question, text, abstained=True, confidence=1.0, query=query.text, notes=notes)
    articles = {a.id: a for a in assistant.index.articles({e.article_id for e in entries})}
    parts, cites, last = [], [], None
    for n, e in enumerate(entries, 1):
        a = articles[e.article_id]
        cites.append(Citation.of_sentence(n, a, e.start, e.end, e.quote))
        who = "" if a.id == last else f"{capitalised(label(a))}: "
        parts.append(f"{who}{e.quote} [{n}]")
        last = a.id
    text = f"How “{subject}” was reported, oldest first: " + " ".join(parts)
    # nothing was guessed: each statement is a report's own sentence naming the subject
    return Answer(query.question, text, citations=cites, confidence=1.0, query=query.text, notes=notes)
