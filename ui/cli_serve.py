"""`assistant serve`: the browser chat (ui.web) and the HTTP API (ui.api: REST, OpenAI-compatible,
MCP) on one port, from the command line.

Safety rules: a server reachable from other machines must ask for a password. Binding anything
but a loopback host needs --auth USER:PASSWORD, --auth-file FILE or an explicit --no-auth;
otherwise the command refuses with exit status 2 before loading anything. The API doors need
an API key for every request beyond loopback, and for writes everywhere (--api-key-env VAR,
--api-keys-file FILE; see ui.api.access). Keys are read from the environment or a file, never
from the command line, where other users of the machine could read them in the process list.
gradio is imported only when the command runs, so `assistant --help` stays fast.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ui.cli import add_index_arg
from ui.cli_llm import LLM_EPILOG, add_llm_args, llm_settings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def add_serve(sub) -> None:
    p = sub.add_parser(
        "serve", help="browser chat on http://127.0.0.1:7860",
        description="Serve the chat in the browser: ask questions, read the cited sources with the "
                    "quoted sentences highlighted, filter by outlet and date, add articles (upload files, or "
                    "give the web address of an article page or an RSS / Atom feed). An --index directory "
                    "that does not exist yet starts an empty chat; the first articles added create the "
                    "index. On the same port: a REST API (/api/ask, /api/articles, ...; docs at /api/docs), "
                    "an OpenAI-compatible chat API (/v1/chat/completions, /v1/models) and MCP tools "
                    "(/gradio_api/mcp/). See docs/UI.md and docs/API.md.",
        epilog="Listening on a non-local --host requires --auth USER:PASSWORD, --auth-file FILE or "
               "--no-auth for the chat, and API keys for the API (without keys it is closed there). "
               "Writes through the API (ingest, delete, rebuild) always need a key. " + LLM_EPILOG)
    add_index_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--samples", metavar="DIR",
                   help="when the index is missing or empty, ingest the articles in DIR first "
                        "(without it, a missing index starts empty)")
    p.add_argument("--max-upload-mb", type=float, default=20.0, help="largest upload accepted (default 20)")
    p.add_argument("--upload-dir", metavar="DIR",
                   help="where uploaded articles are kept (default: beside the index, <index>-uploads)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--auth", metavar="USER:PASSWORD", help="require this login")
    g.add_argument("--auth-file", metavar="FILE", help="require the login in FILE (one line: user:password)")
    g.add_argument("--no-auth", action="store_true", help="allow a non-local --host without a login")
    a = p.add_argument_group("HTTP API (REST, OpenAI-compatible, MCP; see docs/API.md)")
    a.add_argument("--api-key-env", metavar="VAR",
                   help="name of the environment variable holding the API key (several: separated by commas)")
    a.add_argument("--api-keys-file", metavar="FILE", help="file with one API key per line (# comments allowed)")
    a.add_argument("--rate-limit", metavar="N/PERIOD",
                   help="requests per key (per address without a key), e.g. 60/min, 5/s, 1000/hour (default: none)")
    a.add_argument("--cors-origin", metavar="ORIGIN", action="append", default=[],
                   help="let web pages from ORIGIN (e.g. https://chat.example.org) call the API from a browser; "
                        "repeat for several (default: none)")
    a.add_argument("--no-mcp", action="store_true", help="do not offer the MCP tools")
    a.add_argument("--allow-private-urls", action="store_true",
                   help="let adding articles by web address (the chat's \"Add articles\" and POST /api/ingest "
                        "{\"urls\": [...]}) fetch from loopback, private and link-local addresses "
                        "(refused by default)")
    add_llm_args(p)
    p.set_defaults(run=run_serve)


def parse_auth(text: str, where: str) -> tuple[str, str]:
    user, sep, password = text.strip().partition(":")
    if not sep or not user or not password:
        raise ValueError(f"{where} must be USER:PASSWORD with both parts non-empty")
    return user, password


def resolve_auth(args) -> tuple[str, str] | None:
    """The login from --auth / --auth-file, or None. ValueError with a message on bad input."""
    if args.auth:
        return parse_auth(args.auth, "--auth")
    if args.auth_file:
        try:
            lines = [ln for ln in Path(args.auth_file).read_text(encoding="utf-8").splitlines() if ln.strip()]
        except (OSError, UnicodeDecodeError) as e:
            raise ValueError(f"cannot read --auth-file {args.auth_file}: {e}") from None
        if len(lines) != 1:
            raise ValueError(f"--auth-file {args.auth_file} must hold exactly one line user:password")
        return parse_auth(lines[0], f"--auth-file {args.auth_file}")
    return None


def run_serve(args) -> int:
    def fail(msg: str) -> int:
        print(f"assistant serve: {msg}", file=sys.stderr)
        return 2

    try:
        auth = resolve_auth(args)
    except ValueError as e:
        return fail(str(e))
    if args.host not in LOCAL_HOSTS and auth is None and not args.no_auth:
        return fail(f"--host {args.host} makes the chat reachable from other machines; add "
                    "--auth USER:PASSWORD (or --auth-file FILE), or --no-auth if that is really meant")
    if not 0 < args.port < 65536:
        return fail(f"--port must be 1-65535, got {args.port}")
    if args.max_upload_mb <= 0:
        return fail(f"--max-upload-mb must be positive, got {args.max_upload_mb:g}")
    try:
        api = api_settings(args)
    except ValueError as e:
        return fail(str(e))
    llm = llm_settings(args)  # a bad LLM configuration is refused before gradio loads
    from ui.web import serve

    serve(args.index, host=args.host.strip("[]"), port=args.port, samples=args.samples,
          max_upload_mb=args.max_upload_mb, auth=auth, upload_dir=args.upload_dir, llm=llm, api=api)
    return 0


def api_settings(args):
    """The API's settings from the flags (`ui.api.server.ApiSettings`); ValueError with a message."""
    from ui.api.access import KeyRing, RateLimit
    from ui.api.server import ApiSettings

    keys = KeyRing.load(args.api_key_env, args.api_keys_file)
    rate = RateLimit.parse(args.rate_limit) if args.rate_limit else None
    for origin in args.cors_origin:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"--cors-origin must be a scheme and host like https://chat.example.org, got {origin!r}")
    return ApiSettings(keys=keys, public=args.host not in LOCAL_HOSTS, rate_limit=rate,
                       cors_origins=tuple(args.cors_origin), mcp=not args.no_mcp,
                       allow_private_urls=args.allow_private_urls)
