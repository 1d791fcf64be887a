"""Reading a question without a language model: its kind (what the answer should hold), its
content terms and focus word, and the answer-type detectors (the stemmer is tested with the
text toolkit, tests/index/text)."""

from __future__ import annotations

import pytest

from assistant.reading.question import analyse, fits_kind, has_answer_type, opens_a_question, restates_question
from index.text.words import STOPWORDS, stem


@pytest.mark.parametrize("question,kind", [
    ("How many people have been displaced?", "number"),
    ("How much did insurers pay out?", "number"),
    ("How far did the tsunami travel?", "number"),
    ("What percentage of homes lost power?", "number"),
    ("What was the death toll of the earthquake?", "number"),
    ("What toll did the quake take?", "number"),
    ("Who won the 2022 World Cup final?", "person"),
    ("Which company owns the Ever Given?", "person"),
    ("Which armed group is leading the offensive?", "person"),
    ("When was the Ever Given refloated?", "date"),
    ("What year did the bridge open?", "date"),
    ("On what day did the launch happen?", "date"),
    ("Where did the Chandrayaan-3 lander touch down?", "place"),
    ("In what city did the fire start?", "place"),
    ("Which river flooded?", "place"),
    ("Which wildly popular show was cancelled?", "entity"),
    ("Name the ship that struck the bridge.", "entity"),
    ("Why did the Texas power grid fail?", "other"),
    ("What happened in Baltimore?", "other"),
    ("What's the capital of Tonga?", "place"),  # a contraction reads as the words it joins
    ("Who’s the leader of the armed group?", "person"),
    ("What’s the death toll of the earthquake?", "number"),
    ("whats the death toll of the earthquake", "number"),  # typed without the apostrophe
    ("whos the leader of the armed group", "person"),
])
def test_question_kinds(question, kind):
    assert analyse(question).kind == kind


def test_terms_drop_stopwords_and_duplicates_keep_order_and_numbers():
    q = analyse("How many ships, and which ships, were queued at the Suez Canal in 2021?")
    assert q.terms == ("ships", "queued", "suez", "canal", "2021")
    assert q.term_stems == tuple(stem(t) for t in q.terms)
    assert not set(q.terms) & STOPWORDS
    assert analyse("What did they say about it?").terms == ()
    assert analyse("What's the latest on the Harbor Bridge?").terms == ("harbor", "bridge")


@pytest.mark.parametrize("request_,terms,kind", [
    ("Can you tell me who won the World Cup?", ("won", "world", "cup"), "person"),
    ("Please explain the Suez Canal blockage", ("suez", "canal", "blockage"), "other"),
    ("Summarise the talks in Geneva.", ("talks", "geneva"), "other"),
    ("I'd like to know where the ship ran aground", ("ship", "ran", "aground"), "place"),
    ("Any updates on the eclipse? A summary, please.", ("eclipse",), "other"),
    ("What did the study explain about the outbreak?", ("study", "explain", "outbreak"), "other"),  # asked, not a request
    ("What does HTS stand for?", ("hts",), "other"),  # the sentence that spells it out never says "stand for"
    ("Did the ship get freed?", ("ship", "freed"), "other"),  # "get": the report says "freed"
    ("Where will the team stand on Friday?", ("team", "stand", "friday"), "place"),
    ("Do the outlets agree on the death toll?", ("death", "toll"), "number"),  # comparing reports names nothing
    ("Did the union agree to the deal?", ("union", "agree", "deal"), "other"),  # no report noun: a word to look for
])
def test_a_requests_framing_is_no_term_and_the_question_inside_it_sets_the_kind(request_, terms, kind):
    q = analyse(request_)
    assert (q.terms, q.kind) == (terms, kind)


def test_capitals_are_the_questions_capitalised_words():
    q = analyse("When did the Ever Given block the Suez Canal?")
    assert {"ever", "given", "suez", "canal"} <= q.capitals
    assert "block" not in q.capitals


@pytest.mark.parametrize("question,focus", [
    ("What was the magnitude of the first earthquake?", "magnitude"),
    ("Which wildly popular show was cancelled?", "show"),
    ("What is the name of the ship that struck the bridge?", "ship"),  # through "the name of the X"
    ("Which armed group is leading the offensive?", "group"),
    ("Who is the leader?", "leader"),
    ("How many people have been displaced?", "people"),
    ("What was the cost?", "cost"),
])
def test_focus_is_the_head_of_the_first_phrase(question, focus):
    q = analyse(question)
    assert q.focus == focus and q.focus in q.terms


