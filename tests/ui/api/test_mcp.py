"""The MCP tools `ask` and `search`, listed and called with the `mcp` client package over the
streamable HTTP transport of a really served app (fake embedder); keys beyond loopback."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.ui.api.conftest import KEY, SUEZ

pytestmark = pytest.mark.slow
pytest.importorskip("mcp")


def run(url: str, steps, headers=None):
    """`steps(client)` with an initialised MCP client connected to the server at `url`."""
    import httpx
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def go():
        async with httpx.AsyncClient(headers=headers or {}, timeout=60) as http:
            async with streamable_http_client(url + "gradio_api/mcp/", http_client=http) as (r, w, _):
                async with ClientSession(r, w) as client:
                    await client.initialize()
                    return await steps(client)

    return asyncio.run(go())


def test_tools_are_listed_with_their_parameters(local):
    async def steps(s):
        return (await s.list_tools()).tools

    tools = {t.name: t for t in run(local.url, steps)}
    assert set(tools) == {"ask", "search"}
    ask = tools["ask"]
    assert "cited" in ask.description.lower() or "[n]" in ask.description
    props = ask.inputSchema["properties"]
    assert ask.inputSchema["required"] == ["question"] and "request" not in props
    assert {"question", "sources", "since", "until", "history_json", "as_of"} <= set(props)
    assert "query" in tools["search"].inputSchema["properties"]


def test_ask_and_search_return_json(local):
    async def steps(s):
        return (await s.call_tool("ask", {"question": SUEZ}),
                await s.call_tool("search", {"query": "Ever Given", "k": 2}))

    asked, searched = run(local.url, steps)
    assert not asked.isError
    answer = json.loads(asked.content[0].text)
    assert answer == local.library.assistant.ask(SUEZ).to_dict()
    passages = json.loads(searched.content[0].text)
    assert 1 <= len(passages) <= 2 and passages[0]["title"]


def test_a_bad_argument_is_a_tool_error(local):
    async def steps(s):
        return await s.call_tool("ask", {"question": SUEZ, "since": "soon"})

    result = run(local.url, steps)
    assert result.isError and "YYYY-MM-DD" in result.content[0].text


def test_beyond_loopback_the_tools_need_a_key(serve_api):
    from ui.api.access import KeyRing

    s = serve_api(public=True, keys=KeyRing([KEY]))
    assert s.call("POST", "/gradio_api/mcp/", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"})[0] == 401

    async def steps(client):
        return await client.call_tool("ask", {"question": SUEZ})

    result = run(s.url, steps, headers={"Authorization": f"Bearer {KEY}"})
    assert json.loads(result.content[0].text)["citations"]
