"""A question that names only a time ("What happened in March 2021?", "Any news from last
week?", or "What happened?" with `since`/`until` given): once its time phrase is read as date
filters (`timeref`), nothing is left to look for, so no sentence answers it better than another
and the reading path could only abstain. The answer is a briefing instead: the opening sentence
of each of the newest stories of that time, one per headline, each cited with its outlet and date.

Limits: a story's opening is its first sentence of at least `MIN_WORDS` words (a dateline or a
one-word line is passed over); stories are told apart by headline only, so two outlets' reports of
one event under different headlines both appear.
"""

from __future__ import annotations

from typing import Sequence

from index import Article
from index.text.words import words

from assistant.news.attribution import label
from assistant.reading.question import analyse
from assistant.records import Answer, Citation, Query

STORIES = 3  # stories a briefing quotes (an answer's usual most sentences)
SCANNED = 30  # newest articles looked at, enough for three headlines among wire copies
MIN_WORDS = 6
NOTE = "The question names only a time: the opening sentence of the newest stories of that time."


def names_only_a_time(query: Query) -> bool:
    """Date filters are set and the question, its time phrase taken out, names nothing to look
    for and asks for no kind of answer ("What happened?", not "Who won?")."""
    if not (query.filters.since or query.filters.until):
        return False
    q = analyse(query.text)
    return not q.terms and q.kind == "other"


def opening(sentences: Sequence, min_words: int = MIN_WORDS):
    """The story's first sentence of at least `min_words` words, or None."""
    return next((s for s in sentences if len(words(s.text)) >= min_words), None)


def brief(query: Query, newest: Sequence[Article], sentences_of, stories: int = STORIES) -> Answer | None:
    """The briefing from `newest` (the filters' articles, newest first; `sentences_of(article)`
    splits one); None when none of them has an opening sentence."""
    picked, headlines = [], set()
    for a in newest:
        key = " ".join(a.title.lower().split())
        if key and key in headlines:
            continue  # a wire copy or a re-run under the same headline
        s = opening(sentences_of(a))
        if s is None:
            continue
        headlines.add(key)
        picked.append((a, s))
        if len(picked) >= stories:
            break
    if not picked:
        return None
    cites = [Citation(n=i, article_id=a.id, title=a.title, source=a.source, url=a.url, published=a.published,
                      path=a.path, quote=s.text, passage=s.text, start=s.start, end=s.end, score=1.0,
                      passage_start=s.start)
             for i, (a, s) in enumerate(picked, 1)]
    text = " ".join(f"{label(a)}: {s.text} [{i}]" for i, (a, s) in enumerate(picked, 1))
    # nothing was guessed: each sentence is the opening of a story the filters select
    return Answer(query.question, text, citations=cites, confidence=1.0, query=query.text, notes=[NOTE])
