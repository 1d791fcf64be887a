"""Find where retrieved articles disagree about what the question asks.

Three kinds of disagreement, each only among the sentences relevant to the question (the caller
passes those: high score) and only between *different* articles (one article giving two
figures is a story developing, not outlets disagreeing):
- quantity: each sentence's answer figure (see `quantity_claim`) — same unit or head noun as
  the question asks about ("how many vessels" -> vessels), or no unit where the sentence
  mentions the question's focus; figures more than 5 % apart and within a factor of 10 of each
  other disagree ("about 369 vessels" vs "more than 400 vessels"). Hedged figures ("could rise
  to 1.5 million") and figures the question itself states are not claims.
- date (questions asking "when"): the date after the question's event word ("released on ...")
  or else the first date in the sentence, never the date of a statement ("police said on 27
  March"), in sentences holding all of the question's terms, names and numbers ("When was Pixel
  6 announced?": "pixel", "6", "announced"). Strict on purpose: dates of other events abound.
- wording: two near-identical sentences that differ in one short span holding a name or number
  ("... stadium in Tampa, Florida" vs "... stadium in Glendale, Arizona") contradict each other
  (see `contradiction`); other relevant sentences stating exactly one of the two values join its side.

Only sentences about the names the question gives make claims (their article names them all in
its headline or opening, or anywhere while the sentence names one, `naming`): "How much did the
James Webb Space Telescope cost?" does not set a lunar mission's cost against the telescope's.
A question naming nothing compares the figures of articles naming a noun it says "the" of ("How
many hours did the fire burn?": not an earthquake report's "nine hours later").

Limits: surface rules, no language model: a figure about something else that shares the
question's focus word, in a story naming the same names, can still be compared; differently
worded sentences naming different people or places are not recognised as contradicting unless
they are near-identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.records import Article
from index.text.words import AUXILIARIES, DIFF_TOKEN, QUESTION_WORDS, STOPWORDS, alternation, stem, stems, words

from assistant.reading.question import AGREEMENT_FRAME, Question, name_stems
from assistant.reading.scoring import Candidate
from assistant.reading.values import DateMention, Quantity, dates, quantities, same_date, same_value
from assistant.news.contradiction import contradiction

MAX_RATIO = 10.0  # figures further apart than this are about different things, not a disagreement
_SYNONYMS = {"ship": "vessel", "boat": "vessel", "tanker": "vessel", "vessel": "vessel",
             "person": "people", "people": "people", "civilian": "people", "resident": "people",
             "individual": "people", "death": "death", "dead": "death", "fatality": "death", "fatalit": "death",
             "live": "death", "life": "death", "kill": "death", "toll": "death", "victim": "death", "casualt": "death",
             "kilometre": "km", "kilometer": "km", "km": "km", "mile": "mile", "metre": "m", "meter": "m",
             "m": "m", "feet": "ft", "foot": "ft", "ft": "ft", "percent": "%", "per": "%", "%": "%",
             "dollar": "$", "usd": "$", "euro": "€", "pound": "£", "day": "day", "hour": "hour", "minute": "min",
             "week": "week", "month": "month", "year": "year", "tonne": "t", "ton": "t", "knot": "knot"}
_MEASURES = frozenset({"km", "mile", "m", "ft", "%", "$", "€", "£", "day", "hour", "min", "week", "month", "year",
                       "t", "knot"})
_GENERIC = frozenset({"", "people", "death"})  # a bare count of people or dead matches any other count
_HEDGE = re.compile(r"\b(could|may|might|would|expected|projected|forecasts?|predicts?|if|plans?|aims?|target)\b"
                    r"[^.;]{0,40}$", re.I)
_STATEMENT_DATE = re.compile(r"\b(said|says|announced|reported|published|confirmed|told [\w ]{1,30}|stated)\s+"
                             r"(on|late on|early on|in)?\s*$", re.I)
_FOCUS_AFTER = re.compile(r"\bhow many\s+(\w+)(?:\s+(\w+))?", re.I)
DEATHS = re.compile(r"\b(death toll|toll|died|dead|deaths|kill|kills|killed|fatalities|casualties|lives)\b", re.I)
_MEASURE_Q = [(re.compile(r"\bhow (far|close|near)\b", re.I), {"km", "mile", "m", "ft"}),
              (re.compile(r"\bhow long\b", re.I), {"day", "hour", "min", "week", "month", "year", "km", "mile", "m"}),
              (re.compile(r"\b(percentage|percent|share|proportion)\b", re.I), {"%"}),
              (re.compile(r"\bhow much (money|did|does|do|is|was|will)\b|\b(cost|price)\b", re.I), {"$", "€", "£"})]


def unit_class(word: str) -> str:
    w = (word or "").lower()
    if not w:
        return ""
    # the plural first: the stemmer leaves "days" and cuts "metres" to "metr"
    singular = w[:-1] if w.endswith("s") and len(w) > 3 else w
    return _SYNONYMS.get(w) or _SYNONYMS.get(singular) or _SYNONYMS.get(stem(w)) or stem(w)


@dataclass(frozen=True)
class Focus:
    """What figure the question asks about: unit classes, or none (any count)."""

    classes: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()  # stems a sentence must mention for a unit-less figure to count

    @classmethod
    def of(cls, q: Question) -> "Focus":
        for rx, units in _MEASURE_Q:
            if rx.search(q.text):
                return cls(frozenset(units))
        if DEATHS.search(q.text):
            return cls(frozenset({"death", "people"}), frozenset({"death", "toll", "died", "dead", "kill", "killed",
                                                                  "live"}))
        m = _FOCUS_AFTER.search(q.text)
        if m:
            nouns = [w for w in m.groups() if w and w.lower() not in STOPWORDS]
            if nouns:
                return cls(frozenset(unit_class(w) for w in nouns), frozenset(stem(w) for w in nouns))
        return cls()


@dataclass(frozen=True)
class Claim:
    """One article's answer to the question, as found in one sentence."""

    cand: Candidate
    value: str  # as the article words it: "about 369 vessels"
    quantity: Quantity | None = None
    date: DateMention | None = None


