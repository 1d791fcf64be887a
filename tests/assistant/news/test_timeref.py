"""Relative time in questions resolved against a reference date (never the system clock), and
what `Assistant.ask` does with it (fake embedder, small index)."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest

from assistant.news.timeref import apply, resolve

REF = date(2024, 12, 6)  # a Friday


@pytest.mark.parametrize("question, since, until, text", [
    ("What happened last week?", date(2024, 11, 25), date(2024, 12, 1), "What happened?"),
    ("What happened in Homs last week?", date(2024, 11, 25), date(2024, 12, 1), "What happened in Homs?"),
    ("How many people died in 2022?", date(2022, 1, 1), date(2022, 12, 31), "How many people died?"),
    ("What has happened since June?", date(2024, 6, 1), None, "What has happened?"),
    ("What did the UN say last month?", date(2024, 11, 1), date(2024, 11, 30), "What did the UN say?"),
    ("Who spoke yesterday?", date(2024, 12, 5), date(2024, 12, 5), "Who spoke?"),
    ("What happened today in Aleppo?", REF, REF, "What happened in Aleppo?"),
    ("What happened in the past 3 days?", date(2024, 12, 3), REF, "What happened?"),
    ("What happened this year?", date(2024, 1, 1), REF, "What happened?"),
    ("What happened in June 2022?", date(2022, 6, 1), date(2022, 6, 30), "What happened?"),
    ("What happened in December?", date(2024, 12, 1), date(2024, 12, 31), "What happened?"),
    ("What was the toll as of 10 February 2023?", None, date(2023, 2, 10), "What was the toll?"),
    ("What happened before March 2024?", None, date(2024, 2, 29), "What happened?"),
    ("What happened after 5 June?", date(2024, 6, 6), None, "What happened?"),
    ("What happened after 5th June?", date(2024, 6, 6), None, "What happened?"),  # not the month "th"
    ("What happened on 3 March?", date(2024, 3, 3), date(2024, 3, 3), "What happened?"),
    ("What happened on the 5th of June 2022?", date(2022, 6, 5), date(2022, 6, 5), "What happened?"),
    ("Any news from March 2024?", date(2024, 3, 1), date(2024, 3, 31), "Any news?"),
    ("Any stories from May?", date(2024, 5, 1), date(2024, 5, 31), "Any stories?"),
    ("What was reported from March to June 2022?", date(2022, 3, 1), date(2022, 6, 30), "What was reported?"),
    ("What happened between 2019 and 2021?", date(2019, 1, 1), date(2021, 12, 31), "What happened?"),
    ("How many people had died by 12 February?", None, date(2024, 2, 12), "How many people had died?"),
])
def test_phrases_resolve_against_the_reference_date(question, since, until, text):
    tr = resolve(question, REF)
    assert (tr.since, tr.until, tr.text) == (since, until, text)
    assert tr.phrase in question and tr.phrase in tr.note and REF.isoformat() in tr.note


def test_month_names_and_last_periods_cross_year_boundaries():
    jan = date(2025, 1, 15)
    assert (resolve("since June?", jan).since) == date(2024, 6, 1)  # the most recent June
    assert (resolve("last month", jan).since, resolve("last month", jan).until) == (date(2024, 12, 1),
                                                                                   date(2024, 12, 31))
    assert resolve("last year", jan).since == date(2024, 1, 1)
    monday = date(2024, 12, 2)
    assert (resolve("last week", monday).since, resolve("last week", monday).until) == (date(2024, 11, 25),
                                                                                       date(2024, 12, 1))


@pytest.mark.parametrize("question", [
    "What was the magnitude of the quake that struck on 6 February 2023?",  # the event's day, maybe not the reports'
    "Who commented on May 5?",
    "How have prices moved from 2019?",  # "from" a time is a period only after a word for reports
    "Who spoke on the phone?",
])
def test_a_day_with_something_to_look_for_and_from_without_reports_are_searched_as_words(question):
    assert resolve(question, REF) is None


def test_no_time_phrase_or_the_verb_may_is_left_alone():
    assert resolve("How many vessels were queued at the Suez Canal?", REF) is None
    assert resolve("What may happen in may?", REF) is None
    assert resolve("Who won the 2022 World Cup final?", REF) is None  # a name's year, not "in 2022"


def test_events_are_dated_by_the_caller_and_undatable_events_ignored():
    found = []

    def find(phrase):
        found.append(phrase)
        return date(2024, 12, 5)

    tr = resolve("What did Assad do before the fall of Hama?", REF, find)
    assert found == ["the fall of Hama"]
    assert (tr.since, tr.until, tr.text) == (None, date(2024, 12, 4), "What did Assad do?")
    assert "earliest dated article" in tr.note
    tr = resolve("What happened after the fall of Hama?", REF, find)
    # the event is all the question asks about: its words are searched, in the reports since then
    assert (tr.since, tr.until, tr.text) == (date(2024, 12, 5), None, "What happened the fall of Hama?")
    assert resolve("What happened before the fall of Hama?", REF, lambda p: None) is None
    assert resolve("What happened before the fall of Hama?", REF) is None


class FakeIndex:
    """Articles published on the given days (the newest is the reference date); `stories` maps a
    word to the day of the article BM25 finds first for a question with it."""

    def __init__(self, newest, *days, stories=None):
        self.days = [d for d in (newest, *days) if d]
        self.stories = stories or {}

    def newest_date(self):
        return max(self.days, default=None)

    def any_published(self, since, until):
        return any((since is None or d >= since) and (until is None or d <= until) for d in self.days)

    def lexical_search(self, text, k, until=None):
        return [SimpleNamespace(chunk=SimpleNamespace(article_id=w)) for w in re.findall(r"\w+", text.lower())
                if w in self.stories and (until is None or self.stories[w] <= until)][:k]

    def articles(self, ids):
        return [SimpleNamespace(id=i, published=self.stories[i]) for i in ids]


def test_apply_uses_the_newest_article_unless_given_and_never_overrides_the_caller():
    q, since, until, notes = apply(FakeIndex(REF), "What happened last week?", None, None, None)
    assert (q, since, until) == ("What happened?", date(2024, 11, 25), date(2024, 12, 1))
    assert "the newest article's date" in notes[0]
    q, since, until, notes = apply(FakeIndex(REF), "What happened last week?", None, None, date(2021, 3, 31))
    assert (since, until) == (date(2021, 3, 22), date(2021, 3, 28)) and "given" in notes[0]
    q, since, until, notes = apply(FakeIndex(REF), "What happened last week?", date(2020, 1, 1), None, None)
    assert (q, since, until, notes) == ("What happened last week?", date(2020, 1, 1), None, [])
    q, since, until, notes = apply(FakeIndex(None), "What happened last week?", None, None, None)
    assert (q, since, until, notes) == ("What happened last week?", None, None, [])  # nothing to resolve against
    q, since, until, notes = apply(FakeIndex(REF), "What is the toll?", None, None, date(2023, 2, 15))
    assert (since, until) == (None, date(2023, 2, 15)) and "as of 2023-02-15" in notes[-1]


def test_a_named_year_with_no_article_published_in_it_is_searched_as_words():
    index = FakeIndex(REF, date(2023, 5, 1))
    q, since, until, notes = apply(index, "What happened to Notre-Dame in 2019?", None, None, None)
    assert (q, since, until) == ("What happened to Notre-Dame in 2019?", None, None)
    assert "not used as a date filter" in notes[0]
    q, since, until, _ = apply(index, "What happened in 2023?", None, None, None)
    assert (q, since, until) == ("What happened?", date(2023, 1, 1), date(2023, 12, 31))
    q, since, until, _ = apply(index, "What happened last month?", None, None, None)  # relative: still filtered
    assert (since, until) == (date(2024, 11, 1), date(2024, 11, 30))


def test_a_day_or_month_without_a_year_is_of_the_time_of_the_story_asked_about():
    index = FakeIndex(REF, date(2024, 2, 5), stories={"earthquake": date(2023, 2, 25)})
    q, since, until, notes = apply(index, "How many died in the earthquake as of February 10?", None, None, None)
    assert (since, until) == (None, date(2023, 2, 10))  # was 2024-02-10: every 2023 report came in
    assert "best matching the question" in notes[0]
    _, since, until, _ = apply(index, "What happened to the earthquake in March?", None, None, None)
    assert (since, until) == (date(2023, 3, 1), date(2023, 3, 31))  # the March nearest the story
    _, since, until, _ = apply(index, "How many died in the earthquake as of 28 February?", None, None, None)
    assert until == date(2023, 2, 28)  # after the story's report of 25 February 2023, not 2022
    _, since, until, _ = apply(index, "What happened in June?", None, None, None)  # no story: the newest article's
    assert (since, until) == (date(2024, 6, 1), date(2024, 6, 30))
    _, since, until, _ = apply(index, "How many died in the earthquake in February 2024?", None, None, None)
    assert (since, until) == (date(2024, 2, 1), date(2024, 2, 29))  # a year given is kept


def test_ask_filters_by_the_resolved_range(tmp_path, fake_embedder):
    from assistant import Assistant
    from index import ingest

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, day, body in [
        ("old.txt", "2024-11-12", "The harbour bridge reopened to traffic after repairs costing 40 million."),
        ("new.txt", "2024-11-27", "The harbour bridge closed again after a barge struck a pier on Tuesday."),
        ("latest.txt", "2024-12-06", "Ferry services replaced the harbour bridge crossing for commuters."),
    ]:
        (docs / name).write_text(f"---\ntitle: Bridge {name}\nsource: Desk\npublished: {day}\n---\n\n{body}\n")
    ingest([docs], tmp_path / "idx", embedder=fake_embedder)
    a = Assistant(tmp_path / "idx", embedder=fake_embedder)
    try:
        ans = a.ask("What happened to the harbour bridge last week?")
        assert ans.citations
        assert {c.article_id for c in ans.citations} == {c.article_id for c in ans.citations
                                                         if c.published == date(2024, 11, 27)}
        assert ans.query == "What happened to the harbour bridge?"
        assert any("last week" in n and "2024-11-25 to 2024-12-01" in n for n in ans.notes)
        ans = a.ask("What happened to the harbour bridge last week?", as_of="2024-11-20")
        assert ans.citations and all(c.published == date(2024, 11, 12) for c in ans.citations)
    finally:
        a.close()


def test_one_word_events_are_too_vague_to_date():
    asked = []
    assert resolve("What did the UN say after the earthquakes?", REF, lambda p: asked.append(p) or REF) is None
    assert asked == []


@pytest.mark.parametrize("question", [
    "Dozens of people were unaccounted for early Thursday after severe flooding in which state?",
    "Who spoke after the storm in which town?",
    "What closed after the outbreak of what disease?",
])
def test_an_event_phrase_holding_the_question_word_is_what_is_asked_not_a_date(question):
    asked = []
    assert resolve(question, date(2022, 7, 20), lambda p: asked.append(p) or date(2022, 7, 1), "given") is None
    assert asked == []  # nothing was even looked up


def test_a_lower_case_phrase_after_since_is_not_taken_for_a_name():
    # only "the ..." or a capitalised name is an event: "since severe flooding hit" is not
    assert resolve("What changed since severe flooding hit?", date(2022, 7, 20), lambda p: date(2022, 7, 1),
                   "given") is None
    assert resolve("What changed since Hurricane Ian hit?", date(2022, 7, 20), lambda p: date(2022, 7, 1),
                   "given").since == date(2022, 7, 1)
