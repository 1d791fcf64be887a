"""News-aware answers on the sample articles with the real model: the deliberate
disagreements of examples/README.md, an "as of" question, an agreed fact, relative time and
the timeline."""

from __future__ import annotations

import re
from datetime import date

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def assistant(sample_index_dir, real_embedder):
    from assistant import Assistant

    a = Assistant(sample_index_dir, embedder=real_embedder)
    yield a
    a.close()


def cited_outlets(answer, value: str) -> set[str]:
    """Outlets of the citations a conflict lists for the value containing `value`."""
    [nums] = [v.citations for v in answer.conflicts[0].values if value in v.value]
    return {c.source for c in answer.citations if c.n in nums}


def marks(answer) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}


def test_suez_queue_shows_both_figures_with_outlets_and_dates(assistant):
    ans = assistant.ask("How many vessels were queued at the Suez Canal?")
    assert "369" in ans.text and "400" in ans.text
    # a day apart: the story's update, newest first, the earlier report named with its date
    assert "Meridian Wire reported more than 400 vessels on 30 Mar 2021" in ans.text
    assert "Harbor Ledger had reported about 369 vessels on 29 Mar 2021" in ans.text
    assert ans.text.index("400") < ans.text.index("369")
    assert len(ans.conflicts) == 1 and ans.conflicts[0].kind == "update"
    assert cited_outlets(ans, "369") == {"Harbor Ledger"} and cited_outlets(ans, "400") == {"Meridian Wire"}
    assert {n for v in ans.conflicts[0].values for n in v.citations} <= marks(ans)


def test_earthquake_toll_shows_both_counts(assistant):
    ans = assistant.ask("What was the death toll of the earthquakes in Türkiye and Syria?")
    assert "21,000" in ans.text and "50,000" in ans.text
    assert "Northwind Post" in ans.text and "Civic Daily Review" in ans.text
    assert cited_outlets(ans, "21,000") == {"Northwind Post"}
    assert cited_outlets(ans, "50,000") == {"Civic Daily Review"}


def test_latest_toll_leads_with_the_newest_report_and_its_date(assistant):
    ans = assistant.ask("What is the latest death toll of the earthquakes?")
    assert not ans.abstained
    assert ans.text.index("50,000") < ans.text.index("21,000")
    assert "Civic Daily Review reported more than 50,000 people on 25 Feb 2023, the latest figure" in ans.text
    assert [c.kind for c in ans.conflicts] == ["update"]


def test_agreed_fact_cites_both_outlets_and_says_so(assistant):
    ans = assistant.ask("When did the Key Bridge collapse?")
    assert ans.text.startswith("Reported by both Atlas Morning News and Harbor Ledger: ")
    assert "26 March 2024" in ans.text.split("[")[0]
    lead = set(int(n) for n in re.match(r"[^\[]*((?:\[\d+\])+)", ans.text).group(1)[1:-1].split("]["))
    assert {c.source for c in ans.citations if c.n in lead} == {"Atlas Morning News", "Harbor Ledger"}
    assert ans.conflicts == []


def test_quotes_stay_verbatim(assistant):
    for q in ("How many vessels were queued at the Suez Canal?", "When did the Key Bridge collapse?"):
        ans = assistant.ask(q)
        for c in ans.citations:
            assert assistant.index.article(c.article_id).text[c.start:c.end] == c.quote
        assert marks(ans) == {c.n for c in ans.citations}


def test_relative_time_and_as_of(assistant):
    ans = assistant.ask("What was the death toll of the earthquakes last month?", as_of="2023-03-10")
    assert any("last month" in n and "2023-02-01 to 2023-02-28" in n for n in ans.notes)
    assert "50,000" in ans.text and "21,000" in ans.text
    ans = assistant.ask("What was the death toll of the earthquakes?", as_of="2023-02-15")
    assert "21,000" in ans.text and "50,000" not in ans.text  # the later report did not exist yet
    assert any("as of 2023-02-15" in n for n in ans.notes)
    ans = assistant.ask("What happened to the Key Bridge in 2021?")
    assert ans.abstained or all(c.published and c.published.year == 2021 for c in ans.citations)


def test_timeline_of_the_suez_blockage(assistant):
    entries = assistant.timeline("Suez Canal", k=10)
    assert len(entries) >= 4
    days = [e.date for e in entries]
    assert days == sorted(days) and days[0] == date(2021, 3, 25)
    assert {e.source for e in entries} >= {"Harbor Ledger", "Meridian Wire"}
    assert any("369" in e.quote for e in entries) and any("400 vessels" in e.quote for e in entries)
