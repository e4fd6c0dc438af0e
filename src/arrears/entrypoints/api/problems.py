"""RFC 9457 problem details: every error of the API is ``application/problem+json``.

``type`` is a URI naming the kind of problem (``urn:arrears:problem:<slug>``), ``title`` a short
summary, ``status`` the HTTP status, ``detail`` what happened here; extensions carry data (the
rule refused, every invalid field, every problem of an upload).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from arrears.entrypoints.web.access import CsrfFailed, Forbidden, NotSignedIn
from arrears.errors import (
    ArrearsError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    RuleViolation,
    StorageUnavailable,
    ValidationFailed,
)
from arrears.services.auth import AuthenticationFailed, TooManyAttempts

MEDIA_TYPE = "application/problem+json"


class ProblemModel(BaseModel):
    """The shape of every API error (RFC 9457); extension members may follow."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str = ""


def problem(
    status: int, slug: str, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"urn:arrears:problem:{slug}" if slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


#: Simple errors: their HTTP status and problem type.
SIMPLE: tuple[tuple[type[Exception], int, str], ...] = (
    (Forbidden, 403, "forbidden"),
    (CsrfFailed, 403, "csrf"),
    (AuthenticationFailed, 401, "authentication-failed"),
    (NotFoundError, 404, "not-found"),
    (ConflictError, 409, "conflict"),
)
Classified = tuple[int, str, str, dict[str, Any], dict[str, str]]


def classify(error: Exception) -> Classified:
    """(status, slug, detail, extensions, headers) for an error of any kind."""
    for kind, status, slug in SIMPLE:
        if isinstance(error, kind):
            return status, slug, str(error), {}, {}
    return _special(error)


def _special(error: Exception) -> Classified:  # noqa: PLR0911 (one case per kind of error)
    match error:
        case NotSignedIn():
            headers = {"WWW-Authenticate": 'Bearer realm="arrears"'}
            return 401, "not-signed-in", "sign in or send a bearer token", {}, headers
        case TooManyAttempts():
            return 429, "too-many-attempts", str(error), {}, {"Retry-After": str(error.retry_after)}
        case RuleViolation():
            return (
                422,
                "rule-violation",
                str(error),
                {"rule": error.rule, "source": error.source},
                {},
            )
        case ValidationFailed():
            problems = [
                {"file": p.file, "row": p.row, "field": p.column, "message": p.message}
                for p in error.problems
            ]
            return 422, "invalid", str(error), {"problems": problems}, {}
        case StorageUnavailable():
            return 503, "storage-unavailable", str(error), {}, {"Retry-After": "30"}
        case ConfigurationError():
            return 500, "configuration", "arrears is not configured correctly", {}, {}
        case ArrearsError():
            return 400, "refused", str(error), {}, {}
        case RequestValidationError():
            errors = [
                {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                for e in error.errors()
            ]
            return 422, "invalid-request", "the request has invalid fields", {"errors": errors}, {}
        case HTTPException():
            return error.status_code, "", str(error.detail or ""), {}, dict(error.headers or {})
    return 500, "internal", "something went wrong on our side; it has been logged", {}, {}


def problem_for(error: Exception) -> JSONResponse:
    status, slug, detail, extra, headers = classify(error)
    return problem(status, slug, detail, headers=headers or None, **extra)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemModel, "content": {MEDIA_TYPE: {}}, "description": description}
    for status, description in (
        (401, "Not signed in (no session or bearer token)"),
        (403, "This role may not do this, or the CSRF token is missing"),
        (404, "No such record, or not yours"),
        (409, "Conflicts with the current state"),
        (422, "Invalid input or a rule refused it"),
        (429, "Too many attempts"),
    )
}
