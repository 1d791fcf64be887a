"""JSON Lines files are streamed line by line (index.loading.jsonl.stream_jsonl): the size limit is
per line, a bad line is skipped with its number and the rest still loads, progress counts lines,
and a file over the old whole-file limit (20 MB) is ingested."""

from __future__ import annotations

import codecs
import json
import time

import pytest

from index import ingest, open_index
from index.loading.jsonl import ReadCounts
from index.loading.walk import DEFAULT_MAX_FILE_BYTES, load_file
from index.records import Article, LoadWarning, Skipped

TEXT = "The ferry to Gannet Island will sail twice a day from July, the transport board said."


def items_of(path, **kw):
    items = list(load_file(path, **kw))
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skipped)],
            [i for i in items if isinstance(i, LoadWarning)])


def test_a_long_line_is_skipped_with_its_number_and_the_rest_loads(tmp_path):
    lines = [json.dumps({"title": "One", "text": TEXT}), json.dumps({"title": "Long", "text": "x" * 5000}),
             "", json.dumps({"title": "Three", "text": TEXT + " Again."})]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts = ReadCounts()
    arts, skips, _ = items_of(path, max_file_bytes=2048, counts=counts)
    assert [a.title for a in arts] == ["One", "Three"]
    (skip,) = skips
    assert (skip.line, skip.reason) == (2, "line too large (5,030 bytes, limit 2,048 bytes)")
    assert counts.lines == 4


def test_utf16_bom_damaged_bytes_cp1252_lines_and_blank_files(tmp_path):
    record = {"title": "Łódź Floods", "text": "Zażółć gęślą jaźń — the river rose two metres overnight."}
    utf16 = tmp_path / "u16.jsonl"
    utf16.write_bytes(codecs.BOM_UTF16_LE + ((json.dumps(record, ensure_ascii=False) + "\r\n") * 3).encode("utf-16-le"))
    arts, skips, _ = items_of(utf16)
    assert [a.title for a in arts] == ["Łódź Floods"] * 3 and not skips

    good = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    damaged = tmp_path / "damaged.jsonl"
    cut = good.index("gęślą".encode())  # inside the text value
    damaged.write_bytes(good * 3 + good[:cut] + b"\xff" + good[cut:] + good)
    arts, skips, warns = items_of(damaged)
    assert len(arts) == 5 and all(a.title == "Łódź Floods" for a in arts) and not skips
    assert [w.message for w in warns] == ["not valid utf-8: 1 damaged byte(s) replaced by U+FFFD (first on line 4)"]

    legacy = tmp_path / "legacy.jsonl"
    legacy.write_bytes(json.dumps({"title": "Café reopens", "text": TEXT + " – “quoted”"}, ensure_ascii=False)
                       .encode("cp1252") + b"\n")
    arts, _, warns = items_of(legacy)
    assert arts[0].title == "Café reopens" and "“quoted”" in arts[0].text
    assert warns[0].message.startswith("decoded as cp1252: 1 line(s)")

    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n\n")
    assert [s.reason for s in items_of(blank)[1]] == ["empty file (only whitespace)"]


def _big_jsonl(path, n_lines: int, distinct: int = 40) -> int:
    """~1 KB records cycling through `distinct` texts, a broken line in the middle; returns its number."""
    filler = " ".join(["The harbour board met again to discuss the dredging of the outer channel."] * 12)
    bad_line = n_lines // 2
    with open(path, "w", encoding="utf-8") as f:
        for i in range(1, n_lines + 1):
            if i == bad_line:
                f.write('{"title": "cut off", "text": "no closing\n')
                continue
            k = i % distinct
            f.write(json.dumps({"title": f"Report {k}", "text": f"Report number {k}. {filler}",
                                "url": f"https://www.northbay-courier.example/{k}"}) + "\n")
    return bad_line


@pytest.mark.slow
def test_a_jsonl_over_20_mb_is_ingested_line_by_line(tmp_path, fake_embedder):
    path = tmp_path / "big.jsonl"
    bad_line = _big_jsonl(path, 21_500)
    assert path.stat().st_size > DEFAULT_MAX_FILE_BYTES  # once refused whole: "file too large"
    seen = []
    t0 = time.monotonic()
    report = ingest([path], tmp_path / "idx", embedder=fake_embedder, progress=seen.append)
    elapsed = time.monotonic() - t0
    assert len(report.added) == 40 and len(report.unchanged) == 21_500 - 1 - 40
    (skip,) = report.skipped
    assert skip.line == bad_line and skip.reason.startswith("invalid json")
    assert seen[-1].lines_read == 21_500 and seen[-1].stage == "done"
    idx = open_index(tmp_path / "idx", embedder=fake_embedder)
    try:
        assert idx.outlets() == {"northbay-courier.example": 40}  # the URL's host, no outlet given
    finally:
        idx.close()
    print(f"\n{path.stat().st_size / 1e6:.1f} MB JSONL ingested in {elapsed:.1f} s")


@pytest.mark.parametrize("max_line", [64, 10_000])
def test_lines_are_counted_whatever_they_hold(tmp_path, max_line):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(["{}", "[1]", "not json", json.dumps({"text": TEXT}), ""]) + "\n")
    counts = ReadCounts()
    arts, skips, _ = items_of(path, max_file_bytes=max_line, counts=counts)
    assert counts.lines == 5 and len(skips) == 3 + (max_line == 64)
