"""`Assistant.timeline` and `assistant ask --timeline` on a small index (fake embedder)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assistant import Assistant
from assistant.errors import EmptyQuestionError
from index import ingest
from tests.index.helpers import write_txt

ARTICLES = [
    ("b.txt", "Harbor Ledger", "2024-12-05", "Rebels Take Hama",
     "Rebels entered Hama on 5 December after days of fighting. The army said it had withdrawn from Hama. "
     "About 280,000 people have fled their homes near Hama, the UN said."),
    ("a.txt", "Meridian Wire", "2024-11-30", "Aleppo Falls",
     "Rebels captured most of Aleppo on 29 November. Hama braced for an assault as 20,000 fighters gathered. "
     "The weather in the region was cold."),
    ("c.txt", "", "", "Clipping",
     "Residents of Hama counted 3 nights of shelling. Nobody in Hama expected it."),
    ("d.txt", "Atlas", "2024-12-01", "Markets",
     "Stock markets rose 2 percent on Monday as oil prices fell."),
]


@pytest.fixture
def assistant(tmp_path, fake_embedder):
    docs = tmp_path / "docs"
    for name, source, day, title, body in ARTICLES:
        write_txt(docs, name, title, body, source=source, published=day)
    ingest([docs], tmp_path / "idx", embedder=fake_embedder)
    a = Assistant(tmp_path / "idx", embedder=fake_embedder)
    yield a
    a.close()


def test_dated_statements_about_the_subject_oldest_first(assistant):
    entries = assistant.timeline("Hama")
    assert [(e.date, e.quote.split()[0]) for e in entries] == [
        (date(2024, 11, 30), "Hama"),  # "Hama braced ... 20,000 fighters"
        (date(2024, 12, 5), "Rebels"),  # "... entered Hama on 5 December"
        (date(2024, 12, 5), "About"),  # "About 280,000 people ... near Hama"
        (None, "Residents"),  # the undated clipping comes last
    ]
    # sentences without a date or figure, or not naming Hama, are left out
    assert not any("withdrawn" in e.quote or "weather" in e.quote or "Aleppo" in e.quote for e in entries)
    for e in entries:
        art = assistant.index.article(e.article_id)
        assert art.text[e.start:e.end] == e.quote and e.source == art.source and e.title == art.title
    assert entries[1].mentioned == date(2024, 12, 5)


def test_k_keeps_the_best_covered_statements_and_filters_apply(assistant):
    assert len(assistant.timeline("Hama", k=2)) == 2
    only = assistant.timeline("Hama", since="2024-12-01")
    assert {e.source for e in only} == {"Harbor Ledger"}
    assert assistant.timeline("volcano eruption") == []
    with pytest.raises(EmptyQuestionError):
        assistant.timeline("  ")


def test_cli_prints_one_line_per_statement(tmp_path, assistant, capsys, monkeypatch):
    from ui import cli

    monkeypatch.setattr("assistant.Assistant", lambda index: assistant)
    monkeypatch.setattr(assistant, "close", lambda: None)
    assert cli.main(["ask", "--timeline", "Hama", "--index", str(tmp_path / "idx")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("2024-11-30  Meridian Wire: “Hama braced")
    assert lines[-1].startswith("undated     “Clipping”: “Residents of Hama")
    assert cli.main(["ask", "--timeline", "Hama", "--json", "--index", str(tmp_path / "idx")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["date"] == "2024-11-30" and data[-1]["date"] is None


@pytest.mark.parametrize("text, subject", [
    ("Timeline of the Suez Canal blockage", "Suez Canal blockage"), ("Give me a timeline of Hama", "Hama"),
    ("How did the Baltimore bridge story develop?", "Baltimore bridge"), ("Walk me through the Hama story", "Hama"),
    ("What's the timeline of the offensive?", "offensive"), ("How did the fire unfold?", "fire"),
    ("How did the rebels take Hama?", None), ("What is a timeline?", None), ("Timeline of the", None),
])
def test_the_chat_forms_that_ask_for_a_timeline(text, subject):
    from assistant.news.timeline import subject_asked

    assert subject_asked(text) == subject


def test_asked_in_a_chat_the_timeline_is_an_answer_each_report_named_once_per_run(assistant):
    got = assistant.ask("How did the Hama story develop?")
    assert got.text == (
        "How “Hama” was reported, oldest first: Meridian Wire (30 Nov 2024): Hama braced for an assault as 20,000 "
        "fighters gathered. [1] Harbor Ledger (5 Dec 2024): Rebels entered Hama on 5 December after days of "
        "fighting. [2] About 280,000 people have fled their homes near Hama, the UN said. [3] An undated report, "
        "“Clipping”: Residents of Hama counted 3 nights of shelling. [4]")
    assert [c.n for c in got.citations] == [1, 2, 3, 4] and not got.abstained
    nothing = assistant.ask("Timeline of the volcano eruption")
    assert nothing.abstained and nothing.text == "No dated statement about “volcano eruption” was found in the articles."


def test_tell_me_more_after_a_timeline_gives_the_statements_it_left_out(assistant, monkeypatch):
    import assistant.news.timeline as timeline

    monkeypatch.setattr(timeline, "SHOWN", 2)
    first = assistant.ask("Timeline of Hama")
    more = assistant.ask("Tell me more", history=[("Timeline of Hama", first)])
    assert len(first.citations) == len(more.citations) == 2
    assert not {c.quote for c in first.citations} & {c.quote for c in more.citations}


def test_a_name_in_the_subject_stands_whole_and_counts_as_one_word(tmp_path, fake_embedder):
    docs = tmp_path / "names"
    write_txt(docs, "a.txt", "Parade Shooting", "A shooting at the parade in Riverside Park on 4 July 2031 killed six.",
              source="Desk", published="2031-07-05")
    write_txt(docs, "b.txt", "Park Works", "Works in Riverside Park began on 2 May 2030 at a cost of $190,000.",
              source="Desk", published="2030-05-03")
    write_txt(docs, "c.txt", "Another Shooting", "A shooting in Elm Park on 3 July 2031 wounded two people.",
              source="Desk", published="2031-07-04")
    ingest([docs], tmp_path / "names-idx", embedder=fake_embedder)
    a = Assistant(tmp_path / "names-idx", embedder=fake_embedder)
    try:
        # the park works lack the shooting; the other shooting lacks the name
        assert [e.title for e in a.timeline("Riverside Park shooting")] == ["Parade Shooting"]
    finally:
        a.close()
