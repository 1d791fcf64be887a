"""`Conversation`: a chat with the assistant that remembers its turns, so follow-up questions
("Who is its leader?", "And in Hama?") are read against what was asked and answered before.

    chat = Assistant(index_dir).chat()
    chat.ask("Which armed group is leading the offensive?")
    chat.ask("Who is its leader?")        # searched together with the previous turn's names
    chat.reset()                          # a new topic, nothing carried over

A Conversation keeps a `History` (see `assistant.conversation.history`) and hands its recent
turns to `Assistant.ask(question, history=...)`, which does the reading (see
`assistant.conversation.followup`); callers without a Conversation (the web chat, the eval) pass
the same kind of history and get the same answers.

Limits: turns live in memory only; one Conversation is not meant to be shared between threads
(the Assistant may be). Only the last `HISTORY_TURNS` turns are handed over: follow-ups look back
two turns and prefer articles cited in the last three.
"""

from __future__ import annotations

from assistant.conversation.history import HISTORY_TURNS, History, Turn
from assistant.records import Answer


class Conversation:
    def __init__(self, assistant, history: History | None = None):
        """`history`: earlier turns to carry on from (default: a new conversation)."""
        self.assistant = assistant
        self.history = history if history is not None else History()

    def ask(self, question: str, **filters) -> Answer:
        """Answer `question` in the light of the earlier turns. `filters` are those of
        `Assistant.ask` (k, sources, since, until, ...). A question that raises is not kept."""
        answer = self.assistant.ask(question, history=self.history.recent(HISTORY_TURNS) or None, **filters)
        self.history.append(answer.question or question, answer)
        return answer

    def reset(self) -> None:
        """Forget every turn: the next question starts a new conversation."""
        self.history.reset()

    @property
    def turns(self) -> list[Turn]:
        """(question, Answer) turns, oldest first (a copy)."""
        return list(self.history)

    @property
    def last(self) -> Answer | None:
        return self.history.last

    def __len__(self) -> int:
        return len(self.history)

    def __repr__(self) -> str:
        return f"Conversation({len(self.history)} turns)"
