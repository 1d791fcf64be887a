"""Between OpenAI-style chat messages and the assistant's questions and answers.

In: the last user message is the question; the user/assistant pairs before it are the history.
A client sends back only the text of earlier replies, not the Answers behind them, so each
earlier turn becomes an Answer rebuilt from that text: the reply's sentences (marks removed)
become the quotes of citations rebuilt from its numbered source list. That is what follow-ups
read of a turn (`assistant.conversation`: the names an answer's quotes found, the question it
searched); article ids are not in the text: `Assistant.ask` finds each source's article again
by its URL and quoted sentences (`assistant.conversation.grounding`). System and tool messages
are ignored.

Out: `reply_text(answer)` is the answer with its [n] marks, then a numbered list of the cited
articles (title, outlet, date, url): "Related reading" when the answer abstained.
"""

from __future__ import annotations

import re
from datetime import date

from assistant import ABSTAIN_TEXT, Answer, Citation, History

SOURCES_HEAD = "Sources:"
RELATED_HEAD = "Related reading (these do not answer the question):"
_MARK = re.compile(r"\s*\[(\d+)\]")
_SOURCE_LINE = re.compile(r"^\[(\d+)\]\s+(.*?)(?:\s+—\s+(.*?))?"  # [n] title — outlet
                          r"(?:,\s+(\d{4}-\d{2}-\d{2}))?(?:\.\s+(https?://\S+))?\s*$")  # , date. url
_SENTENCE = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z\"“‘(])")  # marks stay with the sentence before them


class ChatFormatError(ValueError):
    """The messages hold no question to answer; the message says what is missing."""


def text_of(content) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(p.get("text", "") for p in content
                         if isinstance(p, dict) and p.get("type", "text") == "text" and isinstance(p.get("text"), str))
    raise ChatFormatError("message content must be a string or a list of text parts")


def split_messages(messages) -> tuple[str, History]:
    """(the question, the earlier turns as a History) from chat messages, oldest first. Each
    message needs `role` and `content` (dicts or objects with those attributes)."""
    turns = [(_get(m, "role"), text_of(_get(m, "content")).strip()) for m in messages or []]
    turns = [(r, t) for r, t in turns if r in ("user", "assistant") and t]
    if not turns or turns[-1][0] != "user":
        raise ChatFormatError("the last message must be a user message with the question")
    question = turns[-1][1]
    history = History()
    pending = None
    for role, text in turns[:-1]:
        if role == "user":
            pending = text  # two user messages in a row: the later one is the turn's question
        elif pending is not None:
            history.append(pending, answer_from_reply(pending, text))
            pending = None
    return question, history


def answer_from_reply(question: str, reply: str) -> Answer:
    """An Answer rebuilt from the text of a reply this server gave (or any assistant text)."""
    body, sources = _split_sources(reply)
    abstained = RELATED_HEAD in reply or body.startswith(ABSTAIN_TEXT)
    sentences = [s.strip() for s in _SENTENCE.split(body) if s.strip()]
    cits = []
    for n, (title, outlet, day, url) in sources.items():
        quotes = [_MARK.sub("", s).strip() for s in sentences if f"[{n}]" in s]
        quote = " ".join(quotes) or _MARK.sub("", body).strip()
        cits.append(Citation(n=n, article_id="", title=title, source=outlet, url=url, published=day, path="",
                             quote=quote, passage=quote, start=0, end=len(quote), score=0.0))
    if not cits and body:
        plain = _MARK.sub("", body).strip()
        cits.append(Citation(n=1, article_id="", title="", source="", url="", published=None, path="",
                             quote=plain, passage=plain, start=0, end=len(plain), score=0.0))
    return Answer(question=question, text=body, citations=cits, abstained=abstained, query=question)


def _split_sources(reply: str) -> tuple[str, dict[int, tuple]]:
    head = next((h for h in (SOURCES_HEAD, RELATED_HEAD) if f"\n{h}\n" in f"\n{reply}\n"), None)
    if head is None:
        return reply.strip(), {}
    at = ("\n" + reply).index(f"\n{head}") - 1
    body, rest = reply[:max(at, 0)].strip(), reply[max(at, 0):]
    found = {}
    for line in rest.splitlines()[1:]:
        m = _SOURCE_LINE.match(line.strip())
        if m:
            day = None
            if m.group(4):
                try:
                    day = date.fromisoformat(m.group(4))
                except ValueError:
                    pass
            found[int(m.group(1))] = (m.group(2).strip(), (m.group(3) or "").strip(), day, m.group(5) or "")
    return body, found


def _get(m, key):
    return m.get(key) if isinstance(m, dict) else getattr(m, key, None)


def source_line(c) -> str:
    """"[1] Title — Outlet, 2021-03-29. https://…" (the parts a citation has)."""
    line = f"[{c.n}] {' '.join((c.title or 'Untitled').split())}"
    if c.source:
        line += f" — {c.source}"
    if c.published:
        line += f", {c.published.isoformat()}"
    if c.url and c.url.startswith(("http://", "https://")):
        line += f". {c.url}"
    return line


def reply_text(answer: Answer) -> str:
    """The reply's content: the answer with its [n] marks, then the numbered sources."""
    if not answer.citations:
        return answer.text
    head = RELATED_HEAD if answer.abstained else SOURCES_HEAD
    return answer.text.rstrip() + "\n\n" + head + "\n" + "\n".join(source_line(c) for c in answer.citations)
