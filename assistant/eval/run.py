"""Built-in evaluation: ask every question of an eval file and score the answers.

    items = load_eval_file("examples/questions.jsonl")
    report = evaluate(Assistant(index_dir), items)
    print(report.format_text())

Per question: is a gold source among the first 1 / 5 distinct articles cited (for an
abstention its related-reading citations count: they are what was retrieved), does the answer
text contain an expected answer (an abstention never does), did it abstain, how long it took.
Aggregated as recall@1/@5, answer-hit, abstention rate on unanswerable questions,
false-abstention rate on answerable ones and mean latency, for all questions, for first turns
and for dialogue follow-ups (asked with the earlier turns as `history`) separately. The rules
live in `assistant.eval.metrics`; the report types in `assistant.eval.report`.

`evaluate` needs only an object with `ask(question, history=None) -> Answer`, so a baseline
or a fake is scored by the same code. Limits: questions run one after another in this
process (latency includes nothing but `ask`); an exception in `ask` is recorded as that
question's error and the run goes on.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable, Protocol

from assistant.eval.data import EvalItem, EvalTurn, load_eval_file
from assistant.eval.metrics import answer_hit, distinct_articles, exact_match, recall_at, shown_source
from assistant.eval.report import EvalReport, Metrics, QuestionResult
from assistant.records import Answer

__all__ = ["evaluate", "score_answer", "warm_up", "load_eval_file", "EvalItem", "EvalTurn", "EvalReport", "Metrics",
           "QuestionResult"]

CITED_SHOWN = 5


class Asks(Protocol):
    def ask(self, question: str, history=None) -> Answer: ...


def score_answer(turn: EvalTurn, answer: Answer, *, latency_ms: float = 0.0, turn_index: int = 0,
                 item: EvalItem | None = None) -> QuestionResult:
    """Score one answer against one turn's expectations."""
    cites = list(answer.citations)
    has_gold = bool(turn.sources)
    checkable = bool(turn.answers) and not turn.unanswerable
    return QuestionResult(
        question=turn.question, expected=turn.answers, sources=turn.sources, unanswerable=turn.unanswerable,
        turn=turn_index, dialogue=bool(item and item.is_dialogue),
        where=f"{item.path}:{item.line}" if item and item.path else "", id=item.id if item else "",
        got=answer.text, abstained=bool(answer.abstained), confidence=float(answer.confidence or 0.0),
        cited=tuple(shown_source(c) for c in distinct_articles(cites)[:CITED_SHOWN]),
        hit=(not answer.abstained and answer_hit(answer.text, turn.answers)) if checkable else None,
        short=(answer.short_answer.text if answer.short_answer and not answer.abstained else ""),
        short_probability=(answer.short_answer.probability if answer.short_answer and not answer.abstained
                           else 0.0),
        short_hit=(not answer.abstained and answer.short_answer is not None
                   and exact_match(answer.short_answer.text, turn.answers)) if checkable else None,
        recall_1=recall_at(turn.sources, cites, 1) if has_gold else None,
        recall_5=recall_at(turn.sources, cites, 5) if has_gold else None,
        latency_ms=latency_ms,
    )


def _error_result(turn: EvalTurn, err: BaseException, latency_ms: float, turn_index: int,
                  item: EvalItem) -> QuestionResult:
    r = score_answer(turn, Answer(question=turn.question, text=""), latency_ms=latency_ms,
                     turn_index=turn_index, item=item)
    r.error = f"{type(err).__name__}: {err}"
    return r


def warm_up(assistant: Asks, question: str = "What happened?") -> None:
    """One untimed question, so loading the model is not counted as the first question's latency.
    Errors are ignored here: the timed run records them per question."""
    try:
        assistant.ask(question)
    except Exception:
        pass


def evaluate(assistant: Asks, items: Iterable[EvalItem], *, progress: Callable[[int, int], None] | None = None,
             name: str = "") -> EvalReport:
    """Ask every turn of every item and score it. `progress(done, total)` is called after each
    question (total counts turns)."""
    items = list(items)
    total = sum(len(i.turns) for i in items)
    results: list[QuestionResult] = []
    t_start = time.perf_counter()
    for item in items:
        history: list[tuple[str, Answer]] = []
        for index, turn in enumerate(item.turns):
            t0 = time.perf_counter()
            try:
                kwargs = {"as_of": turn.as_of} if turn.as_of else {}
                answer = assistant.ask(turn.question, history=list(history) if history else None, **kwargs)
            except Exception as err:  # a measurement goes on; the error is reported per question
                ms = (time.perf_counter() - t0) * 1000
                results.append(_error_result(turn, err, ms, index, item))
                history.append((turn.question, Answer(question=turn.question, text="")))
            else:
                ms = (time.perf_counter() - t0) * 1000
                results.append(score_answer(turn, answer, latency_ms=ms, turn_index=index, item=item))
                history.append((turn.question, answer))
            if progress:
                progress(len(results), total)
    files = list(dict.fromkeys(i.path for i in items if i.path))
    return EvalReport.from_results(results, files=files, name=name, seconds=time.perf_counter() - t_start)
