"""`assistant ask`: one question from the command line, answer and numbered sources printed;
`--timeline SUBJECT` lists dated, cited statements about a subject instead, one per line."""

from __future__ import annotations

import json
import sys
import textwrap

from ui.cli import add_index_arg
from ui.cli_llm import LLM_EPILOG, StreamEcho, add_llm_args, llm_settings, mode_line, with_llm


def add_ask(sub) -> None:
    p = sub.add_parser(
        "ask", help="ask one question",
        description="Answer a question from the indexed articles: 1-3 of their own sentences with [n] "
                    "marks, then the numbered sources (title - outlet, date) with the quoted sentence. "
                    "When the articles don't answer it, says so and lists related passages. Where outlets "
                    "agree or disagree the answer says so, naming outlet and date; relative time in the "
                    "question ('last week', 'in 2022', 'news from March 2024') filters by publication date, "
                    "and a question about a time, the news or the latest on a name alone ('What happened "
                    "last week?', 'What happened on 3 March?', 'Any news?', 'What's new?', 'What's the "
                    "latest on Homs?') or a summary ('Summarize the Suez story', 'Tell me about the "
                    "earthquake') gets the opening sentence "
                    "of the newest stories. An outlet named as "
                    "the source ('What did Northwind Post say about ...?') works like --source. 'Which "
                    "stories mention NASA?' lists the articles naming it, newest first ('Who reported on "
                    "NASA?' with their outlets first, 'Who wrote the Artemis story?' with their authors), "
                    "'What stories do you have?' tells what the index "
                    "holds, 'What's the oldest story?' gives that one and 'Which outlet reported first on "
                    "the collapse?' the oldest naming it; 'How do the Suez reports differ?' "
                    "and 'Do the outlets agree on the death toll?' set the figures reports give side by "
                    "side, and 'Timeline of the Suez "
                    "blockage' lists dated statements as --timeline does. Keywords work as a question "
                    "('artemis launch date'), a topic alone ('Ever Given') as the latest on it, two questions "
                    "joined by 'and' are answered in turn, and a misspelt word (or an acronym the articles "
                    "never use) is read as the articles' word where the question would abstain. A greeting, "
                    "thanks or 'What can you do?' gets a line of its own, nothing searched.",
        epilog=LLM_EPILOG)
    p.add_argument("question", nargs="?", help="the question, in quotes")
    add_index_arg(p)
    p.add_argument("--json", action="store_true", help="print the whole Answer as JSON")
    p.add_argument("--source", action="append", default=[], metavar="OUTLET",
                   help="only use articles from this outlet (repeatable)")
    p.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", help="only articles published on or before DATE (YYYY-MM-DD)")
    p.add_argument("-k", type=int, default=None,
                   help="passages to read (default 8; 12 finds more reports where outlets disagree, at some "
                        "cost in time; with --timeline: statements to list, default 20)")
    p.add_argument("--as-of", metavar="DATE", dest="as_of",
                   help="answer as of DATE (YYYY-MM-DD): relative time ('last week') is read against it "
                        "instead of the newest article's date, and later articles are left out")
    p.add_argument("--timeline", metavar="SUBJECT",
                   help="instead of answering, list dated, cited statements about SUBJECT, oldest first")
    p.add_argument("--ranker", choices=("reader", "rules"), default=None,
                   help="what picks the answer sentences: the trained reader blended with the surface "
                        "rules (the default), or the faster rules alone")
    add_llm_args(p)
    p.set_defaults(run=run_ask)


def format_answer(answer, width: int = 100, *, show_text: bool = True) -> str:
    """The answer, its numbered sources and notes; `show_text=False` when the text was already
    printed (streamed by the LLM)."""
    lines = [textwrap.fill(_bold_short_answer(answer), width)] if show_text else []
    if answer.citations:
        lines.append("")
        lines.append("Related reading:" if answer.abstained else "Sources:")
    for c in answer.citations:
        when = c.published.isoformat() if c.published else "undated"
        outlet = c.source or "unknown outlet"
        lines.append(f"[{c.n}] {c.title} — {outlet}, {when}")
        lines.append(textwrap.indent(textwrap.fill(f"“{c.quote}”", width - 4), "    "))
        where = c.url or c.path
        if where:
            lines.append(f"    {where}")
        if getattr(c, "copies", ()):  # wire copies: the same report in other outlets
            lines.append(textwrap.indent(textwrap.fill("also reported by: " + ", ".join(
                _copy_label(x) for x in c.copies), width - 4), "    "))
    for note in answer.notes:
        lines.append(f"note: {note}")
    for claim in getattr(answer, "unsupported", ()):
        lines.append(f"unsupported: {claim}")
    return "\n".join(lines).lstrip("\n")


def _bold_short_answer(answer) -> str:
    """The answer's text with its short answer set off: bold on a terminal, **so** in a pipe."""
    at = answer.short_answer_in_text()
    if at is None:
        return answer.text
    on, off = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    a, b = at
    return answer.text[:a] + on + answer.text[a:b] + off + answer.text[b:]


def _copy_label(copy) -> str:
    """'Meridian Wire (2022-11-17)'; an outlet-less copy by its title."""
    name = copy.source or (f"“{copy.title}”" if copy.title else "unknown outlet")
    return f"{name} ({copy.published.isoformat()})" if copy.published else name


def format_timeline(entries) -> str:
    """One line per statement: date, outlet (or title), the quoted sentence."""
    if not entries:
        return "No dated statements about that in the indexed articles."
    lines = []
    for e in entries:
        when = e.date.isoformat() if e.date else "undated   "
        who = e.source or (f"“{e.title}”" if e.title else "unknown outlet")
        lines.append(f"{when}  {who}: “{' '.join(e.quote.split())}”")
    return "\n".join(lines)


def run_ask(args) -> int:
    from assistant import AnswerSettings, Assistant

    if not args.timeline and args.question is None:  # an empty one is the Assistant's typed error
        print("assistant ask: error: give a question, or --timeline SUBJECT", file=sys.stderr)
        return 2
    llm = None if args.timeline else llm_settings(args)
    ranker = {} if args.ranker is None else {"answer": AnswerSettings(ranker=args.ranker)}
    a = Assistant(args.index, **ranker, **with_llm(llm))
    echo = StreamEcho() if llm is not None and not args.json else None
    try:
        if args.timeline:
            entries = a.timeline(args.timeline, k=args.k or 20, sources=args.source or None, since=args.since,
                                 until=args.until or args.as_of)
            if args.json:
                print(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
            else:
                print(format_timeline(entries))
            sys.stdout.flush()
            return 0
        answer = a.ask(args.question, k=args.k, sources=args.source or None, since=args.since, until=args.until,
                       as_of=args.as_of, on_delta=echo)
    finally:
        a.close()
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render(answer, echo, llm))
    sys.stdout.flush()
    return 0


def render(answer, echo, llm, width: int = 100, fmt=format_answer) -> str:
    """The answer after a (possibly) streamed LLM reply, with the line saying which mode answered."""
    label = echo.finish(answer) if echo is not None else None
    streamed = echo is not None and echo.started
    body = fmt(answer, width, show_text=not streamed or label is not None)
    if label:
        body = f"{label}\n{body}"
    elif streamed:
        body = "\n" + body  # a blank line between the streamed text and the sources
    line = mode_line(answer, llm)
    return f"{body}\n{line}" if line else body
