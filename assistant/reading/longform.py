""""What does HTS stand for?": the long form of an acronym, from the retrieved article that defines
it ("... led by the Hayat Tahrir al-Sham (HTS) armed group ..."), quoted with the name marked as
the short answer.

Read as a question, only the acronym is left to look for, and every sentence that uses it
matches as well as the one that defines it (the ranker quoted a sentence about Homs for "What
does SOHR stand for?"). A definition is found by `acronyms.spans` (the bracketed capitals are the
initials of the words before them), so the answer is certain.

When no article defines it, the answer is an abstention: sentences that only use the acronym
cannot say what it stands for (the reading path quoted three sentences naming NASA for "What
does NASA stand for?").

"What is ERCOT?" (an acronym alone) is answered the same way where an article defines it, and
read as any other question where none does.

Limits: the forms "What does/do/did/is/was X stand for", "What is X short for" and "what X
stands for" (in a request: "Tell me what HTS stands for"); only a
definition in the "Full Name (ACR)" or "Full Name, known as ACR," form, in a retrieved article or one of the `LOOKED_UP`
chunks BM25 finds the acronym in (in a very large index a common acronym may be left out of
the BM25 query, and then only the retrieved articles are searched).
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from index import Article

from assistant.reading.acronyms import spans
from assistant.reading.question import uncontracted, unframed
from assistant.reading.sentences import Sentence
from assistant.records import Answer, Citation, Filters, Passages, Query, ShortAnswer
from assistant.retrieve import articles_matching

_ASKS = re.compile(r"^\s*what\s+(?:(?:does|do|did|is|was)\s+)?(?:the\s+)?(?P<acronym>[A-Za-z][A-Za-z0-9&]{1,7})\s+"
                   r"(?:stands?|short)\s+for\b", re.I)
# "What is ERCOT?": an acronym alone asked about, answered from its definition where one exists
# (and read as any question where none does: "What is NASA?" can be answered without one)
_WHAT_IS = re.compile(r"^\s*(?i:(?:what|who)\s+(?:is|are|was|were)\s+(?:the\s+)?)(?P<acronym>[A-Z][A-Z0-9&]{1,7})\s*\??\s*$")
NOTE = "The question asks what an acronym stands for: the sentence of the article that defines it."
NOTE_UNDEFINED = "No article spells out {acronym}: sentences that only use it cannot say what it stands for."
LOOKED_UP = 50  # chunks BM25 finds the acronym in, searched for a definition beyond the retrieved passages


def asked_acronym(text: str) -> str | None:
    """The acronym `text` asks the long form of, lower case; None for any other question."""
    m = _ASKS.match(uncontracted(unframed(text)))  # "What's HTS short for?", "Tell me what HTS stands for"
    return m["acronym"].lower() if m else None


def asked_about_acronym(text: str) -> str | None:
    """The acronym `text` asks about and nothing else ("What is ERCOT?", "Who is the SOHR?"),
    lower case; None for any other question."""
    m = _WHAT_IS.match(uncontracted(unframed(text)))
    return m["acronym"].lower() if m else None


def articles_to_search(index, passages: Passages, acronym: str, filters: Filters,
                       limit: int = LOOKED_UP) -> list[Article]:
    """The retrieved articles, then those whose text BM25 finds the acronym in (a definition sits
    in one story, perhaps not among the few passages retrieved for the question), in that order."""
    order = list(dict.fromkeys(h.article_id for h in passages.hits))
    return [passages.articles[i] for i in order] + articles_matching(index, acronym, limit, filters,
                                                                      leave_out=passages.articles)


def answer(query: Query, acronym: str, articles: Sequence[Article],
           sentences_of: Callable[[Article], Sequence[Sentence]]) -> Answer | None:
    """The defining sentence of the first of `articles` that defines `acronym`, its long form
    marked; None when none defines it."""
    for article in articles:
        where = spans(article.text).get(acronym)
        if where is None:
            continue
        start, end = where
        s = next((x for x in sentences_of(article) if x.start <= start and end <= x.end), None)
        if s is None:
            continue
        cite = Citation.of_sentence(1, article, s.start, s.end, s.text)
        short = ShortAnswer(article.text[start:end], article.id, start, end, citation=1, probability=1.0)
        # nothing was guessed: the article spells the acronym out
        return Answer(query.question, f"{s.text} [1]", citations=[cite], confidence=1.0, query=query.text,
                      short_answer=short, notes=[*query.notes, NOTE])
    return None
