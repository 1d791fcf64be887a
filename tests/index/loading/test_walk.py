"""Unit tests of index.loading.walk: every format, bad input, folders, dates and ids."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest

import index.loading.html
import index.loading.walk as loaders
from index.loading.fields import parse_authors, parse_date
from index.loading.walk import SUPPORTED_SUFFIXES, article_id, iter_articles, load_file
from index.records import Article, LoadWarning, Skipped

BODY = "Thousands of residents fled the strategic city on Friday as rebel forces advanced."
BODY2 = "The governor ordered an evacuation of the eastern districts overnight."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def articles(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def skipped(items) -> list[Skipped]:
    return [i for i in items if isinstance(i, Skipped)]


def warnings(items) -> list[LoadWarning]:
    return [i for i in items if isinstance(i, LoadWarning)]


def only_article(path: Path, **kwargs) -> Article:
    items = list(load_file(path, **kwargs))
    assert skipped(items) == []
    (article,) = articles(items)
    return article


def only_skip(path: Path, **kwargs) -> Skipped:
    items = list(load_file(path, **kwargs))
    assert articles(items) == []
    (skip,) = skipped(items)
    assert str(path.resolve()) in str(skip)
    return skip


# --- formats ---------------------------------------------------------------------------


def test_txt(tmp_path):
    path = write(tmp_path / "a.txt", f"Rebels Capture City\n\n{BODY}\n0 Comments\n{BODY2}\n")
    article = only_article(path)
    assert article.title == "Rebels Capture City"
    assert article.text == f"{BODY}\n{BODY2}"
    assert article.source == "" and article.url == "" and article.published is None
    assert article.path == str(path.resolve())
    assert article.id == article_id(article.text)


def test_txt_standfirst_before_doubled_headline(tmp_path):
    standfirst = "The conflict escalates as rebels capture the city. This report examines the implications."
    headline = "Rising Tensions As City Faces Rebel Offensive"
    path = write(tmp_path / "a.txt", f"{standfirst}\n{headline}\n{headline}\n{BODY}\n")
    article = only_article(path)
    assert article.title == headline
    assert article.text == f"{standfirst}\n{BODY}"


def test_md_with_front_matter(tmp_path):
    path = write(tmp_path / "a.md", (
        "---\n"
        'title: "Rebels Capture City: What Next"\n'
        "outlet: The Daily\n"
        "published: 2024-12-06T10:00:00Z\n"
        "url: https://example.com/rebels\n"
        "authors:\n  - Jane Roe\n  - John Doe\n"
        "---\n"
        "# Rebels Capture City: What Next\n\n"
        f"{BODY}\n\nShare this article\n"
    ))
    article = only_article(path)
    assert article.title == "Rebels Capture City: What Next"
    assert article.text == BODY
    assert article.source == "The Daily"
    assert article.published == date(2024, 12, 6)
    assert article.url == "https://example.com/rebels"
    assert article.authors == ("Jane Roe", "John Doe")


def test_md_front_matter_without_title_and_heading(tmp_path):
    path = write(tmp_path / "a.md", f"---\nsource: Reuters\nauthors: [A. Writer, B. Writer]\n---\n# Rebels Capture City\n\n{BODY}\n")
    article = only_article(path)
    assert (article.title, article.text, article.source) == ("Rebels Capture City", BODY, "Reuters")
    assert article.authors == ("A. Writer", "B. Writer")


def test_md_horizontal_rule_is_not_front_matter(tmp_path):
    path = write(tmp_path / "a.md", f"---\nRebels Capture City\n---\n{BODY}\n")
    assert only_article(path).title == "Rebels Capture City"


HTML = f"""<!doctype html><html><head>
<title>Rebels Capture City | The Daily</title>
<meta property="og:site_name" content="The Daily">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-12-06T10:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> Skip to main content</nav>
<article><h1>Rebels Capture City</h1>
<p>{BODY}</p>
<p>Share this article</p>
<p>{BODY2}</p>
</article>
<footer>Copyright 2024 The Daily. All rights reserved.</footer>
</body></html>"""


@pytest.mark.parametrize("name", ["page.html", "page.HTM"])
def test_html(tmp_path, name):
    article = only_article(write(tmp_path / name, HTML))
    assert article.title == "Rebels Capture City"
    assert BODY in article.text and BODY2 in article.text
    for junk in ("Share this", "Home", "Skip to", "Copyright", "Rebels Capture City"):
        assert junk not in article.text
    assert article.source == "The Daily"
    assert article.published == date(2024, 12, 6)
    assert article.authors == ("Jane Roe",)


def test_html_basic_extractor_warns_once(tmp_path, monkeypatch):
    monkeypatch.setattr(index.loading.html, "_trafilatura_state", {"error": "no module named trafilatura"})
    first = list(load_file(write(tmp_path / "a.html", HTML)))
    second = list(load_file(write(tmp_path / "b.html", HTML)))
    assert [w.message for w in warnings(first)] == [
        "html read with the basic extractor: trafilatura is unavailable (no module named trafilatura)"]
    assert warnings(second) == []
    assert articles(first)[0].text == articles(second)[0].text


def test_html_title_falls_back_to_title_tag(tmp_path):
    page = f"<html><head><title>Rebels Capture City</title></head><body><p>{BODY}</p><p>{BODY2}</p></body></html>"
    assert only_article(write(tmp_path / "a.html", page)).title == "Rebels Capture City"


def test_html_never_touches_the_network(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    # trafilatura and htmldate download a string that looks like a URL; ours must not
    items = list(load_file(write(tmp_path / "a.html", "https://example.com/article")))
    assert all(BODY not in str(item) for item in items)


def test_json_list(tmp_path):
    records = [
        {"Title": "First", "Body": BODY, "Source": {"name": "Reuters"}, "Date": "2024/12/06",
         "Authors": [{"name": "Jane Roe"}, "John Doe"], "Link": "https://example.com/1"},
        "not an object",
        {"headline": "No text here"},
        {"headline": "Second", "content": [BODY2, BODY]},
    ]
    items = list(load_file(write(tmp_path / "a.json", json.dumps(records))))
    first, second = articles(items)
    assert (first.title, first.text, first.source, first.published) == ("First", BODY, "Reuters", date(2024, 12, 6))
    assert first.authors == ("Jane Roe", "John Doe") and first.url == "https://example.com/1"
    assert second.text == f"{BODY2}\n\n{BODY}"
    bad_item, no_text = skipped(items)
    assert (bad_item.line, no_text.line) == (2, 3)
    assert str(bad_item).endswith("a.json:2: list item is a string, not an article object")
    assert "no text" in no_text.reason


def test_json_single_object_and_missing_title(tmp_path):
    article = only_article(write(tmp_path / "a.json", json.dumps({"text": f"{BODY} {BODY2}", "outlet": "AP"})))
    assert article.title == BODY.rstrip(".")
    assert article.text == f"{BODY} {BODY2}"
    assert article.source == "AP"


@pytest.mark.parametrize("wrapper", [
    {"articles": [{"title": "T", "text": BODY}]},
    {"Items": [{"title": "T", "text": BODY}]},
    {"status": "ok", "data": {"items": [{"title": "T", "text": BODY}]}},
])
def test_json_object_holding_a_list(tmp_path, wrapper):
    assert only_article(write(tmp_path / "a.json", json.dumps(wrapper))).text == BODY


def test_jsonl(tmp_path):
    lines = [
        json.dumps({"title": "One", "text": BODY, "author": "Jane Roe and John Doe"}),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"title": "No text"}),
        json.dumps({"title": "Two", "text": BODY2, "published_at": "Fri, 06 Dec 2024 10:00:00 GMT"}),
    ]
    path = write(tmp_path / "a.jsonl", "\r\n".join(lines))
    items = list(load_file(path))
    one, two = articles(items)
    assert one.authors == ("Jane Roe", "John Doe")
    assert two.published == date(2024, 12, 6)
    bad = skipped(items)
    assert [s.line for s in bad] == [3, 4, 5]
    assert str(bad[0]).startswith(f"{path.resolve()}:3: invalid json")
    assert "list, not an article object" in bad[1].reason


# --- ids -------------------------------------------------------------------------------


def test_same_text_same_id_across_files_and_formats(tmp_path):
    txt = only_article(write(tmp_path / "a.txt", f"Rebels Capture City\n\n{BODY}\n"))
    md = only_article(write(tmp_path / "b.md", f"# Rebels Capture City\n\n{BODY.upper()}  \n"))
    js = only_article(write(tmp_path / "c.json", json.dumps({"title": "Rebels Capture City",
                                                              "text": f"Rebels Capture City\n{BODY}"})))
    assert txt.id == md.id == js.id
    other = only_article(write(tmp_path / "d.txt", f"Rebels Capture City\n\n{BODY2}\n"))
    assert other.id != txt.id
    assert len(txt.id) == 16 and int(txt.id, 16) >= 0


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.md", b"  \n\t\r\n  ", "empty file (only whitespace)"),
    ("nul.txt", b"Rebels\x00\x00\x01capture", "binary file"),
    ("ctrl.txt", bytes(range(1, 9)) * 50, "binary file"),
    ("bad.txt", b"Rebels capture \x81\x8d\x90 city " * 3, "cannot decode text"),
    ("short.txt", b"Title\nToo short.", "no article text"),
    ("junk.txt", b"Title\n0 Comments\nShare this article\n", "no article text"),
    ("bad.json", b'{"title": "x",\n "text" "y"}', "invalid json: expecting ':' delimiter at line 2 column 9"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("scalar.json", b'"just a string"', "json holds a string"),
    ("empty.json", b"[]", "empty"),
    ("notext.json", b'{"title": "x"}', "record has no text"),
    ("wrapper.json", b'{"meta": {"count": 0}}', "no list of articles"),
    ("page.html", b"<html><body><nav>Home</nav></body></html>", "no"),
    ("photo.xyz", b"data", "unsupported file type .xyz (supported: .txt, .md, .html, .htm, .json, .jsonl)"),
    ("README", b"text", "unsupported file type (no extension)"),
])
def test_bad_input_is_skipped_with_reason(tmp_path, name, content, reason):
    skip = only_skip(write(tmp_path / name, content))
    assert reason in skip.reason
    assert skip.reason == skip.reason.lower() or "(supported" in skip.reason


def test_missing_path(tmp_path):
    (skip,) = list(iter_articles([tmp_path / "nope.txt"]))
    assert str(skip) == f"{tmp_path.resolve() / 'nope.txt'}: no such file or folder"


def test_unreadable_file(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loaders, "open", denied, raising=False)
    assert only_skip(write(tmp_path / "a.txt", BODY)).reason == "cannot read file: permission denied"


def test_file_larger_than_limit(tmp_path):
    path = write(tmp_path / "a.txt", f"Title Here\n{BODY}")
    size = path.stat().st_size
    assert only_skip(path, max_file_bytes=size - 1).reason == f"file too large ({size} bytes, limit {size - 1} bytes)"
    assert articles(load_file(path, max_file_bytes=size))
    big = write(tmp_path / "big.json", "x" * 2_000_000)
    assert only_skip(big, max_file_bytes=1_000_000).reason == "file too large (2,000,000 bytes, limit 1,000,000 bytes)"
    # a .jsonl file is streamed: the limit is per line, and the line is named
    big = write(tmp_path / "big.jsonl", "x" * 2_000_000)
    skip = only_skip(big, max_file_bytes=1_000_000)
    assert (skip.reason, skip.line) == ("line too large (2,000,000 bytes, limit 1,000,000 bytes)", 1)


def test_unexpected_failure_becomes_a_skip(tmp_path, monkeypatch):
    def broken(text, path):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(loaders._PARSERS, ".txt", broken)
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.md", f"Title Here\n{BODY}")
    items = list(iter_articles([tmp_path]))
    assert "unexpected error while reading: RuntimeError: boom" in skipped(items)[0].reason
    assert len(articles(items)) == 1


def test_cp1252_is_read_with_a_warning(tmp_path):
    path = write(tmp_path / "a.txt", f"Café Owners Protest\n{BODY} – “quoted”".encode("cp1252"))
    items = list(load_file(path))
    (warning,) = warnings(items)
    assert "decoded as cp1252" in str(warning) and str(path.resolve()) in str(warning)
    assert articles(items)[0].title == "Café Owners Protest"


def test_utf8_bom_and_utf16(tmp_path):
    assert only_article(write(tmp_path / "a.txt", "\ufeffTitle Here\n" + BODY)).title == "Title Here"
    assert only_article(write(tmp_path / "b.txt", ("Title Here\n" + BODY).encode("utf-16"))).text == BODY


# --- folders ---------------------------------------------------------------------------


def test_folder_walk_is_recursive_sorted_and_skips_hidden(tmp_path):
    for rel in ("b.txt", "a/z.txt", "a/c/d.md", "c.json", ".hidden.txt", ".git/x.txt", "a/.cache/y.txt"):
        body = json.dumps({"text": f"{BODY} {rel}"}) if rel.endswith(".json") else f"Title {rel}\n{BODY} {rel}"
        write(tmp_path / rel, body)
    found = [Path(a.path).relative_to(tmp_path.resolve()).as_posix() for a in articles(iter_articles([tmp_path]))]
    assert found == ["a/c/d.md", "a/z.txt", "b.txt", "c.json"]
    assert articles(iter_articles(str(tmp_path / ".hidden.txt")))  # named directly: read


def test_file_named_twice_is_read_once_and_mixed_inputs(tmp_path):
    path = write(tmp_path / "sub" / "a.txt", f"Title Here\n{BODY}")
    write(tmp_path / "sub" / "notes.pdf", b"%PDF")
    items = list(iter_articles([path, tmp_path, str(path)]))
    assert len(articles(items)) == 1
    assert [s.reason.split(" (")[0] for s in skipped(items)] == ["unsupported file type .pdf"]


def test_iter_articles_streams(tmp_path):
    first = write(tmp_path / "a.txt", f"Title Here\n{BODY}")

    def paths():
        yield first
        raise AssertionError("read ahead of the consumer")

    assert isinstance(next(iter_articles(paths())), Article)


# --- fields ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "2024-12-06", "2024-12-06T10:00:00Z", "2024-12-06T23:30:00-05:00", "2024-12-06 10:00", "2024/12/06",
    "06 Dec 2024", "6 December 2024", "December 6, 2024", "Dec. 6, 2024", "Friday, December 6th, 2024",
    "Fri, 06 Dec 2024 10:00:00 GMT", "Fri, 06 Dec 2024 10:00:00 +0100", 1733479200, 1733479200000,
])
def test_parse_date_formats(value):
    assert parse_date(value) == date(2024, 12, 6)


@pytest.mark.parametrize("value", ["yesterday", "06/12/2024", "2024-13-45", "December 2024", "", None, True, {}])
def test_parse_date_rejects(value):
    assert parse_date(value) is None


def test_bad_date_warns_and_still_loads(tmp_path):
    path = write(tmp_path / "a.jsonl", json.dumps({"title": "T", "text": BODY, "pubDate": "last Tuesday"}))
    items = list(load_file(path))
    (warning,) = warnings(items)
    assert warning.line == 1 and "pubDate" in warning.message and "last Tuesday" in warning.message
    assert articles(items)[0].published is None


def test_parse_authors():
    assert parse_authors("By Jane Roe, John Doe and Ann Lee") == ("Jane Roe", "John Doe", "Ann Lee")
    assert parse_authors([{"name": "Jane Roe"}, "John Doe", {"name": "jane roe"}]) == ("Jane Roe", "John Doe")
    assert parse_authors("Ann Anderson") == ("Ann Anderson",)


def test_supported_suffixes_all_have_a_loader():
    assert set(SUPPORTED_SUFFIXES) == set(loaders._PARSERS)
