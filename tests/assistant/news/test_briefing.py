"""A question that names only a time is answered with the opening sentences of the newest stories
of that time, one per headline, instead of an abstention."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.news.briefing import (NOTE, NOTE_ABOUT, NOTE_NEWEST, about, asks_for_news, asks_for_news_about,
                                     brief, opening)
from assistant.reading.question import analyse
from assistant.reading.sentences import split_sentences
from assistant.records import Filters, Hit, Passages, Query
from index import Article
from index.text.words import stems

MARCH = Filters(since=date(2031, 3, 1), until=date(2031, 3, 31))


def art(i: int, title: str, text: str, day: int, source: str = "Harbor Ledger") -> Article:
    return Article(f"a{i}", title, text, source, f"https://example.org/{i}", date(2031, 3, day))


@pytest.mark.parametrize("text,filters,expected", [
    ("What happened?", MARCH, True),
    ("Anything new?", MARCH, True),  # "new" alone asks for the news
    ("What's new?", Filters(), True),
    ("Any stories from the harbour?", Filters(), False),  # names a place to look for
    ("What are the headlines?", Filters(), True),
    ("Which new ferry?", MARCH, False),  # "new" with a question kind: a word to look for
    ("Who won?", MARCH, False),  # asks for a name
    ("What happened to the ferry?", MARCH, False),
    ("What did they say?", MARCH, True),  # nothing named but the time
    ("What happened?", Filters(), True),  # no time named: the newest stories
    ("Any news?", Filters(), True),
    ("What's the latest?", Filters(), True),
    ("What is happening?", Filters(), True),
    ("What did they say?", Filters(), False),  # names nothing, and does not ask for the news
    ("Who won?", Filters(), False),
    ("What are the main stories?", Filters(), True), ("Top stories", Filters(), True),  # abstained
    ("What's trending?", Filters(), True),
    ("What are the main causes of the fire?", Filters(), False),  # no news word: "main" is a word asked
    ("What is the top story on the ferry?", Filters(), False),  # names what to look for: the newest story on it
])
def test_a_question_that_names_nothing_but_a_time_or_the_news_is_a_briefing(text, filters, expected):
    assert asks_for_news(Query(text, text, filters)) is expected


@pytest.mark.parametrize("text,expected", [
    ("What's the latest on Coral Bay?", True),
    ("Any news on the Ever Given?", True),
    ("Any updates on NASA?", True),
    ("What's the latest on the ferry strike?", False),  # words to look for: the reading path
    ("What happened to Coral Bay?", True),  # of a name: the news of it is what happened
    ("What happened with the Coral Bay ferry?", False),  # of anything else: an event, read for
    ("What happened to the rate of flow?", False),
    ("Coral Bay", True),  # a name typed alone, as into a news search box
    ("Coral Bay ferry strike", True), ("ferry strike", True),  # any topic typed alone
    ("Did Coral Bay vote?", False),  # no news word: a question about it
    ("Who is the latest Coral Bay mayor?", False),  # asks for a name
    ("Anything new on Coral Bay?", True),
    ("What's new in New Harbour?", True),  # a capitalised "New" is part of the name
    ("Anything new on the ferry?", False),  # a word to look for
    ("Summarize the ferry strike", True),  # a summary of anything, not only of a name
    ("Can you give me a quick summary of the ferry strike?", True),
    ("Summarize", False),  # of nothing
    ("What do you know about the ferry strike?", True), ("Catch me up on the ferry strike", True),
    ("Give me the background on the ferry strike", True), ("Brief me on Coral Bay", True),
    ("Tell me about the ferry strike", True), ("What do you know?", False),
])
def test_the_latest_on_a_name_alone_is_a_briefing_about_it(text, expected):
    assert asks_for_news_about(Query(text, text, Filters()), analyse(text)) is expected


def test_the_stories_about_a_name_are_the_retrieved_ones_naming_it_in_headline_or_opening_newest_first():
    arts = [art(1, "Storm Floods Old Town", "A storm flooded the old town of Coral Bay overnight.", 12),
            art(2, "Coral Bay Schools Reopen", "Schools reopened on Monday after the storm cleanup.", 25),
            art(3, "Ferry Strike Ends", "Ferries ran again on Monday, and Coral Bay traders were relieved.", 20),
            art(4, "Budget Approved", "The council approved the harbour budget on Friday. Coral Bay gets a sea wall.", 28)]
    hits = [Hit(i, a.id, 0, 10, a.text[:10], 1.0 / i) for i, a in enumerate(arts + arts[:1], 1)]  # a1 twice
    passages = Passages(hits, {a.id: a for a in arts})
    # a3 names it in its opening; a4 only in its second sentence
    for question in ("What's the latest on Coral Bay?", "Anything new on Coral Bay?"):  # no story says "new"
        assert [a.id for a in about(analyse(question), passages, lambda a: split_sentences(a.text))] == ["a2", "a3", "a1"]


def test_the_opening_is_the_first_sentence_of_six_words_or_more():
    sents = split_sentences("PORT AVALON. Ferries ran late. The harbour ferry service resumed on Monday after a strike.")
    assert opening(sents).text == "The harbour ferry service resumed on Monday after a strike."
    assert opening(split_sentences("Short. Lines only.")) is None


def test_a_briefing_quotes_the_newest_stories_once_per_headline_each_cited():
    newest = [art(1, "Ferry Strike Ends", "The harbour ferry service resumed on Monday after a strike.", 20),
              art(2, "Ferry Strike Ends", "The harbour ferry service resumed on Monday after the strike.", 20,
                  "Valley Courier"),  # the same headline: once
              art(3, "Bridge Tolls Rise", "Tolls.", 18),  # no opening sentence: passed over
              art(4, "Council Approves Budget", "The city council approved a road budget of 12 million.", 15),
              art(5, "Storm Floods Old Town", "A storm flooded the old town of Coral Bay overnight.", 12),
              art(6, "Market Reopens", "The fish market reopened after three weeks of repairs.", 2)]
    q = Query("What happened in March 2031?", "What happened?", MARCH)
    answer = brief(q, newest, lambda a: split_sentences(a.text))
    assert [c.article_id for c in answer.citations] == ["a1", "a4", "a5"] and [c.n for c in answer.citations] == [1, 2, 3]
    assert answer.text.startswith("Harbor Ledger (20 Mar 2031): The harbour ferry service resumed on Monday after a "
                                  "strike. [1] Harbor Ledger (15 Mar 2031): ")
    for c, a in zip(answer.citations, (newest[0], newest[3], newest[4])):
        assert a.text[c.start:c.end] == c.quote  # the quote is located in its article
    assert not answer.abstained and answer.notes == [NOTE]
    assert brief(q, [newest[2]], lambda a: split_sentences(a.text)) is None


@pytest.fixture()
def dated_index(tmp_path):
    from tests.fakes import FakeEmbedder, fake_index

    rows = [("Ferry Strike Ends", "The harbour ferry service resumed on Monday after a two-week strike.", "2031-03-20"),
            ("Council Approves Budget", "The city council approved a road budget of 12 million on Tuesday.", "2031-03-15"),
            ("Storm Floods Old Town", "A storm flooded the old town of Coral Bay overnight, closing schools.", "2031-03-12"),
            ("Coral Bay Schools Reopen", "Schools in Coral Bay reopened on Monday after the storm cleanup.", "2031-03-25"),
            ("Market Reopens", "The fish market reopened after three weeks of repairs to its roof.", "2031-03-02"),
            ("Lighthouse Restored", "Volunteers finished restoring the Kestrel Point lighthouse this spring.", "2031-05-09")]
    return fake_index(tmp_path, [{"title": t, "text": x, "published": d, "source": "Harbor Ledger",
                                  "url": f"https://example.org/{i}"} for i, (t, x, d) in enumerate(rows)]), FakeEmbedder()


def test_asking_what_happened_in_a_month_gives_that_months_newest_stories(dated_index):
    from assistant import Assistant

    d, emb = dated_index
    a = Assistant(d, embedder=emb)
    try:
        answer = a.ask("What happened in March 2031?")
        assert not answer.abstained and NOTE in answer.notes and "read as published 2031-03-01" in answer.notes[0]
        assert [c.title for c in answer.citations] == ["Coral Bay Schools Reopen", "Ferry Strike Ends",
                                                       "Council Approves Budget"]
        empty = a.ask("What happened in April 2031?")  # nothing published then
        assert empty.abstained and NOTE not in empty.notes
        asked = a.ask("Which town did the storm flood in March 2031?")  # something to look for: read as usual
        assert NOTE not in asked.notes and "Coral Bay" in asked.text
        news = a.ask("Any news?")  # no time: the newest stories of all
        assert news.notes == [NOTE_NEWEST] and [c.title for c in news.citations] == [
            "Lighthouse Restored", "Coral Bay Schools Reopen", "Ferry Strike Ends"]
        assert a.ask("What did they say?").abstained  # names nothing and asks for no news
        day = a.ask("What happened on 20 March 2031?")
        assert NOTE in day.notes and [c.title for c in day.citations] == ["Ferry Strike Ends"]
        assert [c.title for c in a.ask("Any stories from March 2031?").citations] == [
            "Coral Bay Schools Reopen", "Ferry Strike Ends", "Council Approves Budget"]
        assert a.ask("What's new?").notes == [NOTE_NEWEST]
        latest = a.ask("What's the latest on Coral Bay?")  # the newest retrieved stories naming it
        assert latest.notes == [NOTE_ABOUT] and [c.title for c in latest.citations] == [
            "Coral Bay Schools Reopen", "Storm Floods Old Town"]
    finally:
        a.close()


def test_a_summary_is_of_the_stories_about_it_less_the_words_asking_for_it():
    arts = [art(1, "Ferry Strike Ends", "The Coral Bay ferry strike ended on Monday after talks.", 12),
            art(2, "Ferry Timetable Changes", "The ferry timetable changes in April for the summer.", 20)]
    passages = Passages([Hit(i, a.id, 0, 10, a.text[:10], 1.0 / i) for i, a in enumerate(arts, 1)],
                        {a.id: a for a in arts})
    q = analyse("Give me a summary of the ferry strike")
    assert [a.id for a in about(q, passages, lambda a: split_sentences(a.text))] == ["a1"]
    from assistant.news.briefing import subject_stems

    assert subject_stems(analyse("Tell me about the situation in Coral Bay")) == stems("Coral Bay")
    # named only further down, a story is about it where one sentence names all of it
    q = analyse("Summarize the timetable changes")
    arts[1] = art(2, "Ferry News", "Crews met the harbour board on Monday. The ferry timetable changes in April.", 20)
    passages = Passages(passages.hits, {a.id: a for a in arts})
    assert about(q, passages, lambda a: split_sentences(a.text)) == []
    assert [a.id for a in about(q, passages, lambda a: split_sentences(a.text), anywhere=True)] == ["a2"]


def test_a_story_briefed_on_a_subject_its_opening_does_not_name_is_quoted_where_it_does():
    from assistant.news.briefing import subject_stems

    digest = art(1, "Five things to know: Coral Bay, the budget", "If your day starts early, here is your morning fix. "
                 "The Coral Bay ferry strike ended on Monday after long talks.", 12)
    q = analyse("What's the latest on Coral Bay?")
    got = brief(Query(q.text, q.text, Filters()), [digest], lambda a: split_sentences(a.text),
                about_stems=subject_stems(q))
    assert got.citations[0].quote == "The Coral Bay ferry strike ended on Monday after long talks."
    plain = brief(Query(q.text, q.text, Filters()), [digest], lambda a: split_sentences(a.text))
    assert plain.citations[0].quote == "If your day starts early, here is your morning fix."  # no subject: the opening


def test_an_outlet_named_by_its_web_address_keeps_its_case_opening_a_sentence():
    q = Query("What's new?", "What's new?", Filters())
    got = brief(q, [art(1, "Ferry Strike Ends", "The Coral Bay ferry strike ended on Monday.", 12, "cnn.com"),
                    art(2, "Budget Passed", "The council passed the harbour budget on Friday.", 11, "harbor ledger")],
                lambda a: split_sentences(a.text))
    assert got.text.startswith("cnn.com (12 Mar 2031): The Coral Bay")  # was "Cnn.com"
    assert "Harbor ledger (11 Mar 2031): The council" in got.text  # a name still opens with a capital
