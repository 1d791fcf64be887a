"""Loading news articles from files and folders into `Article` records.

Purpose: `iter_articles` walks the given files and folders and yields, one at a time,
an `Article` for every report it can read, a `Skipped` for every input that gives no
article (with a reason a user understands) and a `LoadWarning` for anything worth
knowing about an input that did load. Bad input never stops a batch and never raises.

Formats: .txt and .md (title from the text, optional `---` front matter, else an outlet,
date and authors stated in the first lines: see `index.loading.byline`), .html/.htm (see
`index.loading.html`), .json and .jsonl (see `index.loading.jsonl`). An article with a URL but no
outlet takes its outlet from the URL's host ("cnn.com").

Limits: streaming is per file: one file at a time is read into memory, at most
`max_file_bytes` of it; a .jsonl file is streamed line by line instead, each line at most
`max_file_bytes`. Text must be UTF-8 (a BOM is fine; UTF-16 with a BOM is read
too) or cp1252, which is read with a warning (see `index.loading.decode`). Hidden files and
folders are skipped when walking a folder, but not when named directly.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from index.loading.clean import clean_text, first_sentence, normalise_for_id, remove_title_lines, split_title
from index.loading.byline import read_byline
from index.loading.decode import decode_text
from index.loading.fields import Draft, draft_from_record, outlet_from_url
from index.loading.html import parse_html
from index.loading.jsonl import ReadCounts, parse_json, parse_jsonl, stream_jsonl
from index.records import Article, LoadWarning, Skipped

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
# Below this many characters of cleaned text there is no report to search, only a stub.
MIN_TEXT_CHARS = 20

Item = Article | Skipped | LoadWarning


def article_id(text: str) -> str:
    """The id of an article: 16 hex chars of the sha256 of its normalised text."""
    return hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()[:16]


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD. They come from JSON escapes such as
    "\\ud800" and from file names that are not valid UTF-8 (Python decodes those bytes to
    surrogates); SQLite cannot store them, so one such value would abort a whole ingest."""
    return _SURROGATE_RE.sub("\ufffd", text) if isinstance(text, str) else text


def abspath(path) -> str:
    """The absolute path of an input, as articles record it and messages show it."""
    try:
        shown = str(Path(path).expanduser().resolve())
    except (OSError, RuntimeError):  # symlink loops, unreadable parents
        shown = os.path.abspath(os.path.expanduser(str(path)))
    return valid_unicode(shown)


def _os_reason(err: OSError) -> str:
    return (err.strerror or str(err) or type(err).__name__).lower()


def _walk(folder: Path, visited: set[str]) -> Iterator[Path | Skipped]:
    """Non-hidden files under `folder`, sorted by name at every level."""
    real = os.path.realpath(folder)
    if real in visited:  # a symlink back up the tree
        return
    visited.add(real)
    try:
        with os.scandir(folder) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
    except OSError as err:
        yield Skipped(abspath(folder), f"cannot read folder: {_os_reason(err)}")
        return
    for entry in ordered:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(Path(entry.path), visited)
        else:
            yield Path(entry.path)


