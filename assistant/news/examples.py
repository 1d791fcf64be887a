"""Example questions for an index, made from its articles without a language model.

The subject of an article is the longest run of capitalised words in its first sentences
(sentence case, so capitals mark names: "The Francis Scott Key Bridge in Baltimore collapsed"
-> "Francis Scott Key Bridge"); the question asks what the articles say about it. Newest
articles first, one question per subject. Limits: an article whose opening names nothing
(no capitalised run of two or more words) gives no example.
"""

from __future__ import annotations

from assistant.conversation.referents import names
from assistant.reading.sentences import split_sentences

_TRIM = frozenset("of for and de la the".split())


def subject_of(text: str) -> str:
    best = ""
    for s in split_sentences(text)[:2]:
        for phrase, _, _ in names(s.text):
            words = phrase.split()
            while words and words[-1].lower() in _TRIM:
                words.pop()
            cand = " ".join(words[:6])
            if len(words) >= 2 and len(cand) > len(best):
                best = cand
        if best:
            break
    return best


def example_questions(index, n: int = 4) -> list[str]:
    arts = sorted(index.articles(), key=lambda a: (a.published is not None, a.published), reverse=True)
    out, seen = [], set()
    for a in arts:
        subject = subject_of(a.text)
        if subject and subject.lower() not in seen:
            seen.add(subject.lower())
            out.append(f"What do the articles say about {subject}?")
        if len(out) >= n:
            break
    return out
