"""Numbers and dates in sentences: extraction, normalisation and comparison (no index, no model)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.reading.values import dates, quantities, salient_values, same_date, same_value


def values(text: str) -> list[float]:
    return [q.value for q in quantities(text)]


@pytest.mark.parametrize("text, value", [
    ("280,000 people", 280_000), ("280000 people", 280_000), ("280 thousand people", 280_000),
    ("1.5 million people", 1_500_000), ("half a million lives", 500_000), ("a quarter million", 250_000),
    ("three and a half days", 3.5), ("a dozen tugboats", 12), ("12 percent", 12), ("$9.6 billion", 9.6e9),
])
def test_spellings_of_one_value_are_normalised(text, value):
    assert values(text) == [pytest.approx(value)]


def test_units_and_qualifiers_are_kept():
    [q] = quantities("officials said about 369 vessels were queued")
    assert (q.value, q.unit, q.qualifier, q.phrase) == (369, "vessels", "about", "about 369 vessels")
    [q] = quantities("The 400-metre container ship")
    assert (q.value, q.unit) == (400, "metre")
    [q] = quantities("the toll rose to more than 21,000 on 10 February")
    assert (q.value, q.unit, q.phrase) == (21_000, "", "more than 21,000")  # "on" is not a unit


def test_years_day_numbers_and_clock_times_are_dates_not_quantities():
    assert values("On 6 February 2023, at 04:17, the quake hit; by March 26 it was over.") == []
    assert values("The civil war has raged since 2011") == []
    assert values("a bare half") == []


def test_salient_values_skip_small_counts():
    assert salient_values("two of the six workers; 25 feet of water; 280,000 displaced") == {25, 280_000}


def test_same_value_allows_rounding_only():
    assert same_value(280_000, 280_000) and same_value(21_000, 21_500)
    assert not same_value(369, 400)  # about 8 % apart
    assert not same_value(21_000, 50_000)


@pytest.mark.parametrize("text", ["26 March 2024", "March 26, 2024", "2024-03-26", "26th of March 2024",
                                  "Mar. 26, 2024"])
def test_date_spellings(text):
    [d] = dates(f"The bridge fell on {text}, officials said.")
    assert d.resolve(None) == date(2024, 3, 26)
    assert d.text == text


def test_partial_dates_and_missing_years():
    [d] = dates("It rose on 10 February.")
    assert (d.year, d.month, d.day) == (None, 2, 10) and d.resolve(2023) == date(2023, 2, 10)
    [d] = dates("Filming began in March 2024.")
    assert (d.year, d.month, d.day) == (2024, 3, None)
    [d] = dates("The war has raged since 2011.")
    assert (d.text, d.year, d.month) == ("2011", 2011, None)
    assert dates("May I ask a question?") == []


def test_same_date_compares_the_parts_both_give():
    a, b, c = dates("on 26 March 2024; on March 26; on 27 March 2024")
    assert same_date(a, b) and same_date(a, b, 2024, 2024)
    assert not same_date(a, b, 2024, 2023)  # the borrowed year differs
    assert not same_date(a, c)
    [year] = dates("in 2024")
    assert same_date(a, year) and same_date(c, year)  # a year alone does not contradict a day in it


def test_currency_is_the_unit_and_number_words_need_word_boundaries():
    [q] = quantities("Lloyd's List put it at about $9.6 billion a day")
    assert (q.value, q.unit, q.phrase) == (9.6e9, "$", "about $9.6 billion")
    assert values("a tense, ninety-minute wait") == []