def test_focus_is_never_a_meta_word_or_a_stopword():
    assert analyse("What is the name?").focus == ""
    assert analyse("What did they say?").focus == ""


@pytest.mark.parametrize("question,focus", [
    ("Which architect designed the spire?", "architect"),
    ("Which company owns the Ever Given?", "company"),
    ("Which team won the final?", "team"),
])
def test_focus_stops_at_the_verb_after_the_wh_phrase(question, focus):
    assert analyse(question).focus == focus


# -- answer types -----------------------------------------------------------------------------------

def typ(question: str, sentence: str) -> bool:
    q = analyse(question)
    return has_answer_type(q.kind, sentence, q)


def test_number_questions_want_a_number_the_question_does_not_give():
    q = "How many people have been displaced?"
    assert typ(q, "About 280,000 people have been displaced.")
    assert typ(q, "Thousands of people have been displaced.")
    assert not typ(q, "Many people have been displaced.")
    assert not typ("How many ships were queued in 2021?", "Ships were queued in 2021.")
    assert typ("How many ships were queued in 2021?", "422 ships were queued in 2021.")


def test_unit_hints_for_how_far_and_how_long():
    assert typ("How far did the tsunami travel?", "The tsunami travelled 10,000 km across the ocean.")
    assert not typ("How far did the tsunami travel?", "The tsunami hit 3 islands.")
    assert typ("How long did totality last?", "Totality lasted four minutes and 28 seconds.")
    assert not typ("How long did totality last?", "Totality was seen by 32 million people.")


def test_date_questions_want_a_date_the_question_does_not_give():
    q = "When was the Ever Given refloated?"
    assert typ(q, "The ship was refloated on 29 March 2021.")
    assert typ(q, "The ship was refloated on Monday.")
    assert not typ(q, "The ship was refloated by tugboats.")
    assert not typ("What happened in 2021 to the Ever Given?", "In 2021 the Ever Given ran aground.")  # kind other


def test_person_and_place_questions_want_a_name_the_question_does_not_give():
    assert typ("Who chairs the NTSB?", "The board is chaired by Jennifer Homendy.")
    assert not typ("Who chairs the NTSB?", "The board is chaired by a woman.")
    assert not typ("Who chairs the NTSB?", "The chair of the NTSB spoke.")  # only the question's own name
    assert typ("Where did the lander touch down?", "It touched down near the south pole of the Moon.")
    assert not typ("Where did the lander touch down?", "It touched down softly.")


def test_a_marked_figure_or_date_must_be_one():
    assert fits_kind("number", "422") and fits_kind("number", "three and a half days")
    assert not fits_kind("number", "Suez Canal")
    assert fits_kind("date", "29 March 2021") and fits_kind("date", "Monday") and fits_kind("date", "9 p.m.")
    assert fits_kind("date", "last week")
    assert not fits_kind("date", "Osama Rabie")
    # names are not checked: a lowercase answer ("eggs") can answer "which item"
    assert fits_kind("entity", "eggs") and fits_kind("person", "the chairman") and fits_kind("other", "x")


def test_other_questions_have_no_answer_type():
    assert not typ("Why did the grid fail?", "The grid failed because 40 gas plants froze on 15 February.")


@pytest.mark.parametrize("question,focus", [
    ("Which major US retailer announced it is slashing prices?", "retailer"),
    ("Which U.S. state banned the app?", "state"),
])
def test_us_in_capitals_is_the_country_not_the_pronoun(question, focus):
    assert analyse(question).focus == focus
    assert analyse("Who told us the news?").focus == ""


@pytest.mark.parametrize("text,asks", [("Who owns it?", True), ("whose car was it", True), ("Was it sold?", True),
                                       ("  Should they leave?", True), ("Hama?", False), ("The death toll?", False),
                                       ("Whoever won", False), ("Isolated cases", False)])
def test_a_question_opens_with_a_question_word_or_an_auxiliary(text, asks):
    assert opens_a_question(text) is asks


@pytest.mark.parametrize("question, span, restates", [
    ("Which rocket launched the James Webb telescope?", "The James Webb Space Telescope", True),
    ("Which rocket launched the James Webb telescope?", "an Ariane 5 rocket", False),  # one word of three asked
    ("Who heads the Syrian Observatory for Human Rights?", "Syrian Observatory for Human Rights", True),
    ("Who heads the Syrian Observatory for Human Rights?", "Rami Abdel Rahman", False),
    ("How many vessels were queued?", "369", False),  # no content word: a figure restates nothing
])
def test_a_mark_made_mostly_of_the_questions_own_words_restates_it(question, span, restates):
    assert restates_question(analyse(question), span) is restates


