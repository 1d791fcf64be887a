"""Reading articles from .json and .jsonl files (internal to `index.loading.walk`).

Purpose: accept the shapes article dumps come in: a list of article objects, one
article object, or an object holding the list under a key such as "articles"; and
JSON Lines with one article per line. Every record that cannot be used becomes a
Skipped with its position, and the other records still load.

Limits: a .json file is parsed as a whole (its size is capped by the loader's
max_file_bytes); a .jsonl file is streamed line by line (`stream_jsonl`), so only a line's size is
capped, whatever the file's. A wrapper object is searched at most two levels deep for the list of
articles.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from index.loading.decode import SNIFF_BYTES, looks_binary, utf8_sequences
from index.loading.fields import TEXT_KEYS, Draft, draft_from_record
from index.records import LoadWarning, Skipped


@dataclass
class ReadCounts:
    """Running totals of a load, read by the caller's progress reports while it goes on."""

    lines: int = 0  # lines of JSON Lines files read
    fetched: int = 0  # HTTP responses received (see `index.web`)

LIST_KEYS = ("articles", "items", "data", "results", "entries", "records", "posts", "stories", "documents")
_NO_TEXT = "record has no text (expected a text, body, content or article field)"


def _kind(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), "a number")


def _has_text(record: dict) -> bool:
    return any(isinstance(k, str) and k.strip().casefold() in TEXT_KEYS for k in record)


def _article_list(obj: dict, depth: int = 0) -> list | None:
    """The list of articles a wrapper object holds, if any."""
    by_key = {k.casefold(): v for k, v in obj.items() if isinstance(k, str)}
    for key in LIST_KEYS:
        value = by_key.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict) and depth < 1:
            if _has_text(value):
                return [value]
            found = _article_list(value, depth + 1)
            if found is not None:
                return found
    return None


def _record(value, path: str, line: int | None, what: str) -> Draft | Skipped:
    if not isinstance(value, dict):
        return Skipped(path, f"{what} is {_kind(value)}, not an article object", line)
    draft = draft_from_record(value, line=line)
    return draft if draft.text.strip() else Skipped(path, _NO_TEXT, line)


def _decode_error(err: json.JSONDecodeError) -> str:
    return f"invalid json: {err.msg.lower()} at line {err.lineno} column {err.colno}"


