"""The REST routes, JSON in and out, under `/api` (reference: docs/API.md; schema:
`/api/openapi.json`, page: `/api/docs`).

Reads: `POST /api/ask`, `POST /api/search`, `GET /api/stats`, `GET /api/articles`,
`GET /api/health`. Writes (always with an API key, see `access`): `POST /api/ingest` (files as
multipart/form-data), `DELETE /api/articles/{id}`, `POST /api/rebuild`. Errors are
`{"error": CODE, "detail": MESSAGE}` (`errors`).

Uploaded files go through the browser upload's checks (`ui.web_upload`: extension, content,
size) and are kept in the server's upload folder before they are ingested, as page uploads are.

`POST /api/ingest` with a JSON body `{"urls": [...]}` fetches web pages and RSS / Atom feeds
through the index (`index.Fetcher`: robots.txt, timeouts, size limits; addresses on private
networks refused unless the server runs with --allow-private-urls). An index without URL
support answers 501.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from assistant import History
from ui import web_upload
from ui.api import errors as E
from ui.api.access import MAX_FILES_PER_REQUEST
from ui.api.docs_page import render
from ui.api.records import (AskRequest, SearchRequest, UrlIngestRequest, page_json, passages_json, report_json,
                             stats_json)

ANSWER_DOC = ("The Answer object (`Answer.to_dict()`): `question`, `text` with [n] marks, `citations`, "
              "`abstained`, `confidence`, `query`, `conflicts`, `mode`, `notes`, `unsupported`, ... "
              "Every field is described in docs/API.md.")


def router(library, *, max_upload_bytes: int, upload_dir: Path, allow_private_urls: bool = False) -> APIRouter:
    r = APIRouter(prefix="/api")
    fetcher = url_fetcher(allow_private_urls)

    @r.get("/health", tags=["Reading"], summary="Whether the server can answer now")
    def health():
        return {"status": "rebuilding" if library.rebuilding else "ok"}

    @r.post("/ask", tags=["Reading"], summary="Answer a question from the articles", description=ANSWER_DOC)
    def ask(body: AskRequest) -> dict:
        with E.translated():
            history = _history(body.history)
            answer = library.ask(body.question, history=history.recent() or None, sources=body.sources,
                                 since=body.since, until=body.until, as_of=body.as_of, k=body.k)
            return answer.to_dict()

    @r.post("/search", tags=["Reading"], summary="The passages retrieval finds, without an answer")
    def search(body: SearchRequest) -> dict:
        with E.translated():
            found = library.search(body.query, k=body.k, sources=body.sources, since=body.since,
                                   until=body.until, as_of=body.as_of)
            return {"query": body.query, "passages": passages_json(found)}

    @r.get("/stats", tags=["Reading"], summary="What the index holds")
    def stats() -> dict:
        with E.translated():
            return stats_json(library.stats())

    @r.get("/articles", tags=["Reading"], summary="The articles, newest first, a page at a time")
    def articles(source: Annotated[list[str] | None, Query(description="outlet; repeat for several")] = None,
                 since: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
                 until: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                 offset: Annotated[int, Query(ge=0)] = 0) -> dict:
        with E.translated():
            return page_json(library.articles(sources=source, since=since, until=until, limit=limit, offset=offset))

    @r.delete("/articles/{article_id}", tags=["Writing (API key)"],
              summary="Remove an article (id, or a unique prefix of 6+ characters)")
    def delete_article(article_id: str) -> dict:
        with E.translated():
            return {"deleted": library.delete([article_id])}

    @r.post("/ingest", tags=["Writing (API key)"],
            summary="Add articles: files as multipart/form-data, or {\"urls\": [...]} as JSON",
            description="Files in the field `files` (repeat it for several): .txt .md .html .htm .json "
                        ".jsonl, each checked by extension and content; refused files are listed under "
                        "`rejected`. Or a JSON body {\"urls\": [...]}: web pages and RSS / Atom feeds, "
                        "fetched by the server; how each went is listed under `urls`.",
            openapi_extra={"requestBody": {"content": {
                "multipart/form-data": {"schema": {"type": "object", "properties": {"files": {
                    "type": "array", "items": {"type": "string", "format": "binary"}}}, "required": ["files"]}},
                "application/json": {"schema": {"$ref": "#/components/schemas/UrlIngestRequest"}}}}})
    async def ingest(request: Request) -> dict:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json":
            return await _ingest_urls(request, library, fetcher)
        if ctype != "multipart/form-data":
            raise E.BadRequest("send files as multipart/form-data (field `files`), or JSON {\"urls\": [...]}")
        work = Path(tempfile.mkdtemp(prefix="news-api-upload-"))
        try:
            names, paths = await _receive(request, work, max_upload_bytes)
            staged, rejected = {}, []
            for p in paths:
                try:
                    web_upload.check_upload(p, [work], max_upload_bytes)
                    staged[str(web_upload.stage(p, upload_dir))] = names[p]
                except web_upload.UploadRejected as e:
                    rejected.append((names[p], str(e)))
                except OSError as e:
                    E.log.error("cannot keep an uploaded file in %s", upload_dir, exc_info=e)
                    rejected.append((names[p], "could not be stored on the server"))
            if not staged:
                why = "; ".join(f"{n}: {reason}" for n, reason in rejected) or "no files"
                raise E.BadRequest(f"nothing could be ingested ({why})")
            with E.translated():
                report = await run_in_threadpool(library.ingest, list(staged))
            return report_json(report, rejected, staged)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    @r.post("/rebuild", tags=["Writing (API key)"], status_code=202,
            summary="Re-embed every article in the background; meanwhile every request gets 503")
    def rebuild() -> dict:
        with E.translated():
            library.start_rebuild()
        return {"status": "rebuilding", "detail": "GET /api/health says \"ok\" again when it has finished"}

    @r.get("/docs", include_in_schema=False)
    def docs(request: Request):
        return HTMLResponse(render(request.app.openapi()))

    @r.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown(rest: str):
        raise E.NotFound(f"no route /api/{rest}; see /api/docs")

    return r


def url_fetcher(allow_private: bool):
    """The index's fetcher for URL ingest, or None where the index cannot fetch URLs."""
    try:
        from index import Fetcher
    except ImportError:
        return None
    return Fetcher(allow_private=allow_private)


