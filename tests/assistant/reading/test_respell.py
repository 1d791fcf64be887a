"""A misspelt word of a question read as the nearest word of the retrieved passages."""

from __future__ import annotations

from assistant.reading.respell import respelt

PASSAGES = ["Salvage crews freed the Ever Given on 29 March. The Ever Given was refloated.",
            "More than 400 vessels waited. Giving way, the bank collapsed."]
INDEX = {"salvage", "crews", "freed", "ever", "given", "vessels", "waited", "giving", "get", "launch"}


def known(word: str) -> bool:
    return word in INDEX


def test_a_word_no_article_holds_is_read_as_the_nearest_word_of_the_passages():
    fix = respelt("When did the Ever Givn get freed?", known, PASSAGES)
    assert fix.text == "When did the Ever Given get freed?" and fix.changes == (("Givn", "Given"),)
    assert fix.note == "Read “Givn” as “Given”."
    fix = respelt("how many vesels waitd", known, PASSAGES)
    assert fix.text == "how many vessels waited" and len(fix.changes) == 2


def test_words_the_index_holds_short_words_and_far_ones_are_left_alone():
    assert respelt("When did the launch get freed?", known, PASSAGES) is None  # "launch": in the index
    assert respelt("Did the bnk fall?", known, PASSAGES) is None  # "bnk": under four letters (else "bank")
    assert respelt("What did Rotterdam say?", known, PASSAGES) is None  # nothing near it
    assert respelt("When did the Ever Fiven sail?", known, PASSAGES) is None  # the first letter differs
    assert respelt("Was the vessel freed?", known, PASSAGES) is None  # "vessels" is another form of it


def test_an_acronym_no_article_holds_is_read_as_the_name_its_initials_spell():
    passages = ["Samer Haddad, of the World Food Programme, said aid was running out."]
    fix = respelt("What did the WFP say?", lambda w: False, passages)
    assert fix.text == "What did the World Food Programme say?" and fix.note == "Read “WFP” as “World Food Programme”."
    assert respelt("What did the WFP say?", lambda w: w == "wfp", passages) is None  # the index holds it
    assert respelt("What did the IMF say?", lambda w: False, passages) is None  # no name spells it
