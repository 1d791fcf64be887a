"""Follow-up detection and rewriting (`assistant.conversation.followup`) on hand-made answers: no index, no
model. Each case is a short history of (question, Answer) and the question that follows it."""

from __future__ import annotations

import pytest

from assistant.conversation.followup import MAX_REFERENT, context_terms, is_followup, retry_query, rewrite
from assistant.conversation.referents import names, own_entities
from assistant.records import Answer, Citation

HTS = ("Thousands of residents have fled the Syrian city of Homs as opposition forces, led by the "
       "Hayat Tahrir al-Sham (HTS) armed group, push southward toward Damascus.")
JAWLANI = ("Abu Mohammed al-Jawlani, leader of the militant group Hayat Tahrir al-Sham (HTS), declared to "
           "Homs residents, \"your time has come.\"")
EVER_GIVEN = "Salvage crews freed the container ship Ever Given on 29 March 2021, ending the blockage of the canal."


def answer(question: str, *quotes: str, query: str = "", abstained: bool = False) -> Answer:
    cites = [Citation(n=i + 1, article_id=f"a{i}", title="t", source="s", url="", published=None, path=f"p{i}",
                      quote=q, passage=q, start=0, end=len(q), score=0.5) for i, q in enumerate(quotes)]
    return Answer(question, " ".join(quotes), cites, abstained=abstained, query=query or question)


def turn(question: str, *quotes: str, **kw) -> tuple[str, Answer]:
    return question, answer(question, *quotes, **kw)


OFFENSIVE = [turn("Which armed group is leading the offensive?", HTS)]


# -- detection ----------------------------------------------------------------------------------
@pytest.mark.parametrize("question", [
    "Who is its leader?", "What did he tell the residents?", "Where are they heading?", "How much does it weigh?",
    "And in Hama?", "What about Hama?", "How about the death toll?", "What else did he say?", "Hama?",
    "How many people died?", "Why did that happen?", "Summarize it", "Give me a summary of that",
])
def test_followups_are_recognised(question):
    assert is_followup(question, OFFENSIVE)


@pytest.mark.parametrize("question", [
    "What is happening in Deir ez-Zor?",
    "Who is the chairman of the Suez Canal Authority?",
    "How long did the Suez Canal Authority chairman estimate it would take to clear the queue?",  # empty "it"
    "Which Maryland governor declared a state of emergency after the Key Bridge collapse?",
    "How many deaths did Texas health officials link to the February 2021 winter storm?",
])
def test_self_contained_questions_are_not_followups(question):
    assert not is_followup(question, OFFENSIVE)
    assert rewrite(question, OFFENSIVE) == question
    assert retry_query(question, OFFENSIVE) is None  # a new subject is never dragged back


def test_a_summary_of_what_it_names_is_searched_as_asked():
    question = "summarize the situation in homs"  # in lower case: no name the rules can see
    assert not is_followup(question, OFFENSIVE) and rewrite(question, OFFENSIVE) == question


def test_without_history_nothing_is_a_followup():
    assert not is_followup("Who is its leader?", [])
    assert rewrite("Who is its leader?", None) == "Who is its leader?"


def test_names_join_particles_and_flag_sentence_openers():
    found = names("Thousands fled. Abu Mohammed al-Jawlani spoke in Deir ez-Zor for the Electric Reliability "
                  "Council of Texas.")
    assert [p for p, _, _ in found] == ["Thousands", "Abu Mohammed al-Jawlani", "Deir ez-Zor",
                                        "Electric Reliability Council of Texas"]
    assert found[0][2] and not found[1][2]  # "Thousands" opens a sentence: not evidence of a name
    assert own_entities("What is happening in Deir ez-Zor?") == ["Deir ez-Zor"]


def test_a_capitalised_word_qualifying_a_noun_is_no_name():
    # "What did he say?" after "Islamist-led rebel forces" was asked as "What did Islamist-led say?"
    found = names("Homs fell to Islamist-led rebel forces and Iran-backed militias, Jean-Claude Gallet said.")
    assert [p for p, _, _ in found] == ["Homs", "Jean-Claude Gallet"]


# -- pronouns -----------------------------------------------------------------------------------
def test_pronoun_is_replaced_by_the_name_the_answer_found():
    # the acronym stands for the long name: one short referent dilutes the question least
    assert rewrite("Who is its leader?", OFFENSIVE) == "Who is HTS's leader?"


def test_it_after_the_name_of_a_thing_is_the_thing_not_the_name():
    history = [turn("What happened to the Baltimore bridge?", "The Key Bridge collapsed after a ship struck it.")]
    assert rewrite("What hit it?", history) == "What hit the Baltimore bridge?"
    # the noun must be an object: after "did" it is as likely a verb ("sail"), and the name stays
    history = [turn("When did the Ever Given sail?", EVER_GIVEN)]
    assert rewrite("Where did it go?", history) == "Where did Ever Given go?"


