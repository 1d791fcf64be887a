"""Answers that are not composed from the ranked sentences, each tried at its step of
`Assistant.ask` and None where it does not apply (then the reading path answers):

- `briefing` (before retrieval): a question that names nothing but a time, an outlet or the news
  ("What happened last week?", "What did Harbor Ledger say?") gets the openings of the newest
  stories those filters select (`news.briefing`);
- `listing` (before retrieval): a question about the collection itself ("Which stories mention
  NASA?", "What stories do you have?") gets the articles naming it, or the index's counts and
  newest stories (`news.listing`);
- `comparing` (before retrieval): "How do the Suez reports differ?" gets the facts the reports
  naming it state with different figures and with the same (`news.comparison`);
- `timeline` (before retrieval): "Timeline of the Suez Canal blockage", "How did the bridge
  story develop?" gets dated statements about it, oldest first (`news.timeline`);
- `latest_on_a_name` (after retrieval): "What's the latest on Homs?" gets the openings of the
  newest retrieved stories naming it;
- `long_form` (after retrieval): "What does HTS stand for?" gets the sentence that defines it
  (`reading.longform`), or, where no article defines it, a reading whose confidence is 0, so the
  answer is an abstention with a note; "What is ERCOT?" gets the defining sentence where there
  is one, and is read as any question where there is none.

Small talk is answered before any of these, in `Assistant.ask` itself. After "Tell me more"
(`conversation.more`) briefings and listings leave out the stories the previous answer quoted,
comparisons and timelines the sentences it quoted.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.conversation.more import More
from assistant.news import comparison, listing as stories, timeline as story_timeline
from assistant.news.briefing import (NOTE_ABOUT, NOTE_SUMMARY, SCANNED, about, asks_for_news, asks_for_news_about,
                                     asks_for_summary, brief, subject_stems)
from assistant.reading.longform import (NOTE_UNDEFINED, answer as defining_answer, articles_to_search,
                                        asked_about_acronym, asked_acronym)
from assistant.reading.ranking import Reading
from assistant.records import Answer, Query


def briefing(index, query: Query, sentences_of, more: More | None = None) -> Answer | None:
    """`more`: asked for more after an earlier answer, whose stories are left out."""
    if not asks_for_news(query):
        return None
    f = query.filters
    _, newest = index.list_articles(sources=f.sources, since=f.since, until=f.until, limit=SCANNED)
    return brief(query, _unseen(newest, more), sentences_of)


def listing(index, query: Query, sentences_of, more: More | None = None) -> Answer | None:
    return stories.answer(index, query, sentences_of, more.seen_article if more else None)


def comparing(index, query: Query, sentences_of, more: More | None = None) -> Answer | None:
    return comparison.answer(index, query, sentences_of, more.seen if more else None)


def timeline(assistant, query: Query, more: More | None = None) -> Answer | None:
    return story_timeline.answer(assistant, query, more.seen if more else None)


def latest_on_a_name(query: Query, reading: Reading, sentences_of, more: More | None = None) -> Answer | None:
    q = reading.ranking.analysis
    if not asks_for_news_about(query, q):
        return None
    summary = asks_for_summary(query.text)
    found = about(q, reading.passages, sentences_of)
    if not found and summary:
        # a summary asked for is given from stories naming it further down too ("Tell me about
        # the Ever Given" as of 27 March 2021: the one report then names the ship in its second
        # sentence); its first sentence naming it is quoted
        found = about(q, reading.passages, sentences_of, anywhere=True)
    return brief(query, _unseen(found, more), sentences_of, note=NOTE_SUMMARY if summary else NOTE_ABOUT,
                 about_stems=subject_stems(q))


def _unseen(articles: list, more: More | None) -> list:
    return [a for a in articles if not (more and more.seen_article(a.id))]


def long_form(index, query: Query, reading: Reading, sentences_of) -> tuple[Answer | None, Query, Reading]:
    """(the answer, or None; the query and reading the reading path goes on with)."""
    acronym = asked_acronym(query.text)
    alone = acronym is None and (acronym := asked_about_acronym(query.text)) is not None  # "What is ERCOT?"
    if acronym is None:
        return None, query, reading
    defining = articles_to_search(index, reading.passages, acronym, query.filters)
    if (answer := defining_answer(query, acronym, defining, sentences_of)) is not None:
        return answer, query, reading
    if alone:
        return None, query, reading  # no definition: read as any question ("What is NASA?")
    # sentences that only use the acronym cannot say what it stands for
    query = replace(query, notes=(*query.notes, NOTE_UNDEFINED.format(acronym=acronym.upper())))
    return None, query, replace(reading, ranking=replace(reading.ranking, confidence=0.0))
