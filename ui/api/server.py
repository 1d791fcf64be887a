"""One process, one port: a FastAPI app with the REST and OpenAI-compatible routes, the Gradio
page mounted on it at `/` (`gr.mount_gradio_app`, with Gradio's MCP server at
`/gradio_api/mcp/`), and uvicorn serving it from a background thread.

Our own app is the outer one so that its middleware sees every request first: API keys and
rate limits on the API doors (`access`), and CORS only when `--cors-origin` asks for it (Gradio
then leaves CORS to it; without it, Gradio keeps its own rules for the page's routes only).
Routes declared here win over the mounted page's, which only gets what they leave.

The socket is bound here, before uvicorn starts, so a taken port is an OSError at once rather
than a thread that dies quietly.
"""

from __future__ import annotations

import importlib.util
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ui.api import errors as E
from ui.api.access import AccessMiddleware, AccessPolicy, KeyRing, RateLimit

log = logging.getLogger("ui.api")
DESCRIPTION = ("Questions answered from news articles with cited sentences. REST under /api, "
               "OpenAI-compatible chat under /v1, MCP tools at /gradio_api/mcp/.")


@dataclass(frozen=True)
class ApiSettings:
    """How the API doors behave (from `assistant serve`'s flags; see `access` for the rules)."""

    keys: KeyRing = field(default_factory=KeyRing)
    public: bool = False  # listening beyond loopback
    rate_limit: RateLimit | None = None
    cors_origins: tuple[str, ...] = ()
    mcp: bool = True
    allow_private_urls: bool = False  # URL ingest may fetch from loopback / private networks


def mcp_available() -> bool:
    return importlib.util.find_spec("mcp") is not None


def build_server(blocks, library, settings: ApiSettings, *, upload_dir: Path, max_upload_mb: float = 20,
                 auth=None, page_kwargs: dict | None = None):
    """The FastAPI app: our routes and middleware, `blocks` (queued here) mounted at `/`."""
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    from ui.api import openai_routes, rest

    max_bytes = int(max_upload_mb * 1024 * 1024)
    app = FastAPI(title="News Assistant API", version="1", description=DESCRIPTION, docs_url=None,
                  redoc_url=None, openapi_url="/api/openapi.json")
    E.install(app)
    app.include_router(rest.router(library, max_upload_bytes=max_bytes, upload_dir=Path(upload_dir),
                                   allow_private_urls=settings.allow_private_urls))
    app.include_router(openai_routes.router(library))
    app.add_middleware(AccessMiddleware, policy=AccessPolicy(settings.keys, settings.public, settings.rate_limit,
                                                             max_bytes))
    if settings.cors_origins:  # added last: outermost, so preflights are answered before the key check
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type"], max_age=600)
    blocks.queue(default_concurrency_limit=4)
    app = gr.mount_gradio_app(app, blocks, path="/", auth=auth, show_error=False, max_file_size=max_bytes,
                              ssr_mode=False, footer_links=["api"], mcp_server=settings.mcp and mcp_available(),
                              **(page_kwargs or {}))
    # Gradio refuses file paths that were not uploaded (a server path smuggled into an event's
    # data) only for Blocks marked launched, and mounting never marks them: mark ours, so the
    # page's upload keeps that check in front of its own (ui.web_upload).
    blocks.has_launched = True
    return app


@dataclass
class RunningServer:
    """A served app: `url` to reach it; `close()` stops it (open streams get 3 s to finish)."""

    url: str
    host: str
    port: int
    _server: object
    _thread: threading.Thread

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; OSError when the address is taken or not ours."""
    family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                      flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def start(app, host: str, port: int, *, wait: float = 60.0) -> RunningServer:
    """Serve `app` on host:port from a daemon thread; return once it accepts connections."""
    import uvicorn

    class _Server(uvicorn.Server):
        def install_signal_handlers(self):  # the main thread keeps Ctrl+C
            pass

    sock = bind(host, port)
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=3,
                                    lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="news-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + wait
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise OSError(f"the server on {host}:{port} did not start")
        time.sleep(0.01)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    return RunningServer(url, host, port, server, thread)
