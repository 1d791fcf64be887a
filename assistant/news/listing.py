"""Questions about the collection rather than the news in it: which stories name something
("Which stories mention NASA?", "Any articles about the earthquake?", "What do you have on the
Suez Canal?") and what the index holds ("What stories do you have?", "How many articles are
there?"). The reading path would look for a sentence that answers them, and none does.

A subject is listed by its words, not its meaning: the articles whose headline or text name every
content word of it, found by BM25 over the whole index (not only the few passages retrieved for a
question) and shown newest first, each with the first sentence that names it, cited. The whole
collection is told by its counts (articles, outlets, dates) and the openings of its newest
stories. Outlet and date filters (given, or read from the question) narrow both. So are
questions about a subject's articles rather than its news ("When was the article about the Ever
Given published?", "Give me the link to the bridge story", "Where can I read more about the
eclipse?"); "Who wrote the Artemis story?" lists each with its authors. Which questions these
are, and of what, `collection_asked` reads. The oldest or
newest story ("What's the oldest story about the canal?") is that one article, cited; "Which
outlet reported first on the collapse?", "Who broke the Suez story?" ask for the oldest.

Limits: "about" is read as "names": a story about the earthquake that never says "earthquake" is
not listed; at most `LOOKED_UP` BM25 passages are looked at, so a subject named in thousands of
articles is counted from those; the collection's outlets and first date are the whole index's
(only the count and the newest stories follow the filters); the oldest story is looked for
among the last `SCANNED` articles in date order, so an index with more undated articles than
that finds none.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from index import Article
from index.text.words import CAPITALISED_RUN, STOPWORDS, stems

from assistant.news.attribution import capitalised, day, join, label
from assistant.news.briefing import SCANNED, brief, opening
from assistant.news.collection_asked import asks_who_reported, asks_who_wrote, edge_asked, subject_asked
from assistant.records import Answer, Citation, Query
from assistant.retrieve import articles_matching

SHOWN = 5  # stories quoted in a list; the rest are counted
LOOKED_UP = 200  # BM25 passages read to find the stories naming a subject
NOTE = "The question asks which articles name {subject}: those whose headline or text names it, newest first."
NOTE_ALL = "The question asks what the index holds: its counts and the openings of the newest stories."
NOTE_EDGE = "The question asks for the {which} article: by the date it was published (undated ones left out)."

def _count(n: int, noun: str = "article") -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def namer(subject: str) -> Callable[[str], bool]:
    """Does a text name `subject`? A name of capitalised words ("Highland Park", "Suez Canal"),
    alone or within the subject ("the Highland Park shooting"), must stand whole, in order (a
    digest with a "highland" story and a "park" one does not name it; "Notre Dame" stands in
    "Notre-Dame"); other words ("bridge collapse") each anywhere, by stem ("earthquakes" names
    "earthquake")."""
    parts = subject.split()
    if len(parts) > 1 and all(p[:1].isupper() for p in parts if p.lower() not in STOPWORDS):
        phrase = _phrase(parts)
        return lambda text: phrase.search(text) is not None
    # "Highland Park shooting": the name whole, "shooting" anywhere
    whole = [_phrase(m.group(0).split()) for m in CAPITALISED_RUN.finditer(subject)]
    want = stems(CAPITALISED_RUN.sub(" ", subject))
    return lambda text: all(p.search(text) for p in whole) and want <= stems(text)


def _phrase(parts: list[str]) -> re.Pattern:
    return re.compile(r"\b" + r"\W+".join(re.escape(p) for p in parts) + r"(?:['’]s)?\b", re.I)


def stories_naming(index, subject: str, query: Query) -> list[Article]:
    """The articles whose headline or text names `subject` (`namer`), newest first (undated
    last), within the query's filters."""
    names = namer(subject)
    named = [a for a in articles_matching(index, subject, LOOKED_UP, query.filters) if names(a.title + "\n" + a.text)]
    return sorted(named, key=lambda a: (a.published is None, -a.published.toordinal() if a.published else 0))


