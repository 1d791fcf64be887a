"""What a question asks for, read without a language model: its content terms and the kind of
answer it wants ("how many" wants a number, "who" a person or group, "when" a date, "where" a
place). Also the small text helpers shared by scoring: word stems and answer-type detectors.

Limits: English only; the cues are surface patterns, so "What toll did the quake take?" is
recognised as a number question but unusual phrasings fall back to kind "other", which simply
adds no type bonus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing done for from had has have
    having how i if in into is it its it's itself of on onto or our out over said say says than that the
    their theirs them then there these they this those to too under up upon us was we were what whatever
    when where whereas which while who whom whose why will with would you your yours about after again
    against all also am any because before between both during each few further here just more most
    other own same so some such only very s t can will just don should now according recently reported
    report reports news article articles tell told happened happen many much""".split()
)

_KINDS = [
    ("number", re.compile(
        r"\bhow (many|much|long|far|old|large|big|tall|high|deep|fast|often)\b|"
        r"\bwhat (number|percentage|percent|share|proportion|amount|sum|total|fraction)\b|"
        r"\b(death toll|toll|how many)\b", re.I)),
    ("date", re.compile(
        r"^\s*when\b|\bwhat (year|date|day|month|time)\b|\b(which|what) (year|date|day|month|decade)\b|"
        r"\bon what day\b|\bsince when\b", re.I)),
    ("person", re.compile(
        r"^\s*who\b|\bwhose\b|\bwhom\b|\b(which|what) (person|man|woman|leader|president|official|"
        r"minister|company|group|organi[sz]ation|team|party|agency|country's leader|ceo|player|actor|"
        r"singer|politician|candidate|senator|governor|judge|club|network|firm|bank|brand)\b", re.I)),
    ("place", re.compile(
        r"^\s*where\b|\b(which|what) (city|country|town|state|region|province|place|continent|island|"
        r"nation|county|village|capital|location|area|port|airport|river|sea|ocean)\b", re.I)),
]

_WORD = re.compile(r"[A-Za-z0-9À-ÖØ-öø-ÿ][\w'’.-]*[\w]|[\w]", re.UNICODE)
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "hundreds thousand thousands million millions billion billions trillion dozen dozens half quarter "
    "third percent".split())
_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d)\b|\b(" + "|".join(_MONTHS) + r")\b\.?\s*\d{0,2}|"
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"last (week|month|year)|this (week|month|year)|\d{1,2}/\d{1,2}/\d{2,4})\b", re.I)
_DIGIT = re.compile(r"\d")
_CAPWORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")


def words(text: str) -> list[str]:
    return [w.strip(".'’-").lower() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A deliberately small stemmer: enough to match 'displaced'/'displacement'/'displaces'."""
    w = word.lower().strip("'’")
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    for suf in ("ments", "ment", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if len(w) - len(suf) >= 4 and w.endswith(suf):
            w = w[: -len(suf)]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS}


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "number" | "date" | "person" | "place" | "other"
    terms: tuple[str, ...]  # content words in order, lower-case, unstemmed (for BM25 document frequencies)
    term_stems: tuple[str, ...]
    capitals: frozenset[str]  # capitalised words of the question, lower-cased


def analyse(text: str) -> Question:
    kind = next((k for k, rx in _KINDS if rx.search(text)), "other")
    terms: list[str] = []
    for w in words(text):
        if w in STOPWORDS or (len(w) < 2 and not w.isdigit()) or w in terms:
            continue
        terms.append(w)
    caps = frozenset(m.group(0).lower() for m in re.finditer(r"\b[A-Z][a-zA-Z'’-]+", text))
    return Question(text, kind, tuple(terms), tuple(stem(t) for t in terms), caps)


def has_answer_type(kind: str, sentence: str, question: Question) -> bool:
    """Does the sentence hold something of the wanted kind that the question itself does not?"""
    if kind == "number":
        nums = {w for w in words(sentence) if _DIGIT.search(w) or w in _NUMBER_WORDS}
        return bool(nums - set(question.terms))
    if kind == "date":
        return any(m.group(0).lower().strip() not in question.text.lower() for m in _DATE.finditer(sentence))
    if kind in ("person", "place"):
        caps = {m.group(0).lower() for m in _CAPWORD.finditer(sentence)}
        return bool(caps - question.capitals - STOPWORDS)
    return False
