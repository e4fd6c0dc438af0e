"""Who may call a route: every route of the app declares an ``Access`` dependency (its roles, or
that it is public), checked before the handler runs; a test enumerates the routes to prove it.

Requests are authenticated by the session cookie (people) or a bearer token (systems, API only).
Unsafe requests (POST, PUT, PATCH, DELETE) that rely on the cookie must carry the session's CSRF
token (synchronizer token) in the ``X-CSRF-Token`` header or the ``csrf_token`` form field.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from arrears.bootstrap import Container
from arrears.config import Settings
from arrears.services.auth import Auth, Principal, Role, Session
from arrears.services.portal import LinkSender
from arrears.services.ports import PaymentGateway
from arrears.services.users import recent_token_principal, token_principal

COOKIE = "arrears_session"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STAFF = (Role.AGENT, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)


class NotSignedIn(Exception):
    """No live session or token: sign in first."""

    def __init__(self, portal: bool = False) -> None:
        super().__init__("sign in first")
        self.portal = portal


class Forbidden(Exception):
    """Signed in, but this role may not do this."""


class CsrfFailed(Exception):
    """An unsafe request without the session's CSRF token."""


@dataclass
class WebContext:
    """What the routes need, built once by ``create_app``."""

    container: Container
    auth: Auth
    gateway: PaymentGateway
    link_sender: LinkSender
    templates: Jinja2Templates

    @property
    def settings(self) -> Settings:
        return self.container.settings


def context(request: Request) -> WebContext:
    found: WebContext = request.app.state.web
    return found


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def current_session(request: Request) -> Session | None:
    """The request's live session (resolved once per request)."""
    if not hasattr(request.state, "session"):
        token = request.cookies.get(COOKIE)
        request.state.session = await run_in_threadpool(context(request).auth.resolve, token)
    found: Session | None = request.state.session
    return found


async def authenticate(request: Request) -> Principal | None:
    """The principal of the request: a bearer token on the API, else the session's user."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal: Principal | None = None
    request.state.by_token = False
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and is_api(request):
        web = context(request)
        token = header[7:].strip()
        # a token read in the last second needs no database, so no worker thread either
        principal = recent_token_principal(token, clock=web.container.clock)
        if principal is None:
            principal = await run_in_threadpool(
                lambda: token_principal(
                    token, uow_factory=web.container.uow, clock=web.container.clock
                )
            )
        request.state.by_token = principal is not None
    if principal is None and not (header and is_api(request)):
        session = await current_session(request)
        principal = session.principal if session else None
    request.state.principal = principal
    return principal


async def check_csrf(request: Request) -> None:
    """Unsafe cookie-authenticated requests must echo the session's CSRF token."""
    if request.method not in UNSAFE or getattr(request.state, "by_token", False):
        return
    session = await current_session(request)
    sent = request.headers.get("x-csrf-token")
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = str((await request.form()).get("csrf_token") or "")
    if session is None or not sent or not hmac.compare_digest(sent, session.csrf_token):
        raise CsrfFailed("the form has expired or did not come from arrears: reload and retry")


class Access:
    """A route's audience. ``Access(Role.AGENT, …)`` admits those roles; ``Access.public()``
    admits anyone (sign-in pages, health, the API description)."""

    def __init__(self, *roles: Role, public: bool = False, csrf: bool = True) -> None:
        if not roles and not public:
            raise ValueError("name the roles, or say the route is public")
        self.roles = frozenset(roles)
        self.public = public
        self.csrf = csrf

    @classmethod
    def public_route(cls, *, csrf: bool = True) -> Access:
        return cls(public=True, csrf=csrf)

    def __repr__(self) -> str:
        return "Access(public)" if self.public else f"Access({', '.join(sorted(self.roles))})"

    async def __call__(self, request: Request) -> Principal | None:
        principal = await authenticate(request)
        if self.public:
            if self.csrf:
                await check_csrf(request)
            return principal
        if principal is None:
            raise NotSignedIn(portal=request.url.path.startswith("/portal"))
        if principal.role not in self.roles:
            raise Forbidden(f"a {principal.role.value} may not do this")
        if self.csrf:
            await check_csrf(request)
        return principal


def principal_of(request: Request) -> Principal:
    """The authenticated principal (after an ``Access`` check has admitted the request)."""
    found: Principal | None = getattr(request.state, "principal", None)
    if found is None:
        raise NotSignedIn(portal=request.url.path.startswith("/portal"))
    return found


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
