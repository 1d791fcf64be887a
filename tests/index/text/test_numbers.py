"""The text toolkit's numbers: number words, their values and the shapes of numerals."""

from __future__ import annotations

import re

from index.text.numbers import FRACTIONS, GROUPED_NUMBER, NUMBER_WORDS, NUMERAL, SCALES, SMALL_NUMBERS, TENS


def test_number_words_have_their_values():
    assert SMALL_NUMBERS["zero"] == 0 and SMALL_NUMBERS["seven"] == 7 and SMALL_NUMBERS["twenty"] == 20
    assert TENS["thirty"] == 30 and TENS["ninety"] == 90
    assert SCALES["dozen"] == 12 and SCALES["million"] == 1e6 and FRACTIONS["quarter"] == 0.25


def test_the_words_that_state_a_figure():
    assert {"one", "twenty", "forty", "thousands", "dozen", "half", "percent", "trillion"} <= NUMBER_WORDS
    assert not {"zero", "trillions", "few", "many"} & NUMBER_WORDS


def test_a_grouped_number_needs_whole_groups_of_three():
    assert re.fullmatch(GROUPED_NUMBER, "21,000") and re.fullmatch(GROUPED_NUMBER, "1,234,567.89")
    assert not re.fullmatch(GROUPED_NUMBER, "21000") and not re.fullmatch(GROUPED_NUMBER, "21,00")


def test_numerals_as_written():
    assert NUMERAL.findall("3.5 million, 21,000 and 2021.") == ["3.5", "21,000", "2021"]
