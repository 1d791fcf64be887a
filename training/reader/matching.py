"""Text matching for labelling reader pairs: where a quiz choice occurs in a sentence, and how
many content words a sentence shares with a question.

Normalisation folds case, accents and typographic quotes and treats every run of
non-alphanumeric characters as one space, so "280,000" matches "280,000", "Rahman's" contains
"Rahman", and "$5.75" matches "5.75". `find_choice` searches the normalised sentence for a
choice and its simple variants (leading article or title dropped, a quoted title on its own,
the part before a comma: "Plymouth, Massachusetts" -> "Plymouth") at word boundaries, and maps
the hit back to exact character offsets in the original sentence. Limits: no paraphrase
("the Bills" for "Buffalo Bills" is missed), no number words ("three" for "3"), and a crude
stemmer (prefix of 5 letters) for overlap counts.

Its stopwords and stemmer are its own on purpose, not `index.text.words`': they are part of the
labelling rules the shipped weights were built with (the card's "groups-1"), so the product's
search and reading words can change without changing what a rebuild of the groups produces.
"""

from __future__ import annotations

import re
import unicodedata

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours according week weeks recently recent reported report reports new
    year years following first last one two said says say announced news month today day days
    many much people called named known become became name following time times than""".split()
)
# words that open a choice without naming it: "Pope Benedict XVI" is found as "Benedict XVI"
_TITLES = ("pope ", "president ", "prime minister ", "sen ", "senator ", "rep ", "gov ",
           "governor ", "dr ", "king ", "queen ", "prince ", "princess ", "judge ", "justice ")
_ARTICLES = ("the ", "a ", "an ")
# choices too generic to label anything by string match alone
_GENERIC = frozenset("true false yes no none all of the above both neither".split()) | {
    "all of the above", "none of the above", "both", "neither"}
_QUOTED = re.compile(r"[\"“”‘’']([^\"“”]{3,}?)[\"“”’']")


class _Fold(dict):
    """str.translate table folding each char to lower-case, accent-free alphanumerics, anything
    else to a space; filled on first sight of a char, so translate runs at C speed after."""

    def __missing__(self, o: int) -> str:
        d = unicodedata.normalize("NFKD", chr(o))
        d = "".join(x for x in d if not unicodedata.combining(x)).casefold()
        v = "".join(x if x.isalnum() else " " for x in d) or " "
        self[o] = v
        return v


_FOLD = _Fold()


def normalise(text: str) -> str:
    return " ".join(text.translate(_FOLD).split())


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """(normalised text, for each normalised char the index of the original char it came from).
    Runs of non-alphanumerics become one space; no leading/trailing space."""
    folded = text.translate(_FOLD)
    if len(folded) != len(text):  # a char folded to several ("ß" -> "ss"): map char by char
        return _slow_map(text)
    parts: list[str] = []
    idx: list[int] = []
    for m in _RUN.finditer(folded):
        if parts:
            parts.append(" ")
            idx.append(m.start() - 1)
        parts.append(m.group())
        idx.extend(range(m.start(), m.end()))
    return "".join(parts), idx


_RUN = re.compile(r"\S+")


def widen_units(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """Take in a currency sign before and a per cent sign after a number: "$5.75", "52.1%"."""
    a, b = span
    if a > 0 and sentence[a - 1] in "$£€" and sentence[a].isdigit():
        a -= 1
    if b < len(sentence) and sentence[b] == "%" and sentence[b - 1].isdigit():
        b += 1
    return a, b


def _slow_map(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    idx: list[int] = []
    for i, c in enumerate(text):
        for d in _FOLD[ord(c)]:
            if d == " ":
                if out and out[-1] != " ":
                    out.append(" ")
                    idx.append(i)
            else:
                out.append(d)
                idx.append(i)
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    return "".join(out), idx


def choice_variants(choice: str) -> list[str]:
    """Normalised forms of a choice worth searching for, longest first; [] for generic ones."""
    full = normalise(choice)
    if not full or full in _GENERIC or (len(full) < 2) or (len(full) < 3 and not full.isdigit()):
        return []
    out = {full}
    for pre in _ARTICLES + _TITLES:
        if full.startswith(pre) and len(full) - len(pre) >= 3:
            out.add(full[len(pre):])
    for m in _QUOTED.finditer(choice):  # a quoted title: "“Flowers” by Miley Cyrus"
        q = normalise(m.group(1))
        if len(q) >= 4:
            out.add(q)
    if "," in choice:
        head = normalise(choice.split(",", 1)[0])
        if len(head) >= 4 and head not in STOPWORDS:
            out.add(head)
    return sorted(out, key=lambda v: (-len(v), v))


def find_choice(sentence: str, variants: list[str]) -> tuple[int, int] | None:
    """Character span (start, end) of the first variant found in `sentence`, at word bounds."""
    if not variants:
        return None
    padded = f" {normalise(sentence)} "
    for v in variants:
        k = padded.find(f" {v} ")
        if k >= 0:
            norm, idx = normalise_with_map(sentence)  # only for a hit: the map costs more
            assert f" {norm} " == padded
            a, b = k, k + len(v) - 1  # indices into norm (the pad shifts by one, the leading space back)
            return idx[a], idx[b] + 1
    return None


_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    return word[:5]


def content_stems(text: str, exclude: frozenset[str] = frozenset()) -> set[str]:
    """Stems of the content words of `text` (stopwords and `exclude` stems left out)."""
    out = set()
    for w in _WORD.findall(normalise(text)):
        if w in STOPWORDS or (len(w) < 3 and not w.isdigit()):
            continue
        s = stem(w)
        if s not in exclude:
            out.add(s)
    return out


def choice_stems(choice: str) -> frozenset[str]:
    return frozenset(content_stems(choice))
