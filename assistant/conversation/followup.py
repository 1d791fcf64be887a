"""Follow-up questions without a language model: does a question lean on earlier turns, and if
so, what is actually searched (the query, which ends up in `Answer.query`).

`is_followup(question, history)`, rules in order:
1. an ellipsis: a marker at the start ("and ...", "what about X", "how about X") or a bare
   fragment that asks nothing of its own ("Hama?");
2. a pronoun that points back: its, he, him, his, she, her, they, them, their, or an "it" that
   refers ("How much does it weigh?", not "how long did it take");
3. the question names its own subject (capitalised names past the first word, numbers): it is
   self-contained and searched as is: a new topic must not drag the old one along;
4. otherwise this/that/these/those/there, or a very short question (<= 3 content words) that is
   no request for a summary ("summarize the situation in homs" names what it asks about).

`rewrite(question, history)`:
- a question word alone ("When?", "And where exactly?") asks the previous question with it
  ("Which city did the rebels capture?" -> "When did the rebels capture?"), then as a pronoun
  question (the referent added);
- a request for the latest that names nothing ("Any updates on that?", "What's the latest?",
  "Anything new?") asks it of the referent ("Any updates on Ever Given?"), so it is briefed on
  what the conversation is about instead of re-asking the last question with "updates" added;
- an ellipsis reuses the previous question (as it was searched) as a frame: the fragment's
  names, numbers and ordinals replace those of the same kind ("Who won the Golden Ball at the
  2022 World Cup?" + "And the Golden Boot?" -> "Who won the Golden Boot at the 2022 World Cup";
  "How many people fled Homs?" + "And Hama?" -> "How many people fled Hama"), other fragments
  are appended to it; a fragment naming a thing asked of what the last question was about (its
  subject: "What about the owner?" after "When was the Ever Given freed?") is asked as
  "<referent> <fragment>" typed into a search box would be (`keywords.as_question`: "Who owns
  the Ever Given?"); another that asks its own thing is expanded like a pronoun question;
- otherwise the referent of the last turn (`referents`: a name the last question searched for
  or its answer found; the turn before only when the last names nothing, and not across a
  topic switch) replaces the pronoun ("Who is its leader?" -> "Who is HTS's leader?"), or is
  appended when there is no pronoun; with no name anywhere, up to 3 words of the last question
  are appended. One referent only: every added word also pulls the previous answer back up.
`retry_query` is the optional second pass of `Assistant.ask`: a question searched as is that
found nothing, and names nothing of its own, is tried once more with the referent added.

Limits: English only; capitalisation is the only evidence of a name (a question typed in lower
case names nothing, so rule 4 may treat it as a follow-up); one referent is chosen by rules, not
understood, so "its mirror" after "Which rocket launched the telescope?" points at the rocket.
Deterministic.
"""

from __future__ import annotations

import re

from index.text.words import AUXILIARIES, LEADING_ARTICLE, STOPWORDS, TOKEN, alternation, stems

from assistant.conversation.history import HistoryLike
from assistant.conversation.referents import (IMPERATIVE, ORDINALS, STRONG, WEAK, content_words, has_digit, has_name,
                                              it_refers, names, own_entities, pronoun_kind, referents, refers_with_it)
from assistant.news.briefing import asks_for_latest, asks_for_summary
from assistant.news.collection_asked import edge_asked, subject_asked as collection_asked
from assistant.reading.keywords import as_question
from assistant.reading.question import analyse, opens_a_question

MAX_REFERENT = 8  # longest referent substituted or added, in words
FALLBACK_WORDS = 3  # words of the last question added when no turn named anything
_MARKER = re.compile(r"^\s*(?:(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what|how)\s+about\b|what\s+else\b|"
                     r"and\b|also\b)[\s,:;-]*", re.I)


_THAT = re.compile(r"\b(?:that|this)\b(?=\s*$)", re.I)  # "on that", "about this": what it refers to


# a question word alone ("When?", "And where exactly?"): the previous question, asked with it
_BARE_WH = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?(?P<wh>when|where|why|how|who)(?:\s+exactly)?\s*[?.!]*\s*$", re.I)
# the asking opening of a question: its question word and the noun it asks about ("Which city"),
# up to the auxiliary ("did the rebels capture"), or the question word alone ("Who won ...")
_WH_OPENING = re.compile(r"^\s*(?:(?:which|what|whose|how\s+(?:many|much))(?:\s+[\w'’-]+){0,2}?\s+(?=(?:did|does|do|is|was|"
                         r"were|are|has|have|had|will|would|can|could)\b)|how\s+(?:many|much)\b\s*|"
                         r"(?:who|whom|what|which|where|when|why|how)\b\s*)",
                         re.I)


def _reask(frame: str, wh: str) -> str:
    """`frame` asked with the question word `wh` instead of its own: "Which city did the rebels
    capture?" + "when" -> "When did the rebels capture?"."""
    rest = _WH_OPENING.sub("", frame.strip(), count=1).rstrip(" ?")
    return f"{wh.capitalize()} {rest}?"


