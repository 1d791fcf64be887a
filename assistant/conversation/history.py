"""A conversation's history: the (question, Answer) turns a follow-up question is read against.

    history = History()
    history.append("Which container ship blocked the Suez Canal?", answer)
    assistant.ask("Who owns it?", history=history.recent())

One type for every chat: `Conversation` (Python and the terminal chat) keeps a `History`, and
the web chat rebuilds one per request from the plain data it keeps in the browser tab.

`Turn` is a named (question, answer) pair, so everything that reads a history as pairs
(`Assistant.ask(history=...)`, `followup`, the LLM rewrite) reads a `History`, a list of `Turn`s
and a plain list of `(question, Answer)` tuples alike: `HistoryLike` is what `ask` accepts.

`to_list()` / `from_list()` convert to and from plain JSON-ready data (`[[question,
answer_dict], ...]`, answers as `Answer.to_dict()`), for places that must hold data rather than
objects. `from_list` also takes bare answer dicts (the /ask API's results), whose own
"question" is the turn's question.

Limits: in memory only, and not meant to be shared between threads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple, overload

from assistant.records import Answer

# Turns handed to `Assistant.ask`: follow-ups look back two turns and prefer articles cited in
# the last three, so older turns change nothing (four leaves one to spare).
HISTORY_TURNS = 4

HistoryLike = Sequence[tuple[str, Answer]]
"""What `Assistant.ask(history=...)` accepts: any sequence of (question, Answer) pairs."""


class Turn(NamedTuple):
    """One exchange: the question as asked (or as the assistant normalised it) and its answer."""

    question: str
    answer: Answer

    def to_list(self) -> list:
        return [self.question, self.answer.to_dict()]


class History(Sequence[Turn]):
    """The turns of one conversation, oldest first."""

    def __init__(self, turns: Iterable[tuple[str, Answer]] = ()):
        self._turns = [Turn(q, a) for q, a in turns]

    def append(self, question: str, answer: Answer) -> Turn:
        turn = Turn(question, answer)
        self._turns.append(turn)
        return turn

    def recent(self, n: int = HISTORY_TURNS) -> list[Turn]:
        """The last `n` turns, oldest first: what a follow-up is asked with."""
        return self._turns[-n:] if n > 0 else []

    def reset(self) -> None:
        """Forget every turn: the next question starts a new conversation."""
        self._turns.clear()

    @property
    def last(self) -> Answer | None:
        """The latest answer, or None before the first."""
        return self._turns[-1].answer if self._turns else None

    # -- plain data --------------------------------------------------------------------------------
    def to_list(self) -> list[list]:
        """`[[question, Answer.to_dict()], ...]`: JSON-ready, safe to deep-copy."""
        return [t.to_list() for t in self._turns]

    @classmethod
    def from_list(cls, items: Iterable) -> "History":
        """The inverse of `to_list`; an item may also be a bare answer dict carrying its own
        "question". ValueError, TypeError or KeyError for anything else."""
        turns = []
        for item in items or ():
            if isinstance(item, dict):
                turns.append((item["question"], Answer.from_dict(item)))
            else:
                question, answer = item
                turns.append((question, Answer.from_dict(answer)))
        return cls(turns)

    # -- a read-only sequence of Turns ---------------------------------------------------------------
    @overload
    def __getitem__(self, i: int) -> Turn: ...

    @overload
    def __getitem__(self, i: slice) -> "History": ...

    def __getitem__(self, i):
        return History(self._turns[i]) if isinstance(i, slice) else self._turns[i]

    def __iter__(self) -> Iterator[Turn]:
        return iter(self._turns)

    def __len__(self) -> int:
        return len(self._turns)

    def __eq__(self, other) -> bool:
        return self._turns == other._turns if isinstance(other, History) else NotImplemented

    def __repr__(self) -> str:
        return f"History({len(self._turns)} turns)"
