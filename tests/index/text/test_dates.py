"""The text toolkit's calendar words and `parse_day`, the reader of a day given as a filter."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from index.errors import ConfigError
from index.text.dates import (MONTH_ABBREVIATIONS, MONTH_NAMES, MONTH_PATTERN, MONTHS, WEEKDAY,
                              WEEKDAY_ABBREVIATIONS, YEAR, parse_day)


def test_months_map_names_abbreviations_and_sept_to_numbers():
    assert MONTHS["january"] == 1 and MONTHS["may"] == 5 and MONTHS["dec"] == 12 and MONTHS["sept"] == 9
    assert len(MONTHS) == 24  # 12 names, 11 abbreviations ("may" is both) and "sept"
    assert MONTH_ABBREVIATIONS[4] == "may" and len(MONTH_NAMES) == 12
    assert WEEKDAY_ABBREVIATIONS == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def test_the_month_pattern_tries_the_longest_name_first():
    assert re.match(MONTH_PATTERN, "september").group(0) == "september"
    assert re.match(MONTH_PATTERN, "sept.").group(0) == "sept"
    assert re.fullmatch(MONTH_PATTERN, "june") and not re.fullmatch(MONTH_PATTERN, "junes")


def test_weekday_finds_whole_weekday_names_in_any_case():
    assert WEEKDAY.search("It sank on MONDAY night.").group(0) == "MONDAY"
    assert not WEEKDAY.search("Mondays are quiet; Mon. is not a name here.")


def test_year_is_1900_to_2099():
    assert re.fullmatch(YEAR, "1900") and re.fullmatch(YEAR, "2099")
    assert not re.fullmatch(YEAR, "1899") and not re.fullmatch(YEAR, "2100")


@pytest.mark.parametrize("value,expected", [
    (None, None), ("", None), (date(2024, 12, 6), date(2024, 12, 6)), ("2024-12-06", date(2024, 12, 6)),
    (" 2024-12-06 ", date(2024, 12, 6)), (datetime(2024, 12, 6, 10, 0), datetime(2024, 12, 6, 10, 0)),
])
def test_parse_day_takes_a_date_an_iso_string_or_nothing(value, expected):
    assert parse_day(value, "since") == expected


@pytest.mark.parametrize("value", [20210329, 3.5, ["2024-12-06"], "yesterday", "2021-13-01", "06/12/2024"])
def test_parse_day_refuses_anything_else_naming_the_field(value):
    with pytest.raises(ConfigError) as e:
        parse_day(value, "as_of")
    assert str(e.value) == f"as_of must be a date like 2024-12-06, got {value!r}"