def parse_json(text: str, path: str) -> Iterator[Draft | Skipped]:
    """Records of a .json file; list items carry their 1-based position as `line`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield Skipped(path, _decode_error(err))
        return
    except RecursionError:
        yield Skipped(path, "json is nested too deeply to read")
        return
    if isinstance(data, dict):
        if _has_text(data):
            yield _record(data, path, None, "the json")
            return
        items = _article_list(data)
        if items is None and draft_from_record(data).title:
            yield Skipped(path, _NO_TEXT)
            return
        if items is None:
            yield Skipped(path, "json object holds no article text and no list of articles "
                                "(expected a text field or a key like 'articles', 'items' or 'data')")
            return
    elif isinstance(data, list):
        items = data
    else:
        yield Skipped(path, f"json holds {_kind(data)}, not an article object or a list of them")
        return
    if not items:
        yield Skipped(path, "json list of articles is empty")
    for number, item in enumerate(items, start=1):
        yield _record(item, path, number, "list item")


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+$")


def _parse_line(line: str, path: str, number: int) -> Draft | Skipped:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as err:
        return Skipped(path, f"invalid json: {err.msg.lower()} at column {err.colno}", number)
    except RecursionError:
        return Skipped(path, "json is nested too deeply to read", number)
    return _record(value, path, number, "record")


def parse_jsonl(text: str, path: str) -> Iterator[Draft | Skipped]:
    """Records of JSON Lines text already in memory, one per non-blank line, with their line numbers."""
    for number, match in enumerate(_LINE_RE.finditer(text), start=1):
        line = match.group().strip()
        if line:
            yield _parse_line(line, path, number)


def _drain_line(handle: BinaryIO, size: int) -> int:
    """Read past the rest of an overlong line; its whole size in bytes."""
    while True:
        more = handle.readline(1 << 20)
        size += len(more)
        if not more or more.endswith(b"\n"):
            return size


class _LineDecoder:
    """Decodes the lines of one file as `decode_text` decodes a whole file: UTF-8; a line with
    damaged bytes stays UTF-8 (U+FFFD) while the file so far has more UTF-8 sequences than the
    line has bad bytes, else it is cp1252. Counts what it had to repair, for one warning per file."""

    def __init__(self):
        self.sequences = 0  # multi-byte UTF-8 sequences in the lines read so far
        self.damaged = self.damaged_first = 0
        self.cp1252 = self.cp1252_first = 0

    def decode(self, raw: bytes, number: int) -> str | None:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            self.sequences += utf8_sequences(raw)
            return text
        replaced = raw.decode("utf-8", errors="replace")
        bad = replaced.count("\ufffd") - raw.count("\ufffd".encode())
        self.sequences += utf8_sequences(raw)
        if self.sequences > bad:
            self.damaged += bad
            self.damaged_first = self.damaged_first or number
            return replaced
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            return None
        self.cp1252 += 1
        self.cp1252_first = self.cp1252_first or number
        return text

    def warnings(self, path: str) -> Iterator[LoadWarning]:
        if self.damaged:
            yield LoadWarning(path, f"not valid utf-8: {self.damaged:,} damaged byte(s) replaced by U+FFFD "
                                    f"(first on line {self.damaged_first})")
        if self.cp1252:
            yield LoadWarning(path, f"decoded as cp1252: {self.cp1252:,} line(s) not valid utf-8 "
                                    f"(first on line {self.cp1252_first})")


def _utf16_lines(handle: BinaryIO, max_line_bytes: int) -> Iterator[tuple[str | None, int]]:
    """(line, its size in bytes) of a UTF-16 file with a BOM; (None, size) for an overlong line."""
    reader = io.TextIOWrapper(handle, encoding="utf-16", newline="")
    limit = max(1, max_line_bytes // 2)
    while line := reader.readline(limit + 1):
        if len(line) > limit and not line.endswith(("\n", "\r")):
            size = len(line)
            while (more := reader.readline(1 << 20)) and not more.endswith(("\n", "\r")):
                size += len(more)
            yield None, 2 * (size + len(more))
            continue
        yield line, 2 * len(line)


def stream_jsonl(handle: BinaryIO, path: str, *, max_line_bytes: int,
                 counts: ReadCounts | None = None) -> Iterator[Draft | Skipped | LoadWarning]:
    """Records of a .jsonl file read line by line from `handle` (binary, at its start): memory
    holds one line at a time, at most `max_line_bytes`. A longer line, a line that is not JSON or
    not an article is skipped with its line number; the whole file is refused only when its first
    bytes say it is not text at all (`decode_text`'s rules). `counts.lines` grows with every line."""
    head = handle.read(SNIFF_BYTES)
    if not head:
        yield Skipped(path, "empty file")
        return
    handle.seek(0)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and (b"\x00" in head or looks_binary(head.decode("utf-8", errors="replace"))):
        yield Skipped(path, "binary file, not text")
        return
    decoder = _LineDecoder()
    any_text = False
    number = 0
    lines = _utf16_lines(handle, max_line_bytes) if utf16 else _utf8_lines(handle, max_line_bytes)
    while True:
        try:
            line, size = next(lines)
        except StopIteration:
            break
        except UnicodeDecodeError:
            yield Skipped(path, f"cannot decode text: invalid utf-16 after line {number}")
            return
        number += 1
        if counts is not None:
            counts.lines += 1
        if line is None:
            any_text = True
            yield Skipped(path, f"line too large ({size:,} bytes, limit {max_line_bytes:,} bytes)", number)
            continue
        if isinstance(line, bytes):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            line = decoder.decode(line, number)
            if line is None:
                any_text = True
                yield Skipped(path, "cannot decode line: neither utf-8 nor cp1252", number)
                continue
        line = line.strip()
        if not line:
            continue
        any_text = True
        yield _parse_line(line, path, number)
    yield from decoder.warnings(path)
    if not any_text:
        yield Skipped(path, "empty file (only whitespace)")


def _utf8_lines(handle: BinaryIO, max_line_bytes: int) -> Iterator[tuple[bytes | None, int]]:
    """(raw line, its size) of a byte file; (None, size) for a line over `max_line_bytes`."""
    while raw := handle.readline(max_line_bytes + 1):
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            yield None, _drain_line(handle, len(raw))
            continue
        yield raw, len(raw)
