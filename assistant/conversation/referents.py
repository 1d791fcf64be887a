"""What earlier turns of a conversation talk about, read without a language model: the names in
a question or an answer's cited quotes, and the likely referent of a later "it", "he" or "they".

- `names`: capitalised phrases ("Hayat Tahrir al-Sham", "Deir ez-Zor", "Electric Reliability
  Council of Texas"); a single capitalised word opening a sentence is flagged, since "Thousands"
  and "Homs" look alike there.
- `own_entities`: the names and numbers a question brings itself (a self-contained question).
- `referents`: for one (question, Answer) turn, what a later pronoun most likely points at:
  the names the turn searched for and the names its answer found, ordered by the kind of
  question and of pronoun (see its docstring).

Limits: English; names are found by capitalisation only (no NER model), so lower-case names are
missed and a capitalised common word inside a sentence counts as a name. Deterministic.
"""

from __future__ import annotations

import re

from index.text.dates import MONTH_NAMES, WEEKDAYS
from index.text.words import STOPWORDS, TOKEN, stem

from assistant.reading.question import analyse
from assistant.records import Answer

STRONG = frozenset("its he him his she her hers they them their theirs himself herself themselves".split())
WEAK = frozenset("it itself there that this those these".split())
PERSONAL = frozenset("he him his she her hers himself herself".split())
ORDINALS = frozenset("first second third fourth fifth sixth last latest previous next earlier later".split())
IMPERATIVE = frozenset("name list give describe explain summarise summarize show find compare contrast".split())
_EMPTY_IT = re.compile(r"\s+(?:(?:would|will|did|does|do|could|might)\s+)?(?:take|takes|took|taking|seem|seems|"
                       r"seemed|appear|appears|appeared|is said|was said|is reported|was reported)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CONNECT = frozenset("of for de du del la le van von bin ibn al el".split())
_CALENDAR = frozenset(MONTH_NAMES + WEEKDAYS)  # capitalised, yet no name: "May", "Monday"


def _is_name(tok: str) -> bool:
    # "Homs", "HTS", and particle-led names like "al-Sham", "ez-Zor"; not a capitalised word
    # ending in a lower-case part, which qualifies a noun ("Islamist-led forces", "Iran-backed")
    return (bool(re.match(r"[A-ZÀ-ÖØ-Þ]|[a-z]{1,3}-[A-Z]", tok)) and tok.lower() not in _CALENDAR
            and not _QUALIFIER.search(tok))


_QUALIFIER = re.compile(r"\w-[a-z]+$")


def has_digit(tok: str) -> bool:
    return any(ch.isdigit() for ch in tok)


def names(text: str) -> list[tuple[str, int, bool]]:
    """Capitalised name phrases of `text`, in order, as (phrase, token position, initial) where
    `initial` marks a single word opening a sentence: "Thousands" or "Homs" can't be told apart
    there, so callers decide with other evidence."""
    toks = [(re.sub(r"['’]s$", "", m.group(0).rstrip(".,")), m.start(), m.end())  # "NASA's" -> "NASA"
            for m in TOKEN.finditer(text)]
    out: list[tuple[str, int, bool]] = []
    i = 0
    while i < len(toks):
        if not _is_name(toks[i][0]) or toks[i][0].lower() in STOPWORDS:
            i += 1
            continue
        j = i + 1

        def joins(k: int) -> bool:  # "Council of Texas": a connector only between two names
            word = toks[k][0]
            return _is_name(word) or (word in _CONNECT and k + 1 < len(toks) and _is_name(toks[k + 1][0]))

        while j < len(toks) and not text[toks[j - 1][2]:toks[j][1]].strip() and joins(j):
            j += 1
        opens = i == 0 or bool(re.search(r"[.!?\n]", text[toks[i - 1][2]:toks[i][1]]))
        out.append((" ".join(t[0] for t in toks[i:j]), i, opens and j == i + 1))
        i = j
    return out


def numbers(text: str) -> list[str]:
    return [m.group(0).rstrip(".,") for m in TOKEN.finditer(text) if has_digit(m.group(0))]


def content_words(text: str) -> list[str]:
    """Content words of `text` in order, original case, no duplicates."""
    out, seen = [], set()
    for m in TOKEN.finditer(text):
        w = m.group(0).strip(".,'’-")
        low = w.lower()
        if low in STOPWORDS or low in STRONG or low in WEAK or (len(w) < 2 and not w.isdigit()) or low in seen:
            continue
        seen.add(low)
        out.append(w)
    return out


def own_entities(question: str) -> list[str]:
    """Names and numbers the question brings itself (its first word is a question word or, if
    a name, a one-word fragment like "Hama?")."""
    fragment = len(content_words(question)) <= 2
    found = [p for p, _, initial in names(question)
             if not initial or (fragment and p.lower() not in IMPERATIVE)]
    return found + numbers(question)


def it_refers(question: str, m: re.Match) -> bool:
    """Does this "it" point at something ("How much does it weigh?"), rather than being the
    empty "it" of "how long did it take" or "is it true that"?"""
    after, before = question[m.end():m.end() + 30].lower(), question[:m.start()].lower()
    return not (_EMPTY_IT.match(after) or re.search(r"\b(is|was|isn't|wasn't)\s+$", before) and
                re.match(r"\s+(true|possible|likely|known|clear)\b", after))


def refers_with_it(question: str) -> bool:
    return any(it_refers(question, m) for m in re.finditer(r"\bit\b", question, re.I))


def pronoun_kind(question: str) -> str:
    """Which kind of referent the question's pronoun wants: person, thing, group or ""."""
    low = {w.lower().strip(".,'’") for w in TOKEN.findall(question)}
    if low & PERSONAL:
        return "person"
    if low & {"its", "itself"} or refers_with_it(question):
        return "thing"
    return "group" if low & {"they", "them", "their", "theirs", "themselves"} else ""


def has_name(name: str, text: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", text.lower()))


def _with_antecedent(c) -> str:
    """The quote, preceded by the sentence before it when it opens with a pronoun ("He warned that
    the number could rise" is about whoever the sentence before names)."""
    if not re.match(r"(he|she|they|it|his|her|its|their)\b", c.quote, re.I):
        return c.quote
    before = c.passage[:max(0, c.start - c.passage_start)].strip()
    return " ".join([_SENTENCE_END.split(before)[-1], c.quote]) if before else c.quote


def _answer_names(question: str, answer: Answer | None) -> list[str]:
    """Names the answer found (in its cited quotes, not in the query it searched), best first:
    a name scores in each quote that has it, more in earlier citations and next to the question's
    words (where answers sit); a name several outlets agree on adds up (it is the answer)."""
    if answer is None:
        return []
    query = answer.query or question
    q_stems = {stem(t) for t in analyse(question).terms}
    quotes = [_with_antecedent(c) for c in answer.citations[:6]]
    found = [names(q) for q in quotes]
    # a word opening a sentence ("Argentina won", "Thousands fled") is a name only if it is
    # also capitalised inside a sentence of the quotes or the passages around them
    known = {p.lower() for c in answer.citations[:6] for text in (c.quote, c.passage)
             for p, _, initial in names(text) if not initial}
    score: dict[str, float] = {}
    first: dict[str, tuple[int, int]] = {}
    spelled: dict[str, str] = {}
    for rank, (quote, phrases) in enumerate(zip(quotes, found)):
        toks = [stem(m.group(0).strip(".,'’")) for m in TOKEN.finditer(quote)]
        near = [i for i, t in enumerate(toks) if t in q_stems]
        here: dict[str, float] = {}
        for phrase, pos, initial in phrases:
            key = phrase.lower()
            if (initial and key not in known) or has_name(phrase, query):
                continue
            spelled.setdefault(key, phrase)
            first.setdefault(key, (rank, pos))
            width = len(phrase.split())
            # the question's words just before a name ("led by X") or right after it ("X armed group")
            s = 1.0 / (1 + rank) + (0.75 if any(-4 <= i - pos <= width + 1 for i in near) else 0.0)
            here[key] = max(here.get(key, 0.0), s)  # once per quote
        for key, s in here.items():
            score[key] = score.get(key, 0.0) + s
    return [spelled[k] for k in sorted(score, key=lambda k: (-score[k], first[k]))]


def _acronym_of(short: str, long: str) -> bool:
    """"HTS" for "Hayat Tahrir al-Sham", "ERCOT" for "Electric Reliability Council of Texas"."""
    if not (short.isupper() and 2 <= len(short) <= 6) or " " not in long:
        return False
    parts = [w.split("-")[-1] for w in long.split()]
    return short in ("".join(w[0] for w in parts).upper(),
                     "".join(w[0] for w in parts if w.lower() not in _CONNECT).upper())


def ordinal_phrases(query: str) -> list[str]:
    """"second earthquake" in "the magnitude of the second earthquake": a referent as precise
    as a name ("Where was it centred?" means that one, not the first)."""
    found = re.finditer(r"\b(" + "|".join(ORDINALS) + r")\s+(\w+)", query, re.I)
    return [f"{m.group(1)} {m.group(2)}" for m in found if m.group(2).lower() not in STOPWORDS]


# "What happened to the Baltimore bridge?": a name and the common noun it qualifies, after a
# preposition (so the noun is an object, not a verb: "When did the Ever Given sail?")
_HEADED = re.compile(r"\b(?:to|of|on|about|in|at|for|from|with|by|into|over|near|after|before)\s+"
                     r"(the\s+(?:[A-Z][\w'’-]*\s+){1,4}([a-z][a-z-]{2,}))(?=\s*(?:[?.!,;]|$))")


def headed_phrases(query: str) -> list[str]:
    """"the Baltimore bridge" in "What happened to the Baltimore bridge?": a referent more precise
    than its name ("What hit it?" asks about the bridge, not the city). The noun must end the
    question or a clause, and must not be a stopword or a past form ("the Suez Canal reopened")."""
    return [m.group(1) for m in _HEADED.finditer(query)
            if m.group(2) not in STOPWORDS and not m.group(2).endswith("ed")]


def referents(question: str, answer: Answer | None, pronoun: str = "") -> list[str]:
    """What a later "it", "he" or "they" may point at after this turn, most likely first: the
    names its query searched for (its own and any carried from earlier turns) and the names its
    answer found. The found name leads when a pronoun follows "who/which ..." ("Which team won?"
    -> "Who coached them?"), except that "it" after "who ..." is the thing asked about, not the
    person found ("Who announced the touchdown?" -> "How much does it weigh?"), and a pronoun
    repeated from that turn means what it meant there; otherwise the subject asked about leads
    ("When did Chandrayaan-3 land?" -> "What is its rover called?"). "The second earthquake"
    counts as a name, and so does "the Baltimore bridge" (`headed_phrases`); a name and its
    acronym count once, as the acronym."""
    query = (answer.query if answer is not None else "") or question
    # names a rewrite appended after the "?" are carried referents, not a sentence opening
    searched = ordinal_phrases(query) + [p for p, _, initial in names(query.replace("?", ","))
                                          if not initial or p in own_entities(question)]
    headed = headed_phrases(query)  # a name qualifying a noun stands for the noun phrase
    searched = [next((h for h in headed if has_name(p, h)), p) for p in searched]
    found = _answer_names(question, answer)
    # a question without a pronoun ("How much did the mission cost?") stays on the subject
    asked_name = bool(pronoun) and analyse(query).kind in ("person", "entity")
    if pronoun == "thing" and re.match(r"\s*who", question, re.I):
        asked_name = False
    if pronoun and pronoun == pronoun_kind(question):
        asked_name = False  # "Who coached them?" -> "Who scored their penalty?": the same "they"
    if answer is not None and answer.abstained:
        out = searched + found[:1]  # related reading is a guess, not an answer: one name at most
    elif asked_name:
        out = found[:1] + searched + found[1:2]
    else:
        out = searched + found[:1]
    every = searched + found
    out = [next((a for a in every if _acronym_of(a, p)), p) for p in out]
    return list(dict.fromkeys(out))
