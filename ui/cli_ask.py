"""`assistant ask`: one question from the command line, answer and numbered sources printed."""

from __future__ import annotations

import json
import sys
import textwrap

from ui.cli import add_index_arg


def add_ask(sub) -> None:
    p = sub.add_parser(
        "ask", help="ask one question",
        description="Answer a question from the indexed articles: 1-3 of their own sentences with [n] "
                    "marks, then the numbered sources (title - outlet, date) with the quoted sentence. "
                    "When the articles don't answer it, says so and lists related passages.")
    p.add_argument("question", help="the question, in quotes")
    add_index_arg(p)
    p.add_argument("--json", action="store_true", help="print the whole Answer as JSON")
    p.add_argument("--source", action="append", default=[], metavar="OUTLET",
                   help="only use articles from this outlet (repeatable)")
    p.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", help="only articles published on or before DATE (YYYY-MM-DD)")
    p.add_argument("-k", type=int, default=None, help="passages to read (default 8)")
    p.set_defaults(run=run_ask)


def format_answer(answer, width: int = 100) -> str:
    lines = [textwrap.fill(answer.text, width)]
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
    for note in answer.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def run_ask(args) -> int:
    from assistant import Assistant

    a = Assistant(args.index)
    try:
        answer = a.ask(args.question, k=args.k, sources=args.source or None, since=args.since, until=args.until)
    finally:
        a.close()
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_answer(answer))
    sys.stdout.flush()
    return 0
