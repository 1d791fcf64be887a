"""What a question asks for, read without a language model: its content terms and the kind of
answer it wants ("how many" wants a number, "who" a person or group, "when" a date, "where" a
place). A request is read for the question inside it ("Can you tell me who won?" asks "who won?",
`unframed`) and a contraction as its words ("What's" as "What is", `uncontracted`). Also the
answer-type detectors shared by scoring; the words, stems and stopwords they read come from the
text toolkit (`index.text.words`).

Limits: English only; the cues are surface patterns, so "What toll did the quake take?" is
recognised as a number question but unusual phrasings fall back to kind "other", which simply
adds no type bonus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text.dates import MONTH_PATTERN, WEEKDAYS
from index.text.numbers import NUMBER_WORDS
from index.text.words import (APOSTROPHES, AUXILIARIES, COMPARING, IRREGULAR, QUESTION_WORDS, REPORT_NOUNS, STOPWORDS,
                              alternation, stem, words)

_PERSON_NOUNS = (r"person|man|woman|men|women|leader|president|official|minister|company|group|organi[sz]ation|"
                 r"team|party|agency|ceo|player|actor|actress|singer|politician|candidate|senator|governor|"
                 r"judge|club|network|firm|bank|brand|militia|faction|rebels?|movement|businessman|billionaire|"
                 r"author|director|star|athlete|celebrity|coach|artist|musician|rapper|prime minister|king|queen|"
                 r"prince|princess|pope|general|commander|spokesperson|spokesman|official|lawmaker|justice")
_PLACE_NOUNS = (r"city|country|town|state|region|province|place|continent|island|nation|county|village|capital|"
                r"location|area|port|airport|river|sea|ocean|border|neighbou?rhood|district|territory|site|venue")
_KINDS = [
    ("number", re.compile(
        r"\bhow (many|much|long|far|old|large|big|tall|high|deep|fast|often|close|near|heavy|wide)\b|"
        r"\bwhat (number|percentage|percent|share|proportion|amount|sum|total|fraction|price|cost)\b|"
        r"\b(death toll|toll)\b", re.I)),
    ("date", re.compile(
        r"^\s*when\b|\b(which|what) (year|date|day|month|time|decade)\b|\bon what day\b|\bsince when\b", re.I)),
    ("person", re.compile(
        r"^\s*who\b|\bwho (is|was|are|were|has|had|will|did)\b|\bwhose\b|\bwhom\b|"
        rf"\b(which|what)(\s+[\w'’-]+){{0,2}}?\s+({_PERSON_NOUNS})\b", re.I)),
    ("place", re.compile(
        rf"^\s*where\b|\b(which|what|in what)(\s+[\w'’-]+){{0,2}}?\s+({_PLACE_NOUNS})\b", re.I)),
    # "Which show...", "What company..." with a noun we don't classify: wants a named thing
    ("entity", re.compile(rf"^\s*(which|what)\s+(?!(?:{alternation(AUXILIARIES | {'happened', 'about'})})\b)\w+|"
                          r"\bname the\b", re.I)),
]

_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d)\b|\b(" + MONTH_PATTERN + r")\b\.?\s*\d{0,2}|"
    r"\b(" + "|".join(WEEKDAYS) + r"|yesterday|today|tonight|"
    r"last (week|month|year)|this (week|month|year)|\d{1,2}/\d{1,2}/\d{2,4})\b", re.I)
_DIGIT = re.compile(r"\d")
_CAPWORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "number" | "date" | "person" | "place" | "entity" | "other"
    terms: tuple[str, ...]  # content words in order, lower-case, unstemmed (for BM25 document frequencies)
    term_stems: tuple[str, ...]
    capitals: frozenset[str]  # capitalised words of the question, lower-cased
    focus: str = ""  # the word the question is about ("magnitude" in "What was the magnitude of ..."), a term


_LEAD = re.compile(
    r"^\s*(?:(?:and|so|but)\s+)?(?:how\s+(?:many|much|long|far|old|close|near|big|large)|"
    rf"{alternation(QUESTION_WORDS)})\s+(?:(?:{alternation(AUXILIARIES)})\s+)?"
    r"(?:(?:the|a|an|this|that|these|those)\s+)?", re.I)
_OPENS = re.compile(rf"^(?:{alternation(QUESTION_WORDS | AUXILIARIES)})\b", re.I)
_META = frozenset("name names type kind sort number amount title identity".split())


_DETERMINERS = frozenset("the a an its their his her this that these those".split())


def _is_verb(word: str, following: str) -> bool:
    """A verb after the head noun, guessed without a tagger: a past form ("designed", "won"), or
    a word followed by a determiner ("owns the ..."), which a noun in a noun phrase never is."""
    return word.endswith("ed") or word in IRREGULAR or following in _DETERMINERS


def _focus(text: str, terms: list[str]) -> str:
    """The head of the first phrase after the wh-word: "which wildly popular show was" -> show;
    through "the name of the X" to X."""
    run: list[str] = []
    ws = words(_LEAD.sub("", text, count=1))
    country_us = bool(re.search(r"\bU\.?S\.?(?![\w.])|\bUS\b", text))  # "US" is a place, not "us"
    for i, w in enumerate(ws):
        if w in ("us", "u.s") and country_us:
            run.append(w)  # "which major US retailer": the run goes on to its head
            continue
        if w in STOPWORDS or (len(w) < 2 and not w.isdigit()):
            if run and run[-1] not in _META:
                break
            if run:
                run = []
            continue
        if run and run[-1] not in _META and _is_verb(w, ws[i + 1] if i + 1 < len(ws) else ""):
            break  # "which architect designed the spire": the verb ends the phrase
        run.append(w)
    head = run[-1] if run else ""
    return head if head in terms and head not in _META else ""


def opens_a_question(text: str) -> bool:
    """Whether `text` opens as a question does: with a question word or an auxiliary verb before
    its subject ("Who owns it", "Was it sold")."""
    return bool(_OPENS.match(text.lstrip()))


def asking_part(text: str) -> str:
    """The sentence that asks, in a question with a lead-in ("Gas prices hit a record this week.
    How much does a gallon cost?"): the last one ending in "?" or opening with a question word;
    the whole text when there is no such sentence or only one sentence."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“'‘])", text.strip()) if p]
    if len(parts) < 2:
        return text
    for p in reversed(parts):
        if p.rstrip(" \"”'’").endswith("?") or _LEAD.match(p) and _LEAD.match(p).group(0).strip():
            return p
    return text


