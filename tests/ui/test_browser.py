"""The browser chat end to end: real model, real index of examples/articles, Debian Chromium
driven by Playwright, plus the /ask endpoint through gradio_client. Fixtures in conftest.py."""

from __future__ import annotations

import json
import re

import pytest

from tests.ui.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SUEZ = "How many vessels were waiting at the Suez Canal?"
BOT = '#na-chat [data-testid="bot"]'
FESTIVAL = """---
title: Brindlewick Lantern Festival Draws Record Crowd
source: Valley Courier
published: 2024-09-15
url: https://example.org/valley-courier/brindlewick-lanterns
---

The Brindlewick Lantern Festival drew 12,400 visitors to the riverside town over the weekend, organisers said on Sunday.

Volunteers hung more than 3,000 paper lanterns along the old towpath, and the closing parade crossed the stone bridge at dusk.

The festival began in 1987 as a small gathering of lantern makers from the valley.
"""
HOSTILE = """---
title: Quorblex <img src=x onerror=alert(2)> Fair
source: Quorblex <b>Gazette</b>
url: javascript:alert(3)
---

The Quorblex fair opened on Saturday with 937 stalls <script>alert(1)</script> along the river, organisers said.

Banners showed <img src=x onerror=alert(4)> and a sign read [click](javascript:alert(5)) near the gate of the Quorblex fair.

The fair runs for nine days and ends with fireworks over the old mill.
"""


def ask(page, question: str):
    """Type a question, press Enter, wait until the new answer has finished streaming."""
    n = page.locator(BOT).count()
    page.fill("#na-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        """([sel, n]) => { const m = document.querySelectorAll(sel);
             return m.length > n && !m[m.length - 1].querySelector('.na-pending, .na-caret'); }""",
        arg=[BOT, n], timeout=60_000)
    return page.locator(BOT).last


def squash(s: str) -> str:
    return " ".join(s.split())


def upload(page, tmp_path, name: str, text: str) -> str:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    page.get_by_text("Add articles").click()
    page.locator("#na-files input[type=file]").set_input_files(str(f))
    page.locator("#na-files").get_by_text(name).wait_for()
    page.click("#na-add")
    page.wait_for_function("() => /Added \\d+ article/.test(document.querySelector('#na-report').innerText)",
                           timeout=60_000)
    return page.inner_text("#na-report")


def test_answer_streams_with_citations_and_highlighted_quote(page):
    page.evaluate("""() => { window.__sawCaret = false;
        new MutationObserver(() => { if (document.querySelector('#na-chat .na-caret')) window.__sawCaret = true; })
          .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    bot = ask(page, SUEZ)
    assert bot.locator("a.cite").count() >= 1 and bot.locator("a.cite").first.is_visible()
    assert page.evaluate("window.__sawCaret"), "the answer should arrive progressively"
    mark = page.locator("#na-sources-panel mark").first
    assert mark.is_visible()
    assert squash(mark.inner_text()) in squash(bot.inner_text())
    panel = page.inner_text("#na-sources-panel")
    assert "Sources" in panel and re.search(r"\d{4}-\d\d-\d\d", panel)
    link = page.locator("#na-sources-panel a.na-title").first
    assert link.get_attribute("href").startswith("https://") and link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")


def test_a_comparison_of_reports_shows_both_figures_side_by_side(page):
    bot = ask(page, "How do the Suez reports differ?")
    text = squash(bot.inner_text())
    assert "They differ: about 369 vessels against more than 400 vessels." in text
    box = squash(bot.locator(".na-conflicts").inner_text())
    assert "The figures were updated" in box and "about 369 vessels" in box and "more than 400 vessels" in box
    assert bot.locator("a.cite").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "comparison.png"))


