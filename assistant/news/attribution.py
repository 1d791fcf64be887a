"""News-aware wording of an answer: who reported each claim and when, where outlets agree, where
they disagree, and which report is newest.

The quoted sentences stay verbatim (each citation's quote is the article's text at start:end);
what this module adds is a short prefix before a sentence in `Answer.text`:
- agreement: a fact stated by two or more outlets -> "Reported by both Meridian Wire and Harbor
  Ledger: ... [1][2]" (outlets unknown -> "Both reports agree: ..."); same outlet twice -> nothing;
- disagreement (see `conflicts`): "Reports differ. According to Harbor Ledger (29 Mar 2021): ...
  [1] According to Meridian Wire (30 Mar 2021): ... [2]";
- changing quantities ("death toll", "displaced", "latest", "so far", "now", ...): the newest
  dated report leads, "As of 25 Feb 2023, Civic Daily Review reports: ..."; older values follow
  as "Earlier, Northwind Post (10 Feb 2023) reported: ...".
An article without an outlet is named by its date ("a report of 12 Jun 2025, “Title”"); one
that states neither outlet nor date gets no attribution words at all (its [n] mark and the source
list say which it is); nothing is invented. Different figures from reports of different days are
an update, not a dispute: "Valley Courier reported 15 on 13 Jun 2025, the latest figure: ... [1]
Coastal Herald had reported 12 on 12 Jun 2025: ... [2]" (`Conflict.kind` "update"). Limits: the date said is the article's publication date, not a date in the sentence;
one disagreement is spelled out per answer (the one about the most relevant sentences).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Sequence

from index.records import Article
from index.text.dates import MONTH_ABBREVIATIONS

from assistant.news.conflicts import Disagreement
from assistant.reading.scoring import Candidate
from assistant.records import Conflict, ConflictValue
from assistant.reading.values import quantities

_CHANGING_COUNT = re.compile(r"\b(death toll|toll|kill|kills|killed|dead|deaths|died|casualties|fatalities|injured|wounded|"
                             r"missing|displaced|fled|evacuated|homeless|refugees|arrested|detained|cases|infected|"
                             r"count|number)\b", re.I)
_RECENCY = re.compile(r"\b(latest|so far|to date|now|current|currently|as of|most recent|up to date|still|yet)\b",
                      re.I)
_MON = [m.title() for m in MONTH_ABBREVIATIONS]  # "Jan".."Dec", as `day` writes them


def is_changing(text: str, kind: str) -> bool:
    """Does the question ask for a quantity that changes as a story develops, or the latest state?"""
    return bool(_RECENCY.search(text)) or (kind == "number" and bool(_CHANGING_COUNT.search(text)))


def day(d: date) -> str:
    return f"{d.day} {_MON[d.month - 1]} {d.year}"


def _title(a: Article, n: int = 60) -> str:
    t = " ".join((a.title or "").split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def label(a: Article) -> str:
    """'Harbor Ledger (29 Mar 2021)'; an outlet-less article by its title; never an invented name."""
    when = day(a.published) if a.published else None
    if a.source:
        return f"{a.source} ({when or 'undated'})"
    t = _title(a)
    if when:
        return f"a report of {when}" + (f", “{t}”" if t else "")
    return "an undated report" + (f", “{t}”" if t else "")


def capitalised(text: str) -> str:
    """`text` opening a sentence: "an undated report, …" -> "An undated report, …"; an outlet
    named by its web address stays as written ("cnn.com (10 Aug 2022)", not "Cnn.com")."""
    if _WEB_ADDRESS.match(text):
        return text
    return text[:1].upper() + text[1:]


_WEB_ADDRESS = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?=\s|$|[,:(])")


def join(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def agreement_prefix(arts: Sequence[Article]) -> str:
    """'Reported by both A and B: ' when two or more outlets (or unnamed reports) state the fact."""
    arts = list({a.id: a for a in arts}.values())
    if len(arts) < 2:
        return ""
    named = [a.source for a in arts if a.source]
    if len(named) == len(arts):
        distinct = list(dict.fromkeys(named))
        if len(distinct) < 2:
            return ""  # one outlet twice: agreement between outlets is not what this shows
        return f"Reported by {'both ' if len(distinct) == 2 else ''}{join(distinct)}: "
    return "Both reports agree: " if len(arts) == 2 else f"{len(arts)} reports agree: "


def _newest(arts: Sequence[Article]) -> date | None:
    ds = [a.published for a in arts if a.published]
    return max(ds) if ds else None


def _as_of(arts: Sequence[Article]) -> str:
    """'As of 25 Feb 2023, Civic Daily Review reports: ' (outlets of the newest date only)."""
    newest = _newest(arts)
    if newest is None:
        return agreement_prefix(arts) or _according(arts[:1])
    latest = [a for a in arts if a.published == newest]
    names = list(dict.fromkeys(a.source or (f"“{_title(a)}”" if a.title else "a report") for a in latest))
    return f"As of {day(newest)}, {join(names)} report{'s' if len(names) == 1 else ''}: "


def _according(arts: Sequence[Article]) -> str:
    """'According to Harbor Ledger (29 Mar 2021): '; nothing when no report states an outlet or
    a date (the [n] mark and the source list say which report it is)."""
    if not any(a.source or a.published for a in arts):
        return ""
    return f"According to {join([label(a) for a in arts])}: "


def is_update(kind: str, newest: Sequence[date | None]) -> bool:
    """Different figures from reports of different days are a story's update, not a dispute:
    every value dated, no two on the same day."""
    return kind == "quantity" and len(newest) > 1 and None not in newest and len(set(newest)) == len(newest)


_QUALIFIERS = frozenset("more less fewer about some nearly almost around roughly over under at up approximately "
                        "an a".split())


def mid_sentence(value: str) -> str:
    """A figure quoted from a sentence's start, fit to follow 'reported': 'More than 50,000' ->
    'more than 50,000' (a name keeps its capital)."""
    first = value.split(" ", 1)[0]
    return value[0].lower() + value[1:] if first.lower() in _QUALIFIERS else value


def _reported(arts: Sequence[Article], value: str, when: date, latest: bool) -> str:
    """'Valley Courier reported 15 on 13 Jun 2025: ' for the newest value, 'Coastal Herald had
    reported 12 on 12 Jun 2025: ' for an earlier one."""
    who = join(list(dict.fromkeys(a.source for a in arts if a.source))) if any(a.source for a in arts) else \
        ("A report" if latest else "an earlier report")
    value = mid_sentence(value)
    if latest:
        return f"{who} reported {value} on {day(when)}, the latest figure: "
    return f"{capitalised(who)} had reported {value} on {day(when)}: "