def _ellipsis(question: str) -> str | None:
    """What follows an ellipsis marker ("And in Hama?" -> "in Hama"), or the whole of a bare
    fragment that asks nothing of its own ("Hama?", "The death toll?"); None otherwise.
    "What else ..." is not an ellipsis: it asks for more about the same thing."""
    m = _MARKER.match(question)
    if m and not question[:m.end()].lower().startswith("what else"):
        return question[m.end():].strip(" ?!.")
    first = question.split(" ", 1)[0].lower()
    if not m and not opens_a_question(question) and first not in IMPERATIVE and len(content_words(question)) <= 2 \
            and not asks_for_summary(question):  # "Tell me about it" asks a thing of its own
        return question.strip(" ?!.")  # "Compare the reports" asks a thing of its own
    return None


def _collection_subject(question: str) -> str | None:
    """What a question about the collection asks of: "bridge collapse" of "Which outlet reported
    first on the bridge collapse?", "" of "What's the oldest story?" (the whole index), None of
    any other question."""
    edge = edge_asked(question)
    return edge[1] if edge is not None else collection_asked(question)


def is_followup(question: str, history: HistoryLike | None) -> bool:
    """Does `question` lean on the earlier turns? (Rules 1-4 of the module docstring.)"""
    subject = _collection_subject(question)
    if not history or subject == "":
        # "What stories do you have?", "What's the oldest story?": the whole index, whatever came before
        return False
    if _MARKER.match(question) or _ellipsis(question) is not None:
        return True
    low = [w.lower().strip(".,'’") for w in TOKEN.findall(question)]
    if any(w in STRONG for w in low) or refers_with_it(question):
        return True
    if own_entities(question) or (subject and stems(subject)):
        return False  # a name of its own, or a subject listed ("Which stories mention the canal?")
    if any(w in WEAK for w in low):
        return True
    # "summarize the situation in homs" says what to summarize, in lower case or not
    return not asks_for_summary(question) and len(content_words(question)) <= 3


# -- pronoun questions -----------------------------------------------------------------------------
def _context(question: str, history: HistoryLike) -> tuple[str, list[str]]:
    """(referent, words): the best referent of the last turn, or, when it names nothing, of the
    turn before (older turns weigh less; a turn that named a new subject of its own cuts the
    older ones off); with no referent at all, up to `FALLBACK_WORDS` words of the last question."""
    seen = {w.lower().strip(".,?!'’") for w in TOKEN.findall(question)}
    recent = list(history)[-2:][::-1]
    last_q = recent[0][0] if recent else ""
    if len(recent) == 2 and own_entities(last_q) and not is_followup(last_q, list(history)[:-1]):
        recent = recent[:1]  # the last turn named a subject of its own: a new topic
    pronoun = pronoun_kind(question)
    for q, a in recent:
        for phrase in referents(q, a, pronoun):
            new = [w for w in phrase.split() if w.lower() not in seen and w.lower() not in STOPWORDS]
            if new and len(phrase.split()) <= MAX_REFERENT:
                return phrase, []
    if not recent:
        return "", []
    q = recent[0][0]
    theirs = own_entities(q)
    plain = [w for w in content_words(q) if w.lower() not in seen and not any(has_name(w, p) for p in theirs)]
    return "", plain[:FALLBACK_WORDS]


def context_terms(question: str, history: HistoryLike) -> list[str]:
    """The words a follow-up is searched with besides its own (see `expand`)."""
    referent, words = _context(question, history)
    return [w for w in referent.split() if w.lower() not in STOPWORDS] if referent else words


def _substitute(question: str, name: str) -> str:
    """The question with its pronoun replaced by `name`: "Who is its leader?" -> "Who is HTS's
    leader?", "What did he tell the residents?" -> "What did Abu Mohammed al-Jawlani tell the
    residents?". Unchanged when it has no pronoun of the kind it refers with."""
    kind = pronoun_kind(question)
    forms = {"person": "he him his she her hers", "thing": "it its", "group": "they them their theirs"}.get(kind)
    if not forms:
        return question

    def put(m: re.Match) -> str:
        low = m.group(0).lower()
        if low == "it" and not it_refers(question, m):
            return m.group(0)
        possessive = low in ("his", "its", "their", "theirs", "hers") or (
            low == "her" and re.match(r"\s+(?!(?:" + "|".join(sorted(STOPWORDS)) + r")\b)\w", question[m.end():]))
        return f"{name}'s" if possessive else name

    return re.sub(r"\b(?:" + forms.replace(" ", "|") + r")\b", put, question, flags=re.I)


def expand(question: str, history: HistoryLike) -> str:
    """The question with its pronoun replaced by the referent of recent turns, else with the
    referent (or the last question's words) added after it."""
    referent, words = _context(question, history)
    if referent:
        replaced = _substitute(question, referent)
        return replaced if replaced != question else f"{question} {referent}"
    return f"{question} {' '.join(words)}" if words else question


