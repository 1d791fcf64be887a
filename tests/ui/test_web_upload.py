"""Upload checks (extension, size, content, path) and the upload handler, with a fake assistant."""

from __future__ import annotations

import json
import os

import pytest

from index import Skipped
from tests.ui.fake_assistant import FakeAssistant
from ui import web_upload as U
from ui.web_handlers import Handlers

MB = 1024 * 1024


@pytest.fixture
def area(tmp_path):
    d = tmp_path / "gradio" / "abc123"
    d.mkdir(parents=True)
    return d


def put(folder, name, data) -> str:
    p = folder / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(p)


def reason(path, roots, max_bytes=MB) -> str | None:
    try:
        U.check_upload(path, roots, max_bytes)
    except U.UploadRejected as e:
        return str(e)
    return None


GOOD = {
    "a.txt": "Town Fair\n\nThe fair drew 900 people on Saturday.",
    "b.md": "---\ntitle: Fair\n---\n\nThe fair drew 900 people.",
    "c.html": "<!doctype html><html><body><article><p>The fair drew 900 people.</p></article></body></html>",
    "d.htm": "<p>The fair drew 900 people.</p>",
    "e.json": json.dumps({"title": "Fair", "text": "The fair drew 900 people."}),
    "f.jsonl": json.dumps({"title": "Fair", "text": "x"}) + "\n{broken later line\n",
    "g.TXT": "Upper-case extension is fine.",
    "h.txt": "\ufeffUTF-8 with a BOM, café.",
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_files_pass(area, name):
    assert reason(put(area, name, GOOD[name]), [area.parent]) is None


def test_utf16_with_bom_passes(area):
    p = put(area, "u.txt", "Hello fair".encode("utf-16"))
    assert reason(p, [area.parent]) is None


@pytest.mark.parametrize("name, data, why", [
    ("bin.txt", b"text\x00\x01\x02 more", "binary"),
    ("doc.txt", b"%PDF-1.7\n...", "PDF"),
    ("zip.md", b"PK\x03\x04rest", "ZIP"),
    ("ctrl.txt", bytes(range(1, 9)) * 50, "binary"),
    ("page.html", "Just words, no markup at all.", "HTML"),
    ("bad.json", "{'single': 'quotes'}", "not valid JSON"),
    ("num.json", "42", "article object"),
    ("bad.jsonl", "not json\n{}", "JSON Lines"),
    ("page.txt", "<!DOCTYPE html><html><body>x</body></html>", "save it as .html"),
    ("empty.txt", b"", "empty"),
    ("prog.exe", b"MZ\x90\x00", "unsupported file type .exe"),
    ("noext", "plain text", "unsupported file type (none)"),
])
def test_bad_files_are_refused_with_a_reason(area, name, data, why):
    got = reason(put(area, name, data), [area.parent])
    assert got and why in got


def test_size_limit(area):
    p = put(area, "big.txt", "word " * 1000)
    assert "too large" in reason(p, [area.parent], max_bytes=1000)
    assert reason(p, [area.parent], max_bytes=10_000) is None


def test_paths_outside_the_upload_area_are_refused(tmp_path, area):
    outside = put(tmp_path, "secret.txt", "The fair drew 900 people.")
    assert "not a file from the upload area" in reason(outside, [area.parent])
    sneaky = str(area / ".." / ".." / "secret.txt")
    assert "upload area" in reason(sneaky, [area.parent])
    link = area / "link.txt"
    os.symlink(outside, link)
    assert "upload area" in reason(str(link), [area.parent])
    assert "upload area" in reason("/etc/passwd", [area.parent])


def test_stage_copies_under_a_content_addressed_name(area, tmp_path):
    p = put(area, "My Article (1).txt", "Fair.")
    dest = U.stage(p, tmp_path / "up")
    assert dest.parent == tmp_path / "up" and dest.name.endswith("-My_Article_1_.txt")
    assert dest.read_text() == "Fair." and U.stage(p, tmp_path / "up") == dest


def test_handler_ingests_accepted_files_and_reports_the_rest(area, tmp_path):
    fake = FakeAssistant()
    h = Handlers(fake, upload_roots=[area.parent], upload_dir=tmp_path / "up", max_upload_mb=1)
    good = put(area, "fair.txt", GOOD["a.txt"])
    bad = put(area, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    outside = put(tmp_path, "elsewhere.txt", "x")
    fake.skip_in_ingest = [Skipped(str(tmp_path / "up" / "0123-fair.txt"), "no article text", None)]
    seen = []
    html = h.ingest_uploads([good, bad, outside], progress=lambda n, desc: seen.append((n, desc)))
    (paths,) = fake.ingested
    assert len(paths) == 1 and paths[0].startswith(str(tmp_path / "up")) and paths[0].endswith("-fair.txt")
    assert "Added 1 article, unchanged 0, skipped 3." in html
    assert "<b>photo.txt</b>: this is a PNG image" in html and "<b>elsewhere.txt</b>: refused" in html
    assert "no article text" in html and seen and "read" in seen[0][1]


def test_handler_with_nothing_acceptable_does_not_call_ingest(area):
    fake = FakeAssistant()
    h = Handlers(fake, upload_roots=[area.parent])
    html = h.ingest_uploads([put(area, "x.pdf", b"%PDF")])
    assert fake.ingested == [] and "skipped 1" in html and "na-report bad" in html
    assert "Choose one or more" in h.ingest_uploads([])


def test_handler_without_upload_dir_ingests_in_place(area):
    fake = FakeAssistant()
    p = put(area, "fair.txt", GOOD["a.txt"])
    Handlers(fake, upload_roots=[area.parent]).ingest_uploads([p])
    assert fake.ingested == [[p]]


def test_a_file_that_cannot_be_stored_is_reported_not_raised(area, tmp_path):
    fake = FakeAssistant()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the upload folder should be")
    h = Handlers(fake, upload_roots=[area.parent], upload_dir=blocker)
    html = h.ingest_uploads([put(area, "fair.txt", GOOD["a.txt"])])
    assert fake.ingested == [] and "<b>fair.txt</b>: could not be stored on the server" in html
