"""Hostile and broken input: the loaders never crash or hang on random bytes, broken or
deeply nested or huge JSON, HTML soup, 10 MB single lines, NUL bytes or mixed encodings; every
file that gives no article gets a reason; and ingesting such files into an index loses nothing
that was already there.

Property tests run each example under a per-example hypothesis deadline and a hard SIGALRM
guard (a hang fails the test instead of stalling it).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import random
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.loading.walk import MIN_TEXT_CHARS, SUPPORTED_SUFFIXES, article_id, load_file
from index.records import Article, LoadWarning, Skipped
from tests.reliability.corpus import make_articles, write_corpus
from tests.reliability.harness import assert_vectors_found

SUFFIXES = list(SUPPORTED_SUFFIXES) + [".pdf", ".TXT", ""]
HANG_SECONDS = 30  # far above any example's cost; only a hang reaches it
FIGURES: dict[str, int] = {}


class Hang(Exception):
    pass


@contextlib.contextmanager
def no_hang(seconds: float = HANG_SECONDS):
    def fire(*_):
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _storable(s: str) -> bool:
    try:
        s.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def load_checked(path: Path) -> list:
    """load_file(path) with every promise of the loaders checked; returns the items."""
    with no_hang():
        items = list(load_file(path))
    assert items, f"{path.name}: no item at all, not even a reason"
    for it in items:
        assert isinstance(it, (Article, Skipped, LoadWarning)), type(it)
        assert _storable(it.path)
        if isinstance(it, Skipped):
            assert isinstance(it.reason, str) and it.reason.strip() and _storable(it.reason)
        elif isinstance(it, LoadWarning):
            assert it.message.strip() and _storable(it.message)
        else:
            assert len(it.text) >= MIN_TEXT_CHARS and it.id == article_id(it.text)
            for value in (it.text, it.title, it.source, it.url, *it.authors):
                assert _storable(value), f"{path.name}: a field SQLite cannot store: {value[:80]!r}"
            assert not any(ord(c) < 32 and c not in "\n\t" for c in it.text), "control characters left"
    if not any(isinstance(it, Article) for it in items):
        assert any(isinstance(it, Skipped) for it in items), f"{path.name}: no article and no reason"
    FIGURES["files_loaded"] = FIGURES.get("files_loaded", 0) + 1
    return items


@pytest.fixture(scope="module", autouse=True)
def _warm_html():
    """trafilatura's first import costs a second; keep it out of the per-example deadline."""
    from index.loading.html import parse_html

    list(parse_html("<html><body><p>warm up the extractor, please.</p></body></html>", "x.html"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


_COUNTER = [0]


def write(workdir: Path, suffix: str, data: bytes) -> Path:
    _COUNTER[0] += 1
    p = workdir / f"f{_COUNTER[0]}{suffix}"
    p.write_bytes(data)
    return p


PROPS = settings(max_examples=150, deadline=timedelta(seconds=5), derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# -- strategies --------------------------------------------------------------------------------------
_odd_chars = st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ud800", "\udfff",
                              "\u202e", "\u200f", "שלום", "مرحبا", "😀", "👩‍👩‍👧", "\U0010ffff", "é", "\r", "\t"])
texts = st.lists(st.one_of(st.text(max_size=40), _odd_chars), max_size=30).map("".join)
_KEYS = ["title", "headline", "text", "body", "content", "article", "source", "url", "link", "published",
         "date", "authors", "author", "articles", "items", "data", "Text", " TITLE "]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | texts,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from(_KEYS) | texts, inner, max_size=6),
    max_leaves=25)
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "shift_jis", "utf-32"]


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


