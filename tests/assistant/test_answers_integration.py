"""Answers on the bundled sample articles with the real model (loaded once per test run, shared
sample index): the questions of examples/questions.jsonl find their gold article and a sentence
holding the expected answer, the whole file evaluates at the documented level, and questions
the articles cannot answer abstain. Facts are asserted (article, expected string, abstained),
never wording."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from assistant.eval.metrics import answer_hit, source_matches
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

QUESTIONS = ROOT / "examples" / "questions.jsonl"
LINES = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
ANSWERABLE = [x for x in LINES if not x.get("unanswerable")]

# answerable questions of the file whose answer the assistant currently misses (see the report)
MISSED = {
    "What was the name of the ship that struck the Francis Scott Key Bridge?":
        "bug: answers with the bridge-collapse sentence, which does not name the Dali",
    "Who announced that NASA's Perseverance rover had touched down on Mars?":
        "bug: answers with the landing sentence, which does not name Swati Mohan",
}


@pytest.fixture(scope="module")
def assistant(sample_index_dir, real_embedder):
    from assistant import Assistant

    a = Assistant(sample_index_dir, embedder=real_embedder)
    yield a
    a.close()


def _param(x):
    reason = MISSED.get(x["question"])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(x, id=x["question"][:60].rstrip(), marks=marks)


@pytest.mark.parametrize("item", [_param(x) for x in ANSWERABLE])
def test_bundled_question_is_answered_from_its_article(assistant, item):
    ans = assistant.ask(item["question"])
    assert not ans.abstained, ans.text
    # the best citation is a gold article (by file name, as the eval matches sources)
    assert any(source_matches(s, ans.citations[0]) for s in item["sources"]), [c.path for c in ans.citations]
    # the expected answer is in the answer, inside one of the quoted sentences
    assert answer_hit(ans.text, item["answers"]), ans.text
    assert any(answer_hit(c.quote, item["answers"]) for c in ans.citations)
    assert any(c.quote in ans.text for c in ans.citations)  # quoted verbatim
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert marks == {c.n for c in ans.citations}


def test_citations_locate_the_quote_in_the_stored_article(assistant):
    ans = assistant.ask("Who is the chairman of the Suez Canal Authority?")
    assert "Osama Rabie" in ans.text
    for c in ans.citations:
        art = assistant.index.article(c.article_id)
        assert art.text[c.start:c.end] == c.quote
        assert art.text[c.passage_start:c.passage_start + len(c.passage)] == c.passage
        assert c.source and c.published and c.url.startswith("https://example.")


@pytest.mark.parametrize("question", [
    "Who won the 1998 World Cup final?",
    "What is the boiling point of mercury?",
    "What is the recipe for sourdough bread?",  # docs/QUALITY.md names it
    "Who wrote Pride and Prejudice?",
])
def test_clearly_unrelated_questions_abstain(assistant, question):
    ans = assistant.ask(question)
    assert ans.abstained, (ans.confidence, ans.text)
    assert ans.confidence < assistant.settings.threshold
    assert not re.search(r"\[\d+\]", ans.text)  # related reading is listed, not cited as support
    assert 1 <= len(ans.citations) <= assistant.settings.related


@pytest.mark.parametrize("question", [
    "Who is the president of France?",
    "Who is the prime minister of Canada?",
    "When did the Berlin Wall fall?",
    pytest.param("What is the capital of Australia?", marks=pytest.mark.xfail(
        strict=True, reason="known limit: the Tonga report has 'the capital of Tonga' and names Australia, so "
                            "every surface signal says it answers; telling them apart needs a reading model")),
])
def test_off_topic_questions_sharing_a_word_abstain(assistant, question):
    assert assistant.ask(question).abstained


def test_raising_the_threshold_turns_an_answer_into_an_abstention(sample_index_dir, real_embedder):
    from assistant import AnswerSettings, Assistant

    a = Assistant(sample_index_dir, embedder=real_embedder, answer=AnswerSettings(min_confidence=1.0))
    try:
        ans = a.ask("Who is the chairman of the Suez Canal Authority?")
        assert ans.abstained and ans.citations  # the right passage is still offered as related reading
        assert any("Osama Rabie" in c.passage for c in ans.citations)
    finally:
        a.close()


def test_the_questions_the_chat_suggests_are_answered(assistant):
    # the first suggestion reads "What's the latest on ...?": "what's" and "latest" once counted as
    # words an answer must contain, and the chat's own first example abstained
    from assistant.news.examples import example_questions

    questions = example_questions(assistant.index, 4)
    assert len(questions) == 4 and questions[0].startswith("What's the latest on ")
    for q in questions:
        assert not assistant.ask(q).abstained, q


@pytest.mark.parametrize("request_,expected", [
    ("Can you tell me who won the World Cup?", "Argentina"),
    ("I'd like to know who won the World Cup", "Argentina"),
    ("Explain the Suez Canal blockage", "Ever Given"),
    ("Any updates on Chandrayaan-3?", "Chandrayaan-3"),
])
def test_a_request_is_answered_like_the_question_inside_it(assistant, request_, expected):
    # its framing ("can you tell me", "I'd like to know", "any updates") once counted as words an
    # answer must contain, and each of these abstained
    ans = assistant.ask(request_)
    assert not ans.abstained and expected in ans.text


def test_a_search_box_query_is_answered_like_the_question_it_stands_for(assistant):
    ans = assistant.ask("artemis launch date")  # abstained: no question for the reader to read
    assert not ans.abstained and ans.short_answer is not None and ans.short_answer.text == "16 November 2022"
    ans = assistant.ask("chandrayaan-3 landing date")
    assert not ans.abstained and "23 August 2023" in ans.citations[0].quote


def test_a_misspelt_word_is_read_as_the_word_of_the_passages_when_the_question_abstains(assistant):
    ans = assistant.ask("When did the Ever Givn get freed?")  # abstained: no article holds "Givn"
    assert not ans.abstained and "29 March 2021" in ans.text and "Read “Givn” as “Given”." in ans.notes
    assert ans.question == "When did the Ever Givn get freed?"
    assert not any(n.startswith("Read “") for n in assistant.ask("When was the Ever Given freed?").notes)
    ans = assistant.ask("When did the SLS first fly?")  # the reports say "Space Launch System", never "SLS"
    assert not ans.abstained and "16 November 2022" in ans.text and "Read “SLS” as “Space Launch System”." in ans.notes


def test_a_summary_of_a_story_is_the_openings_of_its_reports(assistant):
    from assistant.news.briefing import NOTE_SUMMARY

    ans = assistant.ask("Give me a summary of the Artemis launch")  # quoted a sounding-rocket launch at the eclipse
    assert NOTE_SUMMARY in ans.notes and {c.source for c in ans.citations} == {"Meridian Wire", "Northwind Post"}
    assert all("Artemis" in c.title for c in ans.citations)
    ans = assistant.ask("Tell me about the earthquake in Turkey")  # the reports write "Türkiye": abstained
    assert NOTE_SUMMARY in ans.notes and all("Earthquake" in c.title for c in ans.citations)
    # as of 27 March 2021 the one report names the ship in its second sentence only: abstained
    ans = assistant.ask("Tell me about the Ever Given", as_of=date(2021, 3, 27))
    assert NOTE_SUMMARY in ans.notes and ans.text.startswith("Atlas Morning News (25 Mar 2021): The Ever Given, a 400-metre")
    ans = assistant.ask("Tell me about the owner of the Ever Given")  # asked as "Who owns the Ever Given?": abstained
    assert not ans.abstained and "Shoei Kisen Kaisha" in ans.text


def test_asked_whether_the_outlets_agree_both_figures_are_set_side_by_side(assistant):
    ans = assistant.ask("Do the outlets agree on the death toll?")  # quoted the 21,000 report only
    assert "50,000" in ans.text and "21,000" in ans.text
    ans = assistant.ask("Do the reports agree on how many vessels were stuck?")  # abstained
    assert not ans.abstained and "369" in ans.text and "400 vessels" in ans.text


def test_asked_what_someone_said_the_sentence_where_they_speak_answers(assistant):
    ans = assistant.ask("What did the NTSB chair say?")  # abstained: the reader, hardly trained on such questions, gave 0.04
    assert not ans.abstained and "Jennifer Homendy" in ans.text and ans.short_answer is None


def test_a_yes_or_no_question_gets_its_sentence_with_nothing_marked(assistant):
    ans = assistant.ask("Was the Ever Given freed?")  # marked "Suez Canal"
    assert not ans.abstained and "freed" in ans.text and ans.short_answer is None


def test_a_name_typed_without_its_accents_or_by_its_old_name_meets_the_reports(assistant):
    for q in ("How many people died in Turkey?", "When did the earthquake hit Turkiye?"):  # abstained
        ans = assistant.ask(q)
        assert not ans.abstained and "Türkiye" in ans.text, q


def test_a_question_asking_two_things_answers_both(assistant):
    from assistant.compound import NOTE

    ans = assistant.ask("How many vessels were stuck at the Suez Canal and who owns the Ever Given?")
    assert NOTE in ans.notes and "369" in ans.text and "Shoei Kisen Kaisha" in ans.text  # the owner was left out
    assert sorted(c.n for c in ans.citations) == list(range(1, len(ans.citations) + 1))


def test_what_happened_with_a_name_gets_the_newest_stories_naming_it(assistant):
    ans = assistant.ask("What happened to the Ever Given?")  # led with who owns the ship
    assert ans.text.startswith("Meridian Wire (30 Mar 2021): Traffic through the Suez Canal resumed")
    assert "owned by" not in ans.text


def test_a_name_typed_alone_gets_the_newest_stories_naming_it(assistant):
    ans = assistant.ask("Ever Given")  # led with who owns the ship
    assert not ans.abstained and ans.text.startswith("Meridian Wire (30 Mar 2021)")
    assert ans.short_answer is None


def test_filters_on_the_sample_articles(assistant):
    q = "When was the Ever Given refloated?"
    ans = assistant.ask(q, sources=["harbor ledger"])
    assert ans.citations and {c.source for c in ans.citations} == {"Harbor Ledger"}
    ans = assistant.ask(q, since="2021-03-30", until="2021-03-31")
    assert ans.citations and all(str(c.published) == "2021-03-30" for c in ans.citations)


def test_evaluating_the_bundled_questions(assistant):
    from assistant.eval.data import load_eval_file
    from assistant.eval.run import evaluate

    report = evaluate(assistant, load_eval_file(QUESTIONS))
    m = report.overall
    assert m.questions == len(LINES) and m.unanswerable == len(LINES) - len(ANSWERABLE) and m.errors == 0
    # docs/QUALITY.md: gold source top-5 1.00, top-1 0.97, no false abstention; answer-hit was 0.985
    # there (two misses now, see MISSED), abstention on the five unanswerable 0.20 (a known shortfall)
    assert m.recall_at_5 == 1.0 and m.recall_at_1 >= 0.9
    assert m.false_abstention_rate == 0.0
    assert m.answer_hit >= 0.85
    assert m.abstention_rate >= 0.2
