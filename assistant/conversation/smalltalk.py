"""Messages that are not questions: a greeting, thanks, an acknowledgement, a goodbye ("hi",
"thanks!", "ok", "bye"). Searched as questions they found nothing and abstained with unrelated
related reading, and in a conversation they were read as follow-ups ("thanks" re-asked the
previous question with "thanks" appended). They get a line of their own instead, a greeting one
that says what to ask, with nothing searched; and a conversation's earlier small talk is passed
over when a follow-up looks back.

A greeting that opens a question ("Hi, who won the final?") is dropped and the rest is asked.

Limits: English; the whole message must be small talk (after punctuation, emoji and a few
fillers such as "there", "so much", "again"), so "thanks, and who owns it?" is read as a question
with its opening dropped, and anything longer or unlisted is a question.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from index.text.words import words

from assistant.records import Answer

GREETING, THANKS, ACK, GOODBYE = "greeting", "thanks", "acknowledgement", "goodbye"
_KINDS = {
    GREETING: "hi hello hey hiya howdy greetings yo good_morning good_afternoon good_evening",
    THANKS: "thanks thank_you thankyou thx ty cheers many_thanks much_appreciated",
    ACK: "ok okay k great cool nice got_it i_see alright all_right understood perfect fine",
    GOODBYE: "bye goodbye bye_bye see_you see_ya good_night later",
}
KIND_OF = {phrase.replace("_", " "): kind for kind, phrases in _KINDS.items() for phrase in phrases.split()}
# words that may trail or join any of them: "hi there", "thanks so much", "ok thanks"
_FILLERS = frozenset("there again so much very a lot all everyone folks for that the help and".split())
_OPENING = re.compile(r"^\s*(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening))(?:\s+there)?"
                      r"(?:\s*[,!.:;—–-]+\s*|\s+(?=(?:who|what|when|where|which|why|how|is|are|was|were|did|do|does"
                      r"|can|could|any)\b))", re.I)
REPLIES = {
    THANKS: "You're welcome. Ask another question about the articles whenever you like.",
    ACK: "Ask another question about the articles whenever you like.",
    GOODBYE: "Goodbye.",
}
NOTE = "Not a question about the articles: nothing was searched."


def kind_of(text: str) -> str | None:
    """The kind of small talk `text` is, or None when it is (or may be) a question."""
    ws = words(text.lower())
    if not ws or len(ws) > 6:
        return None
    found: set[str] = set()
    i = 0
    while i < len(ws):
        two = " ".join(ws[i:i + 2])
        if two in KIND_OF:
            found.add(KIND_OF[two])
            i += 2
        elif ws[i] in KIND_OF:
            found.add(KIND_OF[ws[i]])
            i += 1
        elif ws[i] in _FILLERS:
            i += 1
        else:
            return None
    # "ok thanks" thanks, "thanks bye" says goodbye: the last of these that was said
    for kind in (GOODBYE, THANKS, GREETING, ACK):
        if kind in found:
            return kind
    return None


def without_greeting(text: str) -> str:
    """`text` less a greeting that opens it ("Hi, who won?" -> "who won?"), or `text` itself."""
    rest = _OPENING.sub("", text, count=1)
    return rest if rest.strip() and any(ch.isalnum() for ch in rest) else text


def is_small_talk(text: str) -> bool:
    return kind_of(text) is not None


def answer(question: str, kind: str, examples: Callable[[], Sequence[str]] = tuple) -> Answer:
    """The reply to small talk of `kind`: a greeting's names up to two example questions
    (`examples()`, from the index), the others a line of their own; no citations."""
    if kind == GREETING:
        asks = list(examples())[:2]
        text = "Hello. Ask me about the indexed articles" + (
            ", for example: " + " or ".join(f"“{q}”" for q in asks) if asks else ".")
    else:
        text = REPLIES[kind]
    return Answer(question, text, confidence=1.0, notes=[NOTE])
