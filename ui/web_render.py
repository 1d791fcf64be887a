"""HTML for the browser chat: answer messages, the source panel, the status line and what the
page says while the index is empty (ingest reports are `ui.web_add.report_html`).

Pure functions of plain data (Answer / IndexStats); no gradio import, so they are
unit-tested directly. Every string that comes from an article (text, title, outlet, url, quote,
passage) or from a user goes through `esc()` before it is placed in markup. `esc()` also turns the
characters Markdown and LaTeX act on into numeric entities, so the text stays inert even if the
chat component were switched back to Markdown rendering.

Anchors: citation marks [n] become `<a class="cite" href="#src-T-N">` where T is the turn number,
and the source panel gives entry N of turn T the id `src-T-N`; the page's click hook (ui.web) and
the browser's own #fragment jump both rely on that pairing.

LLM answers (`Answer.mode == "llm"`) carry a line naming the model and saying the sentences were
checked; a sentence the check marked "[unsupported]" shows that mark as a flag, and sentences
the check left out are listed under the answer. The draft shown while an LLM writes is plain
escaped text, labelled as not yet checked.

Limits: passages are trimmed to ~CONTEXT characters either side of the quote; a quote that cannot
be located in its passage is shown on its own, highlighted, above the passage.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from assistant import ABSTAIN_TEXT

MARK = re.compile(r"\[(\d{1,3})\]|\[unsupported\]")
CONTEXT = 320
ABSTAIN_LABEL = ABSTAIN_TEXT
EMPTY_SOURCES = ('<div class="na-sources na-empty">Ask a question: the articles behind the answer '
                 'will be listed here, with the quoted sentence highlighted.</div>')
# HTML's special characters plus those with meaning to Markdown / KaTeX, all as numeric entities
# in one pass (they render as themselves but do nothing; two passes would re-escape the '&#').
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()!*_`~$\\|#{}"})


def esc(text) -> str:
    """Escape for HTML text and attribute values, and neutralise Markdown/LaTeX syntax."""
    return ("" if text is None else str(text)).translate(_ESCAPES)


def safe_url(url: str) -> str | None:
    """The url if it is an absolute http(s) link, else None (javascript:, data:, relative...)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _get(obj, name, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _day(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value else "undated"


# -- the answer in the chat ----------------------------------------------------------------------
def answer_pieces(answer, turn: int) -> list[str]:
    """The answer text as a list of HTML fragments (words with their trailing space, and whole
    citation anchors), so a stream can show a growing prefix that is always well-formed."""
    known = {c.n for c in answer.citations}
    raw = answer.text or ""
    at = answer.short_answer_in_text() if hasattr(answer, "short_answer_in_text") else None
    if at is not None:  # sentinels survive escaping and word splitting, then become <b>…</b>
        raw = raw[:at[0]] + BOLD_ON + raw[at[0]:at[1]] + BOLD_OFF + raw[at[1]:]
    text = " ".join(raw.split())  # prose: newlines would only confuse layout
    pieces: list[str] = []
    pos = 0
    for m in MARK.finditer(text):
        pieces.extend(_words(text[pos:m.start()]))
        if m.group(1) is None:  # a sentence the check found unsupported (assistant.llm.verify)
            pieces.append(UNSUPPORTED_FLAG)
            pos = m.end()
            continue
        n = int(m.group(1))
        pieces.append(cite_anchor(turn, n) if n in known else esc(m.group(0)))
        pos = m.end()
    pieces.extend(_words(text[pos:]))
    return pieces


BOLD_ON, BOLD_OFF = "\x02", "\x03"  # never in article text: `index.loading` drops control characters


def _words(segment: str) -> list[str]:
    return [esc(w).replace(BOLD_ON, '<b class="na-short">').replace(BOLD_OFF, "</b>")
            for w in re.findall(r"\S+\s*|\s+", segment)]


UNSUPPORTED_FLAG = ('<span class="na-unsupported" title="The cited passages do not support this sentence">'
                    'unsupported</span>')


def cite_anchor(turn: int, n: int) -> str:
    return (f'<a class="cite" href="#src-{turn}-{n}" title="Show source {n}">'
            f'&#91;{n}&#93;</a>')


def answer_html(answer, turn: int, *, upto: int | None = None, filters: str = "", model: str = "") -> str:
    """The assistant's chat message. `upto` limits the text to the first pieces (streaming); the
    conflicts and notes are only added to the complete message. `model`: the LLM's name, shown
    on an LLM answer."""
    pieces = answer_pieces(answer, turn)
    done = upto is None or upto >= len(pieces)
    body = "".join(pieces if done else pieces[:upto])
    cls = "na-answer na-abstained" if answer.abstained else "na-answer"
    out = [f'<div class="{cls}">']
    if answer.abstained and "don't say" not in (answer.text or "").replace("’", "'"):
        out.append(f'<div class="na-abstain-label">{esc(ABSTAIN_LABEL)}</div>')
    if getattr(answer, "mode", "extractive") == "llm":
        out.append(f'<div class="na-mode">{esc(mode_label(model))}</div>')
    out.append(f'<p class="na-text">{body}{"" if done else "<span class=na-caret>▍</span>"}</p>')
    if done:
        out.append(conflicts_html(answer, turn))
        out.append(left_out_html(answer))
        notes = list(answer.notes) + ([filters] if filters else [])
        if notes:
            out.append('<ul class="na-notes">' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    out.append("</div>")
    return "".join(out)


def mode_label(model: str = "") -> str:
    who = f"Written by LLM {model}" if model else "Written by an LLM"
    return who + " · each sentence checked against its source"


def left_out_html(answer) -> str:
    """The LLM's sentences the check rejected and that are not in the text (dropped, or the
    extractive answer took over)."""
    gone = [c for c in getattr(answer, "unsupported", ()) or () if c not in (answer.text or "")]
    if not gone:
        return ""
    items = "".join(f"<li>{esc(c)}</li>" for c in gone)
    return (f'<details class="na-left-out"><summary>Left out: {len(gone)} sentence{"s" if len(gone) > 1 else ""} '
            f'of the LLM not supported by the articles</summary><ul>{items}</ul></details>')


def draft_html(text: str, model: str = "") -> str:
    """What the LLM has written so far, before the check: plain text, labelled as a draft."""
    who = f"LLM {model}" if model else "The LLM"
    return (f'<div class="na-answer na-draft"><div class="na-mode">{esc(who)} is writing · checked against '
            f'the sources when done</div><p class="na-text">{esc(" ".join(text.split()))}'
            '<span class=na-caret>▍</span></p></div>')


def conflicts_html(answer, turn: int) -> str:
    if not answer.conflicts:
        return ""
    rows = []
    for c in answer.conflicts:
        vals = "; ".join(f"<b>{esc(v.value)}</b> — " + ", ".join(cite_anchor(turn, n) for n in v.citations)
                         for v in c.values)
        rows.append(f"<li>{esc(c.subject)}: {vals}</li>")
    title = "The figures were updated" if all(c.kind == "update" for c in answer.conflicts) else "The sources disagree"
    return (f'<div class="na-conflicts"><div class="na-conflicts-title">{title}</div>'
            f'<ul>{"".join(rows)}</ul></div>')


def user_html(question: str) -> str:
    return f'<div class="na-question">{esc(question)}</div>'


def error_html(message: str) -> str:
    return f'<div class="na-error" role="alert">{esc(message)}</div>'


def note_html(message: str) -> str:
    """A neutral message in the chat: something to do first, not a failure."""
    return f'<div class="na-note">{esc(message)}</div>'


def pending_html(text: str = "Searching the articles…") -> str:
    return f'<div class="na-pending">{esc(text)}</div>'


# -- the source panel ----------------------------------------------------------------------------
def passage_html(c, short=None) -> str:
    """The citation's passage with its quote in <mark>, trimmed around the quote; `short` (the
    answer's short answer, when this quote holds it) in bold inside the mark."""
    passage, quote = c.passage or "", c.quote or ""
    a, b = c.start - c.passage_start, c.end - c.passage_start
    if not (0 <= a <= b <= len(passage) and passage[a:b] == quote):
        a = passage.find(quote) if quote else -1  # offsets disagree: fall back to a text search
        b = a + len(quote)
    if a < 0:
        lead = f'<p class="na-quote"><mark>{esc(quote)}</mark></p>' if quote else ""
        return lead + f'<blockquote class="na-passage">{esc(_trim(passage, 2 * CONTEXT, tail=True))}</blockquote>'
    before = _trim(passage[:a], CONTEXT, tail=False)
    after = _trim(passage[b:], CONTEXT, tail=True)
    return (f'<blockquote class="na-passage">{esc(before)}<mark>{_quote_html(passage[a:b], c, short)}</mark>'
            f'{esc(after)}</blockquote>')


def _quote_html(quote: str, c, short) -> str:
    s, e = (short.start - c.start, short.end - c.start) if short is not None else (-1, -1)
    if not (0 <= s < e <= len(quote) and quote[s:e] == short.text):
        return esc(quote)
    return f'{esc(quote[:s])}<b class="na-short">{esc(quote[s:e])}</b>{esc(quote[e:])}'


def _trim(text: str, limit: int, *, tail: bool) -> str:
    """At most `limit` characters, cut at a space, with an ellipsis on the cut side."""
    if len(text) <= limit:
        return text
    if tail:
        cut = text[:limit]
        return cut[: cut.rfind(" ")] + " …" if " " in cut else cut + "…"
    cut = text[-limit:]
    return "… " + cut[cut.find(" ") + 1:] if " " in cut else "…" + cut


def source_html(c, turn: int, short=None) -> str:
    title = esc(c.title or "Untitled article")
    url = safe_url(c.url)
    head = (f'<a class="na-title" href="{esc(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
            if url else f'<span class="na-title">{title}</span>')
    # what the article states: an outlet-less, undated report shows neither (its title says which it is)
    meta = " · ".join(esc(x) for x in (c.source, _day(c.published) if c.published else "") if x)
    return (f'<li class="na-src" id="src-{turn}-{c.n}" tabindex="-1">'
            f'<div class="na-src-head"><span class="na-n">{c.n}</span>{head}</div>'
            f'<div class="na-meta">{meta}</div>{passage_html(c, short)}</li>')


def _turn_block(question: str, answer, turn: int) -> str:
    label = "Related reading" if answer.abstained else "Sources"
    if not answer.citations:
        return f'<div class="na-none">{label}: none.</div>'
    short = getattr(answer, "short_answer", None)
    items = "".join(source_html(c, turn, short if short is not None and short.citation == c.n else None)
                    for c in answer.citations)
    note = (' <span class="na-sub">(close to the question, but not an answer)</span>'
            if answer.abstained else "")
    return (f'<div class="na-turn{" na-related" if answer.abstained else ""}">'
            f'<h3 class="na-h">{label}{note}</h3><ol class="na-src-list">{items}</ol></div>')


def sources_html(turns: list[tuple[str, object]]) -> str:
    """The panel for a conversation: the latest answer's sources open, earlier ones folded."""
    if not turns:
        return EMPTY_SOURCES
    last = len(turns)
    q, a = turns[-1]
    parts = [f'<div class="na-sources"><div class="na-for">For: <q>{esc(q)}</q></div>',
             _turn_block(q, a, last)]
    for t in range(last - 1, 0, -1):
        q, a = turns[t - 1]
        parts.append(f'<details class="na-earlier"><summary>Earlier: {esc(q)}</summary>'
                     f'{_turn_block(q, a, t)}</details>')
    parts.append("</div>")
    return "".join(parts)


# -- status line and the empty index ------------------------------------------------------------
EMPTY_STATUS = "The index is empty: add articles (files, a web page or a news feed) under “Add articles”."
EMPTY_EXAMPLES = ("No articles yet, so no example questions. Open “Add articles” below: upload article "
                  "files (.txt .md .html .json .jsonl), or paste the address of a news article or of an "
                  "RSS / Atom feed. Questions about the newest stories will appear here.")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_day(value) -> str:
    """A date as "13 Jun 2025" (English month names whatever the server's locale)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if isinstance(value, date) else str(value)


def poll_time(value, now: datetime | None = None) -> str:
    """When feeds were polled, in UTC: "12:04 UTC" today, else "12 Jun 2025 12:04 UTC"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # the index records UTC
    value = value.astimezone(timezone.utc)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    clock = f"{value:%H:%M} UTC"
    return clock if value.date() == now.date() else f"{long_day(value.date())} {clock}"


def status_html(stats, llm: str = "", now: datetime | None = None) -> str:
    """The header's line about the index: its size and outlets, the newest article's date and,
    when feeds are read into it (`assistant watch`, or a feed added by address), when they were
    last polled (UTC). An index without articles says so and what to do. `llm`: the model's name
    when answers are written by one; `now` decides whether the poll was today (default: now)."""
    if stats is None:
        return '<div class="na-status">Index not available.</div>'
    if not _get(stats, "articles", 0):
        return f'<div class="na-status na-status-empty">{esc(EMPTY_STATUS)}</div>'
    outlets = [o for o in (_get(stats, "outlets") or {}) if o]
    first, last = _get(stats, "first_published"), _get(stats, "last_published")
    parts = [_count(_get(stats, "articles", 0), "article"), _count(_get(stats, "chunks", 0), "passage"),
             _count(len(outlets), "outlet") + (f" ({', '.join(outlets[:6])}{', …' if len(outlets) > 6 else ''})"
                                               if outlets else "")]
    if first and first != last:
        parts.append(f"oldest article {long_day(first)}")
    if last:
        parts.append(f"newest article {long_day(last)}")
    if _get(stats, "last_poll"):
        parts.append(f"feeds polled {poll_time(_get(stats, 'last_poll'), now)}")
    if llm:
        parts.append(f"answers by LLM {llm}, checked against the articles")
    return f'<div class="na-status">{esc(" · ".join(parts))}</div>'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def examples_hint_html(empty: bool) -> str:
    """What the example-questions area says instead of examples while the index is empty."""
    return f'<div class="na-examples-hint">{esc(EMPTY_EXAMPLES)}</div>' if empty else ""
