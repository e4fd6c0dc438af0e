"""The agent workspace: the work queue, taking an account, the account view and its actions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from arrears.domain.contact_log import Channel
from arrears.domain.holds import BLOCKS, HoldKind
from arrears.domain.settlements.offers import OfferType
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.entrypoints.web.cookies import see_other
from arrears.entrypoints.web.routes.negotiation import AGENT_OUTCOMES
from arrears.entrypoints.web.templating import render
from arrears.errors import RuleViolation
from arrears.services import work_queue
from arrears.services.account_pages import agent_page
from arrears.services.account_view import verify_date_of_birth
from arrears.services.auth import Role
from arrears.services.holds import HoldRequest, place_hold
from arrears.strategy.catalogue import default_catalogue

WORKERS = (Role.AGENT, Role.SUPERVISOR)
READERS = (Role.AGENT, Role.SUPERVISOR, Role.COMPLIANCE)
router = APIRouter(prefix="/agent", dependencies=[Depends(Access(*READERS))])
WORK = [Depends(Access(*WORKERS))]
NOTICES = {
    "hold": "The hold is in place.",
    "contact": "The contact is logged.",
    "promise": "The promise is recorded.",
    "plan": "The plan is set up.",
    "offer": "The offer is approved: present it to the borrower.",
    "offer_waiting": "The offer is beyond your authority: it waits in the approval queue.",
    "presented": "The offer is on its way to the borrower.",
    "referred": "The account waits in the review queue.",
    "taken": "You have this account.",
    "released": "Account released.",
}


@router.get("/queue", dependencies=WORK)
def queue(
    request: Request,
    page: Annotated[int, Query(ge=1)] = 1,
    queue: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    web, principal = context(request), principal_of(request)
    found = work_queue.call_queue(
        principal,
        page=page,
        per_page=25,
        uow_factory=web.container.uow,
        clock=web.container.clock,
        queues=(queue,) if queue else None,
    )
    locks = work_queue.my_locks(principal, uow_factory=web.container.uow, clock=web.container.clock)
    return render(request, "agent/queue.html", {"page": found, "queue": queue, "locks": locks})


@router.get("/accounts")
def find_account(request: Request, ref: Annotated[str, Query(max_length=64)] = "") -> Response:
    if ref.strip():
        return see_other(f"/agent/accounts/{quote(ref.strip())}", request)
    return render(request, "agent/find.html", {})


@router.get("/accounts/{ref}")
def account(request: Request, ref: str, done: str = "", schedule: str = "") -> Response:
    """The account page; ``schedule=all`` lists every installment of the schedule."""
    web, principal = context(request), principal_of(request)
    whole_schedule = schedule == "all"
    found = agent_page(
        ref,
        viewer=principal.actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
        settings=web.container.cycle_settings,
    )
    view = found.view
    return render(
        request,
        "agent/account.html",
        {
            "view": view,
            "schedule_rows": view.schedule_shown(whole=whole_schedule),
            "whole_schedule": whole_schedule,
            "contacts": found.contacts,
            "promises": found.promises,
            "plans": found.plans,
            "offers": found.offers,
            "recovery": view.recovery,
            "offer_types": [t.value for t in OfferType],
            "referrals": [(t, default_catalogue()[t].label) for t in work_queue.REFERRALS],
            "channels": [c.value for c in Channel],
            "outcomes": [o.value for o in AGENT_OUTCOMES],
            "key": uuid.uuid4().hex,
            "notice": NOTICES.get(done, ""),
            "hold_kinds": [(kind.value, BLOCKS[kind].reason) for kind in HoldKind],
            "mine": view.lock is not None and view.lock.held_by == principal.name,
            "can_work": principal.role in WORKERS,
        },
    )


@router.post("/accounts/{ref}/take", dependencies=WORK)
def take(request: Request, ref: str) -> Response:
    web = context(request)
    work_queue.take_account(
        ref,
        principal_of(request),
        uow_factory=web.container.uow,
        clock=web.container.clock,
        minutes=web.settings.account_lock_minutes,
    )
    return see_other(f"/agent/accounts/{quote(ref)}?done=taken", request)


@router.post("/accounts/{ref}/release", dependencies=WORK)
def release(request: Request, ref: str) -> Response:
    web = context(request)
    work_queue.release_account(
        ref, principal_of(request), uow_factory=web.container.uow, clock=web.container.clock
    )
    return see_other("/agent/queue", request)


@router.post("/accounts/{ref}/holds")
def add_hold(
    request: Request,
    ref: str,
    *,
    kind: Annotated[HoldKind, Form()],
    reason: Annotated[str, Form(max_length=500)],
    chapter: Annotated[str, Form(max_length=2)] = "",
    case_number: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    web, principal = context(request), principal_of(request)
    work_queue.ensure_free_for(
        ref, principal, uow_factory=web.container.uow, clock=web.container.clock
    )
    place_hold(
        HoldRequest(
            kind=kind,
            reason=reason,
            set_by=principal.actor,
            loan=ref,
            chapter=chapter or None,
            case_number=case_number or None,
        ),
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return see_other(f"/agent/accounts/{quote(ref)}?done=hold", request)


@router.post("/accounts/{ref}/verify-dob", dependencies=WORK)
def verify_dob(
    request: Request,
    ref: str,
    borrower_id: Annotated[int, Form()],
    dob: Annotated[str, Form(max_length=10)],
) -> Response:
    web = context(request)
    try:
        born = date.fromisoformat(dob)
    except ValueError:
        raise RuleViolation("enter the date as YYYY-MM-DD", rule="identity.dob") from None
    matched = verify_date_of_birth(
        ref,
        borrower_id,
        born,
        viewer=principal_of(request).actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return render(request, "agent/_dob_result.html", {"matched": matched})
