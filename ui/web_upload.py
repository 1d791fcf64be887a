"""Checks on files uploaded through the browser before they reach the index.

A file is accepted only if (1) its real path (symlinks resolved) lies inside one of the upload
roots, (2) its extension is one the loaders read, (3) it is not empty and not over the size
limit, and (4) its content matches the extension: no binary data, HTML that looks like HTML,
JSON that parses, JSON Lines whose first record parses. The index's loaders check again and
report per-record problems; this layer exists so a renamed PDF or a path smuggled in through the
API is refused with a clear reason before any work is done.

Accepted files can be staged into a persistent upload folder (content-addressed names, so two
users' `article.txt` never overwrite each other), because gradio's temporary copies may be
cleaned away while the index still names them as the articles' source paths.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
_MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP/Office file", b"\x89PNG": "a PNG image",
          b"GIF8": "a GIF image", b"\xff\xd8\xff": "a JPEG image", b"\x1f\x8b": "a gzip archive",
          b"\x7fELF": "a program", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}
_HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6]|title)\b",
                        re.IGNORECASE)
_MAX_CONTROL_SHARE = 0.05  # the same bar as index.loading.walk


class UploadRejected(ValueError):
    """A file that will not be ingested; the message says why, for the person who uploaded it."""


def is_inside(path, roots) -> bool:
    """True when `path`, with symlinks and `..` resolved, lies within one of `roots`."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    for r in roots:
        try:
            if real.is_relative_to(Path(os.path.realpath(r))):
                return True
        except (OSError, ValueError):
            continue
    return False


def check_upload(path, roots, max_bytes: int) -> None:
    """Raise UploadRejected with a reason unless the file is safe and readable as an article."""
    p = Path(path)
    if not is_inside(p, roots):
        raise UploadRejected("refused: not a file from the upload area")
    suffix = p.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejected(f"unsupported file type {suffix or '(none)'}; use "
                             + ", ".join(ALLOWED_SUFFIXES))
    try:
        if not p.is_file():
            raise UploadRejected("not a regular file")
        size = p.stat().st_size
        if size == 0:
            raise UploadRejected("the file is empty")
        if size > max_bytes:
            raise UploadRejected(f"too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB)")
        data = p.read_bytes()
    except OSError as e:
        raise UploadRejected(f"could not read the file ({(e.strerror or str(e)).lower()})") from None
    sniff(suffix, data)


def sniff(suffix: str, data: bytes) -> str:
    """Check that `data` is text of the kind `suffix` promises; return the decoded text."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise UploadRejected(f"this is {what}, not a {suffix} article")
    text = _decode(data)
    if text is None:
        raise UploadRejected("binary data, not text")
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix in (".html", ".htm"):
        if not _HTML_HINT.search(data[:65536]):
            raise UploadRejected("does not look like an HTML page (no HTML tags found)")
    elif suffix == ".json":
        try:
            value = json.loads(text)
        except ValueError as e:
            raise UploadRejected(f"not valid JSON ({e})") from None
        if not isinstance(value, (dict, list)):
            raise UploadRejected("JSON must be an article object or a list of articles")
    elif suffix == ".jsonl":
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        try:
            ok = isinstance(json.loads(first), dict)
        except ValueError:
            ok = False
        if not ok:
            raise UploadRejected("not JSON Lines: the first line is not a JSON object")
    elif head[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise UploadRejected(f"this is an HTML page; save it as .html, not {suffix}")
    return text


def _decode(data: bytes) -> str | None:
    """Text as the loaders will read it (UTF-8, UTF-16 with BOM, else cp1252), or None if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        if b"\x00" in data:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                return None
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in sample or controls > _MAX_CONTROL_SHARE * max(len(sample), 1):
        return None
    return text


def display_name(path) -> str:
    """The name the user gave the file (gradio keeps it as the basename of its temp copy)."""
    return Path(path).name


def stage(path, upload_dir) -> Path:
    """Copy an accepted upload into `upload_dir` under `<sha256 prefix>-<safe name>`."""
    p = Path(path)
    digest = hashlib.sha256(p.read_bytes()).hexdigest()[:12]
    safe = re.sub(r"[^\w.\-]+", "_", p.name).strip("._") or "upload"
    safe = safe[:100] + (p.suffix.lower() if not safe.lower().endswith(p.suffix.lower()) else "")
    dest = (Path(upload_dir) / f"{digest}-{safe}").resolve()  # absolute, as the index reports paths
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        tmp = dest.with_name(dest.name + ".part")
        shutil.copyfile(p, tmp)
        os.replace(tmp, dest)  # never leave a half-copied file under the final name
    return dest


def validate(paths, roots, max_bytes: int) -> tuple[list[Path], list[tuple[str, str]]]:
    """Split uploads into accepted paths and (file name, reason) rejections."""
    ok: list[Path] = []
    rejected: list[tuple[str, str]] = []
    for path in paths:
        try:
            check_upload(path, roots, max_bytes)
        except UploadRejected as e:
            rejected.append((display_name(path), str(e)))
        else:
            ok.append(Path(path))
    return ok, rejected
