""""Tell me more", "What else?", "Go on": the previous question asked again, its answer built from
what the previous answer did not quote; and "Who reported that?": the previous answer's sources
(`sources_of`). Read as a follow-up, such a message was appended to the
previous question and got the same answer back.

`more_of(question, history)` gives what to search (the previous question as it was understood:
its answer's `query`) and what to leave out (the spans its answer quoted, per article), or None
when the question asks for something of its own.

The answer comes from the stories already quoted (after an abstention, from all), so it stays on
the story; a briefing leaves out the stories it quoted, so the next ones come; nothing left means
an abstention.

Limits: English forms only ("tell me more", "more details", "go on", "what else", "anything
else"); "What else did he say?" asks a question of its own and is read as a follow-up; a history
rebuilt from a chat client's messages (the OpenAI-compatible API) is put back on its articles
first (`grounding`), and where a reply's sources cannot be found again "Tell me more" answers
the previous question again as it was. After a listing, a comparison or a timeline, "Tell me
more" gives the articles, pairs or statements it did not give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.conversation.history import HistoryLike
from assistant.news.attribution import day, join
from assistant.reading.ranking import Reading
from assistant.records import Answer, Citation

_MORE = re.compile(r"^\s*(?:(?:please\s+|ok(?:ay)?,?\s+|and\s+)?(?:(?:can\s+you\s+)?(?:tell|give|show)\s+(?:me|us)\s+more"
                   r"(?:\s+(?:about|on)\s+(?:that|this|it))?|"
                   r"more(?:\s+(?:details|detail|info|information|please|on\s+(?:that|this|it)|about\s+(?:that|this|it)))?|"
                   r"go\s+on|continue|what\s+else|anything\s+else|keep\s+going)(?:,?\s+please)?)\s*[?.!]*\s*$", re.I)
NOTE = "More on “{query}”: what the previous answer did not quote."


@dataclass(frozen=True)
class More:
    """The previous question again, and what its answer already quoted."""

    query: str  # what to search: the previous question as understood
    quoted: dict[str, tuple[tuple[int, int], ...]]  # article id -> (start, end) spans already quoted

    def seen(self, article_id: str, start: int, end: int) -> bool:
        """The span lies inside one its article's earlier answer quoted."""
        return any(s <= start and end <= e for s, e in self.quoted.get(article_id, ()))

    def seen_article(self, article_id: str) -> bool:
        return article_id in self.quoted

    def unquoted(self, reading: Reading) -> Reading:
        """`reading` without the sentences the earlier answers quoted, and only from the stories
        they quoted (more of the same story, not another story's); all of it after an abstention."""
        ranked = [c for c in reading.ranking.ranked if not self.seen(c.article_id, c.sentence.start, c.sentence.end)]
        if self.quoted:
            ranked = [c for c in ranked if self.seen_article(c.article_id)]
        return replace(reading, ranking=replace(reading.ranking, ranked=ranked))


_WHO_REPORTED = re.compile(r"^\s*(?:(?:and\s+)?(?:who|which\s+(?:outlets?|sources?|papers?|newspapers?))\s+"
                           r"(?:reported|reports|said|says|published|wrote|writes)\s+(?:that|this|it)|"
                           r"what(?:'s|’s|\s+is|\s+was)\s+the\s+source|where\s+(?:is|was)\s+(?:that|this)\s+from)"
                           r"\s*[?.!]*\s*$", re.I)
NOTE_SOURCES = "The question asks who reported the previous answer: its sources, as cited."


def asks_who_reported(question: str) -> bool:
    """"Who reported that?", "Which outlets said that?", "What's the source?"."""
    return _WHO_REPORTED.match(question) is not None


def sources_of(question: str, history: HistoryLike | None) -> Answer | None:
    """The previous answer's sources named with their dates ("Reported by Civic Daily Review (25
    Feb 2023) and Northwind Post (10 Feb 2023)."), citing what it cited; None for any other
    question, or when the previous answer cited nothing or abstained."""
    if not history or not asks_who_reported(question):
        return None
    _, a = list(history)[-1]
    if a is None or a.abstained or not a.citations:
        return None
    names = list(dict.fromkeys(_named(c) for c in a.citations))
    marks = "".join(f"[{c.n}]" for c in a.citations)
    text = f"Reported by {join(names)}. {marks}"
    return Answer(question, text, citations=list(a.citations), confidence=1.0, query=a.query, notes=[NOTE_SOURCES])


def _named(c: Citation) -> str:
    when = day(c.published) if c.published else "undated"
    return f"{c.source} ({when})" if c.source else f"“{c.title}” ({when})" if c.title else "an unnamed report"


def asks_for_more(question: str) -> bool:
    return _MORE.match(question) is not None


def more_of(question: str, history: HistoryLike | None) -> More | None:
    """What "Tell me more" after `history` asks for (see the module docstring); None for any other
    question, or with no earlier answer to go on from. A run of "more" requests goes on from the
    question before them, leaving out everything their answers quoted."""
    if not history or not asks_for_more(question):
        return None
    quoted: dict[str, list[tuple[int, int]]] = {}
    for q, a in reversed(list(history)):
        if a is None:
            return None
        if not a.abstained:  # related reading was never an answer: it may be quoted now
            # an answer rebuilt from a chat client's text names no article: nothing to leave out
            for c in (c for c in a.citations if c.article_id):
                quoted.setdefault(c.article_id, []).append((c.start, c.end))
        if not asks_for_more(q):
            return More(a.query or q, {k: tuple(v) for k, v in quoted.items()})
    return None
