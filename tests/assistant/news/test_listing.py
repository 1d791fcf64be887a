"""Questions about the collection: which stories name something, and what the index holds (the
question forms by hand; the answers through `ask` on a small index with the fake embedder)."""

from __future__ import annotations

import pytest

from assistant.news.listing import NOTE_ALL

ARTICLES = [
    {"title": "Ferry Strike Ends", "text": "The Coral Bay ferry strike ended on Monday after talks. Crews "
     "returned to the harbour.", "source": "Harbor Ledger", "url": "https://example.org/1", "published": "2031-03-02"},
    {"title": "Harbour Dredging Begins", "text": "Dredgers began deepening the harbour channel. The Coral Bay "
     "council paid for the work.", "source": "Meridian Wire", "url": "https://example.org/2", "published": "2031-04-10"},
    {"title": "Orchard Harvest Falls", "text": "Apple growers in the valley picked a third less fruit this "
     "autumn after a dry summer.", "source": "Meridian Wire", "url": "https://example.org/3", "published": "2030-10-01"},
]


def test_asked_who_wrote_the_stories_each_is_listed_with_its_authors():
    from datetime import date

    from assistant.news.listing import list_subject
    from assistant.reading.sentences import split_sentences
    from assistant.records import Filters, Query
    from index import Article

    arts = [Article("a1", "Ferry Strike Ends", "The Coral Bay ferry strike ended on Monday after talks.", "Harbor Ledger",
                    "https://example.org/1", date(2031, 3, 2), authors=("Ana Ruiz", "Tom Hale")),
            Article("a2", "Ferry Fares Rise", "Coral Bay ferry fares rise in May.", "Meridian Wire",
                    "https://example.org/2", date(2031, 3, 1))]
    q = "Who wrote the ferry story?"
    got = list_subject(Query(q, q, Filters()), "ferry", arts, lambda a: split_sentences(a.text))
    assert "“Ferry Strike Ends”, by Ana Ruiz and Tom Hale: The Coral Bay" in got.text
    assert "“Ferry Fares Rise”, no author named: Coral Bay" in got.text
    q = "Which stories mention the ferry?"
    plain = list_subject(Query(q, q, Filters()), "ferry", arts, lambda a: split_sentences(a.text))
    assert " by " not in plain.text


