"""Near-identical sentences that contradict each other: the same words around one short span
that holds a different name or number ("... stadium in Tampa, Florida, the home ..." vs "...
stadium in Glendale, Arizona, the home ..."). Wire copies and updated versions of one report
look like this, and so do RGB's counterfactual passages.

Limits: word-level diff (difflib), so a reordered sentence is not near-identical; a span that
differs only in lower-case or function words ("said" vs "added", "Since" vs "After") is wording,
not a contradiction; numbers within rounding ("21,000" vs "21,100") are not one either; fragments
under six words are not compared.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from index.text.words import DIFF_TOKEN, STOPWORDS

from assistant.reading.values import quantities, same_value

_VALUE_TOKEN = re.compile(r"^[A-Z0-9]|\d")
MIN_WORDS = 6  # "Sep 11, 2021 ..." vs "Sep 12, 2021 ...": snippet stubs, not sentences to compare


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Word tokens (punctuation dropped: "Tampa, Florida" is two words; "21,000" is one) with
    their offsets."""
    return [(m.group(0).lower().rstrip("."), m.start(), m.end()) for m in DIFF_TOKEN.finditer(text)
            if any(ch.isalnum() for ch in m.group(0))]


def _is_value(span: str) -> bool:
    """A name or a number: a digit, or a capitalised word that is not a function word ("Since")."""
    return any(_VALUE_TOKEN.search(t) and (any(ch.isdigit() for ch in t) or t.lower().strip(".,") not in STOPWORDS)
               for t in span.split())


def contradiction(a: str, b: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Spans of `a` and `b` that differ, when the sentences are otherwise the same (three quarters
    of the longer one's words, six words at least) and each span holds a name or number; None
    when they are not near-identical or only differ in wording."""
    ta, tb = _tokens(a), _tokens(b)
    if min(len(ta), len(tb)) < MIN_WORDS:
        return None
    sm = SequenceMatcher(None, [t[0] for t in ta], [t[0] for t in tb], autojunk=False)
    same = sum(blk.size for blk in sm.get_matching_blocks())
    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
    if same < 0.75 * max(len(ta), len(tb)) or not ops or len(ops) > 3:
        return None
    for tag, i1, i2, j1, j2 in ops:
        if tag != "replace" or not (0 < i2 - i1 <= 6 and 0 < j2 - j1 <= 6):
            continue
        sa, sb = (ta[i1][1], ta[i2 - 1][2]), (tb[j1][1], tb[j2 - 1][2])
        va, vb = a[sa[0]:sa[1]], b[sb[0]:sb[1]]
        if not (_is_value(va) and _is_value(vb)):
            continue
        ka, kb = (re.sub(r"\W", "", v.lower()) for v in (va, vb))
        if ka.startswith(kb) or kb.startswith(ka):
            continue  # "J.F." vs "J. F. Lawton": one cut short, not a different name
        qa, qb = quantities(va), quantities(vb)
        if qa and qb and same_value(qa[0].value, qb[0].value):
            continue  # "21,000" vs "21,100": rounding, not disagreement
        return sa, sb
    return None
