"""assistant.reading.acronyms: acronyms an article defines, and sentence stems widened by them."""

from __future__ import annotations

from assistant.reading.acronyms import definitions, expanded, spans, stem_definitions
from assistant.reading.scoring import has_stem
from index.text.words import stems

TEXT = ("Thousands fled, according to the Syrian Observatory for Human Rights (SOHR). Forces led by "
        "Hayat Tahrir al-Sham (HTS) advanced. Rami Abdel Rahman, head of the SOHR, spoke to reporters (AFP). "
        "The National Transportation Safety Board (NTSB) said so. The board (NTSB) later repeated it.")


def test_only_bracketed_initials_of_the_preceding_name_are_definitions():
    assert definitions(TEXT) == {"sohr": "Syrian Observatory for Human Rights", "hts": "Hayat Tahrir al-Sham",
                                 "ntsb": "National Transportation Safety Board"}  # not AFP after "reporters"
    assert definitions("No acronyms here (none at all), nor (X).") == {}
    assert definitions("(UN) opens the text") == {}


def test_a_sentence_with_the_acronym_meets_the_full_name_and_the_other_way_round():
    defined = stem_definitions(TEXT)
    short = frozenset(stems("Rami Abdel Rahman, head of the SOHR, spoke."))
    assert frozenset(stems("Syrian Observatory for Human Rights")) <= expanded(short, defined)
    long = frozenset(stems("the Syrian Observatory for Human Rights said"))
    assert "sohr" in expanded(long, defined)
    plain = frozenset(stems("Nothing about either group."))
    assert expanded(plain, defined) == plain


def test_a_verb_in_the_question_meets_the_noun_of_who_does_it():
    sent = frozenset(stems("Abu Mohammed al-Jawlani, leader of the group, spoke."))
    assert has_stem(next(iter(stems("leads"))), sent)
    assert has_stem("leader", sent)
    assert not has_stem("spok", frozenset({"spoken"})) and not has_stem("x", frozenset({"xer"}))


def test_a_definition_is_located_at_its_first_occurrence():
    where = spans(TEXT)
    assert TEXT[slice(*where["sohr"])] == "Syrian Observatory for Human Rights"
    assert TEXT[slice(*where["ntsb"])] == "National Transportation Safety Board"  # the first, not "The board (NTSB)"
    assert "afp" not in where


def test_a_name_known_as_its_initials_and_a_linking_word_that_gives_one_of_them():
    text = ("The Electric Reliability Council of Texas, known as ERCOT, runs the grid. The Port of London "
            "Authority (PLA) and the Department of Defense (DOD) met. A driver, known as BOB, left.")
    assert definitions(text) == {"ercot": "Electric Reliability Council of Texas",  # "of" gives the O
                                 "pla": "Port of London Authority",  # "of" is no letter of PLA
                                 "dod": "Department of Defense"}  # not BOB: "A driver" spells nothing


def test_a_name_is_found_for_an_acronym_no_text_defines_by_its_initials():
    from assistant.reading.acronyms import spelled_out

    text = "Samer Haddad, of the World Food Programme, said aid was running out. The Harbour Board met."
    assert spelled_out("WFP", text) == "World Food Programme"
    assert spelled_out("wfp", text) == "World Food Programme"
    assert spelled_out("SOHR", "The Syrian Observatory for Human Rights counted the dead.") == \
        "Syrian Observatory for Human Rights"
    assert spelled_out("HB", text) == "Harbour Board"
    assert spelled_out("UN", text) is None  # no such name
    assert spelled_out("S", "Samer spoke.") is None  # one word is no spelled-out name
