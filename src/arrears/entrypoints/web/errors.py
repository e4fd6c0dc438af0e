"""Errors as users see them: problem+json on the API, a page (or an HTMX flash message) on the
web app, the sign-in page when a session has ended. Personal data never goes into the log."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from arrears.adapters.db.failures import as_storage_error
from arrears.entrypoints.api.problems import classify, problem_for
from arrears.entrypoints.web.access import CsrfFailed, Forbidden, NotSignedIn, is_api
from arrears.entrypoints.web.templating import render
from arrears.errors import ArrearsError

log = logging.getLogger("arrears.web")


def install(app: FastAPI) -> None:
    for kind in (
        HTTPException,
        RequestValidationError,
        ArrearsError,
        NotSignedIn,
        Forbidden,
        CsrfFailed,
        Exception,
    ):
        app.add_exception_handler(kind, handle)


def _language(request: Request) -> str:
    session = getattr(request.state, "session", None)
    return session.language if session and request.url.path.startswith("/portal") else "en"


async def handle(request: Request, error: Exception) -> Response:
    error = as_storage_error(error) or error  # a database that is down or full: 503
    status, _, detail, extra, headers = classify(error)
    if status >= 500:
        log.error(
            "%s %s failed: %s", request.method, request.url.path, type(error).__name__,
            exc_info=error,
        )  # fmt: skip
    if is_api(request):
        return problem_for(error)
    htmx = request.headers.get("hx-request") == "true"
    if isinstance(error, NotSignedIn):
        target = "/portal/sign-in" if error.portal else f"/login?next={quote(request.url.path)}"
        if htmx:
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    problems = extra.get("problems") or extra.get("errors") or []
    context = {"status": status, "detail": detail, "problems": problems}
    response = render(
        request,
        "_flash.html" if htmx else "error.html",
        {**context, "kind": "error"},
        status_code=status,
        language=_language(request),
    )
    response.headers.update(headers)
    if htmx:
        response.headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return response
