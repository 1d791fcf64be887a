"""The optional LLM on the command line: the flags shared by `ask`, `chat` and `serve`, and
printing an answer as the LLM streams it.

Settings come from the flags, else the environment, else the config file (see
`assistant.llm.settings`); `--no-llm` turns a configured LLM off for one run. The API key is
named by the variable that holds it (`--llm-api-key-env`), never given on the command line,
where other users of the machine could read it in the process list.

Streaming: the LLM's text is printed as it arrives, then checked against the passages. When the
check changes nothing, only the sources follow; when it does (a sentence marked or dropped, a
citation removed, or the extractive answer taking over), the checked answer is printed in full
under a label, so what the reader keeps is never the unchecked draft.
"""

from __future__ import annotations

import sys

LLM_EPILOG = ("LLM answers (optional, off by default): --llm-base-url URL --llm-model NAME, e.g. a local "
              "Ollama: --llm-base-url http://127.0.0.1:11434/v1 --llm-model llama3.2. Each sentence of its "
              "answer is checked against the passage it cites; if the server fails, the extractive answer is "
              "given with a note. Also from ASSISTANT_LLM_BASE_URL / ASSISTANT_LLM_MODEL or the [llm] table "
              "of the config file (--config FILE, default ~/.config/news-assistant/config.toml).")


def add_llm_args(p) -> None:
    g = p.add_argument_group("LLM answers (optional; see README)")
    g.add_argument("--llm-base-url", metavar="URL",
                   help="OpenAI-compatible server, up to /v1 (Ollama: http://127.0.0.1:11434/v1; also llama.cpp "
                        "server, vLLM, LM Studio, OpenAI). With --llm-model, answers are written by the LLM "
                        "and checked sentence by sentence against the cited passages")
    g.add_argument("--llm-model", metavar="NAME", help="model name on that server (e.g. llama3.2)")
    g.add_argument("--llm-api-key-env", metavar="VAR",
                   help="name of the environment variable holding the API key (the key itself is never a flag)")
    g.add_argument("--llm-timeout", type=float, metavar="SECONDS",
                   help="seconds to wait for the server before falling back to the extractive answer (default 30)")
    g.add_argument("--llm-unsupported", choices=["mark", "drop"],
                   help="a sentence its cited passage does not support: mark it [unsupported] (default) or drop it")
    g.add_argument("--config", metavar="FILE",
                   help="TOML file with an [llm] table (default: $ASSISTANT_CONFIG or "
                        "~/.config/news-assistant/config.toml, if present)")
    g.add_argument("--no-llm", action="store_true", help="extractive answers only, even if an LLM is configured")


def llm_settings(args):
    """The LLMSettings the flags, environment and config file give, or None (LLM off).
    ConfigError for a bad or half-given configuration."""
    if getattr(args, "no_llm", False):
        return None
    from assistant import resolve_llm

    return resolve_llm(args.llm_base_url, args.llm_model, args.llm_api_key_env, config_file=args.config,
                       timeout=args.llm_timeout, on_unsupported=args.llm_unsupported)


def with_llm(llm) -> dict:
    """Keyword arguments for `Assistant(...)`: none when the LLM is off, so stand-ins for the
    Assistant without an `llm` parameter keep working."""
    return {"llm": llm} if llm is not None else {}


def mode_line(answer, settings) -> str:
    """Which mode answered, for the line under the answer; '' when no LLM is configured."""
    if settings is None:
        return ""
    if answer.mode == "llm":
        return f"(answered by LLM {settings.model}; each sentence checked against the passage it cites)"
    return "(extractive answer: the articles' own sentences)"


class StreamEcho:
    """`on_delta` for `Assistant.ask`: prints the LLM's text as it arrives."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.parts: list[str] = []

    def __call__(self, piece: str) -> None:
        if not self.parts:
            piece = piece.lstrip()
        self.parts.append(piece)
        self.out.write(piece)
        self.out.flush()

    @property
    def started(self) -> bool:
        return bool(self.parts)

    def finish(self, answer) -> str | None:
        """After a stream: None when the checked text is what was printed, else the label under
        which the answer must be printed again."""
        if not self.parts:
            return None
        self.out.write("\n")
        if answer.mode != "llm":
            return "The LLM's answer was not used; the extractive answer:"
        if " ".join("".join(self.parts).split()) == " ".join(answer.text.split()):
            return None
        return "Checked against the cited passages:"