@pytest.mark.parametrize("question, span, after, fits", [
    ("How long is the Suez Canal?", "29 March 2021", ", hours after", False),  # a date is no length
    ("How long is the Suez Canal?", "193 kilometres", "", True),
    ("How long did the blockage last?", "six", " days", True),  # the unit follows the mark
    ("How old is he?", "17", "-year-old pilot", True),
    ("How much did the telescope cost?", "about 10", " billion euros", True),
    ("How much did the telescope cost?", "NASA", " and partners", False),
    ("Who won?", "Argentina", "", True),  # no unit asked
    ("What was the height of the eruption?", "15 January 2022", "", False),  # a date is no height
    ("How high did the ash rise?", "about 58", " kilometres", True),
    ("What was the score of the final?", "1966", "", False),
    ("What was the score of the final?", "4–2", " in a penalty", True),
    ("What time did the bridge collapse?", "26 March 2024", "", False),  # the day, not the time
    ("What time did the bridge collapse?", "1:28", " a.m.", True), ("At what time did it land?", "6", " p.m.", True),
])
def test_a_mark_must_give_the_unit_a_how_long_far_old_or_much_question_asks_for(question, span, after, fits):
    from assistant.reading.question import fits_unit

    assert fits_unit(question, span, after) is fits


@pytest.mark.parametrize("question, clause", [
    ("Why were the SUVs recalled?", True), ("How did the Ever Given get stuck?", True),
    ("What did Harbor Ledger say about the canal?", True), ("What has the agency reported on the toll?", True),
    ("What did he say in his email?", False),  # a quote answers it
    ("What did the harbour master say?", True),
    ("Can you tell me why the bridge fell?", False),  # the asking part opens with "why" only after the request
    ("How many ships waited?", False), ("How long did it last?", False), ("Who won?", False),
    ("What did the ship hit?", False),  # a thing, not a statement
])
def test_questions_answered_by_a_clause(question, clause):
    from assistant.reading.question import asks_for_a_clause

    assert asks_for_a_clause(question) is clause


@pytest.mark.parametrize("question, inner, agree", [
    ("Do the reports agree on how many vessels were stuck?", "How many vessels were stuck?", True),
    ("Did the two stories differ about who owns the ship", "Who owns the ship?", True),
    ("Do the outlets agree on the death toll?", None, True),  # a fact named, not asked
    ("How many vessels were stuck?", None, False), ("Do they agree on a date?", None, False),  # no reports named
])
def test_a_question_comparing_reports_and_the_question_inside_it(question, inner, agree):
    from assistant.reading.question import asks_whether_reports_agree, fact_compared

    assert fact_compared(question) == inner and asks_whether_reports_agree(question) is agree


@pytest.mark.parametrize("question, said", [
    ("What did the harbour master say?", True), ("What did he say in his email?", True),
    ("What has the council said about the ferry?", True),
    ("What did the ship hit?", False), ("What did the firm announce it would rename?", False),
])
def test_questions_asking_what_someone_said(question, said):
    from assistant.reading.question import asks_what_was_said

    assert asks_what_was_said(question) is said


@pytest.mark.parametrize("question, yes_no", [
    ("Is Homs under rebel control?", True), ("Did anyone die?", True), ("Has the canal reopened?", True),
    ("Is it true that the ferry sank?", True),
    ("Was it Argentina or France?", False),  # alternatives: one of them is the answer
    ("Do you know who won?", False),  # a question word inside asks for a thing
    ("Who won?", False), ("How many died?", False),
])
def test_questions_answered_yes_or_no(question, yes_no):
    from assistant.reading.question import asks_yes_or_no

    assert asks_yes_or_no(question) is yes_no


@pytest.mark.parametrize("text, asks", [
    ("When did it land?", True), ("it landed when", True), ("Was it freed", True),
    ("Boston pitcher Chris Sale broke his wrist in:", True),  # a quiz's question
    ("Amazon rain forest had a drought in what year", True),
    ("Officials say the fire that burned sixty acres was started by a man", True),  # more than six words
    ("chandrayaan landing", False), ("Ever Given", False), ("explain the Suez blockage", False),
])
def test_a_question_is_told_from_a_topic_typed_alone(text, asks):
    from assistant.reading.question import is_question

    assert is_question(text) is asks
