"""Reading evaluation files: JSON Lines of questions with their expected answers.

Purpose: turn a QA file into `EvalItem`s for `assistant.eval.run`. Two line shapes:

    {"question": "...", "answers": ["..."], "sources": ["url, path or file name"], "unanswerable": false}
    {"turns": [{"question": "...", "answers": [...], "sources": [...]}, ...]}

A plain question is an item with one turn; a dialogue line is one item whose later turns are
follow-ups asked with the earlier turns as history. `answers` may be empty (nothing to check
but the sources); `unanswerable: true` means the right outcome is an abstention; `as_of` (or
`date`), the day the question was asked, is passed to `ask(as_of=...)` so "this week" means the
question's week. An optional `id` is kept for reports; other keys are ignored.

Limits: the whole file is read into memory (evaluation sets are small). Any malformed line
stops the load with `EvalFileError` naming the file and the 1-based line; blank lines and
lines starting with `#` or `//` are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import EvalFileError


@dataclass(frozen=True)
class EvalTurn:
    """One question with what a right answer contains and which articles should back it."""

    question: str
    answers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unanswerable: bool = False
    as_of: str = ""  # the day the question was asked ("as_of" or "date"): reference for "this week"


@dataclass(frozen=True)
class EvalItem:
    """One line of an eval file: a single question (one turn) or a dialogue (several)."""

    turns: tuple[EvalTurn, ...]
    path: str = ""
    line: int = 0
    id: str = ""
    kind: str = "question"  # "question" or "dialogue" (a dialogue of one turn is still one)

    @property
    def is_dialogue(self) -> bool:
        return self.kind == "dialogue"


def _strings(value, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{what}' must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _turn(obj, where: str) -> EvalTurn:
    if not isinstance(obj, dict):
        raise ValueError(f"{where} is not a JSON object")
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f"{where} has no 'question' (a non-empty string)")
    if "answers" not in obj and "answer" in obj:
        answers = obj["answer"]
    else:
        answers = obj.get("answers")
    unanswerable = obj.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise ValueError(f"'unanswerable' of {where} must be true or false")
    as_of = obj.get("as_of") or obj.get("date") or ""
    if not isinstance(as_of, str):
        raise ValueError(f"'as_of' of {where} must be a date string like 2022-06-16")
    return EvalTurn(question=question.strip(), answers=_strings(answers, "answers"),
                    sources=_strings(obj.get("sources"), "sources"), unanswerable=unanswerable,
                    as_of=as_of.strip())


def parse_line(obj, *, path: str = "", line: int = 0) -> EvalItem:
    """One decoded JSON line as an EvalItem; ValueError saying what is wrong otherwise."""
    if not isinstance(obj, dict):
        raise ValueError("the line is not a JSON object")
    ident = obj.get("id")
    ident = "" if ident is None else str(ident)
    if "turns" in obj:
        turns = obj["turns"]
        if not isinstance(turns, list) or not turns:
            raise ValueError("'turns' must be a non-empty list of {question, answers} objects")
        parsed = tuple(_turn(t, f"turn {i + 1}") for i, t in enumerate(turns))
        return EvalItem(turns=parsed, path=path, line=line, id=ident, kind="dialogue")
    return EvalItem(turns=(_turn(obj, "the line"),), path=path, line=line, id=ident)


def load_eval_file(path) -> list[EvalItem]:
    """Every item of a QA JSON Lines file, in file order. Raises EvalFileError for a missing
    or unreadable file, an empty one, or any malformed line (with its line number)."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvalFileError(f"{p}: no such eval file") from None
    except IsADirectoryError:
        raise EvalFileError(f"{p}: is a folder, not an eval file") from None
    except UnicodeDecodeError:
        raise EvalFileError(f"{p}: not UTF-8 text") from None
    except OSError as e:
        raise EvalFileError(f"{p}: cannot read: {e.strerror or e}") from None
    items: list[EvalItem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalFileError(f"{p}:{number}: invalid JSON: {e.msg.lower()} at column {e.colno}") from None
        except RecursionError:
            raise EvalFileError(f"{p}:{number}: JSON nested too deeply") from None
        try:
            items.append(parse_line(obj, path=str(p), line=number))
        except ValueError as e:
            raise EvalFileError(f"{p}:{number}: {e}") from None
    if not items:
        raise EvalFileError(f"{p}: no questions in the file (expected JSON lines with a 'question' "
                            f"or 'turns')")
    return items
