"""Acronyms an article defines, so a sentence that says "SOHR" matches a question that says
"Syrian Observatory for Human Rights", and the other way round.

News reports name an organisation in full once, with its acronym in brackets, then use the
acronym: "the Syrian Observatory for Human Rights (SOHR)", "Hayat Tahrir al-Sham (HTS)", "the
Electric Reliability Council of Texas, known as ERCOT". Only
such definitions count: the bracketed capitals must be the initials of the capitalised words
just before them (small linking words such as "for", "of", "the" skipped; "al-Sham" gives S),
so "(AFP)" after an unrelated name is no definition. Limits: one definition form (name then
bracket, or name then ", known as ACR"); acronyms of 2 to 8 letters; an acronym defined twice
keeps its first meaning. `spelled_out` finds a name for an acronym no text defines, by its
initials alone (a question's "WFP" against a report's "World Food Programme").
"""

from __future__ import annotations

import re

from index.text.words import NAME_RUN, stems

_DEFINED = re.compile(r"\(([A-Z][A-Z0-9&]{1,7})\)")
# "the Electric Reliability Council of Texas, known as ERCOT,"
_KNOWN_AS = re.compile(r",?\s+(?:also\s+)?known\s+as\s+([A-Z][A-Z0-9&]{1,7})\b")
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
    found = sorted([*_DEFINED.finditer(text), *_KNOWN_AS.finditer(text)], key=lambda m: m.start())
    for m in found:
        acronym = m.group(1)
        if acronym.lower() in out:
            continue
        where = _name_before(text, m.start(), acronym)
        if where is not None:
            out[acronym.lower()] = where
    return out


def _name_before(text: str, end: int, acronym: str) -> tuple[int, int] | None:
    """Where the capitalised words just before `end` whose initials spell `acronym` stand."""
    letters = [c for c in acronym if c.isalpha()]
    before = list(NAME_RUN.finditer(text, max(0, end - 200), end))
    taken: list[re.Match] = []
    want = len(letters)
    for w in reversed(before):
        if want == 0:
            break
        if w.group(0).lower() in _LINKS and taken:
            taken.append(w)
            if w.group(0)[0].upper() == letters[want - 1] and w.group(0).lower() != "the":
                want -= 1  # "ERCOT": the "of" of "Council of Texas" gives its O
            continue
        init = _initial(w.group(0))
        if not init or init.upper() != letters[want - 1]:
            break
        taken.append(w)
        want -= 1
    if want:
        return None
    while taken[-1].group(0).lower() in _LINKS:  # a name starts with a name word, not "the"
        taken.pop()
    return taken[-1].start(), taken[0].end()


_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")


def spelled_out(acronym: str, text: str) -> str | None:
    """A name in `text` whose initials spell `acronym` ("World Food Programme" for "WFP"), where
    the text uses the name but never defines the acronym; the first such, or None. Two words or
    more."""
    for m in _CAPITALISED.finditer(text):
        found = _name_before(text, m.end(), acronym.upper())
        if found is not None and " " in text[found[0]:found[1]]:
            return text[found[0]:found[1]]
    return None


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