html_tokens = st.one_of(
    st.sampled_from(["<html>", "</html>", "<head>", "<body>", "<article>", "</article>", "<p>", "</p>",
                     "<div class='share comment'>", "</div>", "<script>alert(1)</script>", "<style>p{}</style>",
                     "<!--", "-->", "<![CDATA[", "]]>", "<title>", "</title>", "<h1>", "</h1>", "<br/>", "<",
                     ">", "&amp;", "&#0;", "&#xD800;", "&#1114112;", "&nbsp;", "&bogus;", "<meta charset='x'>",
                     "<?xml version='1.0' encoding='utf-8'?>", "<meta property='article:published_time' "
                     "content='not a date'>", "<time datetime='2024-13-45'>", "<a href='javascript:x'>",
                     "<link rel='canonical' href='http://x'>", "<svg><g>", "<table><tr><td>", "<nav>", "</nav>"]),
    texts)
html_docs = st.lists(html_tokens, max_size=60).map("".join)


# -- properties --------------------------------------------------------------------------------------
@PROPS
@given(data=st.binary(max_size=5000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(workdir, data, suffix):
    load_checked(write(workdir, suffix, data))


@PROPS
@given(text=texts, encoding=st.sampled_from(_ENCODINGS), suffix=st.sampled_from(SUPPORTED_SUFFIXES),
       nul_at=st.none() | st.integers(0, 20000))
def test_text_in_any_encoding_with_nul_bytes(workdir, text, encoding, suffix, nul_at):
    data = encode("Harbour News Today\n\n" + text * 3, encoding)
    if nul_at is not None:
        data = data[:nul_at] + b"\x00" + data[nul_at:]
    load_checked(write(workdir, suffix, data))


@PROPS
@given(value=json_values, ascii_only=st.booleans(), cut=st.none() | st.floats(0, 1))
def test_json_values_whole_or_truncated(workdir, value, ascii_only, cut):
    text = json.dumps(value, ensure_ascii=ascii_only)
    data = text.encode("utf-8", "surrogatepass")
    if cut is not None:
        data = data[: int(len(data) * cut)]
    items = load_checked(write(workdir, ".json", data))
    if cut is None and isinstance(value, dict) and isinstance(value.get("text"), str) \
            and len(value["text"].strip()) >= 100:
        assert any(isinstance(i, Article) for i in items), "a plain article object was not read"


@PROPS
@given(records=st.lists(json_values | texts, max_size=8), ascii_only=st.booleans())
def test_jsonl_mixed_good_and_bad_lines(workdir, records, ascii_only):
    good = {"title": "Harbour reopens", "text": "The harbour reopened on Monday after the storm passed."}
    lines = [json.dumps(good)] + [json.dumps(r, ensure_ascii=ascii_only) if not isinstance(r, str) else r
                                  for r in records] + [json.dumps({**good, "text": good["text"] + " Again."})]
    items = load_checked(write(workdir, ".jsonl", "\n".join(lines).encode("utf-8", "surrogatepass")))
    # one bad line never costs the others: the first and last records are always read, unless the
    # whole file is refused as not text (by design: a NUL byte or >5% control characters in its first
    # 8 KB; or bytes that are neither mostly-UTF-8 nor cp1252)
    if any(isinstance(i, Skipped) and i.line is None and i.reason.startswith(("binary", "cannot decode"))
           for i in items):
        FIGURES["jsonl_refused_whole_as_binary"] = FIGURES.get("jsonl_refused_whole_as_binary", 0) + 1
        return
    titles = [i.title for i in items if isinstance(i, Article)]
    assert titles.count("Harbour reopens") >= 2, items


@PROPS
@given(doc=html_docs, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_html_soup(workdir, doc, encoding):
    load_checked(write(workdir, ".html", encode(doc, encoding)))


# -- named cases, some big ---------------------------------------------------------------------------
_RNG = random.Random(1)
_WORDS = "the harbour storm ship council river mayor wheat bridge tower said on monday".split()


def _words(n_bytes: int) -> str:
    return " ".join(_RNG.choice(_WORDS) for _ in range(n_bytes // 5))[:n_bytes]


MB = 1024 * 1024
NAMED = {
    "deep-list.json": lambda: "[" * 200_000 + "]" * 200_000,
    "deep-object.json": lambda: '{"articles":' * 100_000 + "1" + "}" * 100_000,
    "deep-line.jsonl": lambda: json.dumps({"title": "ok", "text": "A report that loads fine on its own."}) + "\n"
    + "[" * 100_000 + "\n",
    "truncated.json": lambda: json.dumps([{"title": "t", "text": _words(2000)}] * 20)[:-7],
    "many-tiny.jsonl": lambda: "\n".join(json.dumps({"text": f"x{i}"}) for i in range(50_000)),
    "huge-number.json": lambda: '{"text": "short text for the record here", "published": ' + "9" * 5000 + "}",
    "nul-late.txt": lambda: "Title Of The Story\n\n" + _words(20_000) + "\x00" + _words(2000),
    "mixed-encodings.txt": lambda: ("Caf\u00e9 News\n\n".encode() + "na\u00efve r\u00e9sum\u00e9".encode("cp1252")
                                    + " more text ".encode() * 20 + "\u00e9t\u00e9".encode()),
    "utf16-no-bom.txt": lambda: ("Harbour News\n\n" + _words(2000)).encode("utf-16-le"),
    "bom-then-binary.md": lambda: codecs.BOM_UTF8 + bytes(range(256)) * 40,
    "div-nest.html": lambda: "<div>" * 100_000 + "deep text of the report here" + "</div>" * 100_000,
    "comment-bomb.html": lambda: "<!--" * 200_000 + "<p>x</p>",
    "entity-flood.html": lambda: "<p>" + "&amp;&#0;&#xD800;&bogus;" * 20_000 + "</p>",
    "rtl-emoji.md": lambda: "# \u202e\u0645\u0631\u062d\u0628\u0627 \U0001f600 title\n\n" + "\u05e9\u05dc\u05d5\u05dd \U0001f680 " * 500,
}
BIG = {  # 10 MB single lines and a tag soup near the upload limit's scale
    "line-10mb.txt": lambda: _words(10 * MB),
    "line-10mb.jsonl": lambda: json.dumps({"title": "Long", "text": _words(10 * MB)}),
    "line-10mb.json": lambda: json.dumps({"title": "Long", "text": _words(10 * MB)}),
    "line-10mb.html": lambda: "<html><body><article><p>" + _words(10 * MB) + "</p></article></body></html>",
    "nospace-10mb.md": lambda: "x" * (10 * MB),
    "tag-soup-5mb.html": lambda: "<p>" + "<b>x</b><i>y</i>" * 300_000 + "</p>",
}


def _bytes(make) -> bytes:
    data = make()
    return data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_hostile_files(workdir, name):
    load_checked(write(workdir, Path(name).suffix, _bytes(NAMED[name])))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BIG))
def test_big_single_lines_and_soup(workdir, name):
    import time

    t0 = time.monotonic()
    items = load_checked(write(workdir, Path(name).suffix, _bytes(BIG[name])))
    FIGURES[f"seconds:{name}"] = round(time.monotonic() - t0, 1)
    print(f"\n{name}: {time.monotonic() - t0:.1f} s", [str(i)[-90:] for i in items if not isinstance(i, Article)])


def test_jsonl_record_with_lone_surrogates_does_not_cost_the_rest(workdir):
    """Regression: a lone-surrogate escape ("\\ud800") in one record ended the whole file, and in
    an outlet name it crashed the ingest at the SQLite insert."""
    lines = [{"title": "One", "text": "The harbour reopened after the storm passed through the bay."},
             {"title": "Bad \ud800", "text": "Lone \udc00 surrogate in the body of this record.", "source": "Out\ud800let"},
             {"title": "Two", "text": "Farmers reported a record wheat harvest across the plains."}]
    p = write(workdir, ".jsonl", "\n".join(json.dumps(r) for r in lines).encode())
    arts = [i for i in load_checked(p) if isinstance(i, Article)]
    assert [a.title for a in arts] == ["One", "Bad \ufffd", "Two"] and arts[1].source == "Out\ufffdlet"


def test_utf8_feed_with_one_damaged_byte_keeps_its_records_and_accents(workdir):
    """Regression: one byte that is not UTF-8 made the whole file cp1252 (mojibake everywhere, so
    other ids than the clean copy's), or refused it whole when it held a byte cp1252 leaves
    undefined (0x81 here: inside the UTF-8 of "Ł")."""
    record = {"title": "Łódź Floods", "text": "Zażółć gęślą jaźń — the river rose two metres overnight."}
    clean = (json.dumps(record, ensure_ascii=False) + "\n").encode() * 30
    damaged = clean[:700] + b"\xff" + clean[700:]
    items = load_checked(write(workdir, ".jsonl", damaged))
    arts = [i for i in items if isinstance(i, Article)]
    warnings = [i for i in items if isinstance(i, LoadWarning)]
    assert len(arts) >= 29 and all(a.title == "Łódź Floods" for a in arts)
    assert arts[0].id == article_id(record["text"])  # the same article as the undamaged copy
    assert any("damaged byte" in w.message for w in warnings)


# -- into a real index: nothing already there is lost ----------------------------------------------------
def test_hostile_files_leave_the_indexed_articles_intact(tmp_path, capsys):
    from index import ingest, open_index
    from tests.index.helpers import assert_consistent
    from tests.reliability.harness import CachedFakeEmbedder as FakeEmbedder

    good = make_articles(40, seed=21)
    d = tmp_path / "idx"
    report = ingest([write_corpus(tmp_path / "good", good)], d, embedder=FakeEmbedder())
    assert len(report.added) == 40 and not report.skipped

    bad = tmp_path / "bad"
    bad.mkdir()
    rng = random.Random(4)
    files = {}
    for name, make in NAMED.items():
        files[name] = _bytes(make)
    for i in range(30):  # random bytes and random JSON under every supported suffix
        suffix = SUPPORTED_SUFFIXES[i % len(SUPPORTED_SUFFIXES)]
        files[f"random-{i}{suffix}"] = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000)))
    files["surrogates.jsonl"] = b'{"title": "S\\ud800", "text": "Lone surrogates \\udfff everywhere in this body.", ' \
                                b'"source": "\\ud800", "authors": ["\\udc00"], "date": "\\ud800"}\n'
    files["\udce9t\udce9.txt"] = b"A File Name In Latin-1\n\nThe name of this file is not valid UTF-8 at all."
    for name, data in files.items():
        (bad / name).write_bytes(data)
    (bad / "subdir-link").symlink_to(bad)  # a loop
    (bad / "fifo.txt").unlink(missing_ok=True)
    import os

    os.mkfifo(bad / "fifo.txt")  # would block a naive reader forever

    with no_hang(120):
        hostile = ingest([bad], d, embedder=FakeEmbedder())
    named = {Path(s.path).name for s in hostile.skipped}
    idx = open_index(d, embedder=FakeEmbedder())
    try:
        added_from = {Path(a.path).name for a in idx.articles() if a.path.startswith(str(bad.resolve()))}
        for name in [*files, "fifo.txt"]:
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            assert shown in named or shown in added_from, f"{name!r}: neither added nor given a reason"
        # every good article is still there, whole and findable both ways
        have = {a.title: a for a in idx.articles()}
        for g in good:
            a = have[g.title]
            assert a.text == g.text
            assert idx.lexical_search(g.key, 1)[0].chunk.article_id == a.id
            assert_vectors_found(idx, a.id)
        assert_consistent(idx)
    finally:
        idx.close()
    FIGURES.update(hostile_files=len(files) + 1, hostile_skipped=len(hostile.skipped),
                   hostile_added=len(hostile.added), good_articles_checked=len(good))
    print("\nhostile ingest:", hostile.summary(), FIGURES)
