"""A story compared across its reports: "How do the Suez reports differ?", "Compare the Artemis
reports", "Do the earthquake stories agree?". No single sentence answers such a question, so the
reading path could only abstain; this finds where the reports state the same fact with the same
figure, and where with a different one, each side quoted and cited with its outlet and date.

How: the reports are those naming the subject in their headline or first two sentences
(`listing.stories_naming` finds those naming it at all), taken newest first outlet by outlet, at
most `MAX_REPORTS` (`reports_about`). Of their sentences, those with a figure or a day that name
the subject, or stand in a paragraph that does (a page covering several stories names it in one
of them), are embedded once; two of them from different outlets (or, where outlets are unknown,
different articles) that mean nearly the same (cosine >= `SAME_FACT`) state one fact. They
**differ** where one gives a figure the other gives a different one for, of the same unit ("369
vessels", "more than 400 vessels"; a bare figure only against a count of people or deaths, in
sentences about deaths) and no equal one, or where they are near-identical but for a name or
number (`contradiction`); they **agree** where they give the same day, or the same figure (then,
for a figure of three digits or more, a cosine of `SAME_FIGURE` is enough). Differences of
reports of different days are an update of a developing story (`Conflict.kind` "update"), as in
answers.

Limits: only figures with a unit and near-identical wording are compared, not claims in words
("the ship was freed" against "the ship is still stuck"); a sentence pair below `SAME_FACT` is
not compared, however related; a report's figure with no counterpart elsewhere is not mentioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from index import Article
from index.text.words import REPORT_NOUNS, STOPWORDS, stems, words

from assistant.news.attribution import agreement_prefix, day, is_update, join, label, mid_sentence
from assistant.news.conflicts import DEATHS, compatible, near, unit_class
from assistant.news.contradiction import contradiction
from assistant.news.listing import stories_naming
from assistant.news.outlet_ref import outlets_asked
from assistant.reading.values import Quantity, dates, quantities, same_value
from assistant.records import Answer, Citation, Conflict, ConflictValue, Query

MAX_REPORTS = 6  # reports compared (newest first): every pair of their sentences is looked at
SAME_FACT = 0.65  # cosine above which two sentences of different reports state the same fact
# two sentences giving the same figure need less: "displaced approximately 280,000 people" and
# "with approximately 280,000 people displaced" in differently written reports (cosine 0.62)
SAME_FIGURE = 0.5
SHOWN = 3  # differences, and agreements, spelled out
NOTE = ("The question asks how reports of {subject} compare: sentences of different reports that state "
        "the same fact with different figures, then with the same.")

_REPORTS = r"(?:reports?|stories|story|articles?|accounts?|coverage|outlets?|sources?|versions?)"
_ASKS = [re.compile(p, re.I) for p in (
    # a report noun must be there: "Compare Messi and Mbappé" compares people, not reports
    rf"^(?:compare|contrast)(?: the)?(?: two| \d+| all)? (?:reports|stories|articles|coverage|accounts) (?:of|on|about)"
    rf" (?P<subject>.+)$",
    rf"^(?:compare|contrast)(?: the)?(?: two| \d+| all)? (?P<subject>.+?) {_REPORTS}$",
    rf"^how do(?:es)? the(?: two| \d+)? (?P<subject>.+?) {_REPORTS} (?:differ|compare|disagree|vary)$",
    rf"^(?:where|what|on what|in what) do the(?: two| \d+)? (?P<subject>.+?) {_REPORTS} (?:differ|disagree)(?: on)?$",
    rf"^(?:what is|what's|what are) the differences? between the(?: two| \d+)? (?P<subject>.+?) {_REPORTS}$",
    rf"^do the(?: two| \d+)? (?P<subject>.+?) {_REPORTS} (?:agree|differ|disagree)$",
    rf"^do {_REPORTS} (?:of|on|about) (?:the )?(?P<subject>.+?) (?:agree|differ|disagree)$",
)]


# in a conversation: "Do the reports agree?" with the conversation's subject appended after the
# "?" (`conversation.followup`)
# (after a question mark only: "Do the outlets agree on the toll?" asks about a fact)
_BARE = re.compile(rf"^(?:(?:do|how do|where do|what do) the(?: two| \d+)? {_REPORTS} (?:agree|differ|disagree|compare|vary)"
                   rf"(?: (?:on|about) (?:that|this|it))?\?|(?:compare|contrast) the(?: two| \d+)? {_REPORTS}\??)"
                   rf"\s+(?P<subject>.+)$", re.I)


_COUNTS = frozenset({"two", "both", "all", "three"})
_CLAUSE = re.compile(r"\b(?:in|between|from|by|of)\s+(?:the\s+)?(?:two|both|\d+|all|these|those)\b", re.I)


def subject_asked(text: str) -> str | None:
    """The story a comparison is asked of ("Suez" in "How do the two Suez reports differ?"), or
    None where the question asks something else."""
    t = " ".join(text.replace("’", "'").split()).rstrip(" ?.!")
    m = _BARE.match(t) or next((m for rx in _ASKS if (m := rx.match(t))), None)
    if m is None:
        return None
    # "Compare the reports Suez Canal" (a follow-up's subject appended): the report nouns go
    kept = [w for w in m.group("subject").replace("?", " ").split() if w.lower() not in REPORT_NOUNS]
    subject = re.sub(r"^(?:the|a|an|two|both|all|\d+)\s+", "", " ".join(kept), flags=re.I)
    if not subject or set(words(subject)) <= STOPWORDS | _COUNTS:
        return None  # "Compare the reports", "Do the two reports agree?": no story named
    if _CLAUSE.search(subject):
        return None  # "Compare the death tolls in the two reports": a fact compared, read as a question
    return subject


@dataclass
class _Said:
    """One sentence of one report, with what it can be compared by."""

    article: Article
    start: int
    end: int
    text: str
    figures: list[Quantity]

    def key(self) -> tuple[str, int]:
        return self.article.id, self.start


_ORDINAL = frozenset({"st", "nd", "rd", "th"})


def _figures(text: str) -> list[Quantity]:
    """The figures of `text` worth comparing: not a bare year ("opened in 1869": a date), a bare
    number word ("one of the busiest routes", "two of the six workers": no count of a thing) or
    an ordinal ("the 31st anniversary")."""
    return [q for q in quantities(text) if text[q.end:q.end + 2] not in _ORDINAL and (q.unit or (
        any(ch.isdigit() for ch in q.text) and not (q.value.is_integer() and 1800 <= q.value <= 2100)))]


def _worded(q: Quantity) -> str:
    return mid_sentence(q.phrase if q.unit in q.phrase or not q.unit else f"{q.phrase} {q.unit}")


def _differing(a: _Said, b: _Said) -> tuple[str, str] | None:
    """The two values where `a` gives a figure that `b` gives a different one for (of the same
    kind, `_same_kind`, and `near` it) and no equal one, or the two differ in one span of
    near-identical wording; None otherwise."""
    for x in a.figures:
        # figures far apart are of different things, measures too ("$66 million" of one aid
        # package, "$13.5 billion" of another); a value the other gives at all is no difference
        # ("after 10 years rather than 20 years" against "after 10 years, instead of 20")
        alike = [y for y in b.figures if _same_kind(x, a.text, y, b.text) and near(x, y)]
        if alike and not any(same_value(x.value, y.value) for y in b.figures):
            return _worded(x), _worded(alike[0])
    spans = contradiction(a.text, b.text)
    if spans:
        return a.text[slice(*spans[0])], b.text[slice(*spans[1])]
    return None


def _same_kind(x: Quantity, x_text: str, y: Quantity, y_text: str) -> bool:
    """Figures of the same unit ("vessels", "ships"); a bare figure only against a count of people
    or deaths, in sentences that both speak of deaths ("the death toll rose to 21,000" against
    "50,000 people died"). Looser matches (any count of people against doses) set unrelated
    figures side by side on real pages."""
    ux, uy = unit_class(x.unit), unit_class(y.unit)
    if ux and uy:
        return ux == uy
    other = uy or ux
    return other in ("people", "death") and all(DEATHS.search(t) for t in (x_text, y_text))


def _on_subject(text: str, start: int, end: int, want: set[str]) -> bool:
    """The sentence at `start:end` names the subject, or its paragraph does: a page that covers
    several stories (a daily digest, a photo gallery) mentions the subject in one of them."""
    if want <= stems(text[start:end]):
        return True
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return want <= stems(text[first:last if last >= 0 else len(text)])


def _distinctive(x: Quantity) -> bool:
    """A figure unlikely to be shared by chance: three or more digits ("280,000", "369"), not
    "5" of "the '5 Things' newsletter"."""
    return sum(ch.isdigit() for ch in x.text) >= 3


def _agreeing(a: _Said, b: _Said, similarity: float) -> bool:
    """The same figure (three digits or more: `SAME_FIGURE`, else `SAME_FACT`) or the same full
    date (`SAME_FACT`) in both, and no figure in each that the other lacks (two sentences each
    with a figure of its own may be about different things)."""
    def unmatched(x: _Said, y: _Said) -> bool:
        return any(not any(same_value(f.value, g.value) for g in y.figures) for f in x.figures)

    if unmatched(a, b) and unmatched(b, a):
        return False
    shared = [x for x in a.figures for y in b.figures if same_value(x.value, y.value) and compatible(x, y)]
    if any(_distinctive(x) for x in shared) or (shared and similarity >= SAME_FACT):
        return True
    if similarity < SAME_FACT:
        return False
    days_a = {d.key() for d in dates(a.text) if d.day and d.month}
    return bool(days_a & {d.key() for d in dates(b.text) if d.day and d.month})


def _apart(a: Article, b: Article) -> bool:
    return a.id != b.id and not (a.source and b.source and a.source == b.source)


def _head(reports: Sequence[Article], subject: str) -> str:
    """"Compared 3 reports naming “Suez”: Meridian Wire (30 Mar 2021), …" for a few; by outlets
    and dates for more."""
    head = f"Compared {len(reports)} reports naming “{subject}”"
    if len(reports) <= 3:
        return f"{head}: {join([label(a) for a in reports])}."
    outlets = list(dict.fromkeys(a.source for a in reports if a.source))
    days = sorted(a.published for a in reports if a.published)
    if outlets:
        head += f", from {join(outlets)}"
    if days:
        head += f", published {day(days[0])}" + (f" to {day(days[-1])}" if days[0] != days[-1] else "")
    return head + "."


def _comparable(reports: Sequence[Article], subject: str, sentences_of, quoted=None) -> list[_Said]:
    """The reports' sentences that say something about the subject with a figure or a day: only
    those can differ or agree here, so only those are embedded. `quoted(article_id, start, end)`:
    a sentence an earlier answer quoted, left out ("Tell me more")."""
    want = stems(subject)
    said = [_Said(a, s.start, s.end, s.text, _figures(s.text)) for a in reports for s in sentences_of(a)
            if _on_subject(a.text, s.start, s.end, want) and not (quoted and quoted(a.id, s.start, s.end))]
    return [s for s in said if s.figures or any(d.day and d.month for d in dates(s.text))]


def _side_by_side(said: list[_Said], embed) -> tuple[list, list]:
    """(differences as (older, newer, (value, value)), agreements as (a, b)), at most `SHOWN` of
    each, the most alike pairs first; a sentence is used once."""
    vecs = embed([s.text for s in said]) if said else np.zeros((0, 1), dtype=np.float32)
    sims = vecs @ vecs.T
    pairs = sorted(((float(sims[i, j]), i, j) for i in range(len(said)) for j in range(i + 1, len(said))
                    if sims[i, j] >= SAME_FIGURE and _apart(said[i].article, said[j].article)), reverse=True)
    differ, agree, used = [], [], set()
    for sim, i, j in pairs:
        a, b = said[i], said[j]
        if a.key() in used or b.key() in used:
            continue
        values = _differing(a, b) if sim >= SAME_FACT else None
        if values is not None and len(differ) < SHOWN:
            if a.article.published and b.article.published and a.article.published > b.article.published:
                a, b, values = b, a, values[::-1]  # the older report first: a story told in order
            differ.append((a, b, values))
        elif values is None and _agreeing(a, b, sim) and len(agree) < SHOWN:
            agree.append((a, b))
        else:
            continue
        used.update((a.key(), b.key()))
    return differ, agree


def compare(query: Query, subject: str, reports: Sequence[Article], sentences_of: Callable[[Article], Sequence],
            embed: Callable[[list[str]], np.ndarray],
            quoted: Callable[[str, int, int], bool] | None = None) -> Answer:
    """The comparison of `reports` (the articles naming `subject`) as an answer; `embed(texts)`
    gives unit vectors; `quoted(article_id, start, end)`: a sentence an earlier answer quoted,
    not compared again ("Tell me more")."""
    note = NOTE.format(subject=f"“{subject}”")
    notes = [*query.notes, note]
    if not reports:
        return Answer(query.question, f"No article in the index names “{subject}”.", abstained=True,
                      confidence=1.0, query=query.text, notes=notes)
    reports = list(reports)[:MAX_REPORTS]
    reports.sort(key=lambda a: (a.published is None, -a.published.toordinal() if a.published else 0))
    if not any(_apart(a, b) for i, a in enumerate(reports) for b in reports[i + 1:]):
        text = (f"Only one report names “{subject}” ({label(reports[0])}): there is nothing to compare it with."
                if len(reports) == 1 else f"Every report naming “{subject}” is {reports[0].source}'s "
                f"({len(reports)}): a comparison needs reports from two outlets.")
        return Answer(query.question, text, abstained=True, confidence=1.0, query=query.text, notes=notes)
    differ, agree = _side_by_side(_comparable(reports, subject, sentences_of, quoted), embed)
    cites: list[Citation] = []

    def cite(s: _Said) -> int:
        n = len(cites) + 1
        cites.append(Citation.of_sentence(n, s.article, s.start, s.end, s.text))
        return n

    out = [_head(reports, subject)]
    conflicts = []
    if not differ and not agree and quoted:
        out.append("Nothing more to set side by side: the earlier answer gave what they state alike or "
                   "differently.")
    elif not differ and not agree:
        out.append("They state no figure or day in common, nor any differently, in sentences alike enough "
                   "to compare.")
    elif not differ:
        out.append("They give no different figures for the same fact.")
    for a, b, (va, vb) in differ:
        na, nb = cite(a), cite(b)
        out.append(f"They differ: {va} against {vb}. According to {label(a.article)}: {a.text} [{na}] "
                   f"According to {label(b.article)}: {b.text} [{nb}]")
        newest = [a.article.published, b.article.published]
        kind = "update" if is_update("quantity", newest) else "disagreement"
        conflicts.append(Conflict(subject, (
            ConflictValue(va, (na,), (a.article.source,) if a.article.source else (), a.article.published),
            ConflictValue(vb, (nb,), (b.article.source,) if b.article.source else (), b.article.published)), kind))
    for a, b in agree:
        na, nb = cite(a), cite(b)
        prefix = agreement_prefix([a.article, b.article]) or "Both reports agree: "
        out.append(f"{prefix}{a.text} [{na}][{nb}]")
    # nothing was guessed: every quoted sentence is a report's own, paired by meaning
    return Answer(query.question, " ".join(out), citations=cites, confidence=1.0, query=query.text,
                  conflicts=conflicts, notes=notes)


def reports_about(index, subject: str, query: Query, sentences_of) -> list[Article]:
    """The reports to compare: those naming the subject in their headline or first two sentences
    (a digest that mentions it in one line of twenty is not a report of it), the newest of each
    outlet first, then the next newest of each, and so on."""
    want = stems(subject)
    about = [a for a in stories_naming(index, subject, query)
             if want <= stems(a.title + " " + " ".join(s.text for s in list(sentences_of(a))[:2]))]
    by_outlet: dict[str, list[Article]] = {}
    for a in about:  # newest first already
        by_outlet.setdefault(a.source or a.id, []).append(a)
    turns = [group[i] for i in range(max(map(len, by_outlet.values()), default=0))
             for group in by_outlet.values() if i < len(group)]
    return turns[:MAX_REPORTS]


def answer(index, query: Query, sentences_of, quoted: Callable[[str, int, int], bool] | None = None) -> Answer | None:
    """The comparison `query` asks for, or None where it asks something else (`quoted`: see
    `compare`). Two outlets named ("Compare Meridian Wire and Harbor Ledger on the canal") keep
    the comparison to their reports."""
    subject = subject_asked(query.text)
    if subject is None:
        if query.filters.sources or (asked := outlets_asked(query.text, index.outlets())) is None:
            return None
        pair, subject = asked
        query = replace(query, filters=replace(query.filters, sources=pair))
    return compare(query, subject, reports_about(index, subject, query, sentences_of), sentences_of,
                   index.embedder.embed, quoted)
