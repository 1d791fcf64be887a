"""A story compared across its reports (`assistant.news.comparison`): the question forms, and
hand-made reports whose sentences are embedded by a fake that gives sentences about the same
fact the same vector, so which pairs are compared is fixed by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from assistant.news.comparison import compare, subject_asked
from assistant.reading.sentences import split_sentences
from assistant.records import Query
from index import Article

FACTS = ["vessels", "aground", "toll", "routes", "vaccine"]  # "routes": one fact, so the pairs are compared  # a sentence naming one of these states that fact


# sentences holding these are alike but less so: cosine 0.6 between the two wordings
HALF_ALIKE = {"The WFP said": (1.0, 0.0), "The UN said": (0.6, 0.8)}


def embed(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), len(FACTS) + 2 + len(texts)), dtype=np.float32)
    for i, t in enumerate(texts):
        half = next((v for k, v in HALF_ALIKE.items() if t.startswith(k)), None)
        if half is not None:
            out[i, len(FACTS):len(FACTS) + 2] = half
            continue
        fact = next((k for k, f in enumerate(FACTS) if f in t), None)
        out[i, fact if fact is not None else len(FACTS) + 2 + i] = 1.0  # unrelated sentences: orthogonal
    return out


def report(aid: str, source: str, day: str | None, *sentences: str) -> Article:
    return Article(aid, f"Canal report {aid}", " ".join(sentences), source, f"https://example.org/{aid}",
                   date.fromisoformat(day) if day else None)


def ask(question: str, *reports: Article):
    return compare(Query(question, question), "canal", list(reports), lambda a: split_sentences(a.text), embed)


LEDGER = report("l", "Harbor Ledger", "2031-03-29", "About 369 vessels were queued at the canal.",
                "The ship ran aground on 23 March 2031.", "Tugs worked through the night.")
WIRE = report("w", "Meridian Wire", "2031-03-30", "More than 400 vessels were queued at the canal.",
              "The ship ran aground on 23 March 2031, officials said.", "Traffic resumed in the evening.")


@pytest.mark.parametrize("text, subject", [
    ("How do the two Suez reports differ?", "Suez"), ("Compare the Artemis reports", "Artemis"),
    ("Do the earthquake stories agree?", "earthquake"), ("What's the difference between the two quake reports?", "quake"),
    ("Compare coverage of the Ever Given", "Ever Given"), ("Where do the canal reports differ?", "canal"),
    ("Compare the reports", None), ("How do the reports differ on the death toll?", None),
    ("Do the outlets agree on the toll?", None), ("Who won the final?", None),
    # in a conversation, the subject a follow-up appends after the question
    ("Do the reports agree? Suez Canal", "Suez Canal"), ("Do the reports agree on that? Homs", "Homs"),
    ("Compare the reports Suez Canal", "Suez Canal"),
    ("Do the reports agree?", None), ("Do the two reports agree?", None),
    ("Compare Messi and Mbappé", None), ("Compare the death tolls in the two reports", None),
])
def test_the_question_forms_that_ask_for_a_comparison(text, subject):
    assert subject_asked(text) == subject


def test_the_same_fact_with_different_figures_is_set_side_by_side_older_report_first_then_agreements():
    got = ask("How do the canal reports differ?", WIRE, LEDGER)
    assert got.text == (
        "Compared 2 reports naming “canal”: Meridian Wire (30 Mar 2031) and Harbor Ledger (29 Mar 2031). "
        "They differ: about 369 vessels against more than 400 vessels. "
        "According to Harbor Ledger (29 Mar 2031): About 369 vessels were queued at the canal. [1] "
        "According to Meridian Wire (30 Mar 2031): More than 400 vessels were queued at the canal. [2] "
        "Reported by both Meridian Wire and Harbor Ledger: The ship ran aground on 23 March 2031, officials said. [3][4]")
    (conflict,) = got.conflicts
    assert conflict.kind == "update" and [v.outlets for v in conflict.values] == [("Harbor Ledger",), ("Meridian Wire",)]
    for c in got.citations:  # every quote is the article's own text at its offsets
        text = (WIRE if c.article_id == "w" else LEDGER).text
        assert text[c.start:c.end] == c.quote


def test_sentences_each_with_a_figure_of_its_own_are_not_an_agreement():
    a = report("a", "Post", "2031-02-10", "The toll near the canal rose to 21,000 after the quakes of 6 February 2031.")
    b = report("b", "Review", "2031-02-25", "The toll near the canal passed 50,000 people after the quakes of 6 February 2031.")
    got = ask("Do the quake reports agree?", a, b)
    assert "Reported by both" not in got.text and "They differ: 21,000 against 50,000 people." in got.text


def test_the_same_figure_in_sentences_less_alike_is_still_an_agreement_a_different_one_no_dispute():
    a = report("a", "Post", "2031-02-10", "The WFP said about 280,000 people near the canal were displaced in a week.")
    b = report("b", "Review", "2031-02-11", "The UN said some 280,000 people had fled their homes by the canal.")
    got = ask("Compare the canal reports", a, b)
    assert "Reported by both Review and Post: The UN said some 280,000" in got.text and not got.conflicts
    c = report("c", "Review", "2031-02-11", "The UN said some 300,000 people had fled their homes by the canal.")
    got = ask("Compare the canal reports", a, c)  # alike at 0.6 only: not sure enough to set side by side
    assert not got.conflicts and "They differ" not in got.text


def test_number_words_ordinals_and_unrelated_sentences_are_not_compared():
    a = report("a", "Post", "2031-02-10", "The canal is one of the busiest routes.", "Crews slept on the ship.",
               "The routes marked the 31st anniversary of the canal.")
    b = report("b", "Review", "2031-02-11", "Two of the routes closed.", "The weather was calm.",
               "The routes closed as 22 people were hurt at the canal.")
    got = ask("Compare the canal reports", a, b)
    assert not got.conflicts and not got.citations
    assert got.text.endswith("They state no figure or day in common, nor any differently, in sentences alike "
                             "enough to compare.")


def test_only_what_is_said_about_the_subject_is_compared():
    # a digest: the canal in one paragraph, another story's figures in the next
    a = report("a", "Post", "2031-02-10", "About 369 vessels were queued at the canal.\n"
               "Elsewhere, more than 400 vessels were queued at the strait.")
    b = report("b", "Review", "2031-02-11", "About 370 vessels were queued at the canal.")
    got = ask("Compare the canal reports", a, b)
    assert not got.conflicts and "Reported by both Review and Post: About 370 vessels" in got.text


def test_figures_of_different_things_are_not_set_side_by_side():
    a = report("a", "Post", "2031-02-10", "More than 780,000 vaccine doses reached the canal towns.")
    b = report("b", "Review", "2031-02-11", "At least 1.5 million people near the canal are eligible for a vaccine.")
    assert not ask("Compare the canal reports", a, b).conflicts  # doses and people: no dispute


def test_one_report_or_one_outlet_leaves_nothing_to_compare():
    other = report("l2", "Harbor Ledger", "2031-03-30", "More than 400 vessels were queued at the canal.")
    got = ask("Compare the canal reports", LEDGER)
    assert got.abstained and got.text.startswith("Only one report names “canal” (Harbor Ledger (29 Mar 2031))")
    got = ask("Compare the canal reports", LEDGER, other)
    assert got.abstained and got.text == ("Every report naming “canal” is Harbor Ledger's (2): a comparison needs "
                                          "reports from two outlets.")
    assert ask("Compare the canal reports").text == "No article in the index names “canal”."


def test_ask_compares_the_reports_naming_the_subject(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    rows = [{"title": a.title, "text": a.text, "source": a.source, "url": a.url, "published": a.published.isoformat()}
            for a in (LEDGER, WIRE)]
    a = Assistant(fake_index(tmp_path, rows), embedder=FakeEmbedder())
    try:
        got = a.ask("How do the canal reports differ?")
        assert got.text.startswith("Compared 2 reports naming “canal”: Meridian Wire (30 Mar 2031) and Harbor Ledger")
        assert not got.abstained and got.notes[-1].startswith("The question asks how reports of “canal” compare")
    finally:
        a.close()


@pytest.mark.parametrize("text, asked", [
    ("Compare Meridian Wire and Harbor Ledger on the canal", (("Meridian Wire", "Harbor Ledger"), "canal")),
    ("How do meridian wire and the Harbor Ledger differ on the canal?", (("Meridian Wire", "Harbor Ledger"), "canal")),
    ("Do Harbor Ledger and Meridian Wire agree about the ship's size?", (("Harbor Ledger", "Meridian Wire"),
                                                                          "ship's size")),
    ("Compare Messi and Mbappé on penalties", None),  # not outlets
    ("Compare Meridian Wire and Meridian Wire on the canal", None),
])
def test_two_outlets_compared_on_a_subject(text, asked):
    from assistant.news.outlet_ref import outlets_asked

    assert outlets_asked(text, ["Harbor Ledger", "Meridian Wire", "Atlas Morning News"]) == asked


def test_ask_compares_two_named_outlets_only(tmp_path):
    from assistant import Assistant
    from tests.fakes import FakeEmbedder, fake_index

    third = report("c3", "Atlas Morning News", "2031-03-31", "The canal reopened. About 500 vessels waited at the canal.")
    rows = [{"title": a.title, "text": a.text, "source": a.source, "url": a.url, "published": a.published.isoformat()}
            for a in (LEDGER, WIRE, third)]
    a = Assistant(fake_index(tmp_path, rows), embedder=FakeEmbedder())
    try:
        got = a.ask("How do Harbor Ledger and Meridian Wire differ on the canal?")  # read as one outlet's question
        assert got.text.startswith("Compared 2 reports naming “canal”: Meridian Wire (30 Mar 2031) and Harbor Ledger")
        assert {c.source for c in got.citations} <= {"Harbor Ledger", "Meridian Wire"}
    finally:
        a.close()


def test_what_an_earlier_comparison_quoted_is_not_compared_again():
    first = ask("How do the canal reports differ?", WIRE, LEDGER)
    quoted = {(c.article_id, c.start) for c in first.citations}
    again = compare(Query("Tell me more", "How do the canal reports differ?"), "canal", [WIRE, LEDGER],
                    lambda a: split_sentences(a.text), embed, quoted=lambda aid, start, end: (aid, start) in quoted)
    assert not again.citations and "Nothing more to set side by side" in again.text
