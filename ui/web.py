"""The browser chat (Gradio Blocks): ask questions, read the cited sources, add articles.

    app = build_app(Assistant(index_dir))     # a gr.Blocks; app.launch() brings its own CSS/JS
    serve(index_dir, host="127.0.0.1", port=7860, samples="examples/articles")

Layout: the conversation on the left (question box, example questions, new-conversation button,
filters, "Add articles": files or web addresses of articles and feeds), the source panel on the
right. Answers stream in word by word, with [n] marks that are links to the numbered entries of
the source panel. While the index is empty the header, the examples area and the chat say so and
"Add articles" is open. The behaviour lives in ui.web_handlers, the HTML in ui.web_render,
adding articles in ui.web_add (upload checks in ui.web_upload), CSS/JS in ui.web_style. The
named endpoints `/ask` and `/search` (gradio_client, MCP tools) are in ui.web_tools; `launch`
serves the page together with the HTTP API (ui.api, docs/API.md).

Limits: one Assistant is shared by all browser tabs and API clients (a `ui.api.Library`:
questions run side by side, writes take turns); conversations live in the browser tab only and
are lost on reload.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import gradio as gr

from index import ConfigError, IndexNotFoundError
from ui import web_render as R
from ui import web_tools
from ui.web_handlers import N_EXAMPLES, Handlers, new_conv
from ui.web_style import CSS, JS

FILE_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl"]
URL_LABEL = "Or web addresses: a news article's page, or an RSS / Atom feed (several: separated by spaces)"
EMPTY_CHAT = ("No articles yet. Add some under “Add articles” below (files, a news article's address or "
              "a feed), then ask about them.")
TAGLINE = ("Answers are the articles' own sentences. Click a [n] mark to see its source, "
           "with the quoted sentence highlighted.")


def page_kwargs() -> dict:
    """The page's CSS, JS hook and theme: Gradio 6 takes them when the page is launched or mounted."""
    return {"css": CSS, "js": JS, "theme": gr.themes.Soft(primary_hue="indigo")}


class NewsBlocks(gr.Blocks):
    """gr.Blocks whose launch() brings the page's CSS, JS hook and theme along. `library` is
    the shared Assistant, `upload_dir` where uploads are kept; `close()` also stops a server
    started by `launch()` below."""

    library = None
    upload_dir = None
    handlers = None
    served = None

    def launch(self, *args, **kwargs):
        for k, v in page_kwargs().items():
            kwargs.setdefault(k, v)
        return super().launch(*args, **kwargs)

    def close(self, verbose: bool = True) -> None:
        served, self.served = self.served, None
        if served is not None:
            served.close()
        super().close(verbose)


