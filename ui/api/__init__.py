"""The server's programmatic doors beside the browser chat, all on the one port `assistant serve`
listens on (see docs/API.md):

- `/api/...`: REST, JSON in and out (`rest`);
- `/v1/chat/completions`, `/v1/models`: OpenAI-compatible chat (`openai_routes`, `chat_format`);
- MCP tools `ask` and `search` at `/gradio_api/mcp/` (Gradio's MCP server; the tools are the
  page's named endpoints, see `ui.web`).

`Library` (`library`) is the one Assistant every door and every browser tab shares: readers run
side by side, writers take turns and swap their result in (`rwlock`). `access` checks API keys
and rate limits; `server` puts the FastAPI app, the mounted Gradio page and uvicorn together.
"""

from ui.api.library import ArticlePage, Library, LibraryBusy, Rebuilding

__all__ = ["ArticlePage", "Library", "LibraryBusy", "Rebuilding"]
