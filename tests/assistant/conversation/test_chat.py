"""Conversations: `Conversation` and the core hooks with fakes, then the dialogues of
examples/dialogues.jsonl over the sample articles with the real model (`integration`): every
turn answered, follow-ups resolved against earlier turns, topic switches searched as is, and
follow-ups doing at least as well as the same questions asked in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.conversation.chat import HISTORY_TURNS, Conversation
from assistant.assistant import Assistant, cited_in
from assistant.eval.metrics import normalise
from assistant.conversation.followup import is_followup
from assistant.records import Answer
from tests.conftest import ROOT

DIALOGUES = [json.loads(line) for line in (ROOT / "examples" / "dialogues.jsonl").read_text("utf-8").splitlines()
             if line.strip()]

# each follow-up of the dialogues asked in full, for the comparison
FULL = {
    "Who owns it?": "Who owns the Ever Given?",
    "Where was it travelling to?": "Where was the Ever Given travelling to?",
    "How long did he estimate it would take to clear the queue of ships?":
        "How long did the Suez Canal Authority chairman estimate it would take to clear the queue of ships?",
    "And the second one?": "What was the magnitude of the second earthquake that struck Türkiye on 6 February 2023?",
    "Where was it centred?": "Where was the second Türkiye earthquake of 6 February 2023 centred?",
    "And on 25 February?": "What was the combined death toll of the Türkiye–Syria earthquakes as of 25 February?",
    "Whom did he call heroes?": "Whom did Maryland Governor Wes Moore call heroes?",
    "And the Golden Boot?": "Who won the Golden Boot at the 2022 World Cup?",
    "How many goals did he score?": "How many goals did Mbappé score at the 2022 World Cup?",
    "Who coached them?": "Who coached Argentina in the 2022 World Cup final?",
    "Who scored their decisive penalty?": "Who scored Argentina's decisive penalty in the 2022 World Cup final?",
    "How much thrust did it produce?": "How much thrust did the Artemis I rocket produce?",
    "What was the mannequin aboard called?": "What was the mannequin aboard Artemis I called?",
    "Which rocket launched it?": "Which rocket launched Chandrayaan-3?",
    "How much did the mission cost?": "How much did the Chandrayaan-3 mission cost?",
    "How about the Perseverance rover?": "How much did the Perseverance rover mission cost?",
    "How many firefighters battled the fire?": "How many firefighters battled the Notre-Dame fire?",
    "Who promised to rebuild it?": "Who promised to rebuild Notre-Dame Cathedral?",
    "How high did the eruption column rise?": "How high did the Hunga Tonga eruption column rise?",
    "How many deaths did the government confirm?":
        "How many deaths did the Tongan government confirm after the eruption?",
    "Who was its chief executive?": "Who was ERCOT's chief executive?",
    "What happened to him?": "What happened to ERCOT's chief executive Bill Magness?",
    "How wide is its primary mirror?": "How wide is the James Webb Space Telescope's primary mirror?",
    "How far from Earth is it heading?": "How far from Earth is the James Webb Space Telescope heading?",
    "Who announced the touchdown?": "Who announced the Perseverance rover's touchdown on Mars?",
    "How much does it weigh?": "How much does the Perseverance rover weigh?",
    "What is its mirror made of?": "What is the James Webb Space Telescope's mirror made of?",
}


def hit(answer: Answer, expected) -> bool:
    """An answer (not an abstention) whose text contains an expected answer, both normalised."""
    text = f" {normalise(answer.text)} "
    return not answer.abstained and any(f" {normalise(e)} " in text for e in expected)


# -- without the model --------------------------------------------------------------------------
class FakeAssistant:
    def __init__(self):
        self.calls = []

    def ask(self, question, history=None, **filters):
        self.calls.append((question, list(history or []), filters))
        if not question.strip():
            from assistant.errors import EmptyQuestionError
            raise EmptyQuestionError()
        return Answer(question, f"answer {len(self.calls)}", query=question)


def test_conversation_keeps_turns_and_passes_recent_history():
    fake = FakeAssistant()
    chat = Conversation(fake)
    assert chat.last is None and chat.turns == []
    for i in range(HISTORY_TURNS + 2):
        chat.ask(f"q{i}", sources=["Harbor Ledger"])
    assert len(chat) == HISTORY_TURNS + 2 and chat.last.text == f"answer {HISTORY_TURNS + 2}"
    question, history, filters = fake.calls[-1]
    assert [q for q, _ in history] == [f"q{i}" for i in range(1, HISTORY_TURNS + 1)]  # the last 4 of 5
    assert filters == {"sources": ["Harbor Ledger"]} and fake.calls[0][1] == []
    with pytest.raises(ValueError):
        chat.ask("   ")
    assert len(chat) == HISTORY_TURNS + 2  # a question that raised is not a turn
    chat.reset()
    assert chat.turns == [] and chat.last is None
    chat.ask("fresh")
    assert fake.calls[-1][1] == []


def test_conversation_keeps_a_history_and_can_carry_one_on():
    from assistant import History, Turn

    fake = FakeAssistant()
    chat = Conversation(fake)
    first = chat.ask("q0")
    assert isinstance(chat.history, History) and chat.turns == [Turn("q0", first)] == list(chat.history)
    ship = Answer("Which ship?", "The Ever Given.")
    earlier = History([("Which ship?", ship)])
    carried = Conversation(fake, earlier)
    carried.ask("Who owns it?")
    assert fake.calls[-1][1] == [("Which ship?", ship)] and carried.history is earlier and len(earlier) == 2


def test_cited_in_prefers_support_not_related_reading():
    from assistant.records import Citation

    def cite(aid):
        return Citation(1, aid, "t", "s", "", None, "", "q", "p", 0, 1, 0.5)

    history = [("q1", Answer("q1", "x", [cite("a")])), ("q2", Answer("q2", "x", [cite("b")], abstained=True))]
    assert cited_in(history) == {"a"}
    assert cited_in(None) is None and cited_in([history[1]]) is None


def test_second_pass_is_kept_only_when_it_answers():
    from assistant.second_pass import lean_on_history

    history = [("Which container ship blocked the Suez Canal?",
                Answer("q", "x", query="Which container ship blocked the Suez Canal?"))]
    first = Answer("How many crew members were aboard during the whole blockage?", "n/a", abstained=True)
    calls = []

    def fake_ask(question, history=None, **filters):
        calls.append((question, history, filters))
        return Answer(question, "25 crew members", query=question)

    second = lean_on_history(fake_ask, first.question, history, first, {"k": None})
    assert second.text == "25 crew members" and second.question == first.question
    assert second.query == calls[0][0] != first.question and calls[0][1] is None
    assert lean_on_history(lambda q, h=None, **f: Answer(q, "no", abstained=True), first.question, history, first,
                           {}) is first


# -- with the model -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def assistant(sample_index_dir, real_embedder):
    a = Assistant(sample_index_dir, embedder=real_embedder)
    yield a
    a.close()


def test_dialogue_file_has_enough_dialogues_of_every_kind():
    assert len(DIALOGUES) >= 12
    for d in DIALOGUES:
        assert 2 <= len(d["turns"]) <= 4
        for t in d["turns"]:
            assert t["question"] and t["answers"] and t["sources"], t
    followups = {t["question"] for d in DIALOGUES for t in d["turns"][1:] if is_followup(t["question"], [("q", None)])}
    assert set(FULL) >= followups, followups - set(FULL)
    kinds = {"pronoun": ("it", "its", "he", "them", "their", "him"), "ellipsis": ("and",), "what about": ("how about",)}
    for kind, words in kinds.items():
        assert any(w in q.lower().split() or q.lower().startswith(w) for q in followups for w in words), kind


@pytest.mark.integration
@pytest.mark.parametrize("dialogue", DIALOGUES, ids=[d["id"] for d in DIALOGUES])
def test_dialogue(assistant, dialogue):
    history: list[tuple[str, Answer]] = []
    for t in dialogue["turns"]:
        answer = assistant.ask(t["question"], history=history or None)
        cited = {Path(c.path).name for c in answer.citations}
        assert hit(answer, t["answers"]), (t["question"], answer.query, answer.text)
        assert cited & set(t["sources"]), (t["question"], cited)
        if not is_followup(t["question"], history):
            # searched as is, exactly as if asked first: an earlier topic is not dragged along
            assert answer.query == assistant.ask(t["question"]).query
        history.append((t["question"], answer))


@pytest.mark.integration
def test_followups_do_at_least_as_well_as_the_full_questions(assistant):
    followup_hits = full_hits = n = 0
    for d in DIALOGUES:
        history: list[tuple[str, Answer]] = []
        for t in d["turns"]:
            answer = assistant.ask(t["question"], history=history or None)
            if t["question"] in FULL:
                n += 1
                followup_hits += hit(answer, t["answers"])
                full_hits += hit(assistant.ask(FULL[t["question"]]), t["answers"])
            history.append((t["question"], answer))
    assert n >= 20
    assert followup_hits >= full_hits, (followup_hits, full_hits, n)


@pytest.mark.integration
def test_a_new_subject_typed_in_lower_case_is_answered_on_its_own(assistant):
    from assistant.second_pass import NOTE_ON_ITS_OWN

    chat = assistant.chat()
    chat.ask("What happened to the Ever Given?")
    launch = chat.ask("artemis launch date")  # read as a follow-up on the Ever Given, it found nothing
    assert not launch.abstained and "16 November 2022" in launch.text and NOTE_ON_ITS_OWN in launch.notes
    unnamed = chat.ask("who paid for the rescue?")  # no new name: it stays a follow-up, and abstains
    assert unnamed.abstained and NOTE_ON_ITS_OWN not in unnamed.notes


@pytest.mark.integration
def test_conversation_object_matches_explicit_history_and_resets(assistant):
    chat = assistant.chat()
    first = chat.ask("Which container ship blocked the Suez Canal in March 2021?")
    second = chat.ask("Who owns it?")
    assert "Ever Given" in second.query and "Shoei Kisen Kaisha" in second.text
    explicit = assistant.ask("Who owns it?", history=[(first.question, first)])
    assert explicit.query == second.query and explicit.text == second.text
    assert [q for q, _ in chat.turns] == [first.question, "Who owns it?"] and chat.last is second
    chat.reset()
    assert chat.ask("Who owns it?").query == "Who owns it?"  # nothing carried over a reset