def iter_articles(paths: Iterable[str | os.PathLike] | str | os.PathLike, *,
                  max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, counts: ReadCounts | None = None) -> Iterator[Item]:
    """Articles, skips and warnings of every file given or found (recursively, sorted)
    in the folders given. A file reached twice is read once. `counts`, when given, is kept
    up to date as files are read (for progress reports)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[str] = set()
    visited: set[str] = set()
    for given in paths:
        path = Path(given).expanduser()
        try:
            is_dir = path.is_dir()
        except OSError:  # load_file reports why the path cannot be read
            is_dir = False
        found = _walk(path, visited) if is_dir else iter([path])
        for item in found:
            if isinstance(item, Skipped):
                yield item
                continue
            key = abspath(item)
            if key not in seen:
                seen.add(key)
                yield from load_file(item, max_file_bytes=max_file_bytes, counts=counts)


def load_file(path: str | os.PathLike, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
              counts: ReadCounts | None = None) -> Iterator[Item]:
    """Articles, skips and warnings of one file. Never raises for bad input."""
    shown = abspath(path)
    items = _load(Path(path).expanduser(), shown, max_file_bytes, counts)
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as err:  # a bug or a library failure must not end the batch
            yield Skipped(shown, f"unexpected error while reading: {type(err).__name__}: {err}")
            return
        yield item


def _load(path: Path, shown: str, max_file_bytes: int, counts: ReadCounts | None) -> Iterator[Item]:
    try:
        info = path.stat()
    except FileNotFoundError:
        yield Skipped(shown, "no such file or folder")
        return
    except OSError as err:
        yield Skipped(shown, f"cannot read file: {_os_reason(err)}")
        return
    if stat.S_ISDIR(info.st_mode):
        yield Skipped(shown, "is a folder, not a file")
        return
    if not stat.S_ISREG(info.st_mode):  # a fifo or device would block or never end
        yield Skipped(shown, "not a regular file")
        return
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"type {suffix}" if suffix else "type (no extension)"
        yield Skipped(shown, f"unsupported file {kind} (supported: {', '.join(SUPPORTED_SUFFIXES)})")
        return
    if suffix == ".jsonl":
        yield from _stream_jsonl(path, shown, max_file_bytes, counts)
        return
    too_large = f"file too large ({{:,}} bytes, limit {max_file_bytes:,} bytes)"
    if info.st_size > max_file_bytes:
        yield Skipped(shown, too_large.format(info.st_size))
        return
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_file_bytes + 1)  # the file may grow after stat()
    except OSError as err:
        yield Skipped(shown, f"cannot read file: {_os_reason(err)}")
        return
    if len(data) > max_file_bytes:
        yield Skipped(shown, too_large.format(len(data)))
        return
    text, note = decode_text(data)
    if text is None:
        yield Skipped(shown, note)
        return
    if note:
        yield LoadWarning(shown, note)
    del data
    yield from parse_text(text, shown, suffix)


def parse_text(text: str, shown: str, suffix: str) -> Iterator[Item]:
    """Articles, skips and warnings of decoded text in the format of `suffix` (".html", ".txt",
    ...), as if read from a file; `shown` names it in every item (a path, or a page's URL)."""
    yield from _finished(drafts(text, shown, suffix), shown)


def drafts(text: str, shown: str, suffix: str) -> Iterator[Draft | Skipped | LoadWarning]:
    """What the reader of `suffix` makes of `text` before `finish`: for callers (the web pages)
    that add what they know about an article before its id is taken."""
    return _PARSERS[suffix](text, shown)


def _finished(drafts, shown: str) -> Iterator[Item]:
    for item in drafts:
        if isinstance(item, Draft):
            yield from (LoadWarning(shown, valid_unicode(message), item.line) for message in item.warnings)
            yield finish(item, shown)
        else:
            yield item


def _stream_jsonl(path: Path, shown: str, max_line_bytes: int, counts: ReadCounts | None) -> Iterator[Item]:
    try:
        handle = open(path, "rb")
    except OSError as err:
        yield Skipped(shown, f"cannot read file: {_os_reason(err)}")
        return
    with handle:
        yield from _finished(stream_jsonl(handle, shown, max_line_bytes=max_line_bytes, counts=counts), shown)


_FRONT_KEY_RE = re.compile(r"^([A-Za-z_][\w\-]*)\s*:\s*(.*)$")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _front_matter(text: str) -> tuple[dict | None, str]:
    """YAML-ish `key: value` lines between `---` lines at the top, and the text after.

    Only flat keys, `[a, b]` lists and `- item` lists; anything else means the block is
    not front matter (a markdown rule, say) and the text is returned unchanged."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines) or lines[start].strip() != "---":
        return None, text
    end = next((j for j in range(start + 1, min(len(lines), start + 100)) if lines[j].strip() in ("---", "...")), None)
    if end is None:
        return None, text
    record: dict = {}
    key = None
    for raw in lines[start + 1:end]:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("- ") and key is not None:
            previous = record[key]
            record[key] = (previous if isinstance(previous, list) else []) + [_unquote(line[2:])]
            continue
        match = _FRONT_KEY_RE.match(line)
        if not match:
            return None, text
        key, value = match.group(1), match.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            record[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            record[key] = _unquote(value)
    if not record:
        return None, text
    return record, "\n".join(lines[end + 1:])


def _parse_plain(text: str, path: str) -> Iterator[Draft]:
    """One article from .txt/.md: front matter if any, then title and body from the text."""
    text = re.sub(r"\r\n?", "\n", text)
    record, body = _front_matter(text)
    draft = draft_from_record(record) if record else Draft(text="")
    draft.text = body
    if not (draft.source and draft.published):
        stated = read_byline(body)  # "The Coastal Herald, 12 June 2025" above the story
        draft.source = draft.source or stated.source
        draft.published = draft.published or stated.published
        draft.authors = draft.authors or stated.authors
    if not draft.title:
        draft.title, draft.text = split_title(body)
        draft.title_given = False  # split_title already took the title out of the text
    yield draft


def finish(draft: Draft, path: str) -> Article | Skipped:
    """The Article of a draft: text cleaned, title kept once, id from the text, and the outlet
    from the URL's host where the input named none; a Skipped when too little text is left."""
    text = clean_text(valid_unicode(draft.text))
    title = " ".join(clean_text(valid_unicode(draft.title)).split())
    if title and draft.title_given:
        text = remove_title_lines(text, title)
    if len(text) < MIN_TEXT_CHARS:
        detail = f" (only {len(text)} characters after cleaning)" if text else ""
        return Skipped(path, f"no article text{detail}", draft.line)
    source = draft.source or outlet_from_url(draft.url)
    return Article(id=article_id(text), title=title or first_sentence(text), text=text,
                   source=valid_unicode(source), url=valid_unicode(draft.url), published=draft.published,
                   authors=tuple(valid_unicode(a) for a in draft.authors), path=path)


_PARSERS = {
    ".txt": _parse_plain,
    ".md": _parse_plain,
    ".html": parse_html,
    ".htm": parse_html,
    ".json": parse_json,
    ".jsonl": parse_jsonl,
}