def build_app(assistant, *, max_upload_mb: float = 20, upload_dir=None, stream_delay: float = 0.04,
              warm_up: bool = False) -> gr.Blocks:
    """The page for one Assistant (or the `ui.api.Library` sharing it, possibly still empty).
    Uploads are accepted only from gradio's upload folder (and `upload_dir`); accepted files are
    copied into `upload_dir` when given. Web addresses are fetched with private addresses refused
    until `launch` applies the server's setting (`ApiSettings.allow_private_urls`, the REST door's).
    `warm_up` loads the model in a background thread so the first question is not the slow one."""
    from gradio.utils import get_upload_folder

    h = Handlers(assistant, max_upload_mb=max_upload_mb, upload_dir=upload_dir,
                 upload_roots=[get_upload_folder()], stream_delay=stream_delay)
    status, outlets, examples, empty = h.page_info()
    if warm_up:
        threading.Thread(target=h.warm_up, name="news-warm-up", daemon=True).start()

    with NewsBlocks(title="News Assistant", analytics_enabled=False) as app:
        conv = gr.State(new_conv())
        with gr.Row(elem_id="na-header"):
            gr.HTML(f'<h1>News Assistant</h1><p class="na-tagline">{R.esc(TAGLINE)}</p>', js_on_load=None,
                    min_width=300)
            status_box = gr.HTML(status, js_on_load=None, min_width=300)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chat = gr.Chatbot(
                    label="Conversation", show_label=False, height=500, elem_id="na-chat",
                    render_markdown=False, sanitize_html=True, latex_delimiters=[],  # we send escaped HTML
                    feedback_options=None, buttons=[], group_consecutive_messages=False,
                    placeholder=placeholder(empty))
                with gr.Row():
                    q = gr.Textbox(show_label=False, placeholder="Ask about the news…", scale=5,
                                   lines=1, max_lines=4, autofocus=True, elem_id="na-question")
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="na-ask")
                with gr.Row(elem_id="na-examples"):
                    ex_btns = [gr.Button(examples[i] if i < len(examples) else "", size="sm",
                                         visible=i < len(examples), elem_classes=["na-example"])
                               for i in range(N_EXAMPLES)]
                hint = gr.HTML(R.examples_hint_html(empty), js_on_load=None, visible=empty,
                               elem_id="na-examples-hint")
                with gr.Row():
                    new_btn = gr.Button("New conversation", size="sm", elem_id="na-new")
                with gr.Accordion("Filters (apply to the next question)", open=False, elem_id="na-filters"):
                    with gr.Row():
                        outlet_dd = gr.Dropdown(choices=outlets, value=[], multiselect=True, label="Outlets",
                                                info="None selected = all outlets", scale=2, elem_id="na-outlets")
                        since = gr.Textbox(label="Published from", placeholder="YYYY-MM-DD", scale=1,
                                           elem_id="na-since")
                        until = gr.Textbox(label="Published to", placeholder="YYYY-MM-DD", scale=1,
                                           elem_id="na-until")
                with gr.Accordion("Add articles", open=empty, elem_id="na-upload") as adding:
                    files = gr.File(file_count="multiple", file_types=FILE_TYPES, type="filepath",
                                    label=f"Article files ({' '.join(FILE_TYPES)}; up to {max_upload_mb:g} MB each)",
                                    elem_id="na-files")
                    add_btn = gr.Button("Add to index", variant="secondary", elem_id="na-add")
                    with gr.Row(equal_height=True):
                        urls = gr.Textbox(label=URL_LABEL, placeholder="https://…", lines=1, max_lines=6,
                                          scale=5, elem_id="na-urls")
                        url_btn = gr.Button("Fetch and add", variant="secondary", scale=1, min_width=120,
                                            elem_id="na-add-urls")
                    report = gr.HTML("", js_on_load=None, elem_id="na-report")
            with gr.Column(scale=2, min_width=320):
                # a new answer starts the panel at its top, wherever the last citation click left it
                sources = gr.HTML(R.EMPTY_SOURCES, elem_id="na-sources-panel", js_on_load=(
                    "watch('value', () => { const p = document.getElementById('na-sources-panel');"
                    " if (p) p.scrollTop = 0; });"))

        ask_in, ask_out = [q, conv, outlet_dd, since, until], [chat, conv, sources, q]
        chat_opts = dict(api_visibility="private", show_progress="minimal", concurrency_limit=8,
                         concurrency_id="chat")
        q.submit(h.respond, ask_in, ask_out, **chat_opts)
        ask_btn.click(h.respond, ask_in, ask_out, **chat_opts)
        for b in ex_btns:
            b.click(lambda text: text, b, q, queue=False, api_visibility="private") \
                .then(h.respond, ask_in, ask_out, **chat_opts)
        new_btn.click(h.new_conversation, None, [chat, conv, sources, q], queue=False, api_visibility="private")
        # the chatbot's own trash button empties the display; forget the conversation with it
        chat.clear(h.new_conversation, None, [chat, conv, sources, q], queue=False, api_visibility="private")

        def furniture(refresh: bool):
            st, outs, exs, none_yet = h.page_info(refresh=refresh)
            return [st, gr.update(choices=outs),
                    *[gr.update(value=exs[i], visible=True) if i < len(exs) else gr.update(visible=False)
                      for i in range(N_EXAMPLES)],
                    gr.update(value=R.examples_hint_html(none_yet), visible=none_yet),
                    gr.update(placeholder=placeholder(none_yet)),
                    gr.update(open=True) if none_yet else gr.update()]  # never folds what a person opened

        around = [status_box, outlet_dd, *ex_btns, hint, chat, adding]

        def upload(paths, progress=gr.Progress()):
            progress(0, desc="Checking the files")
            rep = h.ingest_uploads(paths, progress=lambda n, desc: progress((n, None), desc=desc,
                                                                             unit="articles"))
            return [rep, *furniture(False), None]

        def fetch(text, progress=gr.Progress()):
            progress(0, desc="Fetching")
            rep = h.ingest_urls(text, progress=lambda n, desc: progress((n, None), desc=desc))
            # emptied once something went in; when nothing did, what was typed stays to be fixed
            return [rep, *furniture(False), "" if 'class="na-report ok"' in rep else gr.update()]

        # one addition of each kind at a time (the Library's writers take turns anyway); the
        # progress shows on the report only, not over the chat the furniture also touches
        add_btn.click(upload, files, [report, *around, files], api_visibility="private", concurrency_limit=1,
                      concurrency_id="add-files", show_progress_on=[report])
        for trigger in (url_btn.click, urls.submit):
            trigger(fetch, urls, [report, *around, urls], api_visibility="private", concurrency_limit=1,
                    concurrency_id="add-urls", show_progress_on=[report])
        # a fresh page picks up articles other processes (e.g. `assistant ingest`) added meanwhile
        app.load(lambda: furniture(True), None, around, api_visibility="private")
        web_tools.register(h)
    app.library, app.upload_dir, app.handlers = h.lib, upload_dir, h
    return app