_CONTRACTED = re.compile(rf"\b(?:(what|who|where|when|how|why|that|there|here|it)[{APOSTROPHES}]|"
                         r"(what|who|where|when|how)(?=s\b))s\b", re.I)


def uncontracted(text: str) -> str:
    """"What's" (or "Whats", typed without the apostrophe) read as "What is", as the kind patterns
    expect ("who's" may be "who has": either is an auxiliary to them)."""
    return _CONTRACTED.sub(lambda m: (m.group(1) or m.group(2)) + " is", text)


# A request's opening frames the question and names nothing an answer would contain: "Explain
# the canal blockage", "Can you tell me who won", "Please give me ...", "I'd like to know where".
_REQUEST = re.compile(r"^\s*(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?"
                      r"(?:explain|describe|summari[sz]e|(?:tell|give|show)\s+(?:me|us)|"
                      r"(?:i['’]d|i\s+would)\s+like\s+to\s+know|i\s+want\s+to\s+know|do\s+you\s+know)\b\s*", re.I)


def unframed(text: str) -> str:
    """`text` without a request's opening ("Can you tell me who won?" -> "who won?")."""
    return _REQUEST.sub("", text, count=1)


# "What does HTS stand for?": the words asking for a name's long form, which the sentence that
# gives it ("Hayat Tahrir al-Sham (HTS)") does not use
_LONG_FORM = re.compile(r"\b(?:stands?|short)\s+for\b", re.I)


def restates_question(q: Question, span: str) -> bool:
    """Most content words of `span` (more than half) are the question's own terms: a mark that
    restates what was asked ("The James Webb Space Telescope" for "Which rocket launched the James
    Webb telescope?") is not its answer. A span with no content word (a bare number) restates
    nothing."""
    own = {stem(w) for w in words(span) if w not in STOPWORDS}
    return bool(own) and 2 * len(own & set(q.term_stems)) > len(own)