def test_a_question_about_the_whole_collection_leans_on_nothing():
    history = [turn("How many vessels were stuck at the Suez Canal?", "About 369 vessels were queued.")]
    assert rewrite("What stories do you have?", history) == "What stories do you have?"
    assert rewrite("Which stories mention it?", history) == "Which stories mention Suez Canal?"
    assert rewrite("What's the oldest story?", history) == "What's the oldest story?"
    # one naming its own subject, in lower case, is no follow-up ("bridge collapse? Suez Canal" was listed)
    for q in ("Which outlet reported first on the bridge collapse?", "Which stories mention the bridge?"):
        assert rewrite(q, history) == q


def test_a_request_to_compare_is_a_question_of_its_own_about_the_same_subject():
    history = [turn("How many vessels were stuck at the Suez Canal?", "About 369 vessels were queued.")]
    assert rewrite("Compare the reports", history) == "Compare the reports Suez Canal"
    assert rewrite("Do the reports agree?", history) == "Do the reports agree? Suez Canal"


def test_person_pronoun_after_a_who_question_is_the_person_found():
    history = OFFENSIVE + [turn("Who is its leader?", JAWLANI, query="Who is HTS's leader?")]
    assert rewrite("What did he tell the residents?", history) == \
        "What did Abu Mohammed al-Jawlani tell the residents?"


def test_it_after_a_who_question_is_the_subject_not_the_person():
    history = [turn("Where did NASA's Perseverance rover land?", "NASA's Perseverance rover landed in Jezero Crater."),
               turn("Who announced the touchdown?", "Swati Mohan, the guidance lead, announced the touchdown.",
                    query="Who announced the touchdown? NASA Perseverance")]
    assert "Perseverance" in rewrite("How much does it weigh?", history)
    assert "Swati" not in rewrite("How much does it weigh?", history)


def test_a_repeated_pronoun_keeps_its_referent():
    history = [turn("Which team won the 2022 World Cup final?",
                    "Argentina won the 2022 FIFA World Cup, beating France. It was Argentina's third title."),
               turn("Who coached them?", "Argentina were coached by Lionel Scaloni.", query="Who coached Argentina?")]
    assert rewrite("Who scored their decisive penalty?", history) == "Who scored Argentina's decisive penalty?"


def test_a_quote_opening_with_a_pronoun_brings_the_sentence_before():
    before = "Samer AbdelJaber, of the World Food Programme, reported the figure. "
    quote = "He warned that the number could rise to 1.5 million."
    cite = Citation(n=1, article_id="a", title="t", source="s", url="", published=None, path="p", quote=quote,
                    passage=before + quote, start=100 + len(before), end=100 + len(before) + len(quote), score=0.5,
                    passage_start=100)
    history = [("Who warned it could rise?", Answer("Who warned it could rise?", quote, [cite],
                                                   query="Who warned the number could rise?"))]
    assert rewrite("Which organisation does he work for?", history) == \
        "Which organisation does Samer AbdelJaber work for?"


def test_question_without_pronoun_gets_the_referent_appended():
    history = [turn("When did Chandrayaan-3 land on the Moon?", "The Vikram lander of Chandrayaan-3 touched down.")]
    assert rewrite("How much did the mission cost?", history) == "How much did the mission cost? Chandrayaan-3"


def test_nothing_named_falls_back_to_the_last_questions_words():
    history = [turn("how many homes lost power in the winter storm?", "more than 4.5 million homes had no power.")]
    query = rewrite("What caused it?", history)
    assert query == "What caused it? homes lost power"  # FALLBACK_WORDS of them, in order


def test_after_an_abstention_the_related_reading_is_only_a_guess():
    history = [turn("Which armed group is leading the offensive?", HTS, abstained=True)]
    assert "HTS" in rewrite("Who is its leader?", history)


# -- ellipsis -----------------------------------------------------------------------------------
def test_and_in_place_swaps_the_place():
    history = [turn("How many people fled Homs?", "Tens of thousands fled Homs.")]
    query = rewrite("And in Hama?", history)
    assert "Hama" in query and "Homs" not in query and query.startswith("How many people fled")


def test_what_about_swaps_the_name_sharing_a_word():
    history = [turn("Who won the Golden Ball at the 2022 World Cup?", "Messi received the Golden Ball.")]
    assert rewrite("What about the Golden Glove?", history) == "Who won the Golden Glove at the 2022 World Cup"
    history.append(turn("And the Golden Boot?", "Mbappé took the Golden Boot.",
                        query="Who won the Golden Boot at the 2022 World Cup"))
    assert rewrite("How about the Golden Glove?", history) == "Who won the Golden Glove at the 2022 World Cup"


def test_ellipsis_swaps_dates_and_ordinals():
    history = [turn("What was the death toll of the earthquakes as of 10 February?", "More than 21,000 died.")]
    assert rewrite("And on 24 February?", history) == "What was the death toll of the earthquakes as of 24 February"
    history = [turn("What was the magnitude of the first earthquake?", "The first had a magnitude of 7.8.")]
    assert rewrite("And the second one?", history) == "What was the magnitude of the second earthquake"