@dataclass
class Part:
    """A sentence to quote, with near-identical sentences from other articles cited alongside."""

    lead: Candidate
    others: list[Candidate] = field(default_factory=list)

    def candidates(self) -> list[Candidate]:
        return [self.lead] + self.others


def _key(c: Candidate) -> tuple[str, int]:
    return c.article_id, c.sentence.start


def render(parts: list[Part], disagreement: Disagreement | None, articles: dict[str, Article],
           cite: Callable[[Candidate], int], *, changing: bool, max_sentences: int,
           same_fact: Callable[[Candidate, Candidate], bool],
           ranked: Sequence[Candidate], on_subject: frozenset[str] | None = None,
           named: bool = False) -> tuple[str, list[Conflict]]:
    """The answer text (prefixed, cited sentences) and the conflicts it spells out. For a changing
    figure the newest report leads, among the parts whose article is in `on_subject` (ids of the
    articles that name what the question names; None: all): a newer figure of another story (a
    bridge collapse's missing for a storm's dead) never leads; where the question `named` what it
    asks about, the others are left out: such a figure is no update of this one either."""
    out: list[str] = []
    conflicts: list[Conflict] = []
    used: set[tuple[str, int]] = set()

    def arts_of(cands: Sequence[Candidate]) -> list[Article]:
        return list({c.article_id: articles[c.article_id] for c in cands}.values())

    def emit(prefix: str, cands: Sequence[Candidate]) -> tuple[int, ...]:
        nums = tuple(dict.fromkeys(cite(c) for c in cands))
        used.update(_key(c) for c in cands)
        out.append(prefix + cands[0].sentence.text + " " + "".join(f"[{n}]" for n in nums))
        return nums

    if disagreement is not None:
        groups = disagreement.groups[:max_sentences]
        newest = [_newest(arts_of([c.cand for c in g])) for g in groups]
        update = is_update(disagreement.kind, newest)
        dated = update or (changing and len(set(newest) - {None}) > 1)
        if dated:  # newest value first; undated values last
            order = sorted(range(len(groups)), key=lambda i: -(newest[i] or date.min).toordinal())
            groups, newest = [groups[i] for i in order], [newest[i] for i in order]
        if not update:
            out.append("Reports differ; the newest comes first." if dated else "Reports differ.")
        opposed = {_key(c.cand) for g in disagreement.groups for c in g}
        values = []
        for i, g in enumerate(groups):
            rep = g[0].cand
            members = [rep] + [c.cand for c in g[1:]]
            have = {m.article_id for m in members}
            members += [o for o in ranked if _key(o) not in opposed and o.article_id not in have and same_fact(rep, o)]
            members = list({_key(m): m for m in members}.values())
            arts = arts_of(members)
            if update:
                prefix = _reported(arts, g[0].value, newest[i], latest=i == 0)
            elif dated and i == 0:
                prefix = _as_of(arts)
            elif dated and _newest(arts):
                prefix = f"Earlier, {join([label(a) for a in arts])} reported: "
            else:
                prefix = _according(arts)
            outlets = tuple(dict.fromkeys(a.source for a in arts if a.source))
            values.append(ConflictValue(g[0].value, emit(prefix, members), outlets, newest[i]))
        conflicts.append(Conflict(disagreement.subject, tuple(values), "update" if update else "disagreement"))

    rest = [p for p in parts if not any(_key(c) in used for c in p.candidates())]
    if changing and disagreement is None:  # newest report with a figure leads
        if named and on_subject:  # another story's figure is no update ("Eight people were shot in Summerton")
            rest = [p for p in rest if p.lead.article_id in on_subject] or rest
        rest.sort(key=lambda p: (on_subject is not None and p.lead.article_id not in on_subject,
                                 not quantities(p.lead.sentence.text),
                                 -(_newest(arts_of(p.candidates())) or date.min).toordinal()))
    shown = len(out) - (1 if disagreement is not None else 0)
    named = {k[0] for k in used}  # articles already attributed in the text
    for i, p in enumerate(rest):
        if shown >= max_sentences:
            break
        arts = arts_of(p.candidates())
        if changing and {a.id for a in arts} <= named:
            prefix = ""  # the same report(s) as an earlier sentence: named once is enough
        elif changing:  # who said it and when matters for a figure that moves
            prefix = _as_of(arts) if i == 0 and disagreement is None else _according(arts)
        else:
            prefix = agreement_prefix(arts)
        emit(prefix, p.candidates())
        named.update(a.id for a in arts)
        shown += 1
    return " ".join(out), conflicts
