"""Cut an article into overlapping chunks measured in the embedding model's tokens.

langchain-text-splitters' RecursiveCharacterTextSplitter does the cutting, preferring
paragraph breaks, then line breaks, then sentence ends, then words. Separators are kept in
the pieces (`keep_separator="end"`), so the splits the splitter merges tile the article text
in order and every chunk is an exact substring: `text[start:end] == chunk.text` always holds.

The splitter returns strings only, and searching the text for a chunk is ambiguous when text
repeats (a paragraph printed twice, a run of identical words). So `_OffsetSplitter` tags every
split with its offset as the splitter merges them, and each chunk takes the offset of its first
split. If the splitter's internals ever stop calling those hooks, the chunk is searched for
instead: after the previous chunk's start, overlapping it by at most `overlap` tokens and
leaving no gap after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from index.errors import ConfigError

# Sentence ends come before single spaces so a chunk rarely stops mid-sentence.
_SEPARATORS = ["\n\n", "\n", r"(?<=[.!?])\s+", r"(?<=[;:])\s+", r"\s+", ""]
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class Span:
    """A chunk before it has an id: its place in the article and its text."""

    order: int
    start: int
    end: int
    text: str


class _Located(str):
    """A piece of the article text that knows where it starts."""

    start: int


def _located(text: str, start: int) -> _Located:
    s = _Located(text)
    s.start = start
    return s


_splitter_class = None


def _offset_splitter(**kwargs):
    """A fresh splitter for one text (it keeps a cursor); the class is made on first use, so
    langchain is imported only when something is chunked."""
    global _splitter_class
    if _splitter_class is None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        class _OffsetSplitter(RecursiveCharacterTextSplitter):
            """Records where each merged split starts, so each chunk knows its own offset."""

            def split_text(self, text: str) -> list[str]:
                self._source, self._cursor = text, 0
                return super().split_text(text)

            def _merge_splits(self, splits, separator):
                located = []
                for s in splits:
                    # splits arrive in text order, so this is the cursor itself unless an
                    # unsplittable piece went straight to the output in between
                    at = self._source.find(s, self._cursor)
                    if at < 0:
                        return super()._merge_splits(splits, separator)
                    located.append(_located(s, at))
                    self._cursor = at + len(s)
                return super()._merge_splits(located, separator)

            def _join_docs(self, docs, separator):
                text = super()._join_docs(docs, separator)
                if text is None or separator or not docs or not isinstance(docs[0], _Located):
                    return text
                joined = "".join(docs)
                return _located(text, docs[0].start + len(joined) - len(joined.lstrip()))

        _splitter_class = _OffsetSplitter
    return _splitter_class(**kwargs)


class Chunker:
    def __init__(self, count_tokens: Callable[[str], int], *, chunk_tokens: int = 200, overlap: int = 30):
        if chunk_tokens < 1:
            raise ConfigError(f"chunk_tokens must be positive, got {chunk_tokens!r}")
        if not 0 <= overlap < chunk_tokens:
            raise ConfigError(f"chunk_overlap must be from 0 to chunk_tokens-1, got {overlap!r}")
        self._count_tokens = count_tokens
        self._overlap = overlap
        # The splitter measures each piece about three times (to classify, merge, and trim the
        # overlap); one count per distinct piece of the current article cuts chunking's
        # tokenizer time ~2.7x (RealTimeQA) with identical chunks. Cleared per article.
        self._counts: dict[str, int] = {}
        self._options = dict(
            separators=_SEPARATORS,
            is_separator_regex=True,
            keep_separator="end",  # separators stay in the text, so pieces are exact substrings
            chunk_size=chunk_tokens,
            chunk_overlap=overlap,
            length_function=self._length,
            strip_whitespace=True,
        )
        _offset_splitter(**self._options)  # fail now, not at the first article, if the library is missing

    def _length(self, piece) -> int:
        key = str(piece)
        n = self._counts.get(key)
        if n is None:
            n = self._counts[key] = self._count_tokens(key)
        return n

    def split(self, text: str) -> list[Span]:
        self._counts.clear()
        spans: list[Span] = []
        for piece in _offset_splitter(**self._options).split_text(text):
            if not piece:
                continue
            start = getattr(piece, "start", -1)
            if not (start >= 0 and text.startswith(piece, start)
                    and (not spans or start > spans[-1].start)):
                start = self._locate(text, piece, spans[-1] if spans else None)
            end = start + len(piece)
            spans.append(Span(len(spans), start, end, text[start:end]))
        return spans

    def _locate(self, text: str, piece: str, prev: Span | None) -> int:
        """Where `piece` starts, found by searching: after the previous chunk's start, overlapping
        it by at most `overlap` tokens and leaving no gap after it; the first match if none fits."""
        first = text.find(piece, prev.start + 1 if prev else 0)
        if first < 0:  # pragma: no cover - would mean the splitter changed the text
            raise AssertionError(f"chunk not found in article text: {piece[:60]!r}")
        if prev is None:
            return first
        gap = _NON_SPACE.search(text, prev.end)
        latest = gap.start() if gap else len(text)
        start = first
        while 0 <= start <= latest:
            if start >= prev.end or self._count_tokens(text[start:prev.end]) <= self._overlap:
                return start
            start = text.find(piece, start + 1)
        return first