def name_stems(q: Question) -> list[str]:
    """Stems of the names `q` gives: its capitalised terms, not the word it opens with ("Which",
    or a capitalised first word)."""
    return [s for t, s in zip(q.terms, q.term_stems) if t in q.capitals and not q.text.lower().startswith(t)]


def analyse(text: str) -> Question:
    # the kind of answer and the focus come from the sentence that asks; terms from all of it
    asking = uncontracted(unframed(asking_part(text)))
    kind = next((k for k, rx in _KINDS if rx.search(asking)), "other")
    terms: list[str] = []
    ws = words(_LONG_FORM.sub(" ", unframed(text)))
    comparing = COMPARING if REPORT_NOUNS.intersection(ws) else frozenset()
    for w in ws:
        if w in STOPWORDS or w in comparing or (len(w) < 2 and not w.isdigit()) or w in terms:
            continue
        terms.append(w)
    caps = frozenset(m.group(0).lower() for m in re.finditer(r"\b[A-Z][a-zA-Z'’-]+", text))
    return Question(text, kind, tuple(terms), tuple(stem(t) for t in terms), caps, _focus(asking, terms))


# "how far" wants a distance, "how long" a duration, "how much" money or an amount
_UNIT_HINTS = [
    (re.compile(r"\bhow (far|close|near)\b", re.I),
     re.compile(r"\d[\d,.]*\s*(km|kilomet|mile|metre|meter|feet|foot|yard|m\b)|\b(kilomet|mile|metre|meter)", re.I)),
    (re.compile(r"\bhow long\b", re.I),
     re.compile(r"\b(second|minute|hour|day|week|month|year|decade|centur)s?\b|\b(km|kilomet|mile|metre|meter|feet)", re.I)),
    (re.compile(r"\bhow old\b", re.I), re.compile(r"\b(\d+|\w+)[- ]year[- ]old\b|\baged?\b", re.I)),
    (re.compile(r"\bhow (high|tall|deep)\b|\b(height|depth)\b", re.I),
     re.compile(r"\d[\d,.]*\s*(km|kilomet|mile|metre|meter|feet|foot|ft|m)\b|\b(kilomet|mile|metre|meter|feet)", re.I)),
    # "What was the score?" wants "4–2", not the year a record was set
    (re.compile(r"\bwhat (is|was) the (final )?score\b|\bscore of\b", re.I), re.compile(r"\d\s*[-–—]\s*\d")),
    # "What time did the bridge fall?" wants "1:28 a.m.", not the day
    (re.compile(r"\b(what|which) time\b|\bat what hour\b", re.I),
     re.compile(r"\d[:.]\d\d|\b\d{1,2}\s*([ap]\.?\s*m\b|[ap]\b|o'clock)|\b(noon|midnight)\b", re.I)),
    (re.compile(r"\bhow much (money|did|does|do|is|was|will|would)\b|\bwhat (price|cost)\b", re.I),
     re.compile(r"[$€£¥]|\b(dollar|euro|pound|yen|yuan|rupee|franc)s?\b|\b(cost|price|worth|paid|fund)", re.I)),
]


def fits_kind(kind: str, span: str) -> bool:
    """Could `span` (a short answer marked inside a sentence) be what a question of `kind` asks
    for? Only figures and dates are checked: a "how many" answer holds a figure, a "when" answer a
    date or a time. Names are not (a lowercase "eggs" answers "which item"), so other kinds pass."""
    if kind == "number":
        return any(_DIGIT.search(w) or w in NUMBER_WORDS for w in words(span))
    if kind == "date":
        return bool(_DIGIT.search(span) or _DATE.search(span))
    return True


def fits_unit(question: str, span: str, after: str = "") -> bool:
    """Does the marked `span`, with up to two words that follow it unbroken by punctuation in its
    sentence (`after`: the "-year-old" of "17-year-old", the " days" of "six days"), give what a
    "how long / how far / how old / how much money" question asks for? A date does not say how
    long a canal is."""
    after = _NEXT_WORDS.match(after).group(0)
    for asks, wants in _UNIT_HINTS:
        if asks.search(question) and not wants.search(span + after):
            return False
    return True


_NEXT_WORDS = re.compile(r"(?:[ -]+\w+){0,2}")


