"""`assistant`: the command line. Parses arguments, runs one command, turns typed errors into
one-line messages (no traceback reaches the user) and sets the exit code.

Each command lives in its own module and registers itself through `COMMANDS`; heavy imports
(torch, gradio) happen inside the commands, so `assistant --help` and `assistant ask` start fast.
A command module that cannot be imported is a broken install, not an optional extra: every
invocation then fails with one line naming the command and the import error (exit status 1).

Uses only the public API of `index` and `assistant` (the names their packages export).
"""

from __future__ import annotations

import argparse
import os
import sys

EPILOG = """\
The index lives in --index DIR, else $ASSISTANT_INDEX, else the user data directory
(e.g. ~/.local/share/news-assistant/index). --index also takes a Milvus location (the scale
extra): milvus:///ABS/PATH/news.db (a Milvus Lite file) or milvus://HOST:19530[/DB] (a server).

examples:
  assistant ingest ~/news/ feed.jsonl        add articles (re-running adds nothing new)
  assistant ingest https://example.com/rss   add a feed's articles (or a page's)
  assistant watch https://example.com/rss --every 15m   follow a feed until Ctrl-C
  assistant ask "How many people were displaced?"
  assistant ask --timeline "Suez Canal"      dated statements about a subject, oldest first
  assistant chat                              terminal chat with follow-up questions
  assistant stats
  assistant serve                             browser chat on http://127.0.0.1:7860
  assistant ingest ~/news/ --index milvus:///srv/news.db --ray   Milvus Lite, embedding on Ray
  assistant copy --from ~/.local/share/news-assistant/index --to milvus://db-host:19530/news
"""

# name -> "module:function" registering the subcommand's arguments; imported lazily.
COMMANDS = {
    "ingest": "ui.cli_index:add_ingest",
    "stats": "ui.cli_index:add_stats",
    "delete": "ui.cli_index:add_delete",
    "copy": "ui.cli_index:add_copy",
    "watch": "ui.cli_watch:add_watch",
    "ask": "ui.cli_ask:add_ask",
    "eval": "ui.cli_eval:add_eval",
    "chat": "ui.cli_chat:add_chat",
    "serve": "ui.cli_serve:add_serve",
}


class CommandLoadError(Exception):
    """A command's module (or its registering function) could not be loaded."""

    def __init__(self, command: str, target: str, error: BaseException):
        self.command, self.target, self.error = command, target, error
        super().__init__(f"the '{command}' command cannot be loaded ({target}): {type(error).__name__}: {error}")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every command of `COMMANDS`. CommandLoadError when one cannot be loaded."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Ask questions of your news articles. Answers are the articles' own sentences, "
                    "each cited to its article, outlet and date.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, target in COMMANDS.items():
        module, func = target.split(":")
        try:
            register = getattr(importlib.import_module(module), func)
        except Exception as e:  # noqa: BLE001 - any failure to load is reported the same way
            raise CommandLoadError(name, target, e) from e
        register(sub)
    return parser


def add_index_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", metavar="DIR_OR_URI",
                   help="index directory (default: $ASSISTANT_INDEX or the user data directory), or a Milvus "
                        "location: milvus:///ABS/PATH/news.db (Milvus Lite) or milvus://HOST:19530[/DB]")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        parser = build_parser()
    except CommandLoadError as e:
        print(f"assistant: error: {e}. The installation is incomplete or broken; reinstall the package.",
              file=sys.stderr)
        return 1
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    from index import NewsIndexError

    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except NewsIndexError as e:
        print(f"assistant: error: {e}", file=sys.stderr)
        return 1
    except _assistant_errors() as e:
        print(f"assistant: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


def _assistant_errors() -> tuple[type[BaseException], ...]:
    """The answering layer's typed errors, when that layer is installed."""
    try:
        from assistant import AssistantError
    except ImportError:
        return ()
    return (AssistantError,)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
