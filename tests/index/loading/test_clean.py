"""Unit tests of index.loading.clean: boilerplate, newlines, titles and the text behind ids."""

from __future__ import annotations

import pytest

from index.loading.clean import (
    BOILERPLATE_LINES,
    MAX_BOILERPLATE_CHARS,
    clean_text,
    first_sentence,
    is_boilerplate,
    normalise_for_id,
    split_title,
)

BEFORE = "Rebels entered the northern suburbs on Friday."
AFTER = "Officials said the evacuation would continue overnight."


def test_clean_text_normalises_newlines_and_trailing_spaces():
    assert clean_text("one   \r\ntwo\t \rthree\u2028four") == "one\ntwo\nthree\nfour"


def test_clean_text_drops_control_characters_but_keeps_tab_and_newline():
    assert clean_text("a\x00b\x07c\x1b\td\ne\x7f\x9f\ufefff") == "abc\td\nef"


def test_clean_text_leaves_at_most_one_blank_line():
    assert clean_text("\n\none\n\n\n\n\ntwo\n\nthree\n\n\n") == "one\n\ntwo\n\nthree"


def test_clean_text_is_idempotent():
    raw = "Title  \r\n\r\n\r\n0 Comments\nBody\x00 text.\n\n\n\nShare this article\nMore."
    assert clean_text(clean_text(raw)) == clean_text(raw)


@pytest.mark.parametrize("pattern", BOILERPLATE_LINES)
def test_every_boilerplate_entry_is_removed(pattern):
    line = pattern.replace("*", " The Daily Example ").strip()
    for variant in (line, line.upper(), line.title(), f"  {line}  "):
        assert is_boilerplate(variant), variant
        assert clean_text(f"{BEFORE}\n{variant}\n{AFTER}") == f"{BEFORE}\n{AFTER}"


@pytest.mark.parametrize("line", [
    "0 Comments", "12 Comments", "1,234 comments", "1.2K Shares", "5 min read", "Advertisement:",
    "How relevant is this ad to you?", "Skip to main content", "Sign up for our daily newsletter",
    "Follow us on Twitter", "Video Ad Feedback", "Copyright 2024 The Daily. All rights reserved.",
    "© 2024 Example News Ltd. All Rights Reserved", "Photo: Reuters", "Image: Getty Images",
    "Read more: Rebels take airport", "Watch: residents flee as shelling intensifies",
])
def test_common_boilerplate_lines_are_removed(line):
    assert clean_text(f"{BEFORE}\n{line}\n{AFTER}") == f"{BEFORE}\n{AFTER}"


@pytest.mark.parametrize("line", [
    "Comments from the minister were brief and unrepentant.",
    "Read more about the offensive in our explainer.",
    "Advertisement revenue fell sharply for local papers.",
    "The photo: a crowd at the gate.",
    "Click here" + " and there" * 20,  # longer than any boilerplate line
])
def test_prose_that_merely_resembles_boilerplate_is_kept(line):
    assert clean_text(f"{BEFORE}\n{line}\n{AFTER}") == f"{BEFORE}\n{line}\n{AFTER}"


def test_long_lines_are_never_boilerplate():
    assert not is_boilerplate("Share this article " + "x" * MAX_BOILERPLATE_CHARS)


def test_split_title_first_line():
    title, body = split_title("Rebels Capture City\n\nThousands fled on Friday.\nMore text.")
    assert title == "Rebels Capture City"
    assert body == "Thousands fled on Friday.\nMore text."


def test_split_title_removes_doubled_headline():
    text = "Rebels Capture City\nRebels Capture City\n\nThousands fled on Friday."
    assert split_title(text) == ("Rebels Capture City", "Thousands fled on Friday.")


def test_split_title_standfirst_then_doubled_headline():
    text = (
        "The ongoing conflict sees a dramatic escalation as rebels capture the city, prompting mass "
        "evacuations. This report examines the implications.\n"
        "Rising Tensions As City Faces Rebel Offensive\n"
        "Rising Tensions As City Faces Rebel Offensive\n"
        "Thousands flee the strategic city as government forces withdraw.\n"
    )
    title, body = split_title(text)
    assert title == "Rising Tensions As City Faces Rebel Offensive"
    assert "Rising Tensions" not in body
    assert body.startswith("The ongoing conflict sees a dramatic escalation")
    assert body.endswith("government forces withdraw.")


def test_split_title_standfirst_then_headline():
    text = (
        "Opposition forces are pressing forward in their advance toward the city.\n"
        "Thousands Flee City as Opposition Forces Advance\n"
        "Thousands of residents have fled the city as fighting spread.\n"
    )
    title, body = split_title(text)
    assert title == "Thousands Flee City as Opposition Forces Advance"
    assert body == (
        "Opposition forces are pressing forward in their advance toward the city.\n"
        "Thousands of residents have fled the city as fighting spread."
    )


def test_split_title_markdown_heading_and_setext_underline():
    assert split_title("# Rebels Capture City\n\nBody text here.")[0] == "Rebels Capture City"
    assert split_title("Rebels Capture City\n===\nBody text here.") == ("Rebels Capture City", "Body text here.")


def test_split_title_skips_boilerplate_before_the_title():
    text = "Skip to main content\nRebels Capture City\n0 Comments\nBody text here."
    assert split_title(text) == ("Rebels Capture City", "Body text here.")


def test_split_title_question_headline_stays_when_no_headline_follows():
    text = "Will the ceasefire hold?\nBy Jane Roe\n6 December 2024\nDiplomats met on Friday."
    title, body = split_title(text)
    assert title == "Will the ceasefire hold?"
    assert body.startswith("By Jane Roe")


def test_split_title_section_label_before_headline():
    assert split_title("World\nRebels Capture City\nBody text here.")[0] == "Rebels Capture City"


def test_split_title_long_paragraph_without_headline_uses_first_sentence():
    text = "Thousands of residents fled the city on Friday as rebels advanced. " * 4
    title, body = split_title(text)
    assert title == "Thousands of residents fled the city on Friday as rebels advanced"
    assert body == text.strip()


def test_split_title_empty_text():
    assert split_title(" \n\n ") == ("", "")


def test_first_sentence_cuts_at_a_word():
    title = first_sentence("word " * 100)
    assert len(title) <= 120
    assert title.endswith("word…")
    assert first_sentence("Short one. Second sentence.") == "Short one"
    assert first_sentence('He said "No!" Then left.') == 'He said "No!"'


def test_normalise_for_id():
    assert normalise_for_id("  Café\u00a0 NEWS\n\tToday ") == "café news today"
    assert normalise_for_id("ﬁnal ＡＢＣ") == "final abc"  # NFKC folds ligatures and full width
    assert normalise_for_id("Straße") == normalise_for_id("STRASSE")
