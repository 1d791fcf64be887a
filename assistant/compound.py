"""A question that asks two things ("When did the Ever Given get stuck and when was it freed?",
"Who won the World Cup and what was the score?") is asked as two: the first, then the second
as its follow-up (so its "it" is the first's subject), and the answers are joined, the second's
[n] marks numbered on from the first's (a sentence both quote keeps one number). Asked whole,
the answer was the sentences that best fit both, which answered one.

Only ", and" or "and" followed by a question word ("who", "what", "when", ...) splits, and only
where the text before it opens as a question does, so "How many people died in Türkiye and
Syria?" and "Southern California is famous for tourism and what district?" are asked whole.

Limits: two parts at most per split (a third "and when ..." is split again inside the second);
the joined answer keeps the first part's short answer only (`Answer` holds one).
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.reading.question import asking_part, opens_a_question
from assistant.records import ABSTAIN_TEXT, Answer

_AND_ASKS = re.compile(r",?\s+and\s+(?=(?:who|whom|whose|what|when|where|why|how|which)\b)", re.I)
MIN_WORDS = 3  # words of each part: "Who and what?" is no pair of questions
NOTE = "The question asks two things: each is answered in turn."


def split(question: str) -> tuple[str, str] | None:
    """The two questions `question` asks, or None where it asks one."""
    m = _AND_ASKS.search(question)
    if m is None:
        return None
    first, second = question[:m.start()].strip(), question[m.end():].strip()
    if not opens_a_question(asking_part(first)) or min(len(first.split()), len(second.split())) < MIN_WORDS:
        return None
    return first.rstrip(" ?,") + "?", second[:1].upper() + second[1:]


def joined(question: str, parts: list[tuple[str, Answer]]) -> Answer:
    """One answer to `question` from the answers to its parts, in order. A part the articles do
    not answer says so by name; the whole abstains only where every part does."""
    text, citations, conflicts, notes = [], [], [], []
    for asked, a in parts:
        if a.abstained:
            text.append(f"On “{asked.rstrip('?')}”, the articles don't say.")
            continue
        # a sentence both parts quote keeps its first number
        cited = {(c.article_id, c.start, c.end): c.n for c in citations}
        number = {}
        for c in a.citations:
            key = (c.article_id, c.start, c.end)
            if key not in cited:
                cited[key] = len(citations) + 1
                citations.append(replace(c, n=cited[key]))
            number[c.n] = cited[key]
        text.append(re.sub(r"\[(\d+)\]", lambda m: f"[{number.get(int(m.group(1)), m.group(1))}]", a.text))
        conflicts += [replace(c, values=tuple(replace(v, citations=tuple(number.get(n, n) for n in v.citations))
                                              for v in c.values)) for c in a.conflicts]
        notes += [n for n in a.notes if n not in notes]
    answered = [a for _, a in parts if not a.abstained]
    if not answered:
        first = parts[0][1]
        return Answer(question, ABSTAIN_TEXT, citations=first.citations, abstained=True, confidence=first.confidence,
                      query=" / ".join(a.query for _, a in parts), notes=[NOTE, *first.notes])
    lead = parts[0][1]
    return Answer(question, " ".join(text), citations=citations, confidence=min(a.confidence for a in answered),
                  query=" / ".join(a.query for _, a in parts), conflicts=conflicts, notes=[NOTE, *notes],
                  short_answer=None if lead.abstained else lead.short_answer)
