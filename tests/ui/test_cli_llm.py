"""The LLM in the UI: `assistant ask` / `chat` / `serve` flags against the scripted server, the
streamed text and the line saying which mode answered, and the browser chat's handlers (draft
while streaming, badge, unsupported flag), all with the fake embedder."""

from __future__ import annotations

import io
import json

import pytest

import assistant
import ui.web as web
from assistant import Assistant as RealAssistant
from tests.assistant.llm.fake_server import ARTICLES, fake_llm, llm_index, malformed, reply, sleep  # noqa: F401
from ui import web_render as R
from ui.cli import main
from ui.web_handlers import Handlers, new_conv

QUESTION = "How many vessels queued at the Suez Canal?"
GOOD = "About 369 vessels queued at both ends of the canal [1]."
INVENTED = "The captain was later awarded a medal for bravery [1]."


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch, tmp_path):
    for var in ("ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_LLM_API_KEY_ENV", "ASSISTANT_LLM_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "absent.toml"))


@pytest.fixture
def cli_index(llm_index, monkeypatch):
    """The CLI's Assistant opens the test index with the fake embedder (no model load)."""
    d, emb = llm_index
    monkeypatch.setattr(assistant, "Assistant", lambda index_dir, **kw: RealAssistant(index_dir, embedder=emb, **kw))
    return d


def ask(cli_index, url, *extra):
    return main(["ask", "--index", str(cli_index), "--llm-base-url", url, "--llm-model", "tiny", *extra, QUESTION])


def test_ask_streams_the_llm_answer_and_says_which_mode_answered(cli_index, fake_llm, capsys):
    fake_llm.script(reply(GOOD))
    assert ask(cli_index, fake_llm.url) == 0
    out = capsys.readouterr().out
    assert out.startswith(GOOD + "\n\nSources:\n[1] Ship Blocks Suez Canal — Harbor Ledger, 2021-03-29")
    assert out.count(GOOD) == 1  # the checked text is the streamed one: not printed twice
    assert "(answered by LLM tiny; each sentence checked against the passage it cites)" in out
    assert fake_llm.requests[0]["body"]["stream"] is True


def test_ask_reprints_the_checked_answer_when_the_check_changed_it(cli_index, fake_llm, capsys):
    fake_llm.script(reply(f"{GOOD} {INVENTED}"))
    assert ask(cli_index, fake_llm.url) == 0
    raw = capsys.readouterr().out
    out = " ".join(raw.split())  # the answer is wrapped at 100 columns
    assert "Checked against the cited passages:\n" in raw
    assert "The captain was later awarded a medal for bravery [unsupported]." in out
    assert "unsupported: The captain was later awarded a medal for bravery." in out


def test_ask_falls_back_with_a_note_and_no_traceback(cli_index, fake_llm, capsys):
    fake_llm.script(malformed())
    assert ask(cli_index, fake_llm.url) == 0
    out, err = capsys.readouterr()
    assert "The LLM's answer was not used; the extractive answer:" in out  # it had started streaming
    assert "note: LLM unavailable (malformed reply" in out and "(extractive answer" in out
    assert "Traceback" not in out + err


def test_ask_json_is_not_streamed_and_carries_mode_and_unsupported(cli_index, fake_llm, capsys):
    fake_llm.script(reply(f"{GOOD} {INVENTED}"))
    assert ask(cli_index, fake_llm.url, "--json", "--llm-unsupported", "drop") == 0
    d = json.loads(capsys.readouterr().out)
    assert d["mode"] == "llm" and d["unsupported"] == ["The captain was later awarded a medal for bravery."]
    assert "medal" not in d["text"] and fake_llm.requests[0]["body"]["stream"] is False


def test_half_a_configuration_is_a_one_line_error(cli_index, capsys):
    assert main(["ask", "--index", str(cli_index), "--llm-model", "tiny", QUESTION]) == 1
    err = capsys.readouterr().err
    assert err.startswith("assistant: error: llm base_url is missing") and "Traceback" not in err


def test_config_file_and_no_llm(cli_index, fake_llm, capsys, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[llm]\nbase_url = "{fake_llm.url}"\nmodel = "from-file"\n', encoding="utf-8")
    fake_llm.script(reply(GOOD))
    assert main(["ask", "--index", str(cli_index), "--config", str(cfg), QUESTION]) == 0
    assert "answered by LLM from-file" in capsys.readouterr().out
    assert main(["ask", "--index", str(cli_index), "--config", str(cfg), "--no-llm", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "answered by LLM" not in out and len(fake_llm.requests) == 1


def test_chat_streams_and_rewrites_followups(cli_index, fake_llm, capsys, monkeypatch):
    fake_llm.script(reply(GOOD), reply("How long did the salvage crews take to free the ship?"),
                    reply("Salvage crews freed the ship on 29 March after six days [1]."))
    monkeypatch.setattr("sys.stdin", io.StringIO(QUESTION + "\nHow long did that take?\n"))
    assert main(["chat", "--index", str(cli_index), "--llm-base-url", fake_llm.url, "--llm-model", "tiny"]) == 0
    out = capsys.readouterr().out
    assert "Answers by LLM tiny" in out.splitlines()[0]
    first, second = out.split("you> ")[1:]
    assert GOOD in first and "answered by LLM tiny" in first
    assert "Salvage crews freed the ship on 29 March after six days [1]." in second
    assert "(searched: How long did the salvage crews take to free the ship?)" in second
    assert [r["body"]["stream"] for r in fake_llm.requests] == [True, False, True]


def test_serve_passes_the_llm_settings(monkeypatch):
    calls = []
    monkeypatch.setattr(web, "serve", lambda *a, **kw: calls.append(kw) or "http://x/")
    assert main(["serve", "--index", "/tmp/i", "--llm-base-url", "http://127.0.0.1:9/v1", "--llm-model", "m",
                 "--llm-timeout", "5"]) == 0
    assert calls[-1]["llm"].model == "m" and calls[-1]["llm"].timeout == 5
    assert main(["serve", "--index", "/tmp/i"]) == 0 and calls[-1]["llm"] is None


# -- the browser chat --------------------------------------------------------------------------------
@pytest.fixture
def handlers(llm_index, fake_llm):
    d, emb = llm_index
    a = RealAssistant(d, embedder=emb, llm=assistant.LLMSettings(base_url=fake_llm.url, model="tiny", timeout=2))
    yield Handlers(a, stream_delay=0)
    a.close()


def test_web_shows_the_draft_then_the_checked_answer_with_its_mode(handlers, fake_llm):
    fake_llm.script(reply(f"{GOOD} {INVENTED}"))
    steps = list(handlers.respond(QUESTION, new_conv()))
    drafts = [s[0][-1]["content"] for s in steps if "na-draft" in s[0][-1]["content"]]
    assert len(drafts) >= 2 and "LLM tiny is writing" in drafts[0]
    msgs, conv, panel, _ = steps[-1]
    final = msgs[-1]["content"]
    assert "na-draft" not in final and "Written by LLM tiny · each sentence checked against its source" in final
    assert '<a class="cite" href="#src-1-1"' in final and R.UNSUPPORTED_FLAG in final
    assert "<mark>About 369 vessels queued at both ends of the canal while tugboats worked.</mark>" in panel
    assert conv["turns"][0][1]["mode"] == "llm"
    assert "answers by LLM tiny" in handlers.page_info()[0]


def test_web_fallback_shows_the_note_and_lists_what_was_left_out(handlers, fake_llm):
    fake_llm.script(reply(INVENTED))
    msgs, conv, _, _ = list(handlers.respond(QUESTION, new_conv()))[-1]
    final = msgs[-1]["content"]
    assert "Written by LLM" not in final and "not supported by the passages it cites" in final
    assert "Left out: 1 sentence" in final and "medal for bravery" in final


def test_web_timeout_is_a_note_not_an_error(handlers, fake_llm):
    fake_llm.script(sleep(3))
    msgs, _, _, _ = list(handlers.respond(QUESTION, new_conv()))[-1]
    assert R.esc("LLM unavailable (timeout after 2 s)") in msgs[-1]["content"] and "na-error" not in msgs[-1]["content"]


def test_warm_up_does_not_call_the_llm(handlers, fake_llm):
    handlers.warm_up()
    assert fake_llm.requests == []
