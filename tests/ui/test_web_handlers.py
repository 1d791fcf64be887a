"""The browser chat's handlers and HTML, without a browser or a model (see fake_assistant)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from assistant import Answer, History
from assistant.conversation.history import HISTORY_TURNS
from index import IndexNotFoundError
from tests.ui.fake_assistant import ARTICLES, FakeAssistant
from ui import web_render as R
from ui.web_handlers import GENERIC_ERROR, FilterError, Handlers, new_conv, parse_filters, parse_history


@pytest.fixture
def fake():
    return FakeAssistant()


@pytest.fixture
def h(fake, tmp_path):
    roots = tmp_path / "gradio"
    roots.mkdir()
    return Handlers(fake, upload_roots=[roots], upload_dir=tmp_path / "uploads", stream_delay=0)


def run(h, question, conv=None, sources=None, since="", until=""):
    """All the yields of one question, and the last one."""
    steps = list(h.respond(question, conv or new_conv(), sources, since, until))
    return steps, steps[-1]


def assistant_html(msgs) -> str:
    return msgs[-1]["content"]


# -- asking ------------------------------------------------------------------------------------
def test_answer_has_citation_links_and_panel_highlights_quote(h, fake):
    steps, (msgs, conv, panel, box) = run(h, "How many vessels?")
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    body = assistant_html(msgs)
    assert '<a class="cite" href="#src-1-1"' in body and '<a class="cite" href="#src-1-2"' in body
    assert 'id="src-1-1"' in panel and 'id="src-1-2"' in panel
    assert "<mark>About 369 vessels were queued.</mark>" in panel
    assert "Harbor Ledger · 2021-03-29" in panel and "Ever Given Refloated" in panel
    assert 'href="https://example.org/ever-given" target="_blank" rel="noopener noreferrer"' in panel
    assert "Counts differ by date." in body  # notes
    assert box == "" and len(conv["turns"]) == 1 and conv["messages"] == msgs
    assert fake.asked[0]["history"] is None


def test_answer_streams_in_well_formed_steps(h):
    steps, _ = run(h, "How many vessels?")
    assert "Searching the articles" in assistant_html(steps[0][0])
    texts = [assistant_html(s[0]) for s in steps[1:]]
    assert len(texts) >= 3, "the answer should arrive in several steps"
    lengths = [len(re.sub(r"<[^>]+>", "", t)) for t in texts]
    assert lengths == sorted(lengths)
    for t in texts:  # never a half-written anchor
        assert t.count("<a ") == t.count("</a>")
    assert "na-notes" not in texts[0] and "na-notes" in texts[-1]


def test_follow_up_passes_history_and_numbers_the_turn(h, fake):
    _, (msgs, conv, _, _) = run(h, "How many vessels?")
    _, (msgs2, conv2, panel, _) = run(h, "And later?", conv)
    hist = fake.asked[1]["history"]
    assert len(hist) == 1 and hist[0][0] == "How many vessels?" and isinstance(hist[0][1], Answer)
    assert hist[0][1].citations[0].path == "/data/suez.md"
    assert len(msgs2) == 4 and 'href="#src-2-1"' in assistant_html(msgs2)
    assert 'id="src-2-1"' in panel and 'id="src-1-1"' in panel and "<details" in panel
    assert len(conv2["turns"]) == 2


def test_the_chat_keeps_a_history_and_asks_with_its_recent_turns(h, fake):
    conv = new_conv()
    for i in range(HISTORY_TURNS + 2):
        _, (_, conv, panel, _) = run(h, f"How many vessels {i}?", conv)
    history = History.from_list(conv["turns"])  # the conversation's History, as plain JSON data
    assert json.loads(json.dumps(conv["turns"])) == conv["turns"] and history.to_list() == conv["turns"]
    assert [t.question for t in history] == [f"How many vessels {i}?" for i in range(HISTORY_TURNS + 2)]
    sent = fake.asked[-1]["history"]  # like the terminal chat: the last HISTORY_TURNS turns
    assert [q for q, _ in sent] == [t.question for t in history[:-1].recent()]
    assert f'id="src-{HISTORY_TURNS + 2}-1"' in panel and 'id="src-1-1"' in panel  # the panel keeps them all


def test_abstention_looks_different_and_lists_related_reading(h):
    _, (msgs, _, panel, _) = run(h, "unanswerable thing")
    body = assistant_html(msgs)
    assert "na-abstained" in body and "The articles don&#39;t say." in body
    assert "Related reading" in panel and ">Sources<" not in panel


def test_conflicts_are_shown_with_their_citations(h):
    _, (msgs, _, _, _) = run(h, "conflict please")
    body = assistant_html(msgs)
    assert "The sources disagree" in body and "vessels queued" in body
    assert re.search(r"<b>369</b> — <a class=\"cite\" href=\"#src-1-1\"", body)


def test_hostile_article_text_is_escaped_everywhere(h):
    _, (msgs, _, panel, _) = run(h, "hostile")
    for html in (assistant_html(msgs), panel):
        assert "<script" not in html and "<img" not in html
        assert "javascript:alert" not in re.sub(r">[^<]*<", "><", html), "only as text, never in markup"
        assert "](" not in html and "[click]" not in html  # markdown link syntax neutralised
    assert 'href="javascript' not in panel and "&#60;script&#62;" in panel
    assert "<mark>Click &#60;img" in panel


def test_escape_helpers():
    assert R.esc("<b>'&\"") == "&#60;b&#62;&#39;&#38;&#34;"
    assert R.safe_url("javascript:alert(1)") is None and R.safe_url("data:text/html,x") is None
    assert R.safe_url("/relative") is None and R.safe_url("https://x.org/a") == "https://x.org/a"
    assert R.esc(None) == ""


def test_passage_with_wrong_offsets_falls_back_to_finding_the_quote():
    from tests.ui.fake_assistant import citation

    c = citation(1, ARTICLES[0])
    bad = type(c)(**{**c.__dict__, "start": 0, "end": 5})
    assert "<mark>About 369 vessels were queued.</mark>" in R.passage_html(bad)
    missing = type(c)(**{**c.__dict__, "quote": "Not in the passage."})
    assert '<p class="na-quote"><mark>Not in the passage.</mark>' in R.passage_html(missing)


def test_long_passages_are_trimmed_around_the_quote():
    from tests.ui.fake_assistant import citation

    art = list(ARTICLES[0])
    art[5] = "word " * 400 + art[6] + " tail" * 400
    html = R.passage_html(citation(1, tuple(art)))
    assert "<mark>About 369 vessels were queued.</mark>" in html and len(html) < 1200
    assert "… " in html and " …" in html


# -- filters -----------------------------------------------------------------------------------
def test_parse_filters():
    assert parse_filters(None, "", "") == (None, None, None)
    assert parse_filters(["Harbor Ledger", ""], " 2021-03-01 ", "2021-03-31") == \
        (["Harbor Ledger"], date(2021, 3, 1), date(2021, 3, 31))
    with pytest.raises(FilterError, match="YYYY-MM-DD"):
        parse_filters(None, "March 2021", "")
    with pytest.raises(FilterError, match="after"):
        parse_filters(None, "2022-01-01", "2021-01-01")


def test_filters_reach_ask_and_are_noted_under_the_answer(h, fake):
    _, (msgs, _, _, _) = run(h, "q", sources=["Meridian Wire"], since="2021-03-01")
    call = fake.asked[0]
    assert call["sources"] == ["Meridian Wire"] and call["since"] == date(2021, 3, 1) and call["until"] is None
    assert "Filtered to outlets: Meridian Wire; published 2021-03-01" in assistant_html(msgs)


def test_bad_date_is_a_visible_message_not_a_question(h, fake):
    _, (msgs, conv, _, box) = run(h, "q", since="31/12/2021")
    assert "na-error" in assistant_html(msgs) and "YYYY-MM-DD" in assistant_html(msgs)
    assert fake.asked == [] and box == "q" and conv["turns"] == []


# -- errors and the rest -------------------------------------------------------------------------
def test_typed_error_shows_its_message(h, fake):
    fake.raise_on_ask = IndexNotFoundError("/nowhere")
    _, (msgs, conv, _, _) = run(h, "q")
    assert "no index at /nowhere" in assistant_html(msgs) and conv["turns"] == []


def test_unexpected_error_is_logged_and_generic(h, fake, caplog):
    fake.raise_on_ask = RuntimeError("secret /internal/path")
    _, (msgs, _, _, _) = run(h, "q")
    assert R.esc(GENERIC_ERROR) in assistant_html(msgs) and "secret" not in assistant_html(msgs)
    assert "secret /internal/path" in caplog.text and "Traceback" in caplog.text


def test_empty_question_does_nothing(h, fake):
    _, (msgs, _, panel, _) = run(h, "   ")
    assert msgs == [] and fake.asked == [] and panel == R.EMPTY_SOURCES


def test_new_conversation_clears_everything(h):
    assert h.new_conversation() == ([], new_conv(), R.EMPTY_SOURCES, "")


def test_page_info_survives_a_failing_part(h, fake):
    status, outlets, examples, empty = h.page_info(refresh=True)
    assert "16 articles · 32 passages · 2 outlets" in status and "newest article 8 Apr 2024" in status
    assert outlets == ["Harbor Ledger", "Meridian Wire"] and len(examples) == 2 and fake.refreshed == 1
    assert not empty
    fake.examples_error = ModuleNotFoundError("not yet")
    status, outlets, examples, empty = h.page_info()
    assert "16 articles" in status and outlets and examples == [] and not empty


# -- the /ask and /search endpoints ------------------------------------------------------------------
def test_api_ask_returns_the_answer_object_with_paths_intact(h, fake):
    out = h.api_ask("How many vessels?", ["Harbor Ledger"], "2021-01-01", "", "")
    assert isinstance(out, dict) and out == json.loads(json.dumps(out))
    assert out["citations"][0]["path"] == "/data/suez.md" and out["text"].endswith("[2]")
    again = h.api_ask("And later?", None, "", "", json.dumps([out]), as_of="2021-12-31")
    assert again["question"] == "And later?"
    hist = fake.asked[1]["history"]
    assert hist[0][0] == "How many vessels?" and hist[0][1].to_dict() == out
    assert parse_history(json.dumps([["q", out]]))[0][0] == "q"
    assert isinstance(parse_history(""), History) and not parse_history("")
    with pytest.raises(FilterError):
        parse_history("{not json")
    with pytest.raises(FilterError):
        h.api_ask("q", None, "yesterday", "", "")
    with pytest.raises(FilterError):
        h.api_ask("q", None, "", "", "", as_of="next week")


def test_api_search_returns_passages(h, fake):
    found = h.api_search("vessels", 2, ["Harbor Ledger"], "2021-01-01", "")
    assert found[0]["title"] == "Ever Given Refloated" and found[0]["published"] == "2021-03-29"
    assert fake.searched[0]["sources"] == ["Harbor Ledger"] and fake.searched[0]["k"] == 2


def test_build_app_exposes_only_the_ask_and_search_endpoints(fake):
    pytest.importorskip("gradio")
    from ui.web import build_app

    app = build_app(fake)
    public = [fn.api_name for fn in app.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask", "search"]
    assert all(not fn.queue for fn in app.fns.values() if fn.api_name in public)  # never held in the queue


def _with_short_answer() -> Answer:
    from assistant import Citation, ShortAnswer

    quote = "About 280,000 people have been displaced, the UN said."
    c = Citation(n=1, article_id="a1", title="Floods", source="", url="", published=None, path="", quote=quote,
                 passage="Rain fell. " + quote, start=11, end=11 + len(quote), score=0.9, passage_start=0)
    at = 11 + quote.index("280,000")
    return Answer("How many?", f"{quote} [1]", citations=[c], confidence=0.9,
                  short_answer=ShortAnswer("280,000", "a1", at, at + 7, citation=1))


def test_the_short_answer_is_bold_in_the_message_and_inside_the_highlighted_quote():
    a = _with_short_answer()
    assert a.text[slice(*a.short_answer_in_text())] == "280,000"
    message = "".join(R.answer_pieces(a, 1))
    assert '<b class="na-short">280&#44;000</b>' in message or '<b class="na-short">280,000</b>' in message
    panel = R.sources_html([("How many?", a)])
    assert re.search(r"<mark>About <b class=\"na-short\">280[^<]*</b> people", panel)


def test_a_source_stating_no_outlet_or_date_shows_neither():
    panel = R.sources_html([("How many?", _with_short_answer())])
    assert "Unknown outlet" not in panel and "undated" not in panel