@dataclass
class Disagreement:
    """Different values for one thing: `groups` hold claims that agree with each other, the group
    of the best-scoring claim first."""

    kind: str  # "quantity" | "date" | "wording"
    subject: str
    groups: list[list[Claim]] = field(default_factory=list)

    def candidates(self) -> list[Candidate]:
        return [c.cand for g in self.groups for c in g]


def compatible(a: Quantity, b: Quantity) -> bool:
    """Two figures that can be of the same thing: the same measure, or counts of the same thing
    (a bare count matches any count), within a factor of `MAX_RATIO`."""
    ua, ub = unit_class(a.unit), unit_class(b.unit)
    if ua in _MEASURES or ub in _MEASURES:
        return ua == ub
    if ua != ub and not (ua in _GENERIC or ub in _GENERIC):
        return False
    return near(a, b)


def near(a: Quantity, b: Quantity) -> bool:
    """Within a factor of `MAX_RATIO` of each other: figures further apart are of different things."""
    lo, hi = sorted((abs(a.value), abs(b.value)))
    return lo > 0 and hi / lo <= MAX_RATIO


def quantity_claim(c: Candidate, q: Question, focus: Focus) -> Claim | None:
    """The figure `c` gives in answer to `q`, or None."""
    text = c.sentence.text
    asked = [x.value for x in quantities(q.text)]
    sent_stems = c.stems or frozenset(stems(text))
    best: tuple[int, Quantity] | None = None
    for x in quantities(text):
        if any(same_value(x.value, v) for v in asked) or _HEDGE.search(text[max(0, x.start - 60):x.start]):
            continue
        u = unit_class(x.unit)
        if focus.classes:
            if u in focus.classes:
                rank = 0
            elif u == "" and focus.words & sent_stems:
                rank = 1  # "the death toll rose to 21,000": no unit, but about what was asked
            else:
                continue
        elif u in _MEASURES:
            continue  # a count question does not ask for metres or per cent
        else:
            rank = 0 if x.value >= 20 else 1
        if best is None or rank < best[0]:
            best = (rank, x)
    return Claim(c, best[1].phrase, quantity=best[1]) if best else None


def _date_anchor(q: Question) -> tuple[set[str], str | None]:
    """What a sentence must name to answer a "when" question about the same thing: the question's
    names and numbers ("Pixel 6", "X") and its event word (the last plain term: "released")."""
    toks = words(q.text)
    caps = {m.group(0).lower() for m in re.finditer(r"(?<!^)\b[A-Z][\w'’-]*", q.text.strip())}
    names = {stem(w) for w in toks if (w in caps or any(ch.isdigit() for ch in w)) and w not in STOPWORDS}
    plain = [t for t, s in zip(q.terms, q.term_stems) if t not in caps and not any(ch.isdigit() for ch in t)
             and t not in ("date", "day", "year", "time", "month")]
    return names, (stem(plain[-1]) if plain else None)