@pytest.fixture
def assistant(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    a = Assistant(fake_index(tmp_path, ARTICLES), embedder=FakeEmbedder())
    yield a
    a.close()


def test_a_subject_lists_every_article_naming_it_newest_first_each_cited_where_it_names_it(assistant):
    got = assistant.ask("Which stories mention Coral Bay?")
    assert got.text.startswith("2 articles name “Coral Bay”, newest first. Meridian Wire (10 Apr 2031), "
                               "“Harbour Dredging Begins”: The Coral Bay council paid for the work. [1] ")
    assert [c.quote for c in got.citations] == ["The Coral Bay council paid for the work.",
                                                "The Coral Bay ferry strike ended on Monday after talks."]
    assert not got.abstained and got.confidence == 1.0


def test_a_subject_no_article_names_is_said_plainly(assistant):
    got = assistant.ask("Any articles about the volcano?")
    assert got.abstained and got.text == "No article in the index names “volcano”." and not got.citations


def test_reports_without_outlet_or_date_are_named_by_their_headline_once(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    undated = [{**a, "source": "", "url": "", "published": None} for a in ARTICLES]
    a = Assistant(fake_index(tmp_path, undated), embedder=FakeEmbedder())
    try:
        got = a.ask("Which stories mention Coral Bay?")
        assert got.text.startswith("2 articles name “Coral Bay”. An undated report, “")  # no "newest first"
        assert got.text.count("Harbour Dredging Begins") <= 1 and got.text.count("Ferry Strike Ends") <= 1
        assert " Among them: An undated report, “" in a.ask("What stories do you have?").text
    finally:
        a.close()


def test_filters_narrow_a_listing(assistant):
    got = assistant.ask("Which stories mention the harbour?", sources=["Harbor Ledger"])
    assert got.text.startswith("1 article names “harbour”. Harbor Ledger (2 Mar 2031)") and len(got.citations) == 1


def test_the_collection_is_told_by_its_counts_and_newest_stories(assistant):
    got = assistant.ask("What stories do you have?")
    assert got.text.startswith("The index holds 3 articles from 2 outlets (Harbor Ledger and Meridian Wire), "
                               "published 1 Oct 2030 to 10 Apr 2031. The newest: Meridian Wire (10 Apr 2031): ")
    assert NOTE_ALL in got.notes and len(got.citations) == 3
    by_outlet = assistant.ask("Which stories did Meridian Wire publish?")
    assert by_outlet.text.startswith("2 articles from Meridian Wire. The newest: ")
    assert {c.source for c in by_outlet.citations} == {"Meridian Wire"}


def test_tell_me_more_after_a_listing_lists_the_others(assistant, monkeypatch):
    import assistant.news.listing as listing

    monkeypatch.setattr(listing, "SHOWN", 1)  # one a time: three articles name the harbour
    first = assistant.ask("Which stories mention the harbour?")
    assert first.text.startswith("2 articles name “harbour”, newest first.") and first.text.endswith("And 1 more.")
    more = assistant.ask("Tell me more", history=[("Which stories mention the harbour?", first)])
    assert more.text.startswith("1 more article names “harbour”. Harbor Ledger (2 Mar 2031)")
    done = assistant.ask("Tell me more", history=[("Which stories mention the harbour?", first), ("Tell me more", more)])
    assert done.abstained and done.text == "No other article names “harbour”: all 2 were listed."


def test_a_name_must_stand_whole_other_words_each_anywhere():
    from assistant.news.listing import namer

    names = namer("Highland Park")
    assert names("A parade in Highland Park, Illinois.") and names("Highland Park's mayor spoke.")
    assert not names("Highland cattle grazed. The park closed.")  # both words, not the name
    assert namer("Notre Dame")("Notre-Dame Cathedral burned.")
    assert namer("bridge collapse")("The collapse of the bridge closed the port.")  # by stem, anywhere
    assert namer("earthquake")("Two earthquakes struck.")
    shooting = namer("Highland Park shooting")  # the name whole, the other word anywhere
    assert shooting("A shooting marred the parade. Highland Park mourned.")
    assert not shooting("Highland cattle grazed. The park closed after a shooting.")


def test_a_listed_article_is_quoted_at_a_whole_sentence_naming_the_subject():
    from assistant.news.listing import _naming_sentence, namer
    from assistant.reading.sentences import split_sentences
    from index import Article

    digest = Article("d", "Five things", "Coral Bay\n\nThe Coral Bay ferry crews went back to work on Monday.\n\n"
                     "Parks reopened. A new harbour wall is planned.", "Daily Digest")
    def split(a):
        return split_sentences(a.text)
    got = _naming_sentence(digest, "Coral Bay", namer("Coral Bay"), split)
    assert got.text == "The Coral Bay ferry crews went back to work on Monday."  # not the heading "Coral Bay"
    got = _naming_sentence(digest, "harbour wall works", namer("harbour wall works"), split)
    assert got.text == "A new harbour wall is planned."  # no sentence names it all: the one naming most of it


def test_the_oldest_and_newest_story_of_the_collection_or_of_a_subject(assistant):
    oldest = assistant.ask("What's the oldest story?")
    assert oldest.text == ("The oldest of the 3 articles in the index is Meridian Wire (1 Oct 2030), “Orchard Harvest "
                           "Falls”: Apple growers in the valley picked a third less fruit this autumn after a dry summer. [1]")
    assert [c.article_id for c in oldest.citations] and not oldest.abstained
    newest = assistant.ask("What is the most recent article about Coral Bay?")
    assert newest.text.startswith("The newest of the 2 articles naming “Coral Bay” is Meridian Wire (10 Apr 2031), "
                                  "“Harbour Dredging Begins”: The Coral Bay council paid for the work. [1]")
    after = assistant.ask("Tell me more", history=[("What is the most recent article about Coral Bay?", newest)])
    assert "Ferry Strike Ends" in after.text  # the next one
    assert assistant.ask("What's the oldest story about the volcano?").abstained
    first = assistant.ask("Which outlet reported first on Coral Bay?")  # abstained
    assert first.text.startswith("The oldest of the 2 articles naming “Coral Bay” is ") and "Dredging" not in first.text


def test_asked_who_reported_on_a_subject_the_outlets_lead_the_listing(assistant):
    got = assistant.ask("Which outlets covered the harbour?")
    assert got.text.startswith("Meridian Wire and Harbor Ledger reported on it. 2 articles name “harbour”, newest first.")
    assert not assistant.ask("Which stories mention the harbour?").text.startswith("Meridian Wire and")