def test_ellipsis_asking_its_own_thing_is_expanded():
    history = [turn("Which container ship blocked the Suez Canal?", EVER_GIVEN)]
    assert rewrite("And who owns it?", history) == "who owns Ever Given?"
    # without a pronoun the subject asked about is the referent, not the ship the answer found
    assert rewrite("What about the death toll?", history) == "the death toll Suez Canal"
    # a thing asked of what the last question was about (its subject) is asked as a search-box
    # query of it would be; of a name it merely mentions, not ("How much did the Türkiye cost?")
    assert rewrite("And the owner?", [turn("When was the Ever Given freed?", EVER_GIVEN)]) == "Who owns the Ever Given?"
    quake = [turn("When did the earthquake hit Türkiye?", "It struck near Pazarcık in Türkiye.")]
    assert rewrite("And the cost?", quake) == "When did the earthquake hit Türkiye the cost"
    assert rewrite("What about the weather?", history) == "Which container ship blocked the Suez Canal the weather"
    # a summary of "it" asks a thing of its own: "it" is replaced, the last question left alone
    assert rewrite("Tell me about it", [turn("When was the Ever Given freed?", EVER_GIVEN)]) == "Tell me about Ever Given"


@pytest.mark.parametrize("question, query", [
    ("Any updates on that?", "Any updates on Ever Given?"),  # was the last question with "updates on that" added
    ("Any news about it?", "Any news about Ever Given?"),
    ("Anything new?", "Anything new on Ever Given?"),
    ("What's the latest?", "What's the latest on Ever Given?"),
])
def test_asking_for_the_latest_asks_it_of_what_the_conversation_is_about(question, query):
    assert rewrite(question, [turn("Which container ship blocked the Suez Canal?", EVER_GIVEN)]) == query


@pytest.mark.parametrize("question, query", [
    ("When?", "When did the salvage crews free? Ever Given"),
    ("And where exactly?", "Where did the salvage crews free? Ever Given"),
])
def test_a_question_word_alone_asks_the_previous_question_with_it(question, query):
    # was "When? Ever Given": the name alone, nothing of what was asked
    history = [turn("Which ship did the salvage crews free?", EVER_GIVEN)]
    assert rewrite(question, history) == query


def test_a_name_a_rewrite_appended_is_swapped_by_the_next_ellipsis_not_repeated():
    history = [turn("Which city did the rebels capture?", "Rebels took the city of Homs."),
               turn("When?", "They entered Homs on Friday.", query="When did the rebels capture? Homs")]
    assert rewrite("And Hama?", history) == "When did the rebels capture? Hama"  # was "... Homs Hama"


# -- topic switches, older turns, compactness --------------------------------------------------
def test_topic_switch_stays_unchanged_and_cuts_older_turns():
    history = OFFENSIVE + [turn("Who is its leader?", JAWLANI, query="Who is HTS's leader?")]
    switch = "What is happening in Deir ez-Zor?"
    assert rewrite(switch, history) == switch
    history.append(turn(switch, "Deir ez-Zor remains divided between Kurdish forces and government units."))
    # the follow-up refers to the new topic, never back to the offensive's leader
    query = rewrite("Who controls it?", history)
    assert "Deir ez-Zor" in query and "Jawlani" not in query and "HTS" not in query


def test_older_turns_weigh_less():
    history = [turn("Who is the chairman of the Suez Canal Authority?", "Osama Rabie, chairman of the Suez Canal "
                    "Authority, spoke."),
               turn("Which container ship blocked the canal?", EVER_GIVEN)]
    # the last turn's referent wins over the older one's
    assert rewrite("Who owns it?", history) == "Who owns Ever Given?"
    # the turn before counts only when the last turn names nothing
    history.append(turn("How long was it stuck?", "For six days.", query="How long was Ever Given stuck?"))
    assert "Ever Given" in rewrite("Who freed it?", history)
    # and nothing older than two turns counts
    history.append(turn("why?", "Strong winds.", query="why?"))
    assert "Osama" not in rewrite("What did he say?", history)


def test_rewrite_is_compact_and_deterministic():
    crowded = ("Officials from Türkiye, Syria, the United Nations, the World Food Programme, Hezbollah, Russia, "
               "Iran and the Syrian Observatory for Human Rights met in Damascus, Aleppo and Homs.")
    history = [turn("Who met in Damascus?", crowded, crowded, crowded)]
    question = "What did they agree?"
    query = rewrite(question, history)
    assert query == rewrite(question, history)
    added = len(query.split()) - len(question.split())
    assert 0 < added <= MAX_REFERENT
    assert len(context_terms(question, history)) <= MAX_REFERENT


def test_retry_query_only_for_questions_without_their_own_subject():
    history = [turn("Which container ship blocked the Suez Canal?", EVER_GIVEN)]
    long_question = "How many crew members were aboard during the whole blockage?"
    assert not is_followup(long_question, history)
    assert retry_query(long_question, history) == f"{long_question} Suez Canal"
    assert retry_query("How many crew members were aboard the Dali during the collapse?", history) is None
    assert retry_query("Who owns it?", history) is None  # already rewritten in the first pass
