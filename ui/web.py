"""The browser chat (Gradio Blocks): ask questions, read the cited sources, add articles.

    app = build_app(Assistant(index_dir))     # a gr.Blocks; app.launch() brings its own CSS/JS
    serve(index_dir, host="127.0.0.1", port=7860, samples="examples/articles")

Layout: the conversation on the left (question box, example questions, new-conversation button,
filters, upload), the source panel on the right. Answers stream in word by word, with [n] marks
that are links to the numbered entries of the source panel. The behaviour lives in
ui.web_handlers, the HTML in ui.web_render, upload checks in ui.web_upload, CSS/JS in
ui.web_style. The named endpoints `/ask` and `/search` (gradio_client, MCP tools) are in
ui.web_tools; `launch` serves the page together with the HTTP API (ui.api, docs/API.md).

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
    """The page for one Assistant (or the `ui.api.Library` sharing it). Uploads are accepted only
    from gradio's upload folder (and `upload_dir`); accepted files are copied into `upload_dir`
    when given. `warm_up` loads the model in a background thread so the first question is not
    the slow one."""
    from gradio.utils import get_upload_folder

    h = Handlers(assistant, max_upload_mb=max_upload_mb, upload_dir=upload_dir,
                 upload_roots=[get_upload_folder()], stream_delay=stream_delay)
    status, outlets, examples = h.page_info()
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
                    placeholder="Ask a question about the articles in the index.")
                with gr.Row():
                    q = gr.Textbox(show_label=False, placeholder="Ask about the news…", scale=5,
                                   lines=1, max_lines=4, autofocus=True, elem_id="na-question")
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="na-ask")
                with gr.Row(elem_id="na-examples"):
                    ex_btns = [gr.Button(examples[i] if i < len(examples) else "", size="sm",
                                         visible=i < len(examples), elem_classes=["na-example"])
                               for i in range(N_EXAMPLES)]
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
                with gr.Accordion("Add articles", open=False, elem_id="na-upload"):
                    files = gr.File(file_count="multiple", file_types=FILE_TYPES, type="filepath",
                                    label=f"Article files ({' '.join(FILE_TYPES)}; up to {max_upload_mb:g} MB each)",
                                    elem_id="na-files")
                    add_btn = gr.Button("Add to index", variant="secondary", elem_id="na-add")
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
            st, outs, exs = h.page_info(refresh=refresh)
            return [st, gr.update(choices=outs),
                    *[gr.update(value=exs[i], visible=True) if i < len(exs) else gr.update(visible=False)
                      for i in range(N_EXAMPLES)]]

        def upload(paths, progress=gr.Progress()):
            progress(0, desc="Checking the files")
            rep = h.ingest_uploads(paths, progress=lambda n, desc: progress((n, None), desc=desc,
                                                                             unit="articles"))
            return [rep, *furniture(False), None]

        add_btn.click(upload, files, [report, status_box, outlet_dd, *ex_btns, files],
                      api_visibility="private", concurrency_limit=1)
        # a fresh page picks up articles other processes (e.g. `assistant ingest`) added meanwhile
        app.load(lambda: furniture(True), None, [status_box, outlet_dd, *ex_btns], api_visibility="private")
        web_tools.register(h)
    app.library, app.upload_dir = h.lib, upload_dir
    return app


def launch(app: gr.Blocks, *, host: str = "127.0.0.1", port: int = 7860, auth=None,
           max_upload_mb: float = 20, block: bool = True, quiet: bool = True, api=None) -> str:
    """Serve the page and the HTTP API (`api`: a `ui.api.server.ApiSettings`; default: loopback
    rules, no keys) on one port; return the URL (after Ctrl+C when `block`; else `app.close()`
    stops it). ConfigError if the port is taken."""
    from ui.api.server import ApiSettings, build_server, start

    api = api or ApiSettings()
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
    through `echo`)."""
    from assistant import Assistant
    from index import resolve_index_dir

    d = resolve_index_dir(index_dir)
    kw = {"llm": llm} if llm is not None else {}  # stand-ins without an llm parameter keep working
    try:
        a = Assistant(d, **kw)
    except IndexNotFoundError:  # raised before anything is loaded or created
        if not samples:
            raise
        a = None
    if a is not None and (a.stats().articles or not samples):
        return a
    folder = Path(samples)
    if not folder.exists():
        raise ConfigError(f"--samples folder {folder} does not exist")
    echo(f"The index at {d} is {'empty' if a else 'missing'}: adding the articles in {folder} …")
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
    `launch`). Uploads are kept in `upload_dir`, by default a sibling of the index dir
    ("<index>-uploads"), never inside it: `assistant ingest --rebuild` replaces the index dir
    wholesale."""
    from assistant import Assistant
    from index import resolve_index_dir
    from ui.api import Library

    a = open_assistant(index_dir, samples, echo, llm)
    if llm is not None:
        echo(f"Answers are written by the LLM {llm.describe()} and checked against the articles.")
    d = resolve_index_dir(index_dir)
    library = Library(a, reopen=lambda: Assistant(d, **({"llm": llm} if llm is not None else {})))
    upload_dir = Path(upload_dir) if upload_dir else d.resolve().with_name(d.resolve().name + "-uploads")
    app = build_app(library, max_upload_mb=max_upload_mb, upload_dir=upload_dir, warm_up=True)
    return launch(app, host=host, port=port, auth=auth, max_upload_mb=max_upload_mb, block=block, api=api,
                  quiet=False)
