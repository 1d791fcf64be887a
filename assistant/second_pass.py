"""The second passes of `Assistant.ask`: a question whose answer abstained is asked once more,
another way, and the second answer is kept only if it answers.

- `respelt`: a word no article holds, read as the nearest word of the retrieved passages ("When
  did the Ever Givn get freed?" with "Given"; `reading.respell`), the answer noting what was read;
- `on_its_own`: a follow-up rewritten with the conversation's subject that found nothing, but
  has a word no earlier turn used that the articles write as a name, or is a topic typed alone
  (`names_a_new_subject`: a new subject typed in lower case, "artemis launch date" or
  "earthquake" after questions on the Ever Given), asked without the conversation;
- `lean_on_history`: a question searched as is that found nothing, tried with the names of
  recent turns (`followup.retry_query`: never for a question naming its own subject).

Each takes `ask` (the assistant's, with the same filters) so one pass may lead to another on the
second question (a respelt follow-up is still a follow-up); none loops, since each second
question is one the pass would not change again.
"""

from __future__ import annotations

from typing import Callable

from index.text.words import STOPWORDS, words

from assistant.conversation.followup import retry_query
from assistant.conversation.history import HistoryLike
from assistant.reading.longform import asked_acronym
from assistant.reading.question import is_question
from assistant.reading.respell import respelt as respelling
from assistant.records import Answer, Passages
from assistant.retrieve import SearchableIndex, written_as_names

NOTE_ON_ITS_OWN = "Read with the conversation's subject it found nothing; answered as a question of its own."
Ask = Callable[..., Answer]  # Assistant.ask(question, history, **filters)


def respelt(ask: Ask, index: SearchableIndex, question: str, passages: Passages, history: HistoryLike | None,
            filters: dict) -> Answer | None:
    """The answer to `question` with its misspelt words respelt; None where nothing was respelt
    or the respelt question abstains too, or where it asks what an acronym stands for (initials
    are no definition: "What does CBFS stand for?" stays unanswered where no article defines it)."""
    if asked_acronym(question) is not None:
        return None
    fix = respelling(question, lambda w: bool(index.lexical_search(w, 1)), (h.text for h in passages.hits))
    if fix is None:
        return None
    second = ask(fix.text, history, **filters)
    if second.abstained:
        return None
    second.question = question
    second.notes.append(fix.note)
    return second


def names_a_new_subject(index: SearchableIndex, question: str, history: HistoryLike) -> bool:
    """`question` is a topic typed alone ("earthquake", read as a fragment of the last question),
    or has a word no earlier turn used that the articles write as a name, which the follow-up
    rules, reading capitals, cannot see."""
    if not is_question(question):
        return True
    said = set(words(" ".join(f"{q} {a.text}" for q, a in history)))
    new = [w for w in dict.fromkeys(words(question)) if w not in STOPWORDS and w not in said and len(w) > 2]
    return bool(new) and bool(written_as_names(index, new))


def on_its_own(ask: Ask, question: str, answer: Answer, filters: dict) -> Answer:
    """`question` asked without the conversation, kept (with a note saying so) if that answers."""
    second = ask(question, None, **filters)
    if second.abstained:
        return answer
    second.notes.append(NOTE_ON_ITS_OWN)
    return second


def lean_on_history(ask: Ask, question: str, history: HistoryLike, answer: Answer, filters: dict) -> Answer:
    """`question` tried once more with the names of recent turns, kept only if that answers."""
    query = retry_query(question, history)
    if not query:
        return answer
    second = ask(query, None, **filters)
    if second.abstained:
        return answer
    second.question = question
    return second
