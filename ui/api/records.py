"""What crosses the HTTP API: the request bodies (dataclasses FastAPI validates and documents in
the OpenAPI schema) and the JSON forms of the library's records.

Answers leave as `Answer.to_dict()` unchanged, so `/api/ask`, `/ask` (gradio_client), the MCP
tool and the `answer` field of a chat completion all carry the same object (docs/API.md).
Articles in a listing leave without their text (`chars` says how long it is).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from pydantic import Field


@dataclass
class AskRequest:
    """POST /api/ask"""

    question: Annotated[str, Field(description="the question")]
    history: Annotated[list[Any] | None, Field(description=(
        "earlier turns, for a follow-up: earlier /api/ask results, or [question, answer] pairs"))] = None
    sources: Annotated[list[str] | None, Field(description="outlets to search; none or [] = all")] = None
    since: Annotated[str | None, Field(description="earliest published date, YYYY-MM-DD")] = None
    until: Annotated[str | None, Field(description="latest published date, YYYY-MM-DD")] = None
    as_of: Annotated[str | None, Field(description=(
        "reference date for 'latest', 'last week' (YYYY-MM-DD); articles published later are left out"))] = None
    k: Annotated[int | None, Field(ge=1, le=100, description="passages read for the answer (default 8)")] = None


@dataclass
class SearchRequest:
    """POST /api/search"""

    query: str
    k: Annotated[int | None, Field(ge=1, le=100)] = None
    sources: list[str] | None = None
    since: str | None = None
    until: str | None = None
    as_of: str | None = None


@dataclass
class UrlIngestRequest:
    """POST /api/ingest with a JSON body: web pages and RSS / Atom feeds to fetch and add."""

    urls: Annotated[list[str], Field(min_length=1, max_length=20, description="http(s) URLs of pages or feeds")]


@dataclass
class ChatMessage:
    role: str
    content: Any = None  # a string, or a list of parts ({"type": "text", "text": ...}); None for tool calls
    name: str | None = None


@dataclass
class ChatRequest:
    """POST /v1/chat/completions. OpenAI's other fields (temperature, max_tokens, ...) are
    accepted and ignored; `sources`, `since`, `until`, `as_of` are this server's extensions
    (the `openai` package sends them with `extra_body`)."""

    messages: list[ChatMessage]
    model: str | None = None
    stream: bool = False
    sources: list[str] | None = None
    since: str | None = None
    until: str | None = None
    as_of: str | None = None


def _day(d) -> str | None:
    return d.isoformat() if d else None


def article_json(a) -> dict:
    """An `index.Article` for a listing: everything but the text."""
    return {"id": a.id, "title": a.title, "source": a.source, "url": a.url, "published": _day(a.published),
            "authors": list(a.authors), "path": a.path, "chars": len(a.text)}


def page_json(page) -> dict:
    return {"total": page.total, "offset": page.offset, "limit": page.limit,
            "articles": [article_json(a) for a in page.articles]}


def stats_json(s) -> dict:
    """`index.IndexStats`, JSON-ready (dates as YYYY-MM-DD)."""
    if hasattr(s, "to_dict"):
        return s.to_dict()
    d = asdict(s)
    d["first_published"], d["last_published"] = _day(s.first_published), _day(s.last_published)
    return d


def passages_json(passages) -> list[dict]:
    """Retrieval's hits (`Passages`), best first, with their articles' metadata."""
    out = []
    for h in passages.hits:
        a = passages.articles.get(h.article_id)
        out.append({"article_id": h.article_id, "title": a.title if a else "", "source": a.source if a else "",
                    "url": a.url if a else "", "published": _day(a.published) if a else None,
                    "text": h.text, "start": h.start, "end": h.end, "score": round(float(h.score), 6),
                    "copies": list(h.group)})
    return out


def report_json(report, rejected=(), names: dict[str, str] | None = None) -> dict:
    """An `IngestReport` plus the files refused before ingest ((name, reason) pairs); staged
    paths are shown by the names the client gave the files."""
    names = names or {}
    return {
        "added": list(report.added) if report else [],
        "replaced": list(report.replaced) if report else [],
        "unchanged": list(report.unchanged) if report else [],
        "skipped": [{"file": names.get(s.path, s.path), "reason": s.reason, "line": s.line}
                    for s in (report.skipped if report else [])],
        "warnings": [{"file": names.get(w.path, w.path), "message": w.message, "line": w.line}
                     for w in (report.warnings if report else [])],
        "rejected": [{"file": n, "reason": r} for n, r in rejected],
        "urls": [f.to_dict() for f in getattr(report, "feeds", None) or []],
        "chunks_added": report.chunks_added if report else 0,
        "seconds": round(report.seconds, 3) if report else 0.0,
    }
