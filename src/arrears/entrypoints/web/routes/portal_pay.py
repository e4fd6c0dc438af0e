"""Paying from the portal. The form carries a one-time key, so a double click or a resent form
never charges twice: the key is claimed before the gateway is asked, and a replay shows the
first receipt."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from arrears.domain.money import Money
from arrears.entrypoints.api.idempotency import STALE_AFTER
from arrears.entrypoints.web.access import Access, WebContext, context, principal_of
from arrears.entrypoints.web.templating import render
from arrears.errors import ArrearsError, ConflictError
from arrears.services import payments, portal
from arrears.services.account_view import AccountView, loan_currency
from arrears.services.auth import Principal, Role
from arrears.services.ports import CardDetails

router = APIRouter(dependencies=[Depends(Access(Role.BORROWER))])
Prefill = Annotated[str, Query(pattern=r"^\d{1,12}(\.\d{1,2})?$")]


def _view(request: Request, ref: str) -> AccountView:
    web, me = context(request), principal_of(request).borrower_id
    assert me is not None
    return portal.portal_view(
        me, ref, uow_factory=web.container.uow, clock=web.container.clock,
        settings=web.container.cycle_settings,
    )  # fmt: skip


def _form(
    request: Request, ref: str, *, error: str = "", status: int = 200, amount: str = ""
) -> Response:
    session = getattr(request.state, "session", None)
    values = {
        "view": _view(request, ref), "key": uuid.uuid4().hex, "error": error, "amount": amount,
    }  # fmt: skip
    language = session.language if session else "en"
    return render(request, "portal/pay.html", values, status_code=status, language=language)


@router.get("/accounts/{ref}/pay", include_in_schema=False)
def pay_page(
    request: Request,
    ref: str,
    amount: Annotated[str, Query(pattern=r"^\d{1,12}(\.\d{1,2})?$")] = "",
) -> Response:
    web, me = context(request), principal_of(request).borrower_id
    assert me is not None
    response = _form(request, ref, amount=amount)
    portal.record_event(
        me, ref, "payment_started", {}, uow_factory=web.container.uow, clock=web.container.clock
    )
    return response


@router.post("/accounts/{ref}/pay", include_in_schema=False)
def pay(
    request: Request,
    ref: str,
    *,
    amount: Annotated[str, Form(max_length=16)],
    card_number: Annotated[str, Form(max_length=23)],
    expiry_month: Annotated[int, Form(ge=1, le=12)],
    expiry_year: Annotated[int, Form(ge=2000, le=2100)],
    cvc: Annotated[str, Form(max_length=4)],
    key: Annotated[str, Form(pattern=r"^[0-9a-f]{32}$")],
    holder: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    web, principal = context(request), principal_of(request)
    assert principal.borrower_id is not None
    portal.require_owner(principal.borrower_id, ref, uow_factory=web.container.uow)
    try:
        money = Money.parse(
            amount.replace(",", "").lstrip("$"), loan_currency(ref, uow_factory=web.container.uow)
        )
    except ArrearsError:
        return _form(request, ref, error="error_amount", status=422)
    _claim(web, principal, key)
    try:
        receipt = payments.pay_by_card(
            ref,
            amount=money,
            card=CardDetails(
                number=card_number.replace(" ", "").replace("-", ""), expiry_month=expiry_month,
                expiry_year=expiry_year, cvc=cvc.strip(), holder=holder,
            ),
            idempotency_key=f"{principal.actor}:{key}",
            actor=principal.actor,
            gateway=web.gateway,
            uow_factory=web.container.uow,
            clock=web.container.clock,
            settings=web.container.cycle_settings,
        )  # fmt: skip
    except ArrearsError as failure:
        _release(web, principal, key)
        return _form(request, ref, error=str(failure), status=422)
    _complete(web, principal, key, {"approved": receipt.approved, "reference": receipt.reference})
    if not receipt.replayed:
        event = "payment_made" if receipt.approved else "payment_declined"
        portal.record_event(
            principal.borrower_id, ref, event, {"amount_minor": receipt.amount.minor},
            uow_factory=web.container.uow, clock=web.container.clock,
        )  # fmt: skip
    if not receipt.approved:
        return _form(request, ref, error=receipt.decline_reason, status=402)
    session = getattr(request.state, "session", None)
    return render(
        request,
        "portal/receipt.html",
        {"receipt": receipt, "ref": ref},
        language=session.language if session else "en",
    )


def _claim(web: WebContext, principal: Principal, key: str) -> None:
    now = web.container.clock.now()
    with web.container.uow() as uow:
        found = uow.web.claim_key(
            principal=principal.actor, key=f"pay:{key}", fingerprint="portal-payment", at=now,
            stale_before=now - STALE_AFTER,
        )  # fmt: skip
        uow.commit()
    if found is not None and found.state != "done":
        raise ConflictError("this payment is being processed: wait a moment and reload")


def _complete(web: WebContext, principal: Principal, key: str, body: dict[str, object]) -> None:
    with web.container.uow() as uow:
        uow.web.complete_key(
            principal=principal.actor, key=f"pay:{key}", status_code=200,
            response=json.dumps(body), at=web.container.clock.now(),
        )  # fmt: skip
        uow.commit()


def _release(web: WebContext, principal: Principal, key: str) -> None:
    with web.container.uow() as uow:
        uow.web.release_key(principal=principal.actor, key=f"pay:{key}")
        uow.commit()
