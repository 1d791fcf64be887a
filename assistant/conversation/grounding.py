"""Earlier answers rebuilt from their text, put back on their articles.

A client of the OpenAI-compatible API sends back only the text of earlier replies; the turns
rebuilt from it (`ui.api.chat_format`) have citations with a title, an outlet, a URL and quoted
text, but no article id and no offsets. Follow-ups that lean on what an answer cited ("Tell me
more" leaves out what was quoted and keeps to the same stories; near ties go to the articles
already cited) need both. `located` finds each such citation's article again (BM25 on its quote,
then the article with the same URL, or the same title where the reply gave no URL) and, in it,
the sentences the quote holds; each becomes a citation with the article's id and offsets.

Limits: a quote whose article was deleted since, or whose sentences were reworded by the reply
(an LLM's own words), stays as it was: a follow-up then reads that turn as before.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from assistant.records import Answer, Citation
from assistant.retrieve import articles_matching

LOOKED_UP = 5  # BM25 passages read to find a quote's article
MIN_SENTENCE = 20  # shorter sentences ("Yes.") are found inside too many quotes by chance


def located(history: Sequence[tuple[str, Answer]], index, sentences_of: Callable) -> list[tuple[str, Answer]]:
    """`history` with the citations that lack an article id found again where possible; turns
    whose citations all have one come back unchanged (the same objects)."""
    out = []
    for question, answer in history:
        if all(c.article_id for c in answer.citations):
            out.append((question, answer))
            continue
        cites: list[Citation] = []
        for c in answer.citations:
            cites.extend(_found(c, index, sentences_of) if not c.article_id and c.quote else [c])
        out.append((question, replace(answer, citations=cites)))
    return out


def _found(c: Citation, index, sentences_of) -> list[Citation]:
    """The sentences of `c`'s article that its quote holds, each as a citation numbered as `c`;
    `[c]` where the article or the sentences are not found."""
    for article in articles_matching(index, c.quote[:400], LOOKED_UP):
        if (c.url and article.url != c.url) or (not c.url and c.title and article.title != c.title):
            continue
        held = [s for s in sentences_of(article) if len(s.text) >= MIN_SENTENCE and s.text in c.quote]
        if held:
            return [replace(Citation.of_sentence(c.n, article, s.start, s.end, s.text), score=c.score) for s in held]
    return [c]
