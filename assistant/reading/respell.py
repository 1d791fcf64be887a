"""A misspelt word of a question read as the word the retrieved passages use: "When did the Ever
Givn get freed?" is asked again as "When did the Ever Given get freed?".

Why: dense retrieval finds the right passages despite a typo, but the reading rules and BM25 see
a word no article holds, and the answer abstained. Only a question that abstained is respelt, so
a correct question is never changed.

A word is misspelt when it has four letters or more, is no stopword and no article in the index
holds it (`known`, a BM25 lookup); it is read as the word of the retrieved passages nearest in
spelling (`index.text.spelling`: one edit up to eight letters, two from nine), with the same
first letter and not one the other begins with ("Korea" is no typo of "Korean"), the most
frequent among equals, written as the passages write it most often.

An acronym no article holds ("WFP") is read as the name of the retrieved passages whose initials
spell it ("World Food Programme", `acronyms.spelled_out`).

Limits: English; a typo in the first letter, or a word the retrieved passages do not hold, is not
corrected; a rare word the index lacks may be "corrected" to a near one, which is why the answer
says what it read ("Read “Givn” as “Given”.").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from index.text.spelling import allowed, edits
from index.text.words import STOPWORDS, TERM

from assistant.reading.acronyms import spelled_out

MIN_LETTERS = 4
_ACRONYM = re.compile(r"[A-Z]{2,8}")
NOTE = "Read {changes}."


@dataclass(frozen=True)
class Respelling:
    text: str  # the question with its misspelt words replaced
    changes: tuple[tuple[str, str], ...]  # (as typed, as read)

    @property
    def note(self) -> str:
        return NOTE.format(changes=", ".join(f"“{a}” as “{b}”" for a, b in self.changes))


def respelt(question: str, known: Callable[[str], bool], passages: Iterable[str]) -> Respelling | None:
    """`question` with each misspelt word replaced by its nearest word in `passages` (their
    texts); None when nothing was changed."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    texts = list(passages)
    for text in texts:
        for w in TERM.findall(text):
            low = w.lower()
            counts[low] += 1
            forms.setdefault(low, Counter())[w] += 1
    out, changes, last = [], [], 0
    joined = " ".join(texts)
    for m in TERM.finditer(question):
        typed = m.group(0)
        low = typed.lower()
        if _ACRONYM.fullmatch(typed) and low not in counts and not known(low):
            if (name := spelled_out(typed, joined)) is not None:  # "WFP": "World Food Programme"
                out.append(question[last:m.start()] + name)
                last = m.end()
                changes.append((typed, name))
            continue
        if len(low) < MIN_LETTERS or not low.isalpha() or low in STOPWORDS or low in counts or known(low):
            continue
        most = allowed(low)
        # a word the other begins with is another form of it ("Korea", "Korean"), not a typo
        near = [(edits(low, c, most), -n, c) for c, n in counts.items()
                if c[:1] == low[:1] and c.isalpha() and abs(len(c) - len(low)) <= most
                and not c.startswith(low) and not low.startswith(c)]
        near = [x for x in near if x[0] <= most]
        if not near:
            continue
        best = min(near)[2]
        read = forms[best].most_common(1)[0][0]
        out.append(question[last:m.start()] + read)
        last = m.end()
        changes.append((typed, read))
    if not changes:
        return None
    return Respelling("".join(out) + question[last:], tuple(changes))
