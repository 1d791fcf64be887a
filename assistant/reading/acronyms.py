"""Acronyms an article defines, so a sentence that says "SOHR" matches a question that says
"Syrian Observatory for Human Rights", and the other way round.

News reports name an organisation in full once, with its acronym in brackets, then use the
acronym: "the Syrian Observatory for Human Rights (SOHR)", "Hayat Tahrir al-Sham (HTS)". Only
such definitions count: the bracketed capitals must be the initials of the capitalised words
just before them (small linking words such as "for", "of", "the" skipped; "al-Sham" gives S),
so "(AFP)" after an unrelated name is no definition. Limits: one definition form (name then
bracket); acronyms of 2 to 8 letters; an acronym defined twice keeps its first meaning.
"""

from __future__ import annotations

import re

from index.text.words import NAME_RUN, stems

_DEFINED = re.compile(r"\(([A-Z][A-Z0-9&]{1,7})\)")
_LINKS = frozenset({"of", "for", "and", "the", "on", "in", "de", "du", "des", "la", "le", "&"})


def _initial(word: str) -> str:
    """The letter a word gives an acronym: "Human" H, "al-Sham" S, "U.N." U; "" for a small word."""
    parts = [p for p in word.split("-") if p]
    caps = [p for p in parts if p[:1].isupper()]
    return caps[-1][0] if caps and not parts[0][:1].isupper() else (word[0] if word[:1].isupper() else "")


def definitions(text: str) -> dict[str, str]:
    """Lower-case acronym -> the full name it stands for, as the text defines them."""
    return {a: text[start:end] for a, (start, end) in spans(text).items()}


def spans(text: str) -> dict[str, tuple[int, int]]:
    """Lower-case acronym -> where its full name stands in `text` (start, end), at the first
    definition."""
    out: dict[str, tuple[int, int]] = {}
    for m in _DEFINED.finditer(text):
        acronym = m.group(1)
        if acronym.lower() in out:
            continue
        letters = [c for c in acronym if c.isalpha()]
        window = max(0, m.start() - 200)
        before = list(NAME_RUN.finditer(text, window, m.start()))
        taken: list[re.Match] = []
        want = len(letters)
        for w in reversed(before):
            if want == 0:
                break
            if w.group(0).lower() in _LINKS and taken:
                taken.append(w)
                continue
            init = _initial(w.group(0))
            if not init or init.upper() != letters[want - 1]:
                break
            taken.append(w)
            want -= 1
        if want == 0:
            while taken[-1].group(0).lower() in _LINKS:  # a name starts with a name word, not "the"
                taken.pop()
            out[acronym.lower()] = (taken[-1].start(), taken[0].end())
    return out


def expanded(sentence_stems: frozenset[str], defined: dict[str, frozenset[str]]) -> frozenset[str]:
    """`sentence_stems` with each defined acronym's name added where the acronym stands, and the
    acronym added where the whole name does. `defined`: acronym stem -> the stems of its name."""
    extra: set[str] = set()
    for acronym, name in defined.items():
        if acronym in sentence_stems:
            extra |= name
        elif name and name <= sentence_stems:
            extra.add(acronym)
    return sentence_stems | extra if extra else sentence_stems


def stem_definitions(text: str) -> dict[str, frozenset[str]]:
    """`definitions`, as stems: what `expanded` takes."""
    return {next(iter(stems(a)), a): frozenset(stems(name)) for a, name in definitions(text).items()}