def placeholder(empty: bool) -> str:
    return EMPTY_CHAT if empty else "Ask a question about the articles in the index."


def launch(app: gr.Blocks, *, host: str = "127.0.0.1", port: int = 7860, auth=None,
           max_upload_mb: float = 20, block: bool = True, quiet: bool = True, api=None) -> str:
    """Serve the page and the HTTP API (`api`: a `ui.api.server.ApiSettings`; default: loopback
    rules, no keys) on one port; return the URL (after Ctrl+C when `block`; else `app.close()`
    stops it). ConfigError if the port is taken."""
    from ui.api.server import ApiSettings, build_server, start

    api = api or ApiSettings()
    if app.handlers is not None:  # the page fetches web addresses under the REST door's rule
        from ui.api.rest import url_fetcher

        app.handlers.fetcher = url_fetcher(api.allow_private_urls)
    upload_dir = app.upload_dir or Path(tempfile.mkdtemp(prefix="news-assistant-uploads-"))
    server_app = build_server(app, app.library, api, upload_dir=upload_dir, max_upload_mb=max_upload_mb,
                              auth=auth, page_kwargs=page_kwargs())
    try:
        app.served = start(server_app, host, port)
    except OSError as e:
        raise ConfigError(f"cannot serve on {host}:{port} ({e}). Choose another --port.") from None
    url = app.served.url
    if block:
        where = f" (listening on {host}, all interfaces)" if host in ("0.0.0.0", "::") else ""
        print(f"News Assistant is ready at {url}{where}  (Ctrl+C to stop)", flush=True)
        if not quiet:
            print(describe_api(url, api), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping", flush=True)
        finally:
            app.close()
    return url


def describe_api(url: str, api) -> str:
    """What the API doors are and who may use them (never the keys themselves)."""
    from ui.api.server import mcp_available

    lines = [f"  HTTP API: {url}api/docs · OpenAI-compatible: {url}v1 · "
             + (f"MCP: {url}gradio_api/mcp/" if api.mcp and mcp_available() else "MCP: off")]
    if len(api.keys):
        lines.append(f"  API keys: {len(api.keys)} loaded; "
                     + ("every API request needs one" if api.public else "writes need one, reads on loopback don't"))
    else:
        lines.append("  API keys: none, so " + ("the API is closed beyond loopback and " if api.public else "")
                     + "writes (ingest, delete) are off; add --api-key-env VAR or --api-keys-file FILE")
    if api.rate_limit:
        lines.append(f"  Rate limit: {api.rate_limit} per key (per address without one)")
    return "\n".join(lines)


def open_assistant(index_dir, samples=None, echo=print, llm=None):
    """An Assistant over `index_dir` (answers by the LLM `llm` when given); when the index is
    missing or empty and `samples` is given, ingest the sample folder first (progress printed
    through `echo`). None when there is no index and no `samples`: the server starts empty and
    the index is created by the first articles added."""
    from assistant import Assistant
    from index import resolve_location

    loc = resolve_location(index_dir)
    d = loc.uri if loc.is_milvus else loc.path  # a directory, or a milvus:// URI
    kw = {"llm": llm} if llm is not None else {}  # stand-ins without an llm parameter keep working
    try:
        a = Assistant(d, **kw)
    except IndexNotFoundError:  # raised before anything is loaded or created
        if not samples:
            echo(f"No index at {loc} yet: starting empty. Add articles in the page (files, a web page "
                 "or a feed) or with POST /api/ingest; the index is created with the first ones.")
            return None
        a = None
    if a is not None and (a.stats().articles or not samples):
        return a
    folder = Path(samples)
    if not folder.exists():
        raise ConfigError(f"--samples folder {folder} does not exist")
    echo(f"The index at {loc} is {'empty' if a else 'missing'}: adding the articles in {folder} …")
    last = [0.0]

    def progress(p):
        if time.monotonic() - last[0] > 1.0:
            last[0] = time.monotonic()
            echo(f"  {p.stage}: {p.articles_read} read, {p.articles_added} added, {p.chunks_added} passages")

    if a is None:
        from index import ingest

        report = ingest([folder], d, progress=progress)
    else:
        report = a.ingest([folder], progress=progress)
    echo(f"  {report.summary()}")
    for s in report.skipped[:20]:
        echo(f"  skipped: {s}")
    return a or Assistant(d, **kw)


def serve(index_dir, host: str = "127.0.0.1", port: int = 7860, samples=None, *, max_upload_mb: float = 20,
          auth: tuple[str, str] | None = None, upload_dir=None, block: bool = True, echo=print, llm=None,
          api=None) -> str:
    """Open (or seed from `samples`) the index and serve the page and the HTTP API (`api`, see
    `launch`); a missing index without `samples` is served empty and created by the first write.
    Uploads are kept in `upload_dir`, by default a sibling of the index dir ("<index>-uploads"),
    never inside it: `assistant ingest --rebuild` replaces the index dir wholesale."""
    from assistant import Assistant
    from index import open_index, resolve_location
    from ui.api import Library

    a = open_assistant(index_dir, samples, echo, llm)
    if llm is not None:
        echo(f"Answers are written by the LLM {llm.describe()} and checked against the articles.")
    loc = resolve_location(index_dir)
    d = loc.uri if loc.is_milvus else loc.path
    kw = {"llm": llm} if llm is not None else {}
    library = Library(a, reopen=lambda: Assistant(d, **kw), index_dir=d,
                      create=lambda: Assistant(index=open_index(d, create=True), **kw))
    if upload_dir:
        upload_dir = Path(upload_dir)
    elif loc.path is not None:  # an index directory or a Milvus Lite file: a sibling of it
        upload_dir = loc.path.resolve().with_name(loc.path.resolve().name + "-uploads")
    else:  # a Milvus server: nothing of ours on this machine to sit beside
        upload_dir = Path(tempfile.mkdtemp(prefix="news-assistant-uploads-"))
    app = build_app(library, max_upload_mb=max_upload_mb, upload_dir=upload_dir, warm_up=True)
    return launch(app, host=host, port=port, auth=auth, max_upload_mb=max_upload_mb, block=block, api=api,
                  quiet=False)