# a question of manner or reason ("How did the ship get stuck?", "Why were the SUVs recalled?")
# or one asking what someone said (about something: "What did Harbor Ledger say about the
# canal?", "What did the NTSB chair say?"; not "What did he say in his email?", which a quote
# answers) is answered by a clause, not a phrase to mark
_CLAUSE = re.compile(r"^\s*(?:why\b|how\s+(?:did|does|do|was|were|is|are|can|could|will|would|has|have|had)\b|"
                     r"what\s+(?:did|does|do|has|have|had|will|would)\s+.+?\s+(?:say|said|report|reported|write|"
                     r"written|wrote|claim|claimed|state|stated)(?:\s+(?:about|on|of)\b|\s*\??\s*$))", re.I)


def asks_for_a_clause(text: str) -> bool:
    return bool(_CLAUSE.match(asking_part(text)))


_SAID = re.compile(r"^\s*what\s+(?:did|does|do|has|have|had)\s+.+?\s+(?:say|said|tell|told|write|written|claim|claimed|"
                   r"state|stated|warn|warned)\b", re.I)


def asks_what_was_said(text: str) -> bool:
    """"What did the NTSB chair say?", "What did he say in his email?": a statement is asked
    for, the words someone said."""
    return bool(_SAID.match(asking_part(text)))


def asks_whether_reports_agree(text: str) -> bool:
    """"Do the outlets agree on the death toll?", "Do the reports differ on the date?": a word for
    reports and one for agreeing or differing."""
    ws = set(words(text))
    return bool(ws & REPORT_NOUNS) and bool(ws & COMPARING)


# "Do the outlets agree on", "Did the two reports differ about": what such a question opens with
AGREEMENT_FRAME = re.compile(rf"^\s*(?:do|did|does)\s+(?:the\s+)?(?:two\s+|all\s+|both\s+)?"
                             rf"(?:{alternation(REPORT_NOUNS)})\s+(?:{alternation(COMPARING)})\b\s*"
                             r"(?:(?:on|about|over|as\s+to)\b\s*)?", re.I)
_AGREE_ON = re.compile(rf"{AGREEMENT_FRAME.pattern}(?P<q>(?:{alternation(QUESTION_WORDS)})\b.+?)\s*\??\s*$", re.I)


def fact_compared(text: str) -> str | None:
    """The question inside "Do the reports agree on how many vessels were stuck?" ("How many
    vessels were stuck?"), read as asked, while the answer sets the reports' figures side by side
    (`asks_whether_reports_agree`); None for any other question."""
    m = _AGREE_ON.match(text)
    return f"{m['q'][0].upper()}{m['q'][1:]}?" if m else None


def asks_yes_or_no(text: str) -> bool:
    """"Is Homs under rebel control?", "Did anyone die?": an auxiliary opens it, and it names no
    alternatives ("Was it Argentina or France?") and embeds no question word ("Do you know who
    won?"). A sentence answers it; no phrase in it is the answer."""
    ws = words(uncontracted(unframed(asking_part(text))))
    return bool(ws) and ws[0] in AUXILIARIES and "or" not in ws and not any(w in QUESTION_WORDS for w in ws)


def is_question(text: str) -> bool:
    """`text` asks something: it ends with "?" or ":" (a quiz's "... was started by:"), opens as a
    question does, has a question word ("drought in what year") or runs to more than six words. A
    topic typed alone ("chandrayaan landing", "explain the Suez blockage") asks for no one thing."""
    asking = uncontracted(unframed(asking_part(text))).strip()
    if asking.endswith(("?", ":")) or opens_a_question(asking):
        return True
    ws = words(asking)
    return len(ws) > 6 or any(w in QUESTION_WORDS for w in ws)


def has_answer_type(kind: str, sentence: str, question: Question) -> bool:
    """Does the sentence hold something of the wanted kind that the question itself does not?"""
    if kind == "number":
        for asks, wants in _UNIT_HINTS:
            if asks.search(question.text) and not wants.search(sentence):
                return False
        nums = {w for w in words(sentence) if _DIGIT.search(w) or w in NUMBER_WORDS}
        return bool(nums - set(question.terms))
    if kind == "date":
        return any(m.group(0).lower().strip() not in question.text.lower() for m in _DATE.finditer(sentence))
    if kind in ("person", "place", "entity"):
        caps = {m.group(0).lower() for m in _CAPWORD.finditer(sentence)}
        return bool(caps - question.capitals - STOPWORDS)
    return False
