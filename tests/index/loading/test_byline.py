"""Bylines and datelines (index.loading.byline), and what the loaders make of them: an outlet and
date stated above the story become the article's; a date inside the story never does; an article
with a URL but no outlet takes the URL's host."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from index.loading.byline import Byline, is_byline, read_byline
from index.loading.clean import split_title
from index.loading.fields import outlet_from_url
from index.loading.walk import load_file
from index.records import Article

BODY = ("The harbour at Port Ellery reopened to shipping on Thursday after a storm that kept every vessel "
        "at anchor for three days.")


@pytest.mark.parametrize("text,expected", [
    ("Harbour Reopens\nThe Coastal Herald, 12 June 2025\n\n" + BODY,
     Byline("The Coastal Herald", date(2025, 6, 12))),
    ("Harbour Reopens\nBy Jane Roe | Reuters | Dec 5, 2024 10:32 GMT\n\n" + BODY,
     Byline("Reuters", date(2024, 12, 5), ("Jane Roe",))),
    ("Harbour Reopens\n\nHOMS, Syria (AP) — " + BODY, Byline("AP")),
    ("Harbour Reopens\n\nLONDON, June 12, 2023 (Reuters) - " + BODY, Byline("Reuters", date(2023, 6, 12))),
    ("Harbour Reopens\n\nPORT ELLERY, June 12 (Coastal Wire) - " + BODY, Byline("Coastal Wire")),  # no year
    ("Harbour Reopens\n*Meridian Wire — 5 December 2024*\n\n" + BODY, Byline("Meridian Wire", date(2024, 12, 5))),
    ("Harbour Reopens\nBy Jane Roe and Tomas Vell\nFriday 6 December 2024\n\n" + BODY,
     Byline("", date(2024, 12, 6), ("Jane Roe", "Tomas Vell"))),
    ("Harbour Reopens\nPublished 5 Dec 2024 | Updated 6 Dec 2024\n\n" + BODY, Byline("", date(2024, 12, 5))),
    ("Harbour Reopens\nUpdated: 2024-12-06T09:00:00Z\n\n" + BODY, Byline("", date(2024, 12, 6))),
    ("The Coastal Herald, 12 June 2025\nHarbour Reopens\n\n" + BODY, Byline("The Coastal Herald", date(2025, 6, 12))),
])
def test_what_the_first_lines_state(text, expected):
    assert read_byline(text) == expected


@pytest.mark.parametrize("text", [
    # a date inside the story is not the article's date, whether in the first paragraph or further down
    "Harbour Reopens\n\nThe harbour was closed on 12 June 2025 when the storm arrived.\n\nThe Coastal Herald, 13 June 2025",
    "Harbour Reopens\n\n" + BODY + "\n\nOfficials said the cranes, damaged on 3 March 2024, were repaired.",
    "Harbour Reopens\n12 June 2025 was the day the storm arrived, and the port closed.",
    # a headline that names its site is not a byline; neither is a title-case headline with a comma
    "Harbour Reopens | The Coastal Herald\n\n" + BODY,
    "Storm Hits Coast, Again\n\n" + BODY,
    "Officials (police) — said nothing.\n\n" + BODY,  # not an all-capitals place before the brackets
])
def test_nothing_is_taken_from_the_story_itself(text):
    assert read_byline(text) == Byline()


def test_is_byline_and_the_headline_below_an_outlet_line():
    assert is_byline("The Coastal Herald, 12 June 2025") and is_byline("By Jane Roe | Reuters | Dec 5, 2024")
    assert not is_byline("Harbour Reopens After Three-Day Storm") and not is_byline("Storm Hits Coast, Again")
    title, body = split_title("The Coastal Herald, 12 June 2025\nHarbour Reopens After Storm\n\n" + BODY)
    assert title == "Harbour Reopens After Storm" and body.startswith("The Coastal Herald, 12 June 2025")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def only_article(path: Path) -> Article:
    (article,) = [i for i in load_file(path) if isinstance(i, Article)]
    return article


def test_txt_and_md_take_outlet_date_and_authors_from_the_byline(tmp_path):
    a = only_article(write(tmp_path / "a.txt", "Harbour Reopens After Storm\nBy Jane Roe | The Coastal Herald | "
                                               "12 June 2025\n\n" + BODY + "\n\nThe cranes were damaged on 3 March 2024."))
    assert (a.title, a.source, a.published, a.authors) == \
        ("Harbour Reopens After Storm", "The Coastal Herald", date(2025, 6, 12), ("Jane Roe",))
    b = only_article(write(tmp_path / "b.md", "# Rebels Enter City\n\nHOMS, Syria (AP) — Rebel fighters entered "
                                              "the city on Friday, 6 December 2024, witnesses said."))
    assert (b.source, b.published) == ("AP", None)  # the story's date is not the article's


def test_front_matter_wins_over_the_byline(tmp_path):
    text = "---\ntitle: Harbour Reopens\nsource: Port Ellery Post\n---\nThe Coastal Herald, 12 June 2025\n\n" + BODY
    a = only_article(write(tmp_path / "a.md", text))
    assert (a.source, a.published) == ("Port Ellery Post", date(2025, 6, 12))  # the date it lacked


def test_html_without_site_metadata_uses_the_byline(tmp_path):
    page = ("<html><head><title>Ferry Gets a Second Crossing</title></head><body><article>"
            "<h1>Ferry Gets a Second Crossing</h1><p>The Coastal Herald, 13 June 2025</p>"
            f"<p>{BODY} The ferry to Gannet Island will sail twice a day from July, the board said on 2 May 2025.</p>"
            "</article></body></html>")
    a = only_article(write(tmp_path / "a.html", page))
    assert (a.source, a.published) == ("The Coastal Herald", date(2025, 6, 13))


def test_an_article_with_a_url_and_no_outlet_takes_the_host(tmp_path):
    lines = [{"title": "One", "text": BODY, "url": "https://www.cnn.com/2025/06/12/harbour"},
             {"title": "Two", "text": BODY + " Again.", "url": "https://news.example.org/x", "source": "Herald"},
             {"title": "Three", "text": BODY + " Once more."}]
    path = write(tmp_path / "a.jsonl", "\n".join(json.dumps(r) for r in lines))
    assert [a.source for a in load_file(path) if isinstance(a, Article)] == ["cnn.com", "Herald", ""]


@pytest.mark.parametrize("url,outlet", [("https://www.cnn.com/x", "cnn.com"), ("http://WWW.Example.ORG:8080/a", "example.org"),
                                        ("https://news.bbc.co.uk/", "news.bbc.co.uk"), ("not a url", ""), ("", ""),
                                        ("http://[::1", "")])
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet
