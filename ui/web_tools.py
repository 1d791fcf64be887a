"""The page's named endpoints, `/ask` and `/search`: called by `gradio_client`, and offered by
Gradio's MCP server as the tools `ask` and `search` (their docstrings are the tools' descriptions).

Both return objects (`Answer.to_dict()`, a list of passages). gradio_client treats any dict with
a "path" key as a file to download, and every citation has one, so clients pass
`download_files=False` (docs/API.md). MCP clients get the same object as JSON text: Gradio's MCP
server would otherwise hand them Python's repr of it.

They run outside Gradio's queue (`queue=False`): questions are not held back behind each other,
and an MCP tool call is answered in the request itself, not through a second HTTP call to the
server (which would need the caller's API key).
"""

from __future__ import annotations

import json
import logging

import gradio as gr

from index import NewsIndexError
from ui.api.library import LibraryUnavailable
from ui.web_handlers import GENERIC_ERROR, FilterError

log = logging.getLogger("ui.web")


def _for_caller(request, value):
    path = str(getattr(getattr(request, "url", None), "path", "") or "")
    return json.dumps(value, ensure_ascii=False) if "/gradio_api/mcp" in path else value


def _guarded(call, what: str):
    try:
        return call()
    except (NewsIndexError, FilterError, LibraryUnavailable) as e:
        raise gr.Error(str(e)) from None
    except Exception:  # noqa: BLE001 - logged here, generic to the caller
        log.exception("unexpected error in %s", what)
        raise gr.Error(GENERIC_ERROR) from None


def register(h) -> None:
    """Declare `/ask` and `/search` for the Handlers `h` (inside the page's Blocks)."""

    def ask(question: str, sources: list[str] | None = None, since: str = "", until: str = "",
            history_json: str = "", as_of: str = "", request: gr.Request = None) -> dict:
        """Answer a question from the indexed news articles. The answer is 1-3 sentences quoted from
        the articles, each with [n] marks pointing to its citations (title, outlet, date, url, the
        quoted sentence); when the articles don't answer, it says so (abstained = true).

        Args:
            question: the question, e.g. "How many vessels were waiting at the Suez Canal?"
            sources: outlet names to search; empty for all
            since: earliest published date, YYYY-MM-DD, or empty
            until: latest published date, YYYY-MM-DD, or empty
            history_json: for a follow-up question, a JSON list of the earlier ask results, or empty
            as_of: reference date for "latest" and "last week", YYYY-MM-DD, or empty (the newest article's date)
        Returns:
            the answer: question, text, citations, abstained, confidence, conflicts, notes
        """
        return _for_caller(request, _guarded(lambda: h.api_ask(question, sources, since, until, history_json,
                                                               as_of), "/ask"))

    def search(query: str, k: int = 8, sources: list[str] | None = None, since: str = "", until: str = "",
               request: gr.Request = None) -> list[dict]:
        """Find the passages of the indexed news articles that best match a query, best first, without
        composing an answer: each with its article's id, title, outlet, date and url.

        Args:
            query: what to look for, e.g. "Ever Given refloated"
            k: how many passages (default 8)
            sources: outlet names to search; empty for all
            since: earliest published date, YYYY-MM-DD, or empty
            until: latest published date, YYYY-MM-DD, or empty
        Returns:
            the passages: article_id, title, source, url, published, text, score
        """
        return _for_caller(request, _guarded(lambda: h.api_search(query, k, sources, since, until), "/search"))

    gr.api(ask, api_name="ask", queue=False)
    gr.api(search, api_name="search", queue=False)
