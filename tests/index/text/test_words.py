"""The text toolkit's words: the tokeniser family and its variants, the stopwords, the stemmer."""

from __future__ import annotations

import pytest

from index.text.words import (ALNUM, fold, DIFF_TOKEN, NAME_RUN, SEARCH_STOPWORDS, SEARCH_WORD, STOPWORDS, TERM, TOKEN,
                              stem, stems, words)

# -- tokenisers ------------------------------------------------------------------------------------


def test_term_words_keep_dots_apostrophes_and_hyphens_inside_a_word_only():
    assert words("The U.S.-led coalition's 2021 - 22 plan.") == ["the", "u.s.-led", "coalition's", "2021", "22", "plan"]
    assert TERM.findall("'quoted' -dash- end.") == ["quoted", "dash", "end"]


def test_term_opens_a_word_only_at_a_latin1_letter_or_digit():
    assert words("Łódź and Kraków") == ["ł", "ódź", "and", "kraków"]


def test_token_keeps_a_number_grouped_by_thousands_whole():
    assert TOKEN.findall("21,000 people in Tampa, Florida; U.S. troops") == [
        "21,000", "people", "in", "Tampa", "Florida", "U.S", "troops"]


def test_search_words_split_at_dots_but_not_at_apostrophes_or_hyphens():
    assert SEARCH_WORD.findall("don't U.S. al-Sham's -x-") == ["don't", "U", "S", "al-Sham's", "x"]


def test_alnum_runs_are_letters_and_digits_only():
    assert ALNUM.findall("wire_copy U.S. 21,000") == ["wire", "copy", "U", "S", "21", "000"]


def test_name_runs_keep_ampersands_and_loose_joiners():
    assert NAME_RUN.findall("Research & Development's -") == ["Research", "&", "Development's", "-"]


def test_diff_tokens_are_grouped_numbers_words_and_single_marks():
    assert DIFF_TOKEN.findall("21,000 died in the U.S.-led strike.") == [
        "21,000", "died", "in", "the", "U.S.", "-", "led", "strike."]


# -- stopwords -------------------------------------------------------------------------------------


def test_the_search_stopwords_are_a_subset_of_the_reading_stopwords():
    assert SEARCH_STOPWORDS < STOPWORDS
    assert "many" in SEARCH_STOPWORDS and "how" in SEARCH_STOPWORDS
    assert "he" in STOPWORDS and "he" not in SEARCH_STOPWORDS
    assert "reported" in STOPWORDS and "ship" not in STOPWORDS


# -- stemmer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("forms", [
    ("displaced", "displacement", "displaces", "displacing"),
    ("led", "leading", "leads", "lead"),
    ("won", "win"),
    ("fled", "flee"),
    ("took", "take", "takes"),
    ("fell", "fall", "falls", "falling"),
    ("died", "deaths", "death", "dead", "die"),
    ("ship's", "ship", "ships"),
    ("sank", "sunk", "sink"),
    ("Türkiye", "Turkiye", "Turkey", "turkey's"),  # accents typed or not; a place's old name
    ("Mbappé", "Mbappe"), ("Kiev", "Kyiv"),
])
def test_forms_of_one_word_share_a_stem(forms):
    assert len({stem(w) for w in forms}) == 1, {w: stem(w) for w in forms}


def test_fold_drops_diacritics_and_case_only():
    assert fold("Türkiye") == "turkiye" and fold("Pazarcık Échos Łódź") == "pazarcik echos lodz"
    assert fold("Syria") == "syria"


def test_short_words_keep_their_suffix_and_different_words_differ():
    assert stem("bus") == "bus" and stem("sing") == "sing" and stem("red") == "red"
    assert stem("ships") != stem("shops")
    assert stem("Canal") == stem("canal")


@pytest.mark.parametrize("forms", [("struck", "strike", "strikes"), ("wrote", "write", "writes"),
                                   ("left", "leave", "leaves"), ("chose", "choose", "chooses")])
def test_irregular_forms_meet_the_regular_forms_of_a_base_ending_in_e(forms):
    assert len({stem(w) for w in forms}) == 1, {w: stem(w) for w in forms}


@pytest.mark.parametrize("plural,singular", [("casualties", "casualty"), ("countries", "country"),
                                             ("agencies", "agency")])
def test_plurals_in_ies_meet_their_singular(plural, singular):
    assert stem(plural) == stem(singular)


def test_stems_leave_out_stopwords_and_words_keeps_numbers():
    assert stems("The people who were displaced said it was theirs") == {stem("people"), stem("displaced")}
    assert words("About 3.5 million people, U.S. officials said.") == ["about", "3.5", "million", "people", "u.s",
                                                                       "officials", "said"]
    assert "many" in STOPWORDS and "how" in STOPWORDS and "ship" not in STOPWORDS
    assert stems("Was anyone hurt, or did somebody see anything?") == {stem("hurt"), stem("see")}  # no pronoun


@pytest.mark.parametrize("question", ["What's the latest on Homs?", "What’s the latest on Homs?",
                                      "Whats the latest on Homs", "Who's leading in Homs?",
                                      "Where’s the newest fighting, in Homs?"])
def test_a_contracted_question_word_and_the_latest_on_leave_only_the_subject(question):
    # "what's" is one word to the tokenisers (they join apostrophes): it must be a stopword as
    # "what" is, with either apostrophe, or it becomes a term no answer contains
    assert stems(question) - {stem("leading"), stem("fighting")} == {stem("homs")}
    assert [w for w in SEARCH_WORD.findall(question.lower()) if w not in SEARCH_STOPWORDS][-1] == "homs"



def test_an_alternation_tries_the_longer_word_first():
    import re

    from index.text.words import QUESTION_WORDS, alternation

    assert re.match(f"(?:{alternation(QUESTION_WORDS)})", "whose car").group(0) == "whose"
    assert alternation(["a", "an", "the"]) == "the|an|a"


def test_a_hyphenated_word_gives_its_parts_too():
    from index.text.words import stems

    assert stems("Notre-Dame") == stems("notre-dame") | stems("notre dame")
    assert stems("notre dame") <= stems("Notre-Dame burned")  # typed without the hyphen, it still meets it
    assert {"covid", "19"} <= stems("Covid-19 cases") and "a" not in stems("a-list")
