"""Citations rebuilt from a reply's text (no article id, the quote as the reply worded it) put
back on their articles (`assistant.conversation.grounding`), on a small index (fake embedder)."""

from __future__ import annotations

import pytest

from assistant.conversation.grounding import located
from assistant.records import Answer, Citation

LEDGER = {"title": "Ship Freed", "source": "Harbor Ledger", "url": "https://example.org/ledger", "published": "2031-03-29",
          "text": "Salvage crews freed the container ship Ever Given on Monday. About 369 vessels were queued at the "
                  "canal, the authority said. Tugs and dredgers worked for six days."}
WIRE = {"title": "Traffic Resumes", "source": "Meridian Wire", "url": "https://example.org/wire", "published": "2031-03-30",
        "text": "Traffic through the canal resumed on Monday evening. More than 400 vessels were waiting at either end."}


@pytest.fixture
def assistant(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    a = Assistant(fake_index(tmp_path, [LEDGER, WIRE]), embedder=FakeEmbedder())
    yield a
    a.close()


def rebuilt(n: int, row: dict, quote: str, url: str | None = None) -> Citation:
    """A citation as `ui.api.chat_format` rebuilds it from a reply: no id, no offsets."""
    return Citation(n=n, article_id="", title=row["title"], source=row["source"], url=row["url"] if url is None else url,
                    published=None, path="", quote=quote, passage=quote, start=0, end=len(quote), score=0.0)


def test_a_rebuilt_citation_gets_its_article_and_the_offsets_of_each_sentence_it_quotes(assistant):
    quote = ("Reported by both Harbor Ledger and Meridian Wire: About 369 vessels were queued at the canal, the "
             "authority said. Tugs and dredgers worked for six days.")  # an attribution prefix, two sentences
    answer = Answer("How many ships waited?", quote, [rebuilt(1, LEDGER, quote), rebuilt(2, WIRE, "Nothing like it.")])
    [(q, got)] = located([("How many ships waited?", answer)], assistant.index, assistant.cache.sentences)
    article = assistant.index.articles([got.citations[0].article_id])[0]
    assert article.url == LEDGER["url"] and q == "How many ships waited?"
    assert [(c.n, article.text[c.start:c.end]) for c in got.citations[:2]] == [
        (1, "About 369 vessels were queued at the canal, the authority said."),
        (1, "Tugs and dredgers worked for six days.")]
    assert got.citations[2] == answer.citations[1]  # its sentence is in no article: left as it was


def test_a_quote_is_matched_only_in_the_article_with_its_url_and_grounded_turns_stay_as_they_are(assistant):
    quote = "Salvage crews freed the container ship Ever Given on Monday."
    wrong = Answer("Q", quote, [rebuilt(1, LEDGER, quote, url="https://example.org/elsewhere")])
    assert located([("Q", wrong)], assistant.index, assistant.cache.sentences)[0][1].citations == wrong.citations
    first = assistant.ask("How many vessels were queued at the canal?")
    assert all(c.article_id for c in first.citations)
    assert located([("Q", first)], assistant.index, assistant.cache.sentences)[0][1] is first


def test_tell_me_more_after_a_reply_rebuilt_from_text_leaves_out_what_it_quoted(assistant):
    from dataclasses import replace

    first = assistant.ask("How many vessels were queued at the canal?")
    # what an API client sends back: the text and the sources' titles and URLs, no ids
    plain = replace(first, citations=[rebuilt(c.n, {"title": c.title, "source": c.source, "url": c.url}, c.quote)
                                      for c in first.citations])
    more = assistant.ask("Tell me more", history=[("How many vessels were queued at the canal?", plain)])
    assert not {c.quote for c in more.citations} & {c.quote for c in first.citations}