def date_claim(c: Candidate, q: Question) -> Claim | None:
    """The date `c` gives in answer to a "when" question: not the date a statement was made, and
    only in a sentence naming what the question names and its event word."""
    if c.lexical < 0.9:
        return None  # every term of the question: "the tenth season premiered on ..." is another event
    names, event = _date_anchor(q)
    have = {stem(w) for w in words(c.sentence.text)}
    if not names <= have or (event and event not in have):
        return None  # "the Re-Arranged Album was released on ...": another thing's date
    asked, text = q.text.lower(), c.sentence.text

    def statement(d) -> bool:  # "police said on 27 March" — unless announcing is what was asked about
        m = _STATEMENT_DATE.search(text[max(0, d.start - 40):d.start])
        return bool(m) and stem(m.group(1).split()[0].lower()) != event

    found = [d for d in dates(text) if d.text.lower() not in asked and not statement(d)]
    if not found:
        return None
    # "announced in June 2008 and released in May 2012": the date after the event word
    at = [m.start() for m in DIFF_TOKEN.finditer(text) if event and stem(m.group(0).lower().rstrip(".")) == event]
    after = [d for d in found if any(0 <= d.start - p <= 60 for p in at)]
    d = (after or found)[0]
    return Claim(c, d.text, date=d)


def _norm(value: str) -> str:
    return " ".join(words(value))


def _group(claims: list[Claim], same) -> list[list[Claim]]:
    groups: list[list[Claim]] = []
    for cl in claims:
        for g in groups:
            if same(g[0], cl):
                g.append(cl)
                break
        else:
            groups.append([cl])
    return groups


_ASKING = re.compile(rf"^\s*(?:(?:how (?:many|much|long|far|old)|{alternation(QUESTION_WORDS)})\b"
                     rf"(?:\s+(?:{alternation(AUXILIARIES)})\b)?"
                     r"(?:\s+(?:the|a|an)\b)?\s*)", re.I)


def subject_of(question: str) -> str:
    """What a disagreement is about, from the question: "vessels were queued at the Suez Canal"."""
    q = AGREEMENT_FRAME.sub("", " ".join(question.split()).rstrip("?.! "), count=1)  # "Do the outlets agree on"
    rest = _ASKING.sub("", q, count=1)
    return rest if len(rest) >= 3 else q


UP_FRONT = 400  # characters of an article's text read as its opening, beside the headline


def naming(q: Question, relevant: list[Candidate], articles: dict[str, Article]) -> list[Candidate]:
    """The candidates about what the question names (its `name_stems`; all candidates when it
    gives none): their article names every one up front (headline or opening), or names every
    one anywhere and the candidate itself names one of them. A page covering several stories (a
    daily digest, often one line per item) names "Uvalde" in one item; its count of another
    shooting's dead, even beside it, is not about Uvalde."""
    names = set(name_stems(q))
    if not names:
        return relevant
    ids = {c.article_id for c in relevant}
    up_front = {a: names <= stems(articles[a].title + " " + articles[a].text[:UP_FRONT]) for a in ids}
    anywhere = {a: up_front[a] or names <= stems(articles[a].title + " " + articles[a].text) for a in ids}
    return [c for c in relevant if up_front[c.article_id]
            or (anywhere[c.article_id] and names & stems(c.sentence.text))]


def _on_topic(q: Question, focus: Focus, relevant: list[Candidate], articles: dict[str, Article]) -> list[Candidate]:
    """With no names asked (`naming` keeps every candidate), the candidates whose article names
    one of the nouns the question says "the" of, besides the figure's unit: for "How many hours
    did the fire burn?" an earthquake report's "nine hours later" is no figure of the fire's.
    Nouns only: a verb ("stuck") is as often said another way ("wedged") by another report."""
    topic = (_determined(q.text) & set(q.term_stems)) - focus.words - {stem(w) for w in focus.classes}
    if name_stems(q) or not topic:
        return relevant
    on = {a: bool(topic & stems(articles[a].title + " " + articles[a].text))
          for a in {c.article_id for c in relevant}}
    return [c for c in relevant if on[c.article_id]]


def _determined(text: str) -> set[str]:
    """Stems of the words of the phrases `text` opens with "the", "a" or "this" ("the fire", "the
    latest death toll": fire, death, toll)."""
    out: set[str] = set()
    for m in _DETERMINED.finditer(text):
        out.update(stem(w) for w in words(m.group(1)) if w not in STOPWORDS)
    return out


