"""Choosing a repayment plan in the portal, within policy (3, 6 or 12 monthly payments of the
whole balance, the first within 30 days); anything else is arranged with an agent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.entrypoints.web.cookies import see_other
from arrears.entrypoints.web.templating import render
from arrears.errors import RuleViolation
from arrears.services import payments, portal
from arrears.services.auth import Role

router = APIRouter(dependencies=[Depends(Access(Role.BORROWER))])


def _me(request: Request) -> int:
    found = principal_of(request).borrower_id
    assert found is not None
    return found


@router.get("/accounts/{ref}/plan", include_in_schema=False)
def plan_page(request: Request, ref: str) -> Response:
    web, me = context(request), _me(request)
    options = payments.plan_options(me, ref, uow_factory=web.container.uow)
    portal.record_event(
        me, ref, "offer_viewed", {"kind": "plan"}, uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    today = web.container.clock.today()
    session = getattr(request.state, "session", None)
    return render(
        request,
        "portal/plan.html",
        {
            "ref": ref,
            "options": options,
            "first": today + timedelta(days=7),
            "today": today,
            "last": today + payments.FIRST_PAYMENT_WITHIN,
        },
        language=session.language if session else "en",
    )


@router.post("/accounts/{ref}/plan", include_in_schema=False)
def choose(
    request: Request,
    ref: str,
    months: Annotated[int, Form()],
    first_due_on: Annotated[str, Form(max_length=10)],
) -> Response:
    web = context(request)
    try:
        first = date.fromisoformat(first_due_on)
    except ValueError:
        raise RuleViolation("choose the date of the first payment", rule="portal.plan") from None
    payments.choose_plan(
        _me(request), ref, months=months, first_due_on=first, uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    return see_other(f"/portal/accounts/{quote(ref)}?done=plan", request)