def _naming_sentence(article: Article, subject: str, names: Callable[[str], bool], sentences_of):
    """The first sentence naming the subject, a whole one (`briefing.MIN_WORDS` words or more)
    before a heading or caption ("Uvalde"); where none names all of it (its words stand in
    different sentences), the first naming the most of them; where none names any (only the
    headline does), the article's opening."""
    sents = list(sentences_of(article))
    if whole := opening(sents, naming=names):
        return whole
    if naming := next((s for s in sents if names(s.text)), None):
        return naming
    want = stems(subject)
    best = max(sents, key=lambda s: len(want & stems(s.text)), default=None)
    if best is not None and want & stems(best.text):
        return best
    return opening(sents) or (sents[0] if sents else None)


def _labelled(a: Article) -> str:
    """'Harbor Ledger (29 Mar 2021), “Title”'; an article without an outlet is labelled by its
    headline already."""
    return f"{label(a)}, “{a.title}”" if a.source and a.title else label(a)


def list_subject(query: Query, subject: str, articles: Sequence[Article],
                 sentences_of: Callable[[Article], Sequence], listed: int = 0) -> Answer:
    """`articles` naming `subject`, newest first; `listed`: how many an earlier answer listed
    already ("Tell me more": these are the others). Asked who reported it, the outlets lead."""
    note = NOTE.format(subject=f"“{subject}”")
    if not articles:
        text = (f"No other article names “{subject}”: all {listed} were listed." if listed
                else f"No article in the index names “{subject}”.")
        return Answer(query.question, text, abstained=True, confidence=1.0, query=query.text,
                      notes=[*query.notes, note])
    names = namer(subject)
    by_author = asks_who_wrote(query.text)
    parts, cites = [], []
    for a in articles:
        s = _naming_sentence(a, subject, names, sentences_of)
        if s is None:
            continue
        n = len(cites) + 1
        cites.append(Citation.of_sentence(n, a, s.start, s.end, s.text))
        who = _labelled(a)
        if by_author:
            who += f", by {join(list(a.authors))}" if a.authors else ", no author named"
        parts.append(f"{capitalised(who)}: {s.text} [{n}]")
        if n >= SHOWN:
            break
    dated = sum(a.published is not None for a in articles) > 1
    n = len(articles)
    head = f"{n}{' more' if listed else ''} article{'' if n == 1 else 's'} name{'s' if n == 1 else ''} " \
        f"“{subject}”" + (", newest first" if dated else "") + ". "
    rest = len(articles) - len(parts)
    tail = f" And {rest} more." if rest > 0 else ""
    if asks_who_reported(query.text):
        outlets = list(dict.fromkeys(a.source for a in articles if a.source))
        none = "The report names no outlet. " if len(articles) == 1 else "The reports name no outlet. "
        head = (f"{join(outlets)} reported on it. " if outlets else none) + head
    # nothing was guessed: each listed article names the subject
    return Answer(query.question, head + " ".join(parts) + tail, citations=cites, confidence=1.0,
                  query=query.text, notes=[*query.notes, note])


def overview(index, query: Query, sentences_of, listed: Callable[[str], bool] | None = None) -> Answer:
    """The index's counts, then the openings of its newest stories (within the filters; those
    `listed(article_id)` says an earlier answer quoted are left out: "Tell me more")."""
    f = query.filters
    total, newest = index.list_articles(sources=f.sources, since=f.since, until=f.until, limit=SCANNED)
    newest = [a for a in newest if not (listed and listed(a.id))]
    if not total:
        return Answer(query.question, "No article in the index matches the outlet/date filters." if f.narrowed
                      else "The index holds no articles yet.", abstained=True, confidence=1.0,
                      query=query.text, notes=[*query.notes, NOTE_ALL])
    if f.narrowed:
        head = _count(total) + (f" from {join(list(f.sources))}" if f.sources else "") + _dates(f.since, f.until) + "."
    else:
        stats = index.stats()
        outlets = sorted(o for o in stats.outlets if o)
        head = f"The index holds {_count(total)}"
        if outlets:
            shown = outlets if len(outlets) <= 6 else outlets[:5] + [f"{len(outlets) - 5} more"]
            head += f" from {_count(len(outlets), 'outlet')} ({join(shown)})"
        if stats.first_published and stats.last_published:
            head += f", published {day(stats.first_published)} to {day(stats.last_published)}"
        head += "."
    briefed = brief(query, newest, sentences_of, note=NOTE_ALL)
    if briefed is None:
        return Answer(query.question, head, confidence=1.0, query=query.text, notes=[*query.notes, NOTE_ALL])
    lead = "The newest" if any(a.published for a in newest) else "Among them"
    briefed.text = f"{head} {lead}: {briefed.text}"
    return briefed


