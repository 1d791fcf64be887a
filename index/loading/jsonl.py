"""Reading articles from .json and .jsonl files (internal to `index.loading.walk`).

Purpose: accept the shapes article dumps come in: a list of article objects, one
article object, or an object holding the list under a key such as "articles"; and
JSON Lines with one article per line. Every record that cannot be used becomes a
Skipped with its position, and the other records still load.

Limits: a .json file is parsed as a whole (its size is capped by the loader's
max_file_bytes); a .jsonl file is read line by line. A wrapper object is searched at
most two levels deep for the list of articles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from index.loading.fields import TEXT_KEYS, Draft, draft_from_record
from index.records import Skipped

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


def parse_jsonl(text: str, path: str) -> Iterator[Draft | Skipped]:
    """Records of a .jsonl file, one per non-blank line, with their line numbers."""
    for number, match in enumerate(_LINE_RE.finditer(text), start=1):
        line = match.group().strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as err:
            yield Skipped(path, f"invalid json: {err.msg.lower()} at column {err.colno}", number)
            continue
        except RecursionError:
            yield Skipped(path, "json is nested too deeply to read", number)
            continue
        yield _record(value, path, number, "record")
