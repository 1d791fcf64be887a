"""Example questions from the newest stories: the subject is a name the headline names too, the
newest story is asked about as "the latest", one question per subject."""

from __future__ import annotations

from datetime import date

from assistant.news.examples import example_questions, subject_of
from index import Article


def test_the_subject_is_a_name_the_headline_names_not_one_met_in_passing():
    text = ("The lander touched down at 18:03 India Standard Time near the south pole. "
            "Mission control in Bengaluru cheered as Chandrayaan-3 sent its first images.")
    assert subject_of(text, "Chandrayaan-3 Lands Near the Moon's South Pole") == "Chandrayaan-3"
    assert subject_of(text, "A Quiet Landing") == "India Standard Time"  # nothing in the headline: the longest name
    assert subject_of("nothing here is named at all.", "Quiet") == ""


def test_a_word_opening_a_sentence_is_a_subject_only_if_the_story_never_writes_it_in_lower_case():
    text = ("Opposition forces pushed toward Homs on Friday. Residents said the opposition held the bridge. "
            "Homs lies north of the capital.")
    assert subject_of(text, "Opposition Nears Homs") == "Homs"
    assert subject_of("Baltimore mourned the workers. The city lowered its flags.", "Baltimore Mourns") == "Baltimore"
    assert subject_of("Thousands fled Homs overnight. The Red Crescent opened shelters.",
                      "Thousands Flee Homs") == "Homs"


def test_a_story_about_a_thing_is_asked_about_by_the_words_its_headline_and_opening_share():
    text = ("A total solar eclipse crossed North America on Monday, turning day into twilight along a path "
            "from the Pacific coast of Mexico to eastern Canada.")
    assert subject_of(text, "Total Solar Eclipse Sweeps Across Mexico and Canada") == "the total solar eclipse"
    # fewer than three shared words, or a stopword among them, is no subject: the name stays
    text = "The combined death toll from the earthquakes in southern Türkiye rose past 21,000."
    assert subject_of(text, "Death Toll From Türkiye Earthquakes Passes 21,000") == "Türkiye"
    text = "The uncrewed capsule began a test flight around the Moon on Wednesday."
    assert subject_of(text, "Capsule Starts Test Flight Around the Moon") == "the Moon"
    # "the" before a name that qualifies a noun belongs to the noun
    assert subject_of("The Chandrayaan-3 mission landed near the pole.", "Chandrayaan-3 Lands") == "Chandrayaan-3"


def test_a_dateline_or_a_title_cut_from_its_name_is_no_subject():
    text = "New York CNN Business — The Harbor Authority raised port fees by 8 percent on Monday."
    title = "New York CNN Business — Harbor Authority raises fees"
    assert subject_of(text, title, "edition.cnn.com") == "the Harbor Authority"  # not "New York CNN Business"
    # an outlet given by name is matched whole: its words may be the story's ("Harbor Ledger")
    assert subject_of("The Harbor Bridge reopened on Monday.", "Harbor Bridge Reopens", "Harbor Ledger") == \
        "the Harbor Bridge"
    assert subject_of("Dr. Ada Wren spoke. Dr. Wren met the board.", "Dr Wren Speaks") != "Dr"


class Newest:
    def __init__(self, articles):
        self.arts = sorted(articles, key=lambda a: a.published, reverse=True)

    def newest(self, n):
        return self.arts[:n]


def art(i: int, title: str, text: str, day: int) -> Article:
    return Article(f"a{i}", title, text, "Harbor Ledger", "", date(2025, 6, day))


def test_newest_story_first_as_the_latest_then_one_question_per_subject():
    idx = Newest([
        art(1, "Harbor Bridge Reopens", "The Harbor Bridge reopened to traffic on Monday after repairs.", 10),
        art(2, "Storm Hits Coral Bay", "A storm struck Coral Bay overnight, flooding the old town.", 12),
        art(3, "Harbor Bridge Tolls Rise", "Tolls on the Harbor Bridge will rise next month.", 11),
    ])
    assert example_questions(idx, 4) == ["What's the latest on Coral Bay?", "What happened with the Harbor Bridge?"]
    assert example_questions(idx, 1) == ["What's the latest on Coral Bay?"]


def test_a_subject_an_earlier_examples_story_names_is_that_story_again():
    idx = Newest([
        art(1, "Divers Search Coral Bay Bridge Wreckage", "Divers searched the wreck of the Harbor Bridge in Coral "
            "Bay on Tuesday.", 12),
        art(2, "Harbor Bridge Collapses", "The Harbor Bridge in Coral Bay collapsed into the river on Monday.", 11),
        art(3, "Ferry Strike Ends in Port Vale", "The Port Vale ferry strike ended after talks on Friday.", 10),
    ])
    assert example_questions(idx, 4) == ["What's the latest on Coral Bay?", "What happened with Port Vale?"]
