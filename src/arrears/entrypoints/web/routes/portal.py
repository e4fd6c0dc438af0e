"""The borrower portal (English and Spanish): sign in, see what is owed, pay, dispute, report
hardship, set communication preferences. A borrower sees only their own accounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from arrears.entrypoints.web.access import (
    COOKIE,
    Access,
    WebContext,
    authenticate,
    client_address,
    context,
    current_session,
    principal_of,
)
from arrears.entrypoints.web.cookies import see_other, set_session_cookie
from arrears.entrypoints.web.routes.auth import ensure_session
from arrears.entrypoints.web.routes.offers import portal_router as offers_router
from arrears.entrypoints.web.routes.portal_pay import router as pay_router
from arrears.entrypoints.web.routes.portal_plan import router as plan_router
from arrears.entrypoints.web.templating import LANGUAGES, render
from arrears.errors import ArrearsError
from arrears.services import portal
from arrears.services.account_pages import portal_page
from arrears.services.auth import AuthenticationFailed, Role, Session, TooManyAttempts

router = APIRouter(prefix="/portal")
router.include_router(pay_router)  # before the generic /accounts/{ref}/{form} routes
router.include_router(plan_router)
router.include_router(offers_router)
PUBLIC = [Depends(Access.public_route())]
BORROWER = [Depends(Access(Role.BORROWER))]
Form_ = Literal["dispute", "hardship"]


def language_of(request: Request) -> str:
    session: Session | None = getattr(request.state, "session", None)
    return session.language if session else "en"


def page(
    request: Request, template: str, values: Mapping[str, object], status: int = 200
) -> Response:
    return render(
        request, template, dict(values), status_code=status, language=language_of(request)
    )


def borrower_id(request: Request) -> int:
    found = principal_of(request).borrower_id
    assert found is not None
    return found


@router.get("", dependencies=PUBLIC, include_in_schema=False)
async def start(request: Request) -> Response:
    principal = await authenticate(request)
    signed_in = principal is not None and principal.role is Role.BORROWER
    return RedirectResponse("/portal/accounts" if signed_in else "/portal/sign-in", 303)


@router.get("/language", dependencies=PUBLIC, include_in_schema=False)
async def language(
    request: Request, lang: Annotated[str, Query(max_length=2)] = "en", next: str = "/portal"
) -> Response:
    session = await ensure_session(request, language=lang if lang in LANGUAGES else "en")
    if lang in LANGUAGES and session.language != lang:
        await run_in_threadpool(context(request).auth.set_language, session, lang)
    target = next if next.startswith("/portal") and "//" not in next else "/portal"
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, session, request)
    return response


@router.get("/sign-in", dependencies=PUBLIC, include_in_schema=False)
async def sign_in_page(request: Request) -> Response:
    session = await ensure_session(request)
    response = page(request, "portal/sign_in.html", {})
    set_session_cookie(response, session, request)
    return response


@router.post("/sign-in", dependencies=PUBLIC, include_in_schema=False)
async def sign_in(
    request: Request,
    reference: Annotated[str, Form(max_length=64)],
    dob: Annotated[str, Form(max_length=10)],
    zip_code: Annotated[str, Form(max_length=10)],
) -> Response:
    web = context(request)
    try:
        born = date.fromisoformat(dob)
        session = await run_in_threadpool(
            lambda: portal.sign_in_with_reference(
                reference=reference, dob=born, zip_code=zip_code,
                address=client_address(request), previous=request.cookies.get(COOKIE),
                auth=web.auth,
            )
        )  # fmt: skip
    except (ValueError, AuthenticationFailed, TooManyAttempts) as failure:
        status = 429 if isinstance(failure, TooManyAttempts) else 401
        key = "error_too_many" if status == 429 else "error_no_match"
        values = {"error": key, "reference": reference, "zip_code": zip_code}
        return page(request, "portal/sign_in.html", values, status)
    response = RedirectResponse("/portal/accounts", status_code=303)
    set_session_cookie(response, session, request)
    return response


@router.post("/link", dependencies=PUBLIC, include_in_schema=False)
def send_link(request: Request, destination: Annotated[str, Form(max_length=254)]) -> Response:
    web = context(request)
    base = web.settings.public_url or str(request.base_url)
    try:
        portal.request_link(
            destination, address=client_address(request), base_url=base,
            sender=web.link_sender, auth=web.auth,
        )  # fmt: skip
    except TooManyAttempts:
        return page(request, "portal/sign_in.html", {"error": "error_too_many"}, 429)
    except ArrearsError:
        return page(request, "portal/sign_in.html", {"error": "error_destination"}, 422)
    return page(request, "portal/link_sent.html", {})


@router.get("/link/{token}", dependencies=PUBLIC, include_in_schema=False)
async def link_page(request: Request, token: str) -> Response:
    """A link opened from a message: a button signs in (so a mail scanner fetching the link
    does not use it up)."""
    session = await ensure_session(request)
    response = page(request, "portal/link_open.html", {"token": token})
    set_session_cookie(response, session, request)
    return response


@router.post("/link/{token}", dependencies=PUBLIC, include_in_schema=False)
async def open_link(request: Request, token: str) -> Response:
    web = context(request)
    try:
        session = await run_in_threadpool(
            lambda: portal.redeem_link(token, previous=request.cookies.get(COOKIE), auth=web.auth)
        )
    except AuthenticationFailed:
        return page(request, "portal/sign_in.html", {"error": "error_link"}, 401)
    response = RedirectResponse("/portal/accounts", status_code=303)
    set_session_cookie(response, session, request)
    return response


@router.get("/accounts", dependencies=BORROWER, include_in_schema=False)
def accounts(request: Request) -> Response:
    web, me = context(request), borrower_id(request)
    loans = portal.my_accounts(
        me, uow_factory=web.container.uow, clock=web.container.clock,
        settings=web.container.cycle_settings,
    )  # fmt: skip
    _event(web, me, None, "visit")
    return page(request, "portal/accounts.html", {"loans": loans})


@router.get("/accounts/{ref}", dependencies=BORROWER, include_in_schema=False)
def account(request: Request, ref: str, done: str = "") -> Response:
    web, me = context(request), borrower_id(request)
    found = portal_page(
        me, ref, uow_factory=web.container.uow, clock=web.container.clock,
        settings=web.container.cycle_settings,
    )  # fmt: skip
    values = {"view": found.view, "done": done, "plans": found.plans, "offers": found.offers}
    return page(request, "portal/account.html", values)


def _event(web: WebContext, me: int, ref: str | None, event: str) -> None:
    portal.record_event(
        me, ref, event, {}, uow_factory=web.container.uow, clock=web.container.clock
    )


@router.get("/accounts/{ref}/{form}", dependencies=BORROWER, include_in_schema=False)
def request_form(request: Request, ref: str, form: Form_) -> Response:
    portal.require_owner(borrower_id(request), ref, uow_factory=context(request).container.uow)
    return page(request, "portal/request.html", {"ref": ref, "form": form})


@router.post("/accounts/{ref}/{form}", dependencies=BORROWER, include_in_schema=False)
def submit_request(
    request: Request, ref: str, form: Form_, reason: Annotated[str, Form(max_length=500)]
) -> Response:
    web, me = context(request), borrower_id(request)
    place = portal.open_dispute if form == "dispute" else portal.report_hardship
    place(me, ref, reason, uow_factory=web.container.uow, clock=web.container.clock)
    return see_other(f"/portal/accounts/{quote(ref)}?done={form}", request)


@router.get("/preferences", dependencies=BORROWER, include_in_schema=False)
def preferences(request: Request, saved: str = "") -> Response:
    web = context(request)
    found = portal.preferences(borrower_id(request), uow_factory=web.container.uow)
    return page(request, "portal/preferences.html", {"prefs": found, "saved": bool(saved)})


@router.post("/preferences", dependencies=BORROWER, include_in_schema=False)
async def save_preferences(request: Request) -> Response:
    web, me = context(request), borrower_id(request)
    form = await request.form()
    start, end = str(form.get("start_hour") or ""), str(form.get("end_hour") or "")
    language = str(form.get("language") or "en")
    try:
        hours = (int(start), int(end)) if start and end else (None, None)
    except ValueError:
        raise ArrearsError("choose the hours from the lists") from None
    opted_out = frozenset(c for c in portal.CHANNELS if form.get(f"opt_out_{c}"))
    await run_in_threadpool(
        lambda: portal.save_preferences(
            me, language=language, start_hour=hours[0], end_hour=hours[1], opted_out=opted_out,
            uow_factory=web.container.uow, clock=web.container.clock,
        )
    )  # fmt: skip
    session = await current_session(request)
    if session is not None and language in LANGUAGES:
        await run_in_threadpool(web.auth.set_language, session, language)
    return see_other("/portal/preferences?saved=1", request)