def test_clicking_a_citation_brings_its_source_into_view(page):
    bot = ask(page, SUEZ)
    cite = bot.locator("a.cite").last
    target = cite.get_attribute("href").lstrip("#")
    page.evaluate("() => { const p = document.getElementById('na-sources-panel'); p.scrollTop = 0; window.scrollTo(0, 0); }")
    cite.click()
    page.wait_for_function(
        """(id) => { const el = document.getElementById(id); if (!el || !el.classList.contains('src-active')) return false;
             const r = el.getBoundingClientRect(), p = document.getElementById('na-sources-panel').getBoundingClientRect();
             return r.top >= Math.max(p.top, 0) - 2 && r.top < Math.min(p.bottom, innerHeight); }""",
        arg=target, timeout=10_000)


def test_follow_up_and_new_conversation(page):
    ask(page, SUEZ)
    second = ask(page, "When was it refloated?")
    assert page.locator(BOT).count() == 2 and second.inner_text().strip()
    assert second.locator("a.cite").first.get_attribute("href").startswith("#src-2-")
    assert page.locator("#na-sources-panel details.na-earlier").count() == 1
    page.click("#na-new")
    page.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 0")
    assert "Ask a question" in page.inner_text("#na-sources-panel")


def test_unanswerable_question_shows_abstention(page):
    bot = ask(page, "What is the recipe for sourdough bread?")
    assert bot.locator(".na-abstained").is_visible()
    assert "don't say" in bot.inner_text().replace("’", "'")
    assert "Related reading" in page.inner_text("#na-sources-panel")


def test_bad_date_filter_is_a_visible_message(page):
    page.get_by_text("Filters (apply to the next question)").click()
    page.fill("#na-since textarea, #na-since input", "2021-13-45")
    bot = ask(page, SUEZ)
    assert bot.locator(".na-error").is_visible() and "YYYY-MM-DD" in bot.inner_text()


def article_count(page) -> int:
    return int(re.search(r"(\d+) articles", page.inner_text("#na-header")).group(1))


def test_uploaded_article_can_be_asked_about(page, tmp_path):
    before = article_count(page)
    report = upload(page, tmp_path, "brindlewick-festival.md", FESTIVAL)
    assert "Added 1 article" in report
    page.wait_for_function("(n) => document.querySelector('#na-header').innerText.includes(n + ' articles')",
                           arg=before + 1)
    bot = ask(page, "How many visitors did the Brindlewick Lantern Festival draw?")
    assert "12,400" in bot.inner_text()
    assert "Valley Courier" in page.inner_text("#na-sources-panel")


def test_uploaded_script_payloads_show_as_text_and_never_run(page, tmp_path):
    upload(page, tmp_path, "quorblex.txt", HOSTILE)
    bot = ask(page, "How many stalls did the Quorblex fair open with?")
    for c in bot.locator("a.cite").all():
        c.click()
    page.wait_for_timeout(800)
    assert page.dialogs == []
    panel = page.inner_text("#na-sources-panel")
    assert "<img src=x onerror=alert(2)>" in panel  # the title, as text
    assert "alert(" in panel + bot.inner_text()
    assert page.locator("#na-chat script, #na-sources-panel script").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


def test_ask_endpoint_round_trips_through_gradio_client(live_server):
    from gradio_client import Client

    url, assistant = live_server
    client = Client(url, verbose=False, download_files=False)  # citations carry a "path": not files to fetch
    out = client.predict(question=SUEZ, api_name="/ask")
    expected = assistant.ask(SUEZ).to_dict()
    assert isinstance(out, dict) and out["citations"]
    assert out["citations"][0]["path"] == expected["citations"][0]["path"]
    assert out == json.loads(json.dumps(expected))
    follow = client.predict(question="When was it refloated?", history_json=json.dumps([out]), api_name="/ask")
    assert follow["question"] == "When was it refloated?" and follow["text"]
    found = client.predict(query="Ever Given refloated", k=2, api_name="/search")
    assert 1 <= len(found) <= 2 and found[0]["title"]
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        client.predict(question=SUEZ, since="soon", api_name="/ask")


