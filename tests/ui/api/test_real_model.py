"""End to end with the real model over the sample articles: the three doors give the answer the
library gives, with the Suez reports cited."""

from __future__ import annotations

import json
import shutil

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]
QUESTION = "How many vessels were waiting at the Suez Canal?"


@pytest.fixture(scope="module")
def real(sample_index_dir, real_embedder, tmp_path_factory):
    from assistant import Assistant
    from ui.api import Library
    from ui.web import build_app, launch

    d = tmp_path_factory.mktemp("real") / "index"
    shutil.copytree(sample_index_dir, d)
    lib = Library(Assistant(d, embedder=real_embedder))
    app = build_app(lib, upload_dir=d.parent / "uploads", stream_delay=0)
    url = launch(app, port=0, block=False)
    yield url, lib
    app.close()
    lib.assistant.close()


def test_rest_openai_and_mcp_agree(real):
    import urllib.request

    openai = pytest.importorskip("openai")
    url, lib = real
    expected = lib.ask(QUESTION).to_dict()
    assert not expected["abstained"] and any("Suez" in c["title"] or "Ever Given" in c["title"]
                                             for c in expected["citations"])
    req = urllib.request.Request(url + "api/ask", data=json.dumps({"question": QUESTION}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert json.loads(r.read()) == expected
    client = openai.OpenAI(base_url=url + "v1", api_key="none", max_retries=0, timeout=120)
    chunks = list(client.chat.completions.create(model="news-assistant", stream=True,
                                                 messages=[{"role": "user", "content": QUESTION}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith(expected["text"]) and "Sources:" in text
    assert chunks[-1].model_extra["answer"] == expected

    from tests.ui.api.test_mcp import run

    async def steps(s):
        return await s.call_tool("ask", {"question": QUESTION})

    assert json.loads(run(url, steps).content[0].text) == expected
