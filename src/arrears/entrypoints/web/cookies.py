"""The session cookie: HttpOnly, SameSite=Lax, Secure whenever the app is served over https.

It lives only as long as the browser session; the server decides expiry (idle and absolute)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from arrears.entrypoints.web.access import COOKIE
from arrears.services.auth import Session


def set_session_cookie(response: Response, session: Session, request: Request) -> None:
    if session.token is None:
        return
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


def see_other(url: str, request: Request) -> Response:
    """Go to ``url`` after a form: a 303 redirect, or ``HX-Redirect`` for an HTMX request."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
