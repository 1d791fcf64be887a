"""What the browser chat does, as plain methods over an `Assistant`, testable without a browser.

`Handlers(assistant)` reaches the one Assistant shared by every browser tab (and by the HTTP
API) through a `ui.api.Library`; per-tab data lives in a `conv` dict kept in gr.State:
`{"turns": History.to_list(), "messages": [chat message dicts]}`. The turns are the
conversation's `assistant.History` (the type the terminal chat's `Conversation` keeps) stored
as plain JSON, safe to deep-copy between requests, and rebuilt with `History.from_list` for each
question; like `Conversation`, a follow-up is asked with the recent turns (`History.recent()`).

Questions from different tabs run side by side (the Library's readers share it); an upload is
ingested beside them and swapped in when done, so questions wait only for that moment.

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

from assistant import History
from index import ConfigError, NewsIndexError, parse_day as read_day
from ui import web_render as R
from ui import web_upload
from ui.api.library import Library, LibraryUnavailable

log = logging.getLogger("ui.web")
N_EXAMPLES = 4
WORDS_PER_STEP = 3
GENERIC_ERROR = "Sorry, something went wrong while answering. The error was logged on the server."


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


def friendly(err: BaseException) -> str:
    if isinstance(err, (NewsIndexError, FilterError, web_upload.UploadRejected, LibraryUnavailable)):
        return str(err)
    log.error("unexpected error in the web UI", exc_info=err)
    return GENERIC_ERROR


class Handlers:
    def __init__(self, assistant, *, max_upload_mb: float = 20, upload_dir=None, upload_roots=(),
                 stream_delay: float = 0.04):
        """`assistant`: an Assistant (or stand-in), or the `Library` the server shares."""
        self.lib = assistant if isinstance(assistant, Library) else Library(assistant)
        self.max_bytes = int(max_upload_mb * 1024 * 1024)
        self.upload_dir = upload_dir
        self.roots = [r for r in (*upload_roots, upload_dir) if r]
        self.stream_delay = stream_delay

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
            msgs.append({"role": "assistant", "content": R.error_html(friendly(e))})
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
    def page_info(self, refresh: bool = False):
        """(status html, outlet choices, example questions) for the page's current index. Each part
        fails on its own: no example questions is no reason to hide the outlets."""
        def part(fn, fallback):
            try:
                return fn()
            except Exception as e:  # noqa: BLE001
                return fallback(e)

        if refresh:
            part(self.lib.refresh, lambda e: friendly(e))
        status = part(lambda: R.status_html(self.lib.stats(), llm=self.model), lambda e: R.error_html(friendly(e)))
        outlets = part(self.lib.outlets, lambda e: friendly(e) and [])
        examples = part(lambda: self.lib.example_questions(N_EXAMPLES), lambda e: friendly(e) and [])
        return status, outlets, examples

    # -- uploads -----------------------------------------------------------------------------------
    def ingest_uploads(self, files, progress=None):
        """Validate, stage and ingest uploads -> report html. `progress(n, desc)` if given."""
        paths = [f if isinstance(f, str) else getattr(f, "path", None) or getattr(f, "name", "")
                 for f in (files or [])]
        if not paths:
            return R.error_html("Choose one or more article files first (.txt .md .html .htm .json .jsonl).")
        ok, rejected = web_upload.validate(paths, self.roots, self.max_bytes)
        names = {}
        staged = []
        for p in ok:
            try:
                dest = web_upload.stage(p, self.upload_dir) if self.upload_dir else p
            except OSError as e:
                log.error("cannot store upload %s in %s", p, self.upload_dir, exc_info=e)
                rejected.append((web_upload.display_name(p), "could not be stored on the server"))
                continue
            names[str(dest)] = web_upload.display_name(p)
            staged.append(str(dest))
        if not staged:
            return R.report_html(None, rejected)

        def on_progress(p):
            if progress is not None:
                progress(p.articles_read, f"{p.stage}: {p.articles_read} read, {p.articles_added} added, "
                                          f"{p.chunks_added} passages")

        try:
            report = self.lib.ingest(staged, progress=on_progress)
        except Exception as e:  # noqa: BLE001
            return R.error_html("Could not add the files: " + friendly(e))
        return R.report_html(report, rejected, names)

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
