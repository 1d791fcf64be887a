"""Messages that are not questions about the articles: a greeting, thanks, an acknowledgement, a
goodbye ("hi", "thanks!", "ok", "bye"), a question about the assistant itself ("help", "What can
you do?", "Who are you?"). Searched as questions they found nothing and abstained with unrelated
related reading, and in a conversation they were read as follow-ups ("thanks" re-asked the
previous question with "thanks" appended). They get a line of their own instead (a greeting's
and a request for help's say what to ask), with nothing searched; and a conversation's earlier
small talk is passed over when a follow-up looks back.

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

GREETING, THANKS, ACK, GOODBYE, HELP = "greeting", "thanks", "acknowledgement", "goodbye", "help"
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
# a question about the assistant itself: "help", "What can you do?", "Who are you?"
_HELP = re.compile(r"^\s*(?:help(?: me)?|what can you do|what do you do|who are you|what are you|"
                   r"tell me (?:about|more about) yourself|what do you know|"
                   r"how does (?:this|it) work|how do i use (?:this|you|it)|what (?:can|should|do) i ask(?: you)?|"
                   r"what (?:questions|kind of questions) can i ask(?: you)?)[\s?.!]*$", re.I)
HELP_TEXT = ("I answer questions about the indexed articles with their own sentences, each cited with its "
             "outlet and date, and say so when they don't answer. You can also ask what the index holds "
             "(“What stories do you have?”), for a summary or the latest on something, how the reports of a "
             "story differ, or for its timeline.")
REPLIES = {
    THANKS: "You're welcome. Ask another question about the articles whenever you like.",
    ACK: "Ask another question about the articles whenever you like.",
    GOODBYE: "Goodbye.",
}
NOTE = "Not a question about the articles: nothing was searched."


def kind_of(text: str) -> str | None:
    """The kind of small talk `text` is, or None when it is (or may be) a question."""
    if _HELP.match(text):
        return HELP
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
    """The reply to small talk of `kind`: a greeting and a request for help name up to two
    example questions (`examples()`, from the index), the others a line of their own; no
    citations."""
    if kind in (GREETING, HELP):
        asks = list(examples())[:2]
        suggested = ", for example: " + " or ".join(f"“{q}”" for q in asks) if asks else "."
        text = ("Hello. Ask me about the indexed articles" + suggested if kind == GREETING
                else HELP_TEXT + (" For example: " + " or ".join(f"“{q}”" for q in asks) if asks else ""))
    else:
        text = REPLIES[kind]
    return Answer(question, text, confidence=1.0, notes=[NOTE])
