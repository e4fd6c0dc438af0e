"""``/api/v1``: payments — by card through the payment gateway (a borrower, or an agent taking
a card over the phone), or reported by another system (e.g. the servicing system)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from arrears.domain.money import Money
from arrears.entrypoints.api import schemas
from arrears.entrypoints.api.idempotency import IdempotencyKey, idempotent
from arrears.entrypoints.api.problems import PROBLEM_RESPONSES
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.services import payments, portal
from arrears.services.account_view import loan_currency
from arrears.services.auth import Role
from arrears.services.ports import CardDetails

router = APIRouter(tags=["payments"], responses=PROBLEM_RESPONSES)


@router.post(
    "/loans/{ref}/card-payments",
    response_model=schemas.CardPaymentResult,
    status_code=201,
    dependencies=[Depends(Access(Role.BORROWER, Role.AGENT, Role.SUPERVISOR))],
)
async def pay_by_card(
    request: Request, ref: str, body: schemas.CardPaymentCreate, key: IdempotencyKey
) -> JSONResponse:
    """Charge a card and post the payment. A declined card is a result (``approved: false``),
    not an error. The card number is never stored: only its last four digits."""
    web, principal = context(request), principal_of(request)
    if principal.borrower_id is not None:
        portal.require_owner(principal.borrower_id, ref, uow_factory=web.container.uow)

    def work() -> tuple[int, Any]:
        receipt = payments.pay_by_card(
            ref,
            amount=Money.parse(body.amount, _currency(web, ref)),
            card=CardDetails(
                number=body.card_number.replace(" ", ""), expiry_month=body.expiry_month,
                expiry_year=body.expiry_year, cvc=body.cvc, holder=body.holder,
            ),
            idempotency_key=f"{principal.actor}:{key}",
            actor=principal.actor,
            gateway=web.gateway,
            uow_factory=web.container.uow,
            clock=web.container.clock,
            settings=web.container.cycle_settings,
        )  # fmt: skip
        if principal.borrower_id is not None:
            event = "payment_made" if receipt.approved else "payment_declined"
            portal.record_event(
                principal.borrower_id, ref, event, {"amount_minor": receipt.amount.minor},
                uow_factory=web.container.uow, clock=web.container.clock,
            )  # fmt: skip
        return 201, schemas.CardPaymentResult(
            ref=ref, approved=receipt.approved, amount=schemas.Amount.of(receipt.amount),
            reference=receipt.reference, decline_reason=receipt.decline_reason,
            card_last4=receipt.card_last4,
        )  # fmt: skip

    return await idempotent(request, principal, key, work)


def _currency(web: Any, ref: str) -> str:
    return loan_currency(ref, uow_factory=web.container.uow)


@router.post(
    "/payments",
    response_model=schemas.PaymentRecorded,
    status_code=201,
    dependencies=[Depends(Access(Role.SUPERVISOR, Role.ADMIN))],
)
async def record(
    request: Request, body: schemas.PaymentCreate, key: IdempotencyKey
) -> JSONResponse:
    """Record a payment taken elsewhere and post it to the ledger. The same ``external_id``
    again changes nothing (``created: false``); with other facts it is a conflict."""
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        recorded = payments.record_payment(
            body.loan,
            external_id=body.external_id,
            amount=Money.parse(body.amount, _currency(web, body.loan)),
            effective_date=body.effective_date,
            method=body.method,
            actor=principal.actor,
            uow_factory=web.container.uow,
            clock=web.container.clock,
            settings=web.container.cycle_settings,
        )
        return 201 if recorded.created else 200, schemas.PaymentRecorded(
            id=recorded.payment_id, loan=recorded.ref, external_id=recorded.external_id,
            amount=schemas.Amount.of(recorded.amount), effective_date=recorded.effective_date,
            created=recorded.created,
        )  # fmt: skip

    return await idempotent(request, principal, key, work)
