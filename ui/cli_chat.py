"""`assistant chat`: a conversation in the terminal. Follow-up questions ("Who is its leader?",
"And in Hama?") are read against the earlier turns (see `assistant.conversation.followup`).

The turns are kept by an `assistant.Conversation` (`Assistant.chat()`), in the same `History`
type the web chat uses. Each answer is printed with a compact source list (n, title — outlet,
date); `/sources` shows the last answer's sources in full (quoted sentences, links), `/reset`
starts a new conversation, `/help` lists the commands, `/quit` or Ctrl-D leaves (exit status 0).
Ctrl-C clears the line at the prompt and abandons a question being answered; the chat goes on. A
typed error (an empty question, a bad date) is one line on stderr and the chat goes on.

On a terminal the line is edited with readline (when the platform has it) and earlier questions
are kept in `chat_history` in the user data directory, next to the default index; failing to
write it is ignored. With stdin not a terminal (questions piped, one per line) there is no
readline and no history file, and each question is echoed after the prompt so the transcript
reads like a conversation.
"""

from __future__ import annotations

import signal
import sys
import textwrap
from pathlib import Path

from ui.cli import add_index_arg
from ui.cli_ask import format_answer, render
from ui.cli_llm import LLM_EPILOG, StreamEcho, add_llm_args, llm_settings, with_llm

PROMPT = "you> "
WIDTH = 100
HELP = """\
Ask a question about the indexed articles; follow-ups may refer to earlier answers
("Who is its leader?", "What about Hama?", "And the owner?"). Also: "What's new?", "Summarize the
Suez story", "Tell me about the earthquake", "Which stories mention NASA?", "Who reported on the
canal?", "What's the oldest story?", "How do the Suez reports differ?", "Do the reports agree on
that?", "Timeline of the Suez blockage", "Tell me more"; keywords work too ("artemis launch date").
  /sources   the last answer's sources in full: quoted sentences and links
  /reset     start a new conversation (nothing earlier is carried over)
  /help      this help
  /quit      leave (also Ctrl-D)"""


def add_chat(sub) -> None:
    p = sub.add_parser(
        "chat", help="a conversation: ask questions and follow-ups",
        description="Chat with the indexed articles in the terminal. Each answer is 1-3 of their own "
                    "sentences with [n] marks and a short source list; follow-up questions can refer to "
                    "earlier turns ('When?', 'Any updates on that?'), 'Tell me more' answers from what was "
                    "not quoted yet, and 'Who reported that?' names the last answer's outlets. 'Which stories "
                    "mention NASA?', 'Summarize the Suez story', 'How do the Suez reports differ?', "
                    "'Timeline of the Suez blockage', keywords ('artemis launch date') and two questions in "
                    "one work as they do in 'assistant ask'. Type /help for the commands.",
        epilog="Questions can also be piped, one per line: printf 'Q1\\nQ2\\n' | assistant chat. " + LLM_EPILOG)
    add_index_arg(p)
    p.add_argument("--source", action="append", default=[], metavar="OUTLET",
                   help="only use articles from this outlet (repeatable)")
    p.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", help="only articles published on or before DATE (YYYY-MM-DD)")
    add_llm_args(p)
    p.set_defaults(run=run_chat)


def format_turn(answer, width: int = WIDTH, *, show_text: bool = True) -> str:
    """The answer and one line per source; what was searched when it differs from the question.
    `show_text=False` when the text was already printed (streamed by the LLM)."""
    lines = [textwrap.fill(answer.text, width)] if show_text else []
    if answer.citations:
        lines.append("Related reading:" if answer.abstained else "Sources:")
    for c in answer.citations:
        when = c.published.isoformat() if c.published else "undated"
        lines.append(f"  [{c.n}] {c.title} — {c.source or 'unknown outlet'}, {when}")
    for note in answer.notes:
        lines.append(f"note: {note}")
    for claim in getattr(answer, "unsupported", ()):
        lines.append(f"unsupported: {claim}")
    if answer.query and answer.query != answer.question:
        # a follow-up was read with earlier turns: show how, so a wrong reading can be rephrased
        lines.append(f"(searched: {answer.query})")
    return "\n".join(lines)


def history_file() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("news-assistant", appauthor=False)) / "chat_history"


def _readline(path: Path):
    """readline with the saved history, or None where readline is missing."""
    try:
        import readline
    except ImportError:
        return None
    try:
        readline.read_history_file(path)
    except (OSError, ValueError):
        pass  # first run, or unreadable: start with no history
    readline.set_history_length(1000)
    return readline


def _save(readline, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(path)
    except OSError:
        pass  # a read-only home must not spoil leaving the chat


def take_back_ctrl_c() -> None:
    """A chat started with Ctrl-C ignored (from a script's background job, under nohup) would
    inherit that and freeze on Ctrl-C; a person at the terminal expects it to drop the line."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def run_chat(args) -> int:
    from assistant import Assistant
    from index import NewsIndexError

    interactive = sys.stdin.isatty()
    llm = llm_settings(args)
    assistant = Assistant(args.index, **with_llm(llm))
    rl = path = None
    if interactive:
        take_back_ctrl_c()
        path = history_file()
        rl = _readline(path)
    try:
        stats = assistant.stats()
        mode = f" Answers by LLM {llm.model}, checked against the articles." if llm else ""
        print(f"News assistant: {stats.articles} articles.{mode} Ask a question; /help for commands, /quit to leave.")
        chat = assistant.chat()
        filters = {"sources": args.source or None, "since": args.since, "until": args.until}
        while True:
            try:
                line = input(PROMPT if interactive else "")
            except EOFError:
                if interactive:
                    print()
                return 0
            except KeyboardInterrupt:
                print()  # Ctrl-C at the prompt drops the line, as in a shell
                continue
            if not interactive:
                print(f"{PROMPT}{line}")
            command = line.strip().lower()
            if command in ("/quit", "/exit", "/q", "quit", "exit"):
                return 0
            if command == "/help":
                print(HELP)
            elif command == "/reset":
                chat.reset()
                print("New conversation: earlier questions are forgotten.")
            elif command == "/sources":
                print(format_answer(chat.last, WIDTH) if chat.last else "No answer yet: ask a question first.")
            elif command.startswith("/"):
                print(f"unknown command {line.strip().split()[0]}: type /help", file=sys.stderr)
            else:
                echo = StreamEcho() if llm is not None else None
                try:
                    answer = chat.ask(line, on_delta=echo, **filters) if echo else chat.ask(line, **filters)
                except NewsIndexError as e:
                    print(f"error: {e}", file=sys.stderr)
                    continue
                except KeyboardInterrupt:
                    print("\n(question abandoned)")
                    continue
                print(render(answer, echo, llm, WIDTH, format_turn))
            print()
            sys.stdout.flush()
    finally:
        if rl is not None:
            _save(rl, path)
        assistant.close()
