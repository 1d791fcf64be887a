"""The records that cross a boundary: what `ask()` returns (`Answer`, `Citation`, `Conflict`,
`Copy`), which the UI, the CLI's --json and the eval read (each serialises to plain JSON with
`to_dict()`), and what the stages of one question hand each other: `Query` (what to search, with
its `Filters`) -> retrieval -> `Passages` (hits and their articles) -> reading -> the answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

ABSTAIN_TEXT = "The articles don't say."  # how every abstention opens: the answer, the LLM's reply, the chat's label

if TYPE_CHECKING:  # records only; importing index here would make `import assistant` load it
    from index import Article


@dataclass(frozen=True)
class Filters:
    """Which articles may answer: outlets (None: all), published dates (inclusive), and the
    reference date for recency and relative time (`as_of`; None: the newest article's date)."""

    sources: tuple[str, ...] | None = None
    since: date | None = None
    until: date | None = None
    as_of: date | None = None

    @property
    def narrowed(self) -> bool:
        """True when outlets or dates leave articles out."""
        return bool(self.sources or self.since or self.until)


@dataclass(frozen=True)
class Query:
    """One question on its way through: `question` as asked, `text` as searched (a follow-up
    rewritten, a time phrase taken out), the filters, and notes for the answer (how time was read)."""

    question: str
    text: str
    filters: Filters = Filters()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the scores that ranked it (fused rank score first)."""

    chunk_id: int
    article_id: str
    start: int
    end: int
    text: str
    score: float
    dense: float | None = None
    lexical: float | None = None
    # ids of the other articles of this article's near-duplicate group (wire copies), which
    # retrieval folded into this hit; () when it has none. See `news.copies.collapse_groups`.
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passages:
    """What retrieval found for a query: hits best first, and their articles (wire copies of a
    hit's group included) by id."""

    hits: list[Hit]
    articles: dict[str, "Article"]

    def by_chunk(self) -> dict[int, Hit]:
        return {h.chunk_id: h for h in self.hits}


@dataclass(frozen=True)
class Copy:
    """Another outlet's near-identical copy of a cited article (a syndicated wire copy or a light
    rewrite, grouped at ingest): who else carried the report, and when."""

    article_id: str
    title: str
    source: str
    url: str
    published: date | None
    path: str = ""

    @classmethod
    def of(cls, article) -> "Copy":
        return cls(article.id, article.title, article.source, article.url, article.published, article.path)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Copy":
        d = dict(d)
        d["published"] = date.fromisoformat(d["published"]) if d.get("published") else None
        return cls(**d)


@dataclass(frozen=True)
class Citation:
    """One cited source: `quote` is the cited sentence, found at `start:end` in the article
    text; `passage` is the chunk around it. `n` is the number used in the answer's [n] marks."""

    n: int
    article_id: str
    title: str
    source: str
    url: str
    published: date | None
    path: str
    quote: str
    passage: str
    start: int
    end: int
    score: float
    passage_start: int = 0
    copies: tuple[Copy, ...] = ()  # the same report in other outlets (near-duplicate group), if any

    @classmethod
    def of_sentence(cls, n: int, article: "Article", start: int, end: int, text: str) -> "Citation":
        """`article`'s sentence `text` at `start:end` cited on its own, as its own passage, with
        score 1.0: picked by a rule (a story's opening, a definition), not ranked."""
        return cls(n=n, article_id=article.id, title=article.title, source=article.source, url=article.url,
                   published=article.published, path=article.path, quote=text, passage=text, start=start, end=end,
                   score=1.0, passage_start=start)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        d["copies"] = [x.to_dict() for x in self.copies]
        return d


@dataclass(frozen=True)
class ConflictValue:
    """One of the values reports give: as worded ("about 369 vessels"), the [n] numbers citing it,
    the outlets that give it and the newest publication date among them (None: undated)."""

    value: str
    citations: tuple[int, ...]
    outlets: tuple[str, ...] = ()
    published: date | None = None

    def to_dict(self) -> dict:
        return {"value": self.value, "citations": list(self.citations), "outlets": list(self.outlets),
                "published": self.published.isoformat() if self.published else None}

    @classmethod
    def from_dict(cls, d: dict) -> "ConflictValue":
        return cls(d["value"], tuple(d.get("citations") or ()), tuple(d.get("outlets") or ()),
                   date.fromisoformat(d["published"]) if d.get("published") else None)


@dataclass(frozen=True)
class Conflict:
    """Reports giving different values for the same thing. `kind`: "update" when the values come
    from reports of different days (a developing story: the newest value first), "disagreement"
    when reports of the same day, or undated ones, differ."""

    subject: str
    values: tuple[ConflictValue, ...]
    kind: str = "disagreement"

    def to_dict(self) -> dict:
        return {"subject": self.subject, "kind": self.kind, "values": [v.to_dict() for v in self.values]}

    @classmethod
    def from_dict(cls, d: dict) -> "Conflict":
        return cls(d["subject"], tuple(ConflictValue.from_dict(v) for v in d["values"]),
                   d.get("kind", "disagreement"))


@dataclass(frozen=True)
class ShortAnswer:
    """The few words that answer ("Pumpkin Spice Latte", "280,000"), marked by the reader inside
    the answer's lead sentence: `article.text[start:end] == text`; `citation` is that sentence's [n]."""

    text: str
    article_id: str
    start: int
    end: int
    citation: int = 0
    probability: float = 0.0  # the reader's confidence in this span

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """What `ask()` returns. `text` is 1–3 sentences with [n] marks pointing into `citations`.
    When `abstained` is true, `text` says the articles don't answer the question and
    `citations` are related reading, not support. `mode` says what wrote `text`: "extractive"
    (the articles' own sentences) or "llm" (an LLM, checked sentence by sentence; see
    `assistant.llm.verify`); `unsupported` lists the LLM's sentences its citations don't support.
    `short_answer` is the answer's few words inside its lead sentence, when the reader marked them.
    A question about a time, the news, the latest on a name alone, "What happened with" a name, a
    topic typed alone or a request for a summary gets a briefing (`assistant.news.briefing`): the
    opening sentence of the newest stories, with confidence 1.0 (nothing was judged) and a note;
    so does "What does HTS stand for?" answered from a defining sentence
    (`assistant.reading.longform`). Small talk ("hi", "thanks") gets a line of its own, no
    citations, an empty `query` and a note (`assistant.conversation.smalltalk`). A question
    asking two things gets its parts' answers joined (`assistant.compound`); a note says what a
    second pass read differently ("Read “Givn” as “Given”.", `assistant.second_pass`)."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    confidence: float = 0.0
    query: str = ""
    conflicts: list[Conflict] = field(default_factory=list)
    mode: str = "extractive"
    notes: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    short_answer: ShortAnswer | None = None

    def short_answer_in_text(self) -> tuple[int, int] | None:
        """Where the short answer stands in `text` (`text[start:end] == short_answer.text`): inside
        the quote of the sentence that holds it; None when there is none or the text does not
        quote that sentence (an LLM's answer)."""
        s = self.short_answer
        cite = next((c for c in self.citations if s and c.n == s.citation), None)
        if cite is None:
            return None
        at = self.text.find(cite.quote)
        if at < 0:
            return None
        start = at + s.start - cite.start
        end = start + len(s.text)
        return (start, end) if self.text[start:end] == s.text else None

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "abstained": self.abstained,
            "confidence": round(float(self.confidence), 4),
            "query": self.query,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "mode": self.mode,
            "notes": list(self.notes),
            "unsupported": list(self.unsupported),
            "short_answer": self.short_answer.to_dict() if self.short_answer else None,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Answer":
        cits = []
        for c in d.get("citations", []):
            c = dict(c)
            c["published"] = date.fromisoformat(c["published"]) if c.get("published") else None
            c["copies"] = tuple(Copy.from_dict(x) for x in c.get("copies") or ())
            cits.append(Citation(**c))
        conflicts = [Conflict.from_dict(x) for x in d.get("conflicts", [])]
        return cls(question=d["question"], text=d["text"], citations=cits, abstained=d.get("abstained", False),
                   confidence=d.get("confidence", 0.0), query=d.get("query", ""), conflicts=conflicts,
                   mode=d.get("mode", "extractive"), notes=list(d.get("notes", [])),
                   unsupported=list(d.get("unsupported", [])),
                   short_answer=ShortAnswer(**d["short_answer"]) if d.get("short_answer") else None)
