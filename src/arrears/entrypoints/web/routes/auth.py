"""Signing in and out, the home page of each role, and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from arrears.entrypoints.web.access import (
    COOKIE,
    Access,
    authenticate,
    client_address,
    context,
    current_session,
)
from arrears.entrypoints.web.cookies import clear_session_cookie, safe_next, set_session_cookie
from arrears.entrypoints.web.templating import render
from arrears.services.auth import AuthenticationFailed, Role, Session, TooManyAttempts

router = APIRouter()
PUBLIC = [Depends(Access.public_route())]
EVERYONE = [Depends(Access(*Role))]

HOMES = {
    Role.AGENT: "/agent/queue",
    Role.SUPERVISOR: "/supervisor/approvals",
    Role.COMPLIANCE: "/agent/accounts",
    Role.ADMIN: "/admin/users",
    Role.AGENCY: "/agency",
    Role.BORROWER: "/portal/accounts",
}


async def ensure_session(request: Request, *, language: str = "en") -> Session:
    """The browser's session, or a new anonymous one carrying the sign-in form's CSRF token."""
    session = await current_session(request)
    if session is None:
        auth = context(request).auth
        session = await run_in_threadpool(lambda: auth.start_anonymous(language=language))
        request.state.session = session
    return session


@router.get("/", dependencies=PUBLIC, include_in_schema=False)
async def home(request: Request) -> Response:
    principal = await authenticate(request)
    return RedirectResponse(HOMES[principal.role] if principal else "/login", status_code=303)


@router.get("/healthz", dependencies=PUBLIC, include_in_schema=False)
def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/login", dependencies=PUBLIC, include_in_schema=False)
async def login_page(request: Request, next: str = "") -> Response:
    session = await ensure_session(request)
    response = render(request, "login.html", {"next": safe_next(next, "")})
    set_session_cookie(response, session, request)
    return response


@router.post("/login", dependencies=PUBLIC, include_in_schema=False)
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "",
) -> Response:
    auth = context(request).auth
    try:
        session = await run_in_threadpool(
            lambda: auth.login(
                username=username,
                password=password,
                address=client_address(request),
                previous=request.cookies.get(COOKIE),
            )
        )
    except (AuthenticationFailed, TooManyAttempts) as failure:
        status = 429 if isinstance(failure, TooManyAttempts) else 401
        context_ = {"next": safe_next(next, ""), "error": str(failure), "username": username}
        return render(request, "login.html", context_, status_code=status)
    assert session.principal is not None
    target = safe_next(next, HOMES[session.principal.role])
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, session, request)
    return response


@router.post("/logout", dependencies=EVERYONE, include_in_schema=False)
async def logout(request: Request) -> Response:
    session = await current_session(request)
    portal = session is not None and session.kind == "borrower"
    if session is not None:
        await run_in_threadpool(context(request).auth.logout, session)
    response = RedirectResponse("/portal/sign-in" if portal else "/login", status_code=303)
    clear_session_cookie(response, request)
    return response
