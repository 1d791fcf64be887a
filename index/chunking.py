"""Cut an article into overlapping chunks measured in the embedding model's tokens.

langchain-text-splitters' RecursiveCharacterTextSplitter does the cutting, preferring
paragraph breaks, then line breaks, then sentence ends, then words. The splitter returns
strings only, so offsets are recovered by finding each piece in the article text from the
previous piece's start onwards. Separators are kept in the pieces (`keep_separator="end"`),
so every piece is an exact substring and `text[start:end] == chunk.text` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .errors import ConfigError

# Sentence ends come before single spaces so a chunk rarely stops mid-sentence.
_SEPARATORS = ["\n\n", "\n", r"(?<=[.!?])\s+", r"(?<=[;:])\s+", r"\s+", ""]


@dataclass(frozen=True)
class Span:
    """A chunk before it has an id: its place in the article and its text."""

    order: int
    start: int
    end: int
    text: str


class Chunker:
    def __init__(self, count_tokens: Callable[[str], int], *, chunk_tokens: int = 200, overlap: int = 30):
        if chunk_tokens < 1:
            raise ConfigError(f"chunk_tokens must be positive, got {chunk_tokens!r}")
        if not 0 <= overlap < chunk_tokens:
            raise ConfigError(f"chunk_overlap must be from 0 to chunk_tokens-1, got {overlap!r}")
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self._splitter = RecursiveCharacterTextSplitter(
            separators=_SEPARATORS,
            is_separator_regex=True,
            keep_separator="end",  # separators stay in the text, so pieces are exact substrings
            chunk_size=chunk_tokens,
            chunk_overlap=overlap,
            length_function=count_tokens,
            strip_whitespace=True,
        )

    def split(self, text: str) -> list[Span]:
        spans: list[Span] = []
        cursor = 0
        for piece in self._splitter.split_text(text):
            if not piece:
                continue
            start = text.find(piece, cursor)
            if start < 0:  # pragma: no cover - would mean the splitter changed the text
                raise AssertionError(f"chunk not found in article text: {piece[:60]!r}")
            end = start + len(piece)
            spans.append(Span(len(spans), start, end, text[start:end]))
            cursor = start + 1
        return spans

