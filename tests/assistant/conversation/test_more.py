""""Tell me more": the previous question again, less what its answers quoted, from the same
stories (hand-made answers; then through a conversation on a small fake-embedder index)."""

from __future__ import annotations

import pytest

from assistant.conversation.more import More, asks_for_more, asks_who_reported, more_of, sources_of
from assistant.records import Answer, Citation


@pytest.mark.parametrize("text, more", [
    ("Tell me more", True), ("tell me more please", True), ("More details?", True), ("What else?", True),
    ("go on", True), ("Anything else?", True), ("more on that", True), ("Can you tell me more?", True),
    ("Tell me more about that", True), ("What else did he say?", False), ("More people died?", False), ("Tell me more about the ferry", False),
])
def test_the_ways_of_asking_for_more(text, more):
    assert asks_for_more(text) is more


def cited(question: str, *spans: tuple[str, int, int], query: str = "", abstained: bool = False) -> tuple[str, Answer]:
    cites = [Citation(n=i, article_id=a, title="t", source="s", url="", published=None, path="", quote="q",
                      passage="q", start=s, end=e, score=0.5) for i, (a, s, e) in enumerate(spans, 1)]
    return question, Answer(question, "text", cites, abstained=abstained, query=query or question)


def test_a_run_of_more_requests_goes_on_from_the_question_before_them_leaving_out_all_they_quoted():
    history = [cited("How many ferries ran?", ("a1", 0, 40), query="How many ferries ran on Monday?"),
               cited("Tell me more", ("a1", 41, 90)),
               cited("What else?", ("a2", 0, 30))]
    more = more_of("go on", history)
    assert more.query == "How many ferries ran on Monday?"
    assert more.seen("a1", 41, 90) and more.seen("a1", 0, 40) and more.seen("a2", 5, 20) and not more.seen("a1", 91, 120)
    assert more_of("Who owns the ferries?", history) is None and more_of("Tell me more", []) is None
    # an abstention's related reading was never an answer: it may be quoted now
    after_abstention = more_of("Tell me more", [cited("Who won?", ("a3", 0, 10), abstained=True)])
    assert after_abstention == More("Who won?", {})
    # an answer rebuilt from a chat client's text (no article ids) leaves nothing out, rather than everything
    assert more_of("Tell me more", [cited("Who won?", ("", 0, 10))]) == More("Who won?", {})


def test_more_in_a_conversation_quotes_what_was_not_quoted_from_the_same_story(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    ferry = ("The harbour ferry strike ended on Monday after nine days of talks. Crews voted to accept a pay rise "
             "of four percent. The first ferry left the harbour at six in the morning.")
    other = "The city council approved a road budget on Tuesday after a long debate about the harbour road."
    d = fake_index(tmp_path, [{"title": t, "text": x, "source": "Harbor Ledger", "url": f"https://example.org/{i}",
                               "published": "2031-03-02"} for i, (t, x) in enumerate([("Ferry Strike Ends", ferry),
                                                                                     ("Budget Passed", other)])])
    a = Assistant(d, embedder=FakeEmbedder())
    try:
        chat = a.chat()
        first = chat.ask("When did the harbour ferry strike end?")
        more = chat.ask("Tell me more")
        quoted = {c.quote for c in first.citations}
        assert more.query == first.query and not quoted & {c.quote for c in more.citations}
        assert more.citations and {c.title for c in more.citations} == {"Ferry Strike Ends"}  # the same story
        assert any(n.startswith("More on") for n in more.notes)
    finally:
        a.close()


@pytest.mark.parametrize("text, asks", [
    ("Who reported that?", True), ("Which outlets said that?", True), ("What's the source?", True),
    ("Where is that from?", True), ("Who reported the fire?", False), ("Which outlet covers sport?", False),
])
def test_the_ways_of_asking_who_reported_the_answer(text, asks):
    assert asks_who_reported(text) is asks


def test_who_reported_that_names_the_previous_answers_outlets_and_dates_citing_what_it_cited():
    from datetime import date

    cites = [Citation(n=1, article_id="a1", title="Ferry Strike Ends", source="Harbor Ledger", url="",
                      published=date(2031, 3, 2), path="", quote="q", passage="q", start=0, end=1, score=0.5),
             Citation(n=2, article_id="a2", title="Strike Over", source="", url="", published=None, path="",
                      quote="r", passage="r", start=0, end=1, score=0.5)]
    history = [("When did the strike end?", Answer("When did the strike end?", "text", cites, query="strike end"))]
    got = sources_of("Who reported that?", history)
    assert got.text == "Reported by Harbor Ledger (2 Mar 2031) and “Strike Over” (undated). [1][2]"
    assert got.citations == cites and got.query == "strike end"
    assert sources_of("Who reported that?", [("Q?", Answer("Q?", "x", cites, abstained=True))]) is None
    assert sources_of("When did it start?", history) is None and sources_of("Who reported that?", []) is None
