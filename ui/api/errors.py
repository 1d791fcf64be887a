"""Errors of the HTTP API, as typed exceptions and as the JSON bodies clients get.

REST (`/api/...`) errors are `{"error": CODE, "detail": MESSAGE}`; the OpenAI-compatible routes
(`/v1/...`) wrap the same in OpenAI's shape, `{"error": {"message", "type", "code"}}`, which the
`openai` package and chat UIs read. Library errors map to statuses in `from_library`: a bad
value is 400, an unknown article 404, a busy or rebuilding index 503 with Retry-After.
Anything unexpected is logged with its traceback and answered with a generic 500.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from starlette.responses import JSONResponse

log = logging.getLogger("ui.api")
GENERIC = "something went wrong on the server; the error was logged there"


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str):
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class PayloadTooLarge(ApiError):
    status, code = 413, "too_large"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class NotImplementedYet(ApiError):
    status, code = 501, "not_implemented"


class Unavailable(ApiError):
    status, code = 503, "unavailable"

    def __init__(self, detail: str, retry_after: int = 5):
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class InternalError(ApiError):
    status, code = 500, "internal_error"


def from_library(e: Exception) -> ApiError:
    """The API error for an exception the index, the assistant or the library raised."""
    from index import (ArticleNotFoundError, ConfigError, IndexBusyError, IndexNotFoundError, ModelLoadError,
                       NewsIndexError)

    from ui.api.library import LibraryUnavailable
    from ui.web_handlers import FilterError
    from ui.web_upload import UploadRejected

    if isinstance(e, ApiError):
        return e
    if isinstance(e, LibraryUnavailable):
        return Unavailable(str(e), e.retry_after)
    if isinstance(e, ArticleNotFoundError):
        return NotFound(str(e))
    if isinstance(e, (IndexBusyError, ModelLoadError)):
        return Unavailable(str(e), 10)
    if isinstance(e, IndexNotFoundError):
        return Unavailable(str(e), 30)
    if isinstance(e, (ConfigError, FilterError, UploadRejected, ValueError)):
        return BadRequest(str(e))  # EmptyQuestionError is a ValueError too
    if isinstance(e, NewsIndexError):
        return InternalError(str(e))  # e.g. a damaged index: the message says what to do
    log.error("unexpected error in the HTTP API", exc_info=e)
    return InternalError(GENERIC)


def is_openai_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def body(err: ApiError, path: str) -> dict:
    if is_openai_path(path):
        kind = "invalid_request_error" if err.status < 500 else "server_error"
        return {"error": {"message": err.detail, "type": kind, "code": err.code, "param": None}}
    return {"error": err.code, "detail": err.detail}


def response(err: ApiError, path: str) -> JSONResponse:
    return JSONResponse(body(err, path), status_code=err.status, headers=err.headers)


def install(app) -> None:
    """JSON error bodies for every failure on `app`'s own routes (Gradio's routes keep theirs)."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    async def api_error(request, exc):
        return response(from_library(exc), request.url.path)

    async def invalid(request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return response(BadRequest("; ".join(parts) or "the request is not valid"), request.url.path)

    async def http_error(request, exc: HTTPException):
        kinds = {404: NotFound, 405: MethodNotAllowed, 413: PayloadTooLarge}
        err = kinds.get(exc.status_code, BadRequest)(str(exc.detail))
        err.status = exc.status_code
        return response(err, request.url.path)

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(ApiError, api_error)


@contextmanager
def translated():
    """Inside a route: any exception leaves as the ApiError `from_library` makes of it."""
    try:
        yield
    except ApiError:
        raise
    except Exception as e:  # noqa: BLE001 - mapped (unexpected ones logged) in from_library
        raise from_library(e) from None
