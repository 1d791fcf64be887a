"""Putting the server together: a taken port, MCP turned off, what the start-up lines say."""

from __future__ import annotations

import socket

import pytest

from tests.ui.api.conftest import KEY

pytestmark = pytest.mark.slow


def test_a_taken_port_is_a_config_error():
    from index import ConfigError
    from tests.ui.fake_assistant import FakeAssistant
    from ui.web import build_app, launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(ConfigError, match="Choose another --port"):
            launch(build_app(FakeAssistant()), port=s.getsockname()[1], block=False)


def test_mcp_can_be_turned_off(serve_api):
    s = serve_api(mcp=False)
    assert s.call("POST", "/gradio_api/mcp/", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"})[0] == 404
    assert s.call("POST", "/api/ask", {"question": "Which ship?"})[0] == 200


def test_start_up_lines_count_keys_but_never_show_them():
    from ui.api.access import KeyRing, RateLimit
    from ui.api.server import ApiSettings
    from ui.web import describe_api

    text = describe_api("http://127.0.0.1:7860/", ApiSettings(keys=KeyRing([KEY]), public=True,
                                                              rate_limit=RateLimit(60, 60)))
    assert "http://127.0.0.1:7860/api/docs" in text and "API keys: 1 loaded; every API request needs one" in text
    assert "Rate limit: 60 per 60 s" in text and KEY not in text
    assert "writes (ingest, delete) are off" in describe_api("http://x/", ApiSettings())