# -- ellipses and rewriting --------------------------------------------------------------------------
def _frame(history: HistoryLike) -> str:
    """The previous question as it was understood: its query when it was itself rewritten."""
    q, a = history[-1]
    query = (a.query if a is not None else "") or q
    return query if is_followup(q, history[:-1]) else q


def _kind(slot: str) -> str:
    return "number" if slot[:1].isdigit() else "ordinal" if slot.lower() in ORDINALS else "name"


def _slots(text: str, fragment: bool = False) -> list[tuple[str, str]]:
    """(slot, the word before it) for each name, number and ordinal ("second") of a question; in
    a fragment ("Hama?") a capitalised first word is a name too."""
    toks = [m.group(0).rstrip(".,?") for m in TOKEN.finditer(text)]
    out = [(p, toks[pos - 1].lower() if pos else "") for p, pos, initial in names(text)
           if not initial or (fragment and p.lower() not in STOPWORDS | IMPERATIVE)]
    out += [(t, toks[i - 1].lower() if i else "") for i, t in enumerate(toks)
            if has_digit(t) or t.lower() in ORDINALS]
    return out


def _swap(frame: str, rest: str) -> str:
    """Put the fragment's names, numbers and ordinals in place of the frame's of the same kind:
    the one sharing a word ("Golden Ball" -> "Golden Boot"), else after the same preposition
    ("in Homs" -> "in Hama"), else the last one ("first" -> "second"). With nothing of its kind
    to replace, a slot is added at the end, as are the fragment's other words."""
    frame = frame.rstrip(" ?")
    olds = _slots(frame.replace("? ", ", "))  # a name a rewrite appended after the "?" is a slot too
    added: list[str] = []
    for new, prep in _slots(rest, fragment=True):
        nw = set(new.lower().split())
        same = [k for k in range(len(olds)) if _kind(olds[k][0]) == _kind(new)]
        if not same:
            added.append(new)
            continue
        i = max(same, key=lambda k: (len(nw & set(olds[k][0].lower().split())),
                                     bool(prep) and olds[k][1] == prep, k))
        old = olds.pop(i)[0]
        frame = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, frame, count=1)
    taken = set(frame.lower().split()) | set(" ".join(added).lower().split()) | {"one", "ones"}
    extra = [w for w in content_words(rest) if w.lower() not in taken]
    return " ".join([frame, *added, *extra])


def _attribute(rest: str, history: HistoryLike) -> str | None:
    """A fragment naming what is asked of the conversation's subject ("the owner", "the death
    toll", "the cause"), asked as a search-box query of the referent would be ("Ever Given owner"
    -> "Who owns the Ever Given?"); None when it names no such thing, or the referent is not what
    the last question was about (its subject, right after "When was the"): after "When did the
    earthquake hit Türkiye?", "the cost" is not Türkiye's."""
    referent, _ = _context(rest, history)
    if not referent or not re.match(rf"\s*\w+\s+(?:{alternation(AUXILIARIES)})\s+(?:the\s+)?{re.escape(referent)}\b",
                                    _frame(history), re.I):
        return None
    return as_question(f"{referent} {LEADING_ARTICLE.sub('', rest.strip(' ?!.'), count=1)}")


def rewrite(question: str, history: HistoryLike | None) -> str:
    """The query to search for `question` asked after `history` (earlier (question, Answer)
    pairs, oldest first). A self-contained question comes back unchanged."""
    question = " ".join(question.split())
    if not history or not is_followup(question, history):
        return question
    if (bare := _BARE_WH.match(question)) is not None:
        # "When?" after "Which city did the rebels capture?": the same question asked with "when"
        return expand(_reask(_frame(history), bare["wh"]), history)
    rest = _ellipsis(question)
    news = (rest if rest is not None else question).rstrip(" ?!.")
    if asks_for_latest(news) and all(w.lower() == "new" for w in content_words(news)):
        # "Any updates on that?", "What's the latest?": the latest on what the conversation is
        # about, not the last question again with "updates" added
        news = _THAT.sub("it", news)
        return expand(news + ("?" if pronoun_kind(news) else " on it?"), history)
    if rest and opens_a_question(rest):
        return expand(rest + "?", history)  # "And who owns it?" asks a question of its own
    if rest and not _slots(rest, fragment=True) and (asked := _attribute(rest, history)):
        return asked  # "What about the owner?" after the Ever Given: "Who owns the Ever Given?"
    if rest and analyse(rest).kind == "other":
        frame = _frame(history)
        if _slots(rest, fragment=True):
            return _swap(frame, rest)  # the same question about another name, date or "second one"
        return f"{frame.rstrip(' ?')} {rest}".strip()
    return expand(rest or question, history)  # "What about the death toll?" asks of its own


def retry_query(question: str, history: HistoryLike | None) -> str | None:
    """A second query for a question that was searched as is and found nothing ("weak retrieval
    on its own"): the question with the context terms of recent turns. None when the question
    was already rewritten or names its own subject (a new topic must stay new)."""
    question = " ".join(question.split())
    if not history or is_followup(question, history) or own_entities(question):
        return None
    query = expand(question, history)
    return query if query != question else None
