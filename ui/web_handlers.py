"""What the browser chat does, as plain methods over an `Assistant`, testable without a browser.

`Handlers(assistant)` reaches the one Assistant shared by every browser tab (and by the HTTP
API) through a `ui.api.Library`; per-tab data lives in a `conv` dict kept in gr.State:
`{"turns": History.to_list(), "messages": [chat message dicts]}`. The turns are the
conversation's `assistant.History` (the type the terminal chat's `Conversation` keeps) stored
as plain JSON, safe to deep-copy between requests, and rebuilt with `History.from_list` for each
question; like `Conversation`, a follow-up is asked with the recent turns (`History.recent()`).

Questions from different tabs run side by side (the Library's readers share it); an upload or
a web address (`ui.web_add`) is ingested beside them and swapped in when done, so questions wait
only for that moment. Before the first article is added (a server started on a new index) the
page says the index is empty and a question gets `EMPTY_INDEX`, not an error.

With an LLM configured (`assistant.llm`), its answer is shown as it is generated, marked as a
draft, and replaced by the checked answer at the end. The Assistant runs in a worker thread that
holds the Library's read lock and hands the pieces over a queue (gradio may resume a generator
on another thread, and a lock must be released by the thread that took it).

No exception escapes to the page: typed errors (NewsIndexError and subclasses, bad filters,
refused uploads) become their one-line message; anything else is logged with its traceback
here and the page gets a generic apology.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from datetime import date
from typing import NamedTuple

from assistant import History
from index import ConfigError, NewsIndexError, parse_day as read_day
from ui import web_add
from ui import web_render as R
from ui import web_upload
from ui.api.library import IndexEmpty, Library, LibraryUnavailable

log = logging.getLogger("ui.web")
N_EXAMPLES = 4
WORDS_PER_STEP = 3
GENERIC_ERROR = "Sorry, something went wrong while answering. The error was logged on the server."
EMPTY_INDEX = ("There are no articles to answer from yet. Open “Add articles” below: upload files, or "
               "paste the address of a news article or of an RSS / Atom feed.")


class FilterError(ValueError):
    """A filter value the person typed cannot be used; the message says how to fix it."""


def parse_day(value, label: str) -> date | None:
    """The library's reading of a date (`index.parse_day`), with the page's own message."""
    value = value.strip() if isinstance(value, str) else value
    try:
        return read_day(value, label)
    except ConfigError:
        raise FilterError(f"The {label} date must look like 2024-03-26 (YYYY-MM-DD); got “{value}”.") from None


def parse_filters(sources, since, until) -> tuple[list[str] | None, date | None, date | None]:
    """Outlets and date range as typed in the page -> arguments for `Assistant.ask`."""
    if isinstance(sources, str):
        sources = [sources]
    outlets = [s for s in (sources or []) if isinstance(s, str) and s.strip()] or None
    d1, d2 = parse_day(since, "“from” (since)"), parse_day(until, "“to” (until)")
    if d1 and d2 and d1 > d2:
        raise FilterError(f"The “from” date ({d1}) is after the “to” date ({d2}).")
    return outlets, d1, d2


def describe_filters(outlets, d1, d2) -> str:
    parts = []
    if outlets:
        parts.append("outlets: " + ", ".join(outlets))
    if d1 or d2:
        parts.append(f"published {d1 or '…'} to {d2 or '…'}")
    return ("Filtered to " + "; ".join(parts) + ".") if parts else ""


def new_conv() -> dict:
    return {"turns": [], "messages": []}


def history_of(conv) -> History:
    """The conversation's turns, rebuilt from the tab's plain data."""
    return History.from_list((conv or new_conv())["turns"])


def friendly(err: BaseException, generic: str = GENERIC_ERROR) -> str:
    """The one line the page shows for `err`: typed errors say what is wrong, anything else is
    logged here with its traceback and shown as `generic`."""
    if isinstance(err, IndexEmpty):
        return EMPTY_INDEX
    if isinstance(err, (NewsIndexError, FilterError, web_upload.UploadRejected, LibraryUnavailable)):
        return str(err)
    log.error("unexpected error in the web UI", exc_info=err)
    return generic


class PageInfo(NamedTuple):
    """What the page shows around the chat: the status line, the outlet choices, the example
    questions, and whether the index is still empty (then the page invites adding articles)."""

    status: str
    outlets: list
    examples: list
    empty: bool


class Handlers:
    def __init__(self, assistant, *, max_upload_mb: float = 20, upload_dir=None, upload_roots=(),
                 stream_delay: float = 0.04, allow_private_urls: bool = False, fetcher=None):
        """`assistant`: an Assistant (or stand-in), or the `Library` the server shares. Web
        addresses are fetched by `fetcher`, by default the one the REST door makes
        (`ui.api.rest.url_fetcher`): private addresses refused unless `allow_private_urls`."""
        from ui.api.rest import url_fetcher

        self.lib = assistant if isinstance(assistant, Library) else Library(assistant)
        self.max_bytes = int(max_upload_mb * 1024 * 1024)
        self.upload_dir = upload_dir
        self.roots = [r for r in (*upload_roots, upload_dir) if r]
        self.stream_delay = stream_delay
        self.fetcher = fetcher if fetcher is not None else url_fetcher(allow_private_urls)

    # -- chat --------------------------------------------------------------------------------------
    def respond(self, question, conv, sources=None, since="", until=""):
        """Generator of (chat messages, conv, source panel html, question box value)."""
        conv = conv or new_conv()
        msgs = list(conv["messages"])
        history = history_of(conv)
        before = R.sources_html(history)
        question = (question or "").strip()
        if not question:
            yield msgs, conv, before, ""
            return
        msgs.append({"role": "user", "content": R.user_html(question)})
        try:
            outlets, d1, d2 = parse_filters(sources, since, until)
        except FilterError as e:
            msgs.append({"role": "assistant", "content": R.error_html(str(e))})
            yield msgs, {**conv, "messages": msgs}, before, question
            return
        yield msgs + [{"role": "assistant", "content": R.pending_html()}], conv, before, ""
        streamed = False
        kwargs = dict(history=history.recent() or None, sources=outlets, since=d1, until=d2)
        try:
            if self.llm is not None:
                answer, streamed = yield from self._ask_streaming(question, msgs, conv, before, kwargs)
            else:
                answer = self.lib.ask(question, **kwargs)
        except Exception as e:  # noqa: BLE001 - every failure becomes a chat message
            said = R.note_html(EMPTY_INDEX) if isinstance(e, IndexEmpty) else R.error_html(friendly(e))
            msgs.append({"role": "assistant", "content": said})
            yield msgs, {**conv, "messages": msgs}, before, ""
            return
        history.append(question, answer)
        turns = history.to_list()
        turn = len(turns)
        # drawn from the stored form, as every later request redraws it: a turn never changes look
        panel = R.sources_html(History.from_list(turns))
        filters = describe_filters(outlets, d1, d2)
        n = 0 if streamed else len(R.answer_pieces(answer, turn))
        # Extractive answers are complete at once; streaming is presentation: words appear in
        # small steps, always cut between whole words or whole citation anchors. (An LLM answer
        # has streamed already: its checked version replaces the draft at once.)
        for upto in range(WORDS_PER_STEP, n, WORDS_PER_STEP):
            yield msgs + [{"role": "assistant", "content": R.answer_html(answer, turn, upto=upto,
                                                                         model=self.model)}], conv, panel, ""
            time.sleep(self.stream_delay)
        msgs.append({"role": "assistant", "content": R.answer_html(answer, turn, filters=filters, model=self.model)})
        yield msgs, {"turns": turns, "messages": msgs}, panel, ""

    @property
    def a(self):
        """The shared Assistant (the Library's current one: a rebuild replaces it)."""
        return self.lib.assistant

    @property
    def llm(self):
        """The Assistant's LLM settings, or None (extractive answers only)."""
        return self.lib.llm

    @property
    def model(self) -> str:
        return self.llm.model if self.llm is not None else ""

    def _ask_streaming(self, question, msgs, conv, panel, kwargs):
        """Generator: yields page updates (the source `panel` unchanged) with the LLM's draft as it
        grows; returns (Answer, whether any draft was shown). The Assistant's own errors are
        re-raised here."""
        pieces: queue.Queue = queue.Queue()

        def work():
            try:
                pieces.put(("done", self.lib.ask(question, on_delta=lambda p: pieces.put(("piece", p)), **kwargs)))
            except BaseException as e:  # noqa: BLE001 - handed to the page's generator
                pieces.put(("error", e))

        threading.Thread(target=work, name="news-llm-answer", daemon=True).start()
        draft, shown, last = "", False, 0.0
        while True:
            kind, item = pieces.get()
            if kind == "error":
                raise item
            if kind == "done":
                return item, shown
            draft += item
            if time.monotonic() - last >= self.stream_delay:  # don't flood the browser with tiny updates
                last, shown = time.monotonic(), True
                yield msgs + [{"role": "assistant", "content": R.draft_html(draft, self.model)}], conv, panel, ""

    def warm_up(self) -> None:
        """Load the model before the first person asks (the first ask() is ~10x slower), and the
        faster engine a server's many questions want (`Assistant.warm`)."""
        try:
            self.lib.warm_up()
        except Exception:  # noqa: BLE001 - a failed warm-up shows up again on the first real ask
            log.debug("warm-up failed", exc_info=True)

    def new_conversation(self):
        return [], new_conv(), R.EMPTY_SOURCES, ""

    # -- page furniture ------------------------------------------------------------------------------
    def page_info(self, refresh: bool = False) -> PageInfo:
        """The status line, outlets, example questions and emptiness of the page's current index.
        Each part fails on its own: no example questions is no reason to hide the outlets."""
        def part(fn, fallback):
            try:
                return fn()
            except Exception as e:  # noqa: BLE001
                return fallback(e)

        if refresh:
            part(self.lib.refresh, lambda e: friendly(e))
        stats = part(self.lib.stats, lambda e: e)
        failed = isinstance(stats, BaseException)
        status = R.error_html(friendly(stats)) if failed else part(
            lambda: R.status_html(stats, llm=self.model), lambda e: R.error_html(friendly(e)))
        empty = not failed and not getattr(stats, "articles", 1)
        outlets = part(self.lib.outlets, lambda e: friendly(e) and [])
        examples = part(lambda: self.lib.example_questions(N_EXAMPLES), lambda e: friendly(e) and [])
        return PageInfo(status, outlets, examples, empty)

    # -- adding articles (ui.web_add) ---------------------------------------------------------------
    def ingest_uploads(self, files, progress=None) -> str:
        """Validate, stage and ingest uploads -> report html. `progress(n, desc)` if given."""
        return web_add.add_files(self.lib, files, roots=self.roots, upload_dir=self.upload_dir,
                                 max_bytes=self.max_bytes, friendly=friendly, progress=progress)

    def ingest_urls(self, text, progress=None) -> str:
        """Fetch and ingest the web addresses (article pages, RSS / Atom feeds) typed in `text` ->
        report html. `progress(n, desc)` if given."""
        return web_add.add_urls(self.lib, text, fetcher=self.fetcher, friendly=friendly, progress=progress)

    # -- the /ask and /search endpoints (gradio_client, MCP) ------------------------------------------
    def api_ask(self, question: str, sources=None, since: str = "", until: str = "",
                history_json: str = "", as_of: str = "") -> dict:
        """One answer as `Answer.to_dict()`; errors raise ValueError-like types."""
        outlets, d1, d2 = parse_filters(sources, since, until)
        history = parse_history(history_json)
        kw = {"as_of": parse_day(as_of, "“as of”")} if (as_of or "").strip() else {}
        answer = self.lib.ask(question, history=history.recent() or None, sources=outlets, since=d1, until=d2, **kw)
        return answer.to_dict()

    def api_search(self, query: str, k: int = 8, sources=None, since: str = "", until: str = "") -> list[dict]:
        """The passages retrieval finds for `query`, best first (see `ui.api.records.passages_json`)."""
        from ui.api.records import passages_json

        outlets, d1, d2 = parse_filters(sources, since, until)
        return passages_json(self.lib.search(query, k=k, sources=outlets, since=d1, until=d2))


def parse_history(history_json: str) -> History:
    """Earlier turns for the API: a JSON list of answers as /ask returned them, or of
    [question, answer] pairs (see `History.from_list`)."""
    if not history_json or not str(history_json).strip():
        return History()
    try:
        items = json.loads(history_json)
        if not isinstance(items, list):
            raise TypeError("not a list")
        return History.from_list(items)
    except (ValueError, TypeError, KeyError) as e:
        raise FilterError("history_json must be a JSON list of earlier /ask results "
                          f"(or [question, answer] pairs): {e}") from None
