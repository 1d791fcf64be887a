"""`Conversation`: a chat with the assistant that remembers its turns, so follow-up questions
("Who is its leader?", "And in Hama?") are read against what was asked and answered before.

    chat = Assistant(index_dir).chat()
    chat.ask("Which armed group is leading the offensive?")
    chat.ask("Who is its leader?")        # searched together with the previous turn's names
    chat.reset()                          # a new topic, nothing carried over

A Conversation only keeps (question, Answer) pairs and hands the recent ones to
`Assistant.ask(question, history=...)`, which does the reading (see `assistant.conversation.followup`); callers
without a Conversation (the web UI, the eval) pass the same history and get the same answers.

Limits: turns live in memory only; one Conversation is not meant to be shared between threads
(the Assistant may be). Only the last `HISTORY_TURNS` turns are handed over: follow-ups look back
two turns and prefer articles cited in these.
"""

from __future__ import annotations

from assistant.records import Answer

HISTORY_TURNS = 4


class Conversation:
    def __init__(self, assistant):
        self.assistant = assistant
        self._turns: list[tuple[str, Answer]] = []

    def ask(self, question: str, **filters) -> Answer:
        """Answer `question` in the light of the earlier turns. `filters` are those of
        `Assistant.ask` (k, sources, since, until, ...). A question that raises is not kept."""
        answer = self.assistant.ask(question, history=self._turns[-HISTORY_TURNS:] or None, **filters)
        self._turns.append((answer.question or question, answer))
        return answer

    def reset(self) -> None:
        """Forget every turn: the next question starts a new conversation."""
        self._turns.clear()

    @property
    def turns(self) -> list[tuple[str, Answer]]:
        """(question, Answer) pairs, oldest first (a copy)."""
        return list(self._turns)

    @property
    def last(self) -> Answer | None:
        return self._turns[-1][1] if self._turns else None

    def __len__(self) -> int:
        return len(self._turns)

    def __repr__(self) -> str:
        return f"Conversation({len(self._turns)} turns)"
