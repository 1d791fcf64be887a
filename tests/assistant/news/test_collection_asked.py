"""Which questions ask about the collection, and what they ask it of (the forms by hand)."""

from __future__ import annotations

import pytest

from assistant.news.collection_asked import asks_who_wrote, edge_asked, subject_asked


@pytest.mark.parametrize("text, subject", [
    ("Which stories mention Coral Bay?", "Coral Bay"), ("Any articles about the harbour?", "harbour"),
    ("What do you have on the ferry strike?", "ferry strike"), ("Show me all reports on apples", "apples"),
    ("How many articles mention Coral Bay?", "Coral Bay"), ("what articles cover the orchard", "orchard"),
    ("What stories do you have?", ""), ("How many articles are there?", ""), ("What's in the index?", ""),
    ("List the stories", ""), ("Which stories did publish?", ""),  # the outlet read as a filter
    ("Which outlets do you have?", ""), ("List the sources", ""),
    ("Which stories did Coral Bay publish?", None), ("What did the council say about the stories?", None),
    ("Who won the match?", None), ("Which story is about?", None), ("How many ferries sailed?", None),
    ("Which reports on the strike say the crews went back?", None),  # what they say, not a list
    ("Who reported on the ferry strike?", "ferry strike"), ("Which outlets covered the harbour?", "harbour"),
    ("What newspapers wrote about Coral Bay?", "Coral Bay"),
    ("Who reported the fire to the police?", None),  # "reported" without "on": a person is asked for
    # about the articles of a subject, not its news
    ("When was the article about Coral Bay published?", "Coral Bay"), ("Give me the link to the ferry story", "ferry"),
    ("Where can I read more about the harbour?", "harbour"), ("Who wrote the ferry strike story?", "ferry strike"),
    ("Who wrote the article about the orchard?", "orchard"), ("Who wrote the letter?", None),
    ("Who wrote that story? Coral Bay", "Coral Bay"),  # a follow-up, its subject appended
])
def test_the_question_forms_that_ask_about_the_collection(text, subject):
    assert subject_asked(text) == subject


@pytest.mark.parametrize("text, asked", [
    ("What's the oldest story?", (True, "")), ("What is the most recent article?", (False, "")),
    ("Which is the newest story about the Coral Bay ferry?", (False, "Coral Bay ferry")),
    ("what's the earliest report on the harbour", (True, "harbour")), ("What was the first story you have?", (True, "")),
    ("Which outlet reported first on the Coral Bay ferry?", (True, "Coral Bay ferry")),
    ("Who was first to report the strike?", (True, "strike")), ("Who broke the ferry story?", (True, "ferry")),
    ("Who reported the strike first?", (True, "strike")),
    ("Which outlet reported first? Coral Bay", (True, "Coral Bay")),  # a follow-up, its subject appended
    ("Which outlet reported first?", None),
    ("Who reported that the ferry sank first?", None),  # who said it, not which story came first
    ("Who first landed on the moon?", None), ("Who reported on the strike?", None),  # the outlets, listed
    ("What is the top story on the ferry?", (False, "ferry")),  # read as the newest
    ("What's the oldest bridge?", None),  # no story asked for
    ("Which stories mention Coral Bay?", None),
])
def test_the_question_forms_that_ask_for_the_oldest_or_newest_story(text, asked):
    assert edge_asked(text) == asked


def test_who_wrote_a_subjects_story_is_asked_for_its_authors():
    assert asks_who_wrote("Who wrote the ferry strike story?") and asks_who_wrote("who wrote the article about the orchard")
    assert asks_who_wrote("Who wrote that story? Coral Bay")
    assert not asks_who_wrote("Which stories mention the ferry?") and not asks_who_wrote("Who wrote the letter?")
