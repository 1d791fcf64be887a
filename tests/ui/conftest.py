"""Fixtures for the browser tests: one real server and one Chromium per module, a fresh page
(= a fresh chat) per test, and a screenshot in test-artifacts/ when a test fails."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(sample_index_dir, real_embedder, tmp_path_factory):
    """A real Assistant over a writable copy of the sample index (uploads must not leak into
    the shared one), served by ui.web on a free port. Yields (url, assistant)."""
    from assistant import Assistant
    from ui.web import build_app, launch

    work = tmp_path_factory.mktemp("web")
    index_dir = work / "index"
    shutil.copytree(sample_index_dir, index_dir)
    a = Assistant(index_dir, embedder=real_embedder)
    a.ask("warm up")
    app = build_app(a, upload_dir=work / "uploads", stream_delay=0.01)
    url = launch(app, port=_free_port(), block=False)
    yield url, a
    app.close()
    a.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; CI's .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, request):
    """A new page on the app; `page.dialogs` records every alert/confirm that fires."""
    url, _ = live_server
    ctx = browser.new_context(viewport={"width": 1360, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    pg.dialogs = []

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.goto(url)
    pg.wait_for_selector("#na-question textarea")
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    ctx.close()
