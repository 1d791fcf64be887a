"""Bytes to text for the loaders: which encoding a file is in, and whether it is text at all.

Purpose: `decode_text` reads UTF-8 (with or without a BOM), UTF-16 with a BOM, UTF-8 with a few
damaged bytes (replaced by U+FFFD, with a warning) and cp1252 (with a warning); binary data (a NUL
byte, or too many control characters, in the first `SNIFF_BYTES`) is refused with a reason.
`decode_not_utf8` and `utf8_sequences` let a caller reading line by line make the same choice.

Limits: encodings other than these are not detected: a Latin-1 file reads as cp1252 (the same
for printable text), a UTF-16 file without a BOM is refused as binary (its NUL bytes).
"""

from __future__ import annotations

import codecs
import re

SNIFF_BYTES = 8192
# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.05


def decode_text(data: bytes) -> tuple[str | None, str]:
    """(text, warning or "") or, when the bytes are not readable text, (None, reason)."""
    if not data:
        return None, "empty file"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, note = data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "cannot decode text: invalid utf-16"
    elif b"\x00" in data[:SNIFF_BYTES]:
        return None, "binary file, not text"
    else:
        try:
            text, note = data.decode("utf-8-sig"), ""
        except UnicodeDecodeError as err:
            text, note = decode_not_utf8(data, err.start)
            if text is None:
                return None, note
    if not text.strip():
        return None, "empty file (only whitespace)"
    if looks_binary(text[:SNIFF_BYTES]):
        return None, "binary file, not text"
    return text, note


def looks_binary(sample: str) -> bool:
    """True when more than 5 % of `sample` are control characters: binary data decoded as text."""
    controls = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or "\x7f" <= ch < "\xa0")
    return controls > _MAX_CONTROL_SHARE * len(sample)


_UTF8_MULTIBYTE_RE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def utf8_sequences(data: bytes) -> int:
    """How many well-formed multi-byte UTF-8 sequences `data` holds (accents, dashes, quotes)."""
    return len(_UTF8_MULTIBYTE_RE.findall(data))


def decode_not_utf8(data: bytes, first_bad: int) -> tuple[str | None, str]:
    """Text of bytes that are not valid UTF-8, with a warning.

    UTF-8 text with a few damaged bytes (a corrupted line in a big feed) stays UTF-8, the bad
    bytes replaced by U+FFFD: read as cp1252 it would turn every accent and dash into mojibake,
    and one byte cp1252 leaves undefined (0x81 0x8d 0x8f 0x90 0x9d, common inside UTF-8
    sequences) used to refuse the whole file. Text with more bad bytes than UTF-8 sequences is
    a legacy single-byte file: cp1252, or (None, reason) when it is not cp1252 either."""
    replaced = data.decode("utf-8-sig", errors="replace")
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode())
    if len(_UTF8_MULTIBYTE_RE.findall(data)) > bad:
        return replaced, (f"not valid utf-8: {bad:,} damaged byte(s) replaced by U+FFFD "
                          f"(first at offset {first_bad})")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, "cannot decode text: neither utf-8 nor cp1252"
    return text, f"decoded as cp1252: not valid utf-8 (first bad byte at offset {first_bad})"
