"""A search-box query read as the question it stands for (`keywords.as_question`)."""

from __future__ import annotations

import pytest

from assistant.reading.keywords import as_question
from assistant.reading.question import analyse


@pytest.mark.parametrize("typed, asked", [
    ("artemis launch date", "When was the artemis launch?"),
    ("date of the artemis launch", "When was the artemis launch?"),
    ("tell me the notre dame fire date", "When was the notre dame fire?"),  # a request's opening goes
    ("suez blockage cost?", "How much did the suez blockage cost?"),
    ("earthquake death toll", "How many people died in the earthquake?"),
    ("world cup final winner", "Who won the world cup final?"),
    ("world cup final score", "What was the score of the world cup final?"),
    ("ever given owner", "Who owns the ever given?"),
    ("texas blackout cause", "What caused the texas blackout?"),
    ("eruption height", "What was the height of the eruption?"),
    ("Super Bowl 2021 location", "Where was the Super Bowl 2021?"),
    ("number of refugees", "How many refugees?"),
])
def test_a_query_naming_what_it_asks_for_is_read_as_that_question(typed, asked):
    assert as_question(typed) == asked


@pytest.mark.parametrize("typed", [
    "When did Artemis launch?",  # a question already
    "was the launch date moved",  # opens as a question does
    "suez canal",  # a topic alone: nothing asked for
    "date",  # nothing to ask it about
    "death toll",  # nor here: "How many people died in the death?"
    "the person of the year",  # "year" ends no topic ("person of the")
    "Lloyd's List estimated the cost, the journal said",  # a sentence, not a query
    "one two three four five six seven eight nine date",  # too long for a search-box query
])
def test_anything_else_is_left_as_typed(typed):
    assert as_question(typed) is None


def test_the_question_asks_for_the_kind_of_answer_the_query_named():
    assert analyse(as_question("artemis launch date")).kind == "date"
    assert analyse(as_question("earthquake death toll")).kind == "number"
    assert analyse(as_question("world cup final winner")).kind == "person"
    assert analyse(as_question("Super Bowl 2021 location")).kind == "place"
