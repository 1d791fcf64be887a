"""A stand-in for `assistant.Assistant` with the same methods, for fast UI tests (no model).

Answers are built from a fixed set of articles: a question containing "unanswerable" abstains
(citations become related reading), "conflict" adds a Conflict, "hostile" cites the article
whose title, outlet, url and text carry script/markdown payloads. Every call is recorded.
"""

from __future__ import annotations

from datetime import date

from assistant import Answer, Citation, Conflict, ConflictValue, Hit
from assistant.records import Passages
from index import Article, IndexStats, IngestReport, Progress, Skipped

HOSTILE_QUOTE = "Click <img src=x onerror=alert(1)> [click](javascript:alert(1)) now <script>alert(1)</script>."
ARTICLES = [
    # (title, source, url, published, path, passage, quote)
    ("Ever Given Refloated", "Harbor Ledger", "https://example.org/ever-given", date(2021, 3, 29),
     "/data/suez.md", "Salvage crews freed the ship. About 369 vessels were queued. Traffic resumed.",
     "About 369 vessels were queued."),
    ("Ships Resume Suez Transits", "Meridian Wire", "", date(2021, 3, 30), "/data/suez.html",
     "More than 400 vessels were waiting. The canal reopened.", "More than 400 vessels were waiting."),
]
HOSTILE = ("<script>alert('t')</script>Title", "<img src=x onerror=alert(2)>Outlet", "javascript:alert(3)",
           None, "/data/evil.txt", "Intro sentence. " + HOSTILE_QUOTE + " Outro.", HOSTILE_QUOTE)


def citation(n: int, art, *, passage_start: int = 100) -> Citation:
    title, source, url, published, path, passage, quote = art
    a = passage.index(quote)
    return Citation(n=n, article_id=f"id{n}{len(title)}", title=title, source=source, url=url,
                    published=published, path=path, quote=quote, passage=passage,
                    start=passage_start + a, end=passage_start + a + len(quote), score=0.8,
                    passage_start=passage_start)


class FakeAssistant:
    def __init__(self):
        self.asked: list[dict] = []
        self.ingested: list[list[str]] = []
        self.raise_on_ask: BaseException | None = None
        self.examples_error: BaseException | None = None
        self.skip_in_ingest: list[Skipped] = []
        self.refreshed = 0
        self.searched: list[dict] = []

    def ask(self, question, history=None, k=None, sources=None, since=None, until=None, as_of=None) -> Answer:
        self.asked.append(dict(question=question, history=history, k=k, sources=sources, since=since,
                               until=until, as_of=as_of))
        if self.raise_on_ask is not None:
            raise self.raise_on_ask
        if "hostile" in question:
            cits = [citation(1, HOSTILE)]
            return Answer(question, HOSTILE_QUOTE + " [1]", cits, confidence=0.7, query=question)
        cits = [citation(1, ARTICLES[0]), citation(2, ARTICLES[1], passage_start=0)]
        if "unanswerable" in question:
            return Answer(question, "The articles don't say. The closest passages are listed as related reading.",
                          cits, abstained=True, confidence=0.1, query=question)
        text = f"{ARTICLES[0][6]} [1] {ARTICLES[1][6]} [2]"
        ans = Answer(question, text, cits, confidence=0.8, query=question, notes=["Counts differ by date."])
        if "conflict" in question:
            ans.conflicts = [Conflict("vessels queued", (ConflictValue("369", (1,)), ConflictValue("400", (2,))))]
        return ans

    def search(self, text, k=None, sources=None, since=None, until=None, as_of=None) -> Passages:
        self.searched.append(dict(text=text, k=k, sources=sources, since=since, until=until, as_of=as_of))
        arts = {f"id{i}": Article(f"id{i}", a[0], a[5], a[1], a[2], a[3], (), a[4]) for i, a in enumerate(ARTICLES)}
        hits = [Hit(i, aid, 0, len(a.text), a.text, 1.0 / (i + 1)) for i, (aid, a) in enumerate(arts.items())]
        return Passages(hits[:k or 8], arts)

    def stats(self) -> IndexStats:
        return IndexStats(index_dir="/idx", articles=16, chunks=32,
                          outlets={"Harbor Ledger": 2, "Meridian Wire": 3, "": 3},
                          first_published=date(2021, 2, 19), last_published=date(2024, 4, 8),
                          model="fake", dimension=8, format_version=1, index_type="flat", size_bytes=1)

    def outlets(self) -> list[str]:
        return ["Harbor Ledger", "Meridian Wire"]

    def example_questions(self, n: int = 4) -> list[str]:
        if self.examples_error:
            raise self.examples_error
        return ["How many vessels were queued?", "When did the canal reopen?"][:n]

    def ingest(self, paths, progress=None) -> IngestReport:
        paths = [str(p) for p in paths]
        self.ingested.append(paths)
        if progress:
            progress(Progress(articles_read=len(paths), articles_added=len(paths), chunks_added=2))
        return IngestReport(added=[f"a{i}" for i, _ in enumerate(paths)], skipped=list(self.skip_in_ingest),
                            chunks_added=2)

    def refresh(self) -> bool:
        self.refreshed += 1
        return False
