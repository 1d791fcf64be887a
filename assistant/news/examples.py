"""Example questions for an index, made from its newest stories without a language model.

A story's subject is a name its opening sentences give (sentence case, so capitals mark names:
"The Francis Scott Key Bridge in Baltimore collapsed" -> "Francis Scott Key Bridge") that its
headline names too, so a name met in passing ("India Standard Time") is not taken for what the
story is about; failing that, three or more words the headline and the opening share ("the
total solar eclipse"), then the longest name of two words or more in the opening. A name the
opening writes with "the" keeps it ("the Francis Scott Key Bridge"). A single
word opening a sentence is a name only if the story never writes it in lower case and it is no
number word ("Baltimore", not "Opposition" or "Thousands"). The newest
story is asked about as a person following the news would ("What's the latest on ...?"), the
others as "What happened with ...?". One question per story, newest stories first.
Limits: a story whose opening names nothing (no capitalised run of two or more words) gives no
example; English only.
"""

from __future__ import annotations

import re

from index.text.numbers import NUMBER_WORDS
from index.text.words import STOPWORDS, TERM, stems

from assistant.conversation.referents import names
from assistant.reading.sentences import ABBREVIATIONS, split_sentences

_TRIM = frozenset("of for and de la the".split())
_WEB_WORDS = frozenset("com org net www news".split())  # of an outlet named by its host ("e.newsletters.cnn.com")
SCANNED = 40  # newest articles looked at for examples: enough for a few distinct subjects


def subject_of(text: str, title: str = "", outlet: str = "") -> str:
    """The name the story is about: of the names its opening sentences give, one its headline
    names too (the longest, two words or more first), else the longest opening name of two words
    or more; "" when there is none. A name holding the outlet's ("CNN Business" of a dateline
    "New York CNN Business —" on a cnn.com page) is the byline, not the subject."""
    headline = set(stems(title))
    own = _outlet_words(outlet)
    lowercase = {w for w in TERM.findall(text) if w[:1].islower()}
    named, fallback = [], ""
    for s in split_sentences(text)[:2]:
        for phrase, _, initial in names(s.text):
            if initial and (phrase.lower() in lowercase or phrase.lower() in NUMBER_WORDS):
                continue  # "Opposition forces ...", "Thousands flee ...": sentence case, not a name
            if _bylined(phrase, outlet, own) or phrase.lower() in ABBREVIATIONS:
                continue  # a dateline ("CNN —"), a title cut from its name ("Dr")
            words = phrase.split()
            while words and words[-1].lower() in _TRIM:
                words.pop()
            cand = " ".join(words[:6])
            content = {x for x in stems(cand) if x not in STOPWORDS}
            if content and content <= headline:
                named.append(cand)
            elif len(words) >= 2 and len(cand) > len(fallback):
                fallback = cand
    opening = " ".join(s.text for s in split_sentences(text)[:2])
    best = max(named, key=lambda c: (len(c.split()) >= 2, len(c))) if named else ""
    if len(best.split()) >= 2:
        return _with_article(best, opening)
    # "A total solar eclipse crossed ..." under "Total Solar Eclipse Sweeps Across Mexico": three
    # words or more of the headline in the opening, none of them a stopword, say what the story
    # is about better than a place named in passing
    run = shared_run(title, opening)
    ws = [w.lower() for w in run.split()]
    # a headline that is only the opening cut short ("CNN — First lady Dr") shares all of itself
    if len(ws) >= 3 and not set(ws) & STOPWORDS and not _bylined(run, outlet, own) and len(ws) < len(TERM.findall(title)):
        return run if any(w[:1].isupper() for w in run.split()) else f"the {run}"
    return _with_article(best or fallback, opening)


def _outlet_words(outlet: str) -> set[str]:
    """The words naming an outlet given by its host ("cnn" of "e.newsletters.cnn.com"); none for
    an outlet given by name, whose words may be common ("Harbor Ledger")."""
    if "." not in outlet:
        return set()
    return {w for w in re.split(r"[^a-z0-9]+", outlet.lower()) if len(w) > 2} - _WEB_WORDS


def _bylined(phrase: str, outlet: str, own: set[str]) -> bool:
    """Does `phrase` name the outlet (its host's name, or its whole name)?"""
    return bool(own & {w.lower() for w in phrase.split()}) or (bool(outlet) and outlet.lower() in phrase.lower())


def _with_article(name: str, opening: str) -> str:
    """"the Francis Scott Key Bridge" where the opening writes it so, as a noun phrase of its own
    (followed by punctuation, a stopword or a verb-like word: "the Moon on 19 August", "the
    Harbor Bridge reopened"), not as a modifier ("the Chandrayaan-3 mission"); as it is otherwise."""
    if not name:
        return name
    for m in re.finditer(rf"\bthe {re.escape(name)}(?=(\W|$))(?:\s+(\w+))?", opening, re.I):
        after = (m.group(2) or "").lower()
        if not after or m.group(1) not in (" ", "") or after in STOPWORDS or after.endswith(("ed", "s")):
            return f"the {name}"
    return name


def shared_run(title: str, opening: str) -> str:
    """The longest run of words the headline and the opening share, in the opening's case, less
    stopwords at either end ("the total solar eclipse" -> "total solar eclipse")."""
    h = [w.lower() for w in TERM.findall(title)]
    o = TERM.findall(opening)
    low = [w.lower() for w in o]
    best = (0, 0)  # (length, end in the opening)
    prev = [0] * (len(h) + 1)
    for i in range(1, len(o) + 1):
        cur = [0] * (len(h) + 1)
        for j in range(1, len(h) + 1):
            if low[i - 1] == h[j - 1]:
                cur[j] = prev[j - 1] + 1
                best = max(best, (cur[j], i))
        prev = cur
    words = o[best[1] - best[0]:best[1]]
    while words and words[0].lower() in STOPWORDS:
        words.pop(0)
    while words and words[-1].lower() in STOPWORDS:
        words.pop()
    return " ".join(words)


def example_questions(index, n: int = 4) -> list[str]:
    """Up to `n` questions, one per story: a subject an earlier example's story names in its
    headline or opening ("the Francis Scott Key Bridge" after "Baltimore", both of the bridge's
    collapse) is that story again."""
    out, told = [], []
    for a in index.newest(SCANNED):
        subject = subject_of(a.text, a.title, a.source)
        want = stems(subject)
        if subject and not any(want <= t for t in told):
            out.append(f"What's the latest on {subject}?" if not out else f"What happened with {subject}?")
            told.append(stems(a.title + " " + " ".join(s.text for s in split_sentences(a.text)[:2])))
        if len(out) >= n:
            break
    return out
