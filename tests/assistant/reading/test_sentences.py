"""Sentence splitting with offsets: every sentence is exactly `text[start:end]`, abbreviations,
initials and decimals don't end a sentence, line breaks always do."""

from __future__ import annotations

import pytest

from assistant.reading.sentences import Sentence, split_sentences


def texts(text: str, *args) -> list[str]:
    out = split_sentences(text, *args)
    for s in out:
        assert text[s.start:s.end] == s.text, s
    return [s.text for s in out]


@pytest.mark.parametrize("text,expected", [
    ("Dr. Smith met U.S. officials on Jan. 5 in Washington. The talks ended.",
     ["Dr. Smith met U.S. officials on Jan. 5 in Washington.", "The talks ended."]),
    ("The deal is worth 3.5 million dollars. Shares rose 1.25 percent.",
     ["The deal is worth 3.5 million dollars.", "Shares rose 1.25 percent."]),
    ("It cost $3.5 million. Next year it will cost more.",
     ["It cost $3.5 million.", "Next year it will cost more."]),
    ("Mr. Ali and Mrs. Brown met at St. Paul. They spoke.",
     ["Mr. Ali and Mrs. Brown met at St. Paul.", "They spoke."]),
    ("The U.N. Security Council met on Monday. Gen. Lee attended.",
     ["The U.N. Security Council met on Monday.", "Gen. Lee attended."]),
    ("Reporter J. Smith wrote it. George W. Bush replied.",
     ["Reporter J. Smith wrote it.", "George W. Bush replied."]),
    ("Prices rose 3%. 40 people came.", ["Prices rose 3%.", "40 people came."]),
    ("Really?! Yes. Wait... Then what?", ["Really?!", "Yes.", "Wait...", "Then what?"]),
])
def test_abbreviations_initials_and_decimals(text, expected):
    assert texts(text) == expected


def test_quotes_and_brackets_stay_with_their_sentence():
    text = 'He said: "We will rebuild." Officials agreed. (It was late.) “Never again,” she said. \'No.\' Then.'
    assert texts(text) == ['He said: "We will rebuild."', "Officials agreed.", "(It was late.)",
                           "“Never again,” she said.", "'No.'", "Then."]


def test_every_line_break_ends_a_sentence_and_blank_lines_vanish():
    text = "Headline Without A Full Stop\nFirst sentence of the body. Second one!\n\n\nAnother paragraph? Yes.\r\nLast"
    assert texts(text) == ["Headline Without A Full Stop", "First sentence of the body.", "Second one!",
                           "Another paragraph?", "Yes.", "Last"]


def test_non_ascii_text_keeps_exact_offsets():
    text = "Türkiye’s Erdoğan said “Enough.” Émile left Antakya at 3 p.m. Monday. Ça va. Hunga Tonga–Hunga Haʻapai erupted."
    assert texts(text) == ["Türkiye’s Erdoğan said “Enough.”", "Émile left Antakya at 3 p.m. Monday.", "Ça va.",
                           "Hunga Tonga–Hunga Haʻapai erupted."]


def test_whitespace_is_trimmed_and_offsets_point_past_it():
    text = "   Lead space.   Trailing   \n  "
    out = split_sentences(text)
    assert out == [Sentence(3, 14, "Lead space."), Sentence(17, 25, "Trailing")]


def test_lower_case_after_a_full_stop_does_not_split():
    assert texts("The ship e.g. the Dali. it was late. Then it sank.") == [
        "The ship e.g. the Dali. it was late.", "Then it sank."]


def test_a_range_of_the_text_gives_offsets_into_the_whole_text():
    text = "First one. Second one. Third one."
    out = split_sentences(text, 11, 22)
    assert out == [Sentence(11, 22, "Second one.")]
    # a range cutting a sentence gives the part inside the range
    assert [s.text for s in split_sentences(text, 0, 16)] == ["First one.", "Secon"]


def test_empty_and_blank_text():
    assert split_sentences("") == [] and split_sentences(" \n\n\t ") == []


def test_documented_limit_an_abbreviation_ending_a_sentence_joins_the_next():
    # the module says so: without a language model "... in the U.S. The next" stays joined
    assert texts("He lives in the U.S. The next day he left.") == ["He lives in the U.S. The next day he left."]


@pytest.mark.parametrize("text,expected", [
    ("The report came out.\nJ. Smith wrote it.", ["The report came out.", "J. Smith wrote it."]),
    ("It was signed (J. Smith) on Monday.", ["It was signed (J. Smith) on Monday."]),
])
def test_an_initial_at_the_start_of_a_line_or_after_a_bracket(text, expected):
    assert texts(text) == expected


# -- properties over arbitrary text -----------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

PIECES = ["The", "ship", "U.S.", "Dr.", "Jan.", "3.5", "million", "J.", "Smith", ".", ". ", "! ", "? ", "...",
          "\n", "\n\n", " ", "  ", '"', "“", "”", "(", ")", "Türkiye", "Émile", "é", "—", "a.m.", "280,000", "\t",
          "'", "’", "?!", "x", "Ça", "Haʻapai"]
news_like = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(news_like, st.text(max_size=200)))
def test_sentences_are_exact_ordered_trimmed_and_lose_no_text(text):
    out = split_sentences(text)
    prev_end = 0
    covered = set()
    for s in out:
        assert text[s.start:s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= prev_end  # in order, never overlapping
        prev_end = s.end
        covered.update(range(s.start, s.end))
        assert "\n" not in s.text
    # nothing but whitespace falls between sentences
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)


@settings(max_examples=200, deadline=None)
@given(news_like, st.data())
def test_sentences_of_a_range_stay_inside_it(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for s in split_sentences(text, start, end):
        assert start <= s.start < s.end <= end and text[s.start:s.end] == s.text


def test_a_photo_gallery_scraped_into_one_line_gives_no_sentence():
    text = ("The mayor waved to the crowd.\nPhotos: Harbour festival Boats sail past the pier in 1998. Hide Caption 3 "
            "of 12 Photos: Harbour festival A band plays on the quay\nThe festival ends on Sunday.")
    got = split_sentences(text)  # "12 Photos" was read as a figure of the story, "1998" as its date
    assert [s.text for s in got] == ["The mayor waved to the crowd.", "The festival ends on Sunday."]
    assert all(text[s.start:s.end] == s.text for s in got)
    # the whole page on one line: the story around the gallery stays
    flat = ("The mayor waved. Photos: Harbour festival Boats sail by in 1998. Hide Caption 1 of 2 Photos: Harbour "
            "festival A band plays. Hide Caption 2 of 2 The festival ends on Sunday.")
    assert [s.text for s in split_sentences(flat)] == ["The mayor waved.", "The festival ends on Sunday."]