_DETERMINED = re.compile(r"\b(?:the|a|an|this|that|these|those)\s+((?:[\w'’-]+\s*){1,4}?)(?=\s+(?:of|in|at|on|for|"
                         r"from|to|by|with|did|does|do|was|were|is|are|has|have|had|will|would|can|could)\b|[?.!,]|$)",
                         re.I)


def _opposed(groups: list[list[Claim]], lead: list[Claim]) -> list[list[Claim]]:
    """Groups that disagree with `lead`: each has an article the other lacks."""
    arts = {c.cand.article_id for c in lead}
    return [g for g in groups if g is not lead and {c.cand.article_id for c in g} - arts
            and arts - {c.cand.article_id for c in g}]


def find_disagreements(q: Question, relevant: list[Candidate], articles: dict[str, Article],
                       subject: str = "", ranked: list[Candidate] | None = None) -> list[Disagreement]:
    """Disagreements among `relevant` (best first), most relevant first. A near-identical twin of a
    relevant sentence is compared too, wherever it ranks in `ranked` (it says the same thing but
    for one name or number, so it is as relevant as its twin)."""
    subject = subject or subject_of(q.text)
    out: list[Disagreement] = []
    # a figure or date from an article that never names what the question names is about
    # something else ("How much did the James Webb Space Telescope cost?": a lunar mission's cost)
    relevant_claims = naming(q, relevant, articles)
    if q.kind == "number":
        focus = Focus.of(q)
        claims = [cl for c in _on_topic(q, focus, relevant_claims, articles) if (cl := quantity_claim(c, q, focus))]
        groups = _group(claims, lambda x, y: same_value(x.quantity.value, y.quantity.value)
                        and compatible(x.quantity, y.quantity))
        lead = groups[0] if groups else []
        others = [g for g in _opposed(groups, lead) if compatible(lead[0].quantity, g[0].quantity)]
        if others:
            out.append(Disagreement("quantity", subject, [lead] + others))
    if q.kind == "date":
        claims = [cl for c in relevant_claims if (cl := date_claim(c, q))]

        def year(cl: Claim) -> int | None:
            p = articles[cl.cand.article_id].published
            return p.year if p else None

        groups = _group(claims, lambda x, y: same_date(x.date, y.date, year(x), year(y)))
        others = _opposed(groups, groups[0]) if groups else []
        if others:
            out.append(Disagreement("date", subject, [groups[0]] + others))
    taken = {id(c) for d in out for c in d.candidates()}
    wording = _wording(relevant, ranked or relevant, q, subject, taken)
    return out + ([wording] if wording else [])


def _wording(relevant: list[Candidate], ranked: list[Candidate], q: Question, subject: str,
             taken: set[int]) -> Disagreement | None:
    """Near-identical sentences from different articles contradicting each other in a name or number."""
    values: dict[str, list[Claim]] = {}
    asked = _norm(q.text)
    pairs = [(a, b) for i, a in enumerate(relevant) for b in relevant[i + 1:]]
    pairs += [(a, b) for a in relevant for b in ranked if all(b is not r for r in relevant)]
    for a, b in pairs:
        if a.article_id == b.article_id or (id(a) in taken and id(b) in taken):
            continue
        spans = contradiction(a.sentence.text, b.sentence.text)
        if not spans:
            continue
        va, vb = a.sentence.text[slice(*spans[0])], b.sentence.text[slice(*spans[1])]
        if f" {_norm(va)} " in f" {asked} " or f" {_norm(vb)} " in f" {asked} ":
            continue  # the question names it: the sentences are about different things
        if values and _norm(va) not in values and _norm(vb) not in values:
            continue  # one disagreement per answer: the one about the best sentences
        for c, v in ((a, va), (b, vb)):
            g = values.setdefault(_norm(v), [])
            if all(x.cand is not c for x in g):
                g.append(Claim(c, v))
    if len(values) < 2:
        return None
    # other relevant sentences stating exactly one of the values join that value's group
    for c in relevant:
        if any(x.cand is c for g in values.values() for x in g):
            continue
        text = f" {_norm(c.sentence.text)} "
        hits = [v for v in values if f" {v} " in text]
        if len(hits) == 1:
            values[hits[0]].append(Claim(c, values[hits[0]][0].value))
    groups = sorted(values.values(), key=lambda g: -max(x.cand.score for x in g))
    return Disagreement("wording", subject, groups)
