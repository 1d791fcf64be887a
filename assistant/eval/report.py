"""The records an evaluation produces: one `QuestionResult` per question asked, `Metrics`
aggregated over a group of them, and the `EvalReport` with its JSON form and text table.

Rates are None when their group has no question to measure them on (e.g. abstention rate
with no unanswerable question), and print as "-".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Sequence


@dataclass
class QuestionResult:
    """One question asked and how it scored. `hit`, `recall_1`, `recall_5` are None when the
    question gives nothing to check them against (no expected answers / no gold sources)."""

    question: str
    expected: tuple[str, ...]
    sources: tuple[str, ...]
    unanswerable: bool
    got: str
    abstained: bool
    cited: tuple[str, ...]
    hit: bool | None
    recall_1: bool | None
    recall_5: bool | None
    latency_ms: float
    turn: int = 0
    dialogue: bool = False
    where: str = ""
    id: str = ""
    confidence: float = 0.0
    error: str = ""
    short: str = ""  # the short answer, when the reader marked one
    short_hit: bool | None = None  # it equals an expected answer (normalised)
    short_probability: float = 0.0  # the reader's probability for that span

    @property
    def reasons(self) -> list[str]:
        """Why this question counts as a failure (empty when it passed)."""
        out = []
        if self.error:
            out.append(f"error: {self.error}")
        if self.unanswerable and not self.abstained:
            out.append("answered an unanswerable question")
        if not self.unanswerable and self.abstained and not self.error:
            out.append("abstained on an answerable question")
        if self.hit is False and not self.abstained and not self.error:
            out.append("no expected answer in the text")
        if self.recall_5 is False and not self.error and not self.unanswerable:
            out.append("no gold source among the first 5 articles cited")
        return out

    @property
    def failed(self) -> bool:
        return bool(self.reasons)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["expected"], d["sources"], d["cited"] = list(self.expected), list(self.sources), list(self.cited)
        d["latency_ms"] = round(self.latency_ms, 1)
        d["reasons"] = self.reasons
        return d


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(frozen=True)
class Metrics:
    """Counts over a group of questions; the rates are properties over these counts."""

    questions: int = 0
    answerable: int = 0
    unanswerable: int = 0
    with_answers: int = 0       # answerable questions with expected answers to look for
    with_sources: int = 0       # questions with gold sources (answerable or not)
    hits: int = 0
    short_hits: int = 0
    recall_1_hits: int = 0
    recall_5_hits: int = 0
    abstained_unanswerable: int = 0
    abstained_answerable: int = 0
    errors: int = 0
    mean_latency_ms: float = 0.0
    p95_latency_ms: float = 0.0

    @classmethod
    def from_results(cls, results: Sequence[QuestionResult]) -> "Metrics":
        lat = sorted(r.latency_ms for r in results)
        return cls(
            questions=len(results),
            answerable=sum(not r.unanswerable for r in results),
            unanswerable=sum(r.unanswerable for r in results),
            with_answers=sum(r.hit is not None for r in results),
            with_sources=sum(r.recall_5 is not None for r in results),
            hits=sum(r.hit is True for r in results),
            short_hits=sum(r.short_hit is True for r in results),
            recall_1_hits=sum(r.recall_1 is True for r in results),
            recall_5_hits=sum(r.recall_5 is True for r in results),
            abstained_unanswerable=sum(r.unanswerable and r.abstained for r in results),
            abstained_answerable=sum(not r.unanswerable and r.abstained for r in results),
            errors=sum(bool(r.error) for r in results),
            mean_latency_ms=sum(lat) / len(lat) if lat else 0.0,
            p95_latency_ms=lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else 0.0,
        )

    @property
    def recall_at_1(self) -> float | None:
        return _rate(self.recall_1_hits, self.with_sources)

    @property
    def recall_at_5(self) -> float | None:
        return _rate(self.recall_5_hits, self.with_sources)

    @property
    def answer_hit(self) -> float | None:
        return _rate(self.hits, self.with_answers)

    @property
    def short_exact(self) -> float | None:
        """Share of answerable questions whose short answer is exactly an expected answer."""
        return _rate(self.short_hits, self.with_answers)

    @property
    def abstention_rate(self) -> float | None:
        """Share of unanswerable questions the assistant abstained on (higher is better)."""
        return _rate(self.abstained_unanswerable, self.unanswerable)

    @property
    def false_abstention_rate(self) -> float | None:
        """Share of answerable questions it abstained on (lower is better)."""
        return _rate(self.abstained_answerable, self.answerable)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["mean_latency_ms"], d["p95_latency_ms"] = round(self.mean_latency_ms, 1), round(self.p95_latency_ms, 1)
        for name in ("recall_at_1", "recall_at_5", "answer_hit", "short_exact", "abstention_rate",
                     "false_abstention_rate"):
            value = getattr(self, name)
            d[name] = None if value is None else round(value, 4)
        return d


# (label, rate property, numerator field, denominator field) of the metric table, in order.
ROWS = (
    ("gold source in top 1", "recall_at_1", "recall_1_hits", "with_sources"),
    ("gold source in top 5", "recall_at_5", "recall_5_hits", "with_sources"),
    ("answer hit", "answer_hit", "hits", "with_answers"),
    ("short answer exact match", "short_exact", "short_hits", "with_answers"),
    ("abstained, unanswerable (higher better)", "abstention_rate", "abstained_unanswerable", "unanswerable"),
    ("abstained, answerable (lower better)", "false_abstention_rate", "abstained_answerable", "answerable"),
)


def format_rate(m: Metrics, prop: str, num: str, den: str) -> str:
    value = getattr(m, prop)
    return "-" if value is None else f"{100 * value:.1f}% ({getattr(m, num)}/{getattr(m, den)})"


@dataclass
class EvalReport:
    """Everything one evaluation run measured."""

    results: list[QuestionResult]
    overall: Metrics
    first_turns: Metrics
    follow_ups: Metrics | None = None
    files: list[str] = field(default_factory=list)
    name: str = ""
    seconds: float = 0.0

    @classmethod
    def from_results(cls, results: list[QuestionResult], *, files=(), name: str = "",
                     seconds: float = 0.0) -> "EvalReport":
        later = [r for r in results if r.turn >= 1]
        return cls(results=list(results), overall=Metrics.from_results(results),
                   first_turns=Metrics.from_results([r for r in results if r.turn == 0]),
                   follow_ups=Metrics.from_results(later) if later else None,
                   files=list(files), name=name, seconds=seconds)

    @property
    def failures(self) -> list[QuestionResult]:
        return [r for r in self.results if r.failed]

    def to_dict(self, max_failures: int | None = None) -> dict:
        fails = self.failures
        return {
            "name": self.name, "files": self.files, "seconds": round(self.seconds, 2),
            "metrics": {"all": self.overall.to_dict(), "first_turns": self.first_turns.to_dict(),
                        "follow_ups": self.follow_ups.to_dict() if self.follow_ups else None},
            "failures": [r.to_dict() for r in (fails if max_failures is None else fails[:max_failures])],
            "failure_count": len(fails),
            "results": [r.to_dict() for r in self.results],
        }

    def format_text(self, max_failures: int = 10) -> str:
        m = self.overall
        head = (f"eval{' ' + self.name if self.name else ''}: {m.questions} questions "
                f"({m.answerable} answerable, {m.unanswerable} unanswerable)"
                + (f" from {', '.join(self.files)}" if self.files else "") + f" in {self.seconds:.1f} s")
        groups = [("all", m)]
        if self.follow_ups:
            groups += [("first turns", self.first_turns), ("follow-ups", self.follow_ups)]
        rows = [["metric"] + [g for g, _ in groups]]
        rows += [[label] + [format_rate(x, *spec) for _, x in groups] for label, *spec in ROWS]
        rows.append(["mean latency"] + [f"{x.mean_latency_ms:.0f} ms" for _, x in groups])
        rows.append(["errors"] + [str(x.errors) for _, x in groups])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [head, ""] + ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        fails = self.failures
        if fails and max_failures > 0:
            lines += ["", f"failures ({min(len(fails), max_failures)} of {len(fails)} shown):"]
            for r in fails[:max_failures]:
                lines += _format_failure(r)
        elif not fails:
            lines += ["", "no failures"]
        return "\n".join(lines)


def _clip(text: str, n: int = 220) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _format_failure(r: QuestionResult) -> list[str]:
    where = f"{r.where}  " if r.where else ""
    turn = f"[turn {r.turn + 1}] " if r.dialogue else ""
    expected = "(an abstention)" if r.unanswerable else (" | ".join(r.expected) or "-")
    return [
        f"- {where}{turn}{_clip(r.question, 160)}",
        f"    expected: {_clip(expected, 160)}" + (f"   sources: {_clip(', '.join(r.sources), 120)}"
                                                   if r.sources else ""),
        f"    got:      {'[abstained] ' if r.abstained else ''}{_clip(r.got) or '(nothing)'}",
        f"    cited:    {', '.join(r.cited) or '(none)'}",
        f"    why:      {'; '.join(r.reasons)}",
    ]
