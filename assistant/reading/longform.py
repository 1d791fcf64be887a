""""What does HTS stand for?": the long form of an acronym, from the retrieved article that defines
it ("... led by the Hayat Tahrir al-Sham (HTS) armed group ..."), quoted with the name marked as
the short answer.

Read as a question, only the acronym is left to look for, and every sentence that uses it
matches as well as the one that defines it (the ranker quoted a sentence about Homs for "What
does SOHR stand for?"). A definition is found by `acronyms.spans` (the bracketed capitals are the
initials of the words before them), so the answer is certain or there is none, and the reading
path answers instead.

Limits: the forms "What does/do/did/is/was X stand for" and "What is X short for"; only a
definition in the "Full Name (ACR)" form, in an article retrieval found.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from index import Article

from assistant.reading.acronyms import spans
from assistant.reading.sentences import Sentence
from assistant.records import Answer, Citation, Passages, Query, ShortAnswer

_ASKS = re.compile(r"^\s*what\s+(?:does|do|did|is|was)\s+(?:the\s+)?(?P<acronym>[A-Za-z][A-Za-z0-9&]{1,7})\s+"
                   r"(?:stand|short)\s+for\b", re.I)
NOTE = "The question asks what an acronym stands for: the sentence of the article that defines it."


def asked_acronym(text: str) -> str | None:
    """The acronym `text` asks the long form of, lower case; None for any other question."""
    m = _ASKS.match(text)
    return m["acronym"].lower() if m else None


def answer(query: Query, acronym: str, passages: Passages,
           sentences_of: Callable[[Article], Sequence[Sentence]]) -> Answer | None:
    """The defining sentence of the first retrieved article that defines `acronym`, its long
    form marked; None when no retrieved article defines it."""
    seen: set[str] = set()
    for h in passages.hits:
        if h.article_id in seen:
            continue
        seen.add(h.article_id)
        article = passages.articles[h.article_id]
        where = spans(article.text).get(acronym)
        if where is None:
            continue
        start, end = where
        s = next((x for x in sentences_of(article) if x.start <= start and end <= x.end), None)
        if s is None:
            continue
        cite = Citation(n=1, article_id=article.id, title=article.title, source=article.source, url=article.url,
                        published=article.published, path=article.path, quote=s.text, passage=s.text,
                        start=s.start, end=s.end, score=1.0, passage_start=s.start)
        short = ShortAnswer(article.text[start:end], article.id, start, end, citation=1, probability=1.0)
        # nothing was guessed: the article spells the acronym out
        return Answer(query.question, f"{s.text} [1]", citations=[cite], confidence=1.0, query=query.text,
                      short_answer=short, notes=[*query.notes, NOTE])
    return None
