"""Example questions for an index, made from its newest stories without a language model.

A story's subject is a name its opening sentences give (sentence case, so capitals mark names:
"The Francis Scott Key Bridge in Baltimore collapsed" -> "Francis Scott Key Bridge") that its
headline names too, so a name met in passing ("India Standard Time") is not taken for what the
story is about; failing that, the longest name of two words or more in the opening. A single
word opening a sentence is a name only if the story never writes it in lower case and it is no
number word ("Baltimore", not "Opposition" or "Thousands"). The newest
story is asked about as a person following the news would ("What's the latest on ...?"), the
others as "What happened with ...?". One question per subject, newest stories first.
Limits: a story whose opening names nothing (no capitalised run of two or more words) gives no
example; English only.
"""

from __future__ import annotations

from index.text.numbers import NUMBER_WORDS
from index.text.words import STOPWORDS, TERM, stems

from assistant.conversation.referents import names
from assistant.reading.sentences import split_sentences

_TRIM = frozenset("of for and de la the".split())
SCANNED = 40  # newest articles looked at for examples: enough for a few distinct subjects


def subject_of(text: str, title: str = "") -> str:
    """The name the story is about: of the names its opening sentences give, one its headline
    names too (the longest, two words or more first), else the longest opening name of two words
    or more; "" when there is none."""
    headline = set(stems(title))
    lowercase = {w for w in TERM.findall(text) if w[:1].islower()}
    named, fallback = [], ""
    for s in split_sentences(text)[:2]:
        for phrase, _, initial in names(s.text):
            if initial and (phrase.lower() in lowercase or phrase.lower() in NUMBER_WORDS):
                continue  # "Opposition forces ...", "Thousands flee ...": sentence case, not a name
            words = phrase.split()
            while words and words[-1].lower() in _TRIM:
                words.pop()
            cand = " ".join(words[:6])
            content = {x for x in stems(cand) if x not in STOPWORDS}
            if content and content <= headline:
                named.append(cand)
            elif len(words) >= 2 and len(cand) > len(fallback):
                fallback = cand
    if named:
        return max(named, key=lambda c: (len(c.split()) >= 2, len(c)))
    return fallback


def example_questions(index, n: int = 4) -> list[str]:
    out, seen = [], set()
    for a in index.newest(SCANNED):
        subject = subject_of(a.text, a.title)
        if subject and subject.lower() not in seen:
            seen.add(subject.lower())
            out.append(f"What's the latest on {subject}?" if not out else f"What happened with {subject}?")
        if len(out) >= n:
            break
    return out
