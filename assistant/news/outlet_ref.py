"""An outlet named in the question as the source of what is asked ("What did Northwind Post say
about the death toll?", "According to Meridian Wire, how many vessels were queued?", "What's the
latest from Harbor Ledger?") becomes the outlet filter, as `--source` would, and its name is
taken out of the searched text: no sentence of its reports names the outlet, so the question
read as words abstained.

Only a name said as a source counts: after "according to", "did", "does", "has", "from", "by",
"in", "per", or before "say", "report", "wrote" and the like (also "Northwind Post's report");
"Which company bought CNN?" asks about CNN and is searched as words; a summary asked of the outlet
alone ("Tell me about Harbor Ledger") is of its reports. The caller's own outlet filter always wins.

Two outlets compared on a subject ("Do Meridian Wire and Harbor Ledger agree on the canal?",
`outlets_asked`) are neither's question: the comparison keeps to both (`news.comparison`).

Limits: outlets as the index names them (case-insensitive, whole words; a URL host such as
"cnn.com" only as written); one outlet per question, the longest name found first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from index.text.words import stems

from assistant.news.briefing import summary_subject
from assistant.news.timeref import cut

_BEFORE = r"(?P<before>(?:according\s+to|per|did|does|do|has|have|had|from|by|in)\s+(?:the\s+)?)"
_AFTER = (r"(?P<after>(?:['’]s\s+)?(?:says?|said|saying|reports?|reported|reporting|writes?|wrote|written|claims?|"
          r"claimed|tells?|told|states?|stated|coverage|story|stories|articles?)\b)")
_DROPPED = re.compile(r"^(?:according\s+to|per)\b", re.I)  # words that only introduce the source


@dataclass(frozen=True)
class OutletRef:
    """An outlet the question names as its source: the filter, and the question without it."""

    outlet: str  # as the index names it
    phrase: str  # as written in the question
    text: str  # the question with the outlet taken out: what is searched
    note: str  # for Answer.notes


def resolve(question: str, outlets: Iterable[str]) -> OutletRef | None:
    """The outlet of `outlets` that `question` names as its source, or None; a summary asked of an
    outlet alone ("Tell me about Harbor Ledger") is of its reports."""
    asked = (summary_subject(question) or "").lower()
    for name in sorted({o for o in outlets if o and len(o.strip()) >= 2}, key=len, reverse=True):
        rx = re.compile(rf"(?<![\w-]){_BEFORE}?(?P<name>{re.escape(name)})(?![\w-])(?:\s*{_AFTER})?", re.I)
        for m in rx.finditer(question):
            if not (m["before"] or m["after"] or asked == name.lower()):
                continue
            start = m.start() if m["before"] and _DROPPED.match(m["before"]) else m.start("name")
            if not (m["before"] or m["after"]) and question[:start].lower().endswith("the "):
                start -= len("the ")  # "What do you know about the Meridian Wire?"
            end = m.end("name") + (2 if question[m.end("name"):m.end("name") + 2] in ("'s", "’s") else 0)
            return OutletRef(name, m["name"], cut(question, start, end),
                             f"“{m['name']}” read as the outlet: only its articles are used.")
    return None


# "Compare Meridian Wire and Harbor Ledger on the canal", "How do Meridian Wire and Harbor Ledger
# differ on the canal?", "Do Meridian Wire and Harbor Ledger agree about the canal?"
_OUTLETS = re.compile(r"^(?:(?:compare|contrast) (?P<a>.+?) (?:and|with|to|vs\.?|versus) (?P<b>.+?)|"
                      r"(?:how|where) do (?P<a2>.+?) and (?P<b2>.+?) (?:differ|compare|disagree)|"
                      r"do (?P<a3>.+?) and (?P<b3>.+?) (?:agree|differ|disagree))"
                      r" (?:on|about|over|regarding|in their coverage of) (?:the )?(?P<subject>.+)$", re.I)


def outlets_asked(text: str, outlets: Sequence[str]) -> tuple[tuple[str, str], str] | None:
    """((outlet, outlet), subject) where the question compares two outlets of `outlets` (named as
    the index names them, any case) on a subject; None otherwise."""
    m = _OUTLETS.match(" ".join(text.replace("’", "'").split()).rstrip(" ?.!"))
    if m is None:
        return None
    known = {o.lower(): o for o in outlets if o}
    a, b = (next(g for g in (m[f"a{i}"] for i in ("", "2", "3")) if g),
            next(g for g in (m[f"b{i}"] for i in ("", "2", "3")) if g))
    a, b = known.get(re.sub(r"^the\s+", "", a.lower())), known.get(re.sub(r"^the\s+", "", b.lower()))
    if not a or not b or a == b or not stems(m["subject"]):
        return None
    return (a, b), m["subject"]