def edge_story(index, query: Query, oldest: bool, subject: str, sentences_of,
               listed: Callable[[str], bool] | None = None) -> Answer:
    """The oldest or newest dated article (of those naming `subject`, where one is given), with
    its opening sentence (the first naming the subject), cited."""
    which = "oldest" if oldest else "newest"
    if subject:
        found = stories_naming(index, subject, query)
        of = f" of the {_count(len(found))} naming “{subject}”" if len(found) > 1 else ""
    else:
        f = query.filters
        total, found = index.list_articles(sources=f.sources, since=f.since, until=f.until, limit=SCANNED)
        if oldest and total > SCANNED:  # the last page: the oldest dated ones, then the undated
            _, found = index.list_articles(sources=f.sources, since=f.since, until=f.until, limit=SCANNED,
                                           offset=total - SCANNED)
        where = " within the filters" if f.narrowed else " in the index"
        of = f" of the {_count(total)}{where}" if total > 1 else ""
    dated = [a for a in found if a.published and not (listed and listed(a.id))]  # newest first
    note = NOTE_EDGE.format(which=which)
    if not dated:
        if listed and found:
            text = "No other dated article to give."
        elif subject:
            text = (f"No dated article names “{subject}”." if found
                    else f"No article in the index names “{subject}”.")
        else:
            text = "No article has a publication date to tell." if found else "No article matches."
        return Answer(query.question, text, abstained=True, confidence=1.0, query=query.text,
                      notes=[*query.notes, note])
    a = dated[-1] if oldest else dated[0]
    if subject:
        s = _naming_sentence(a, subject, namer(subject), sentences_of)
    else:
        sents = list(sentences_of(a))
        s = opening(sents) or (sents[0] if sents else None)
    who = _labelled(a)
    if s is None:
        return Answer(query.question, f"The {which}{of or ' article'} is {who}.", confidence=1.0, query=query.text,
                      notes=[*query.notes, note])
    cite = Citation.of_sentence(1, a, s.start, s.end, s.text)
    return Answer(query.question, f"The {which}{of or ' article'} is {who}: {s.text} [1]", citations=[cite],
                  confidence=1.0, query=query.text, notes=[*query.notes, note])


def _dates(since, until) -> str:
    if since and until:
        return f" published {day(since)} to {day(until)}"
    return f" published since {day(since)}" if since else (f" published until {day(until)}" if until else "")


def answer(index, query: Query, sentences_of, listed: Callable[[str], bool] | None = None) -> Answer | None:
    """The listing or overview `query` asks for, or None where it asks something else; after
    "Tell me more", `listed(article_id)` says which articles the earlier answers listed, and the
    others are listed."""
    if (edge := edge_asked(query.text)) is not None:
        return edge_story(index, query, *edge, sentences_of, listed)
    subject = subject_asked(query.text)
    if subject is None:
        return None
    if not subject:
        return overview(index, query, sentences_of, listed)
    found = stories_naming(index, subject, query)
    fresh = [a for a in found if not (listed and listed(a.id))]
    return list_subject(query, subject, fresh, sentences_of, listed=len(found) - len(fresh))