async def _ingest_urls(request: Request, library, fetcher) -> dict:
    from pydantic import TypeAdapter, ValidationError

    from index import is_url

    if fetcher is None:
        raise E.NotImplementedYet("this index cannot fetch URLs; upload the files as multipart/form-data")
    try:
        body = TypeAdapter(UrlIngestRequest).validate_json(await request.body())
    except ValidationError as e:
        raise E.BadRequest("the body must be {\"urls\": [1 to 20 http(s) URLs]}: "
                           + "; ".join(x.get("msg", "") for x in e.errors()[:3])) from None
    bad = [u for u in body.urls if not is_url(u)]
    if bad:
        raise E.BadRequest(f"not an http(s) URL: {bad[0]!r}")
    with E.translated():
        report = await run_in_threadpool(library.ingest, body.urls, None, fetcher)
    out = report_json(report)
    if not report.added and out["urls"] and all(f["outcome"] == "failed" for f in out["urls"]):
        why = "; ".join(f"{f['url']}: {f['error']}" for f in out["urls"])
        raise E.BadRequest(f"nothing could be fetched ({why})")
    return out


def _history(items) -> History:
    if not items:
        return History()
    try:
        return History.from_list(items)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise E.BadRequest("history must be a list of earlier /api/ask results (or [question, answer] "
                           f"pairs): {type(e).__name__}: {e}") from None


async def _receive(request: Request, work: Path, max_bytes: int) -> tuple[dict[str, str], list[str]]:
    """The uploaded files, written into `work` under their own (made safe) names: ({path: name}, paths).
    413 for a file over the limit, 400 for a form without files."""
    try:
        form = await request.form(max_files=MAX_FILES_PER_REQUEST, max_fields=20)
    except HTTPException:
        raise  # a body over the limit (413)
    except Exception as e:  # noqa: BLE001 - starlette raises several kinds for a bad form
        raise E.BadRequest(f"could not read the multipart form: {e}") from None
    uploads = [f for key in ("files", "file") for f in form.getlist(key) if hasattr(f, "read")]
    if not uploads:
        raise E.BadRequest("no files in the form: send them in the field `files`")
    names, paths = {}, []
    for i, up in enumerate(uploads):
        name = Path(up.filename or f"upload-{i}").name or f"upload-{i}"
        if up.size is not None and up.size > max_bytes:
            raise E.PayloadTooLarge(f"{name} is {up.size / 2**20:.1f} MB; "
                                    f"the limit is {max_bytes / 2**20:g} MB per file")
        safe = re.sub(r"[^\w.\-]+", "_", name).strip("._") or f"upload-{i}"
        dest = work / f"{i:02d}" / safe
        dest.parent.mkdir()
        with open(dest, "wb") as out:
            while chunk := await up.read(1 << 20):
                out.write(chunk)
        names[str(dest)] = name
        paths.append(str(dest))
    await form.close()
    return names, paths