def test_example_question_buttons_ask(page):
    buttons = page.locator("#na-examples button:visible")
    if buttons.count() == 0:
        pytest.skip("the assistant offers no example questions (Assistant.example_questions)")
    n = page.locator(BOT).count()
    buttons.first.click()
    page.wait_for_function(
        """([sel, n]) => { const m = document.querySelectorAll(sel);
             return m.length > n && !m[m.length - 1].querySelector('.na-pending, .na-caret'); }""",
        arg=[BOT, n], timeout=60_000)
    assert page.locator('#na-chat [data-testid="user"]').last.inner_text().strip()


# -- adding articles by web address, and an empty start ---------------------------------------------
@pytest.fixture(scope="module")
def site():
    from tests.web_site import LocalSite, article_page

    with LocalSite() as s:
        s.route("/harbour.html", article_page("harbour", site_name="The Coastal Herald"))
        yield s


def add_urls(page, text: str) -> str:
    """Type addresses into "Add articles" and fetch them; the report's text once it is in."""
    if not page.locator("#na-urls").is_visible():
        page.get_by_text("Add articles").click()
    page.fill("#na-urls textarea, #na-urls input", text)
    page.click("#na-add-urls")
    page.wait_for_function("() => /Added \\d+ article|Could not/.test(document.querySelector('#na-report').innerText)",
                           timeout=60_000)
    return page.inner_text("#na-report")


def test_a_private_address_typed_in_the_page_is_refused_with_its_reason(page, site):
    asked = len(site.requests)
    url = site.url("/harbour.html")
    report = add_urls(page, url)
    assert "Added 0 articles" in report and url in report and "private addresses are not fetched" in report
    assert len(site.requests) == asked  # refused before any request was sent


@pytest.fixture(scope="module")
def empty_server(real_embedder, tmp_path_factory):
    """A server on an index directory that does not exist yet, allowing private addresses (the
    local site is one), as `assistant serve --index NEW --allow-private-urls` builds it."""
    from assistant import Assistant
    from index import open_index
    from ui.api import Library
    from ui.api.server import ApiSettings
    from ui.web import build_app, launch

    work = tmp_path_factory.mktemp("empty")
    d = work / "index"
    lib = Library(None, index_dir=d, reopen=lambda: Assistant(d, embedder=real_embedder),
                  create=lambda: Assistant(index=open_index(d, embedder=real_embedder, create=True)))
    app = build_app(lib, upload_dir=work / "uploads", stream_delay=0.01)
    url = launch(app, port=0, block=False, api=ApiSettings(allow_private_urls=True))
    yield url
    app.close()
    if lib.assistant is not None:
        lib.assistant.close()


def test_an_empty_chat_invites_articles_then_answers_from_an_added_page(browser, empty_server, site, request):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    try:
        pg.goto(empty_server)
        pg.wait_for_selector("#na-question textarea")
        assert "The index is empty" in pg.inner_text("#na-header")
        assert "Add articles" in pg.inner_text("#na-examples-hint")
        assert pg.locator("#na-urls").is_visible()  # "Add articles" starts open
        note = ask(pg, "What happened at the harbour?")
        assert note.locator(".na-note").is_visible() and note.locator(".na-error").count() == 0
        url = site.url("/harbour.html")
        report = add_urls(pg, url)
        assert "Added 1 article" in report and url in report
        pg.wait_for_function("() => /(^|\\s)1 article\\b/.test(document.querySelector('#na-header').innerText)")
        assert "newest article 12 Jun 2025" in pg.inner_text("#na-header")
        assert not pg.locator("#na-examples-hint").is_visible()
        bot = ask(pg, "How many cranes were damaged in the storm at Port Ellery?")
        assert bot.locator("a.cite").count() >= 1 and "The Coastal Herald" in pg.inner_text("#na-sources-panel")
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        raise
    finally:
        ctx.close()
