"""How debts get paid online: a card payment through the payment-gateway port, a payment a
servicing system reports, and what a borrower may arrange alone in the portal — a plan within
policy or a settlement offer made to them. A payment is recorded once (idempotency key or the
payment's own id) and posted to the ledger through the posting service in its transaction.

Card numbers never reach the database or the logs: only the last four digits are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from arrears.domain.clock import Clock
from arrears.domain.holds import ActionCategory, blocking_holds
from arrears.domain.money import Money
from arrears.domain.payments import PaymentMethod
from arrears.domain.settlements.offers import OfferRecord, OfferStatus, PresentedVia
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services import portal
from arrears.services.account_view import itemize, loan_id_of
from arrears.services.cycle import CycleSettings
from arrears.services.plans import PlanRequest, create_plan
from arrears.services.ports import (
    CardDetails,
    CardPaymentRecord,
    PaymentGateway,
    WebUnitOfWork,
)
from arrears.services.posting import post_loans
from arrears.services.recovery_reviews import ReviewUnitOfWork
from arrears.services.recovery_settings import Actor, Recovery
from arrears.services.settlement_offers import decline_offer, offers_list, present_offer
from arrears.services.settlement_outcomes import accept_offer

UowFactory = Callable[[], WebUnitOfWork]
OfferUowFactory = Callable[[], ReviewUnitOfWork]


@dataclass(frozen=True)
class PaymentReceipt:
    ref: str
    amount: Money
    approved: bool
    reference: str
    decline_reason: str = ""
    card_last4: str = ""
    payment_id: int | None = None
    replayed: bool = False


def check_card(card: CardDetails, *, today: date) -> None:
    """What can be checked before asking the gateway (every problem in one message)."""
    digits = "".join(ch for ch in card.number if ch.isdigit())
    problems = []
    if not 12 <= len(digits) <= 19 or len(digits) != len(card.number.replace(" ", "")):
        problems.append("the card number should be 12 to 19 digits")
    if not 1 <= card.expiry_month <= 12:
        problems.append("the expiry month should be 1 to 12")
    elif (card.expiry_year, card.expiry_month) < (today.year, today.month):
        problems.append("the card has expired")
    if not (card.cvc.isdigit() and 3 <= len(card.cvc) <= 4):
        problems.append("the security code should be 3 or 4 digits")
    if problems:
        raise RuleViolation("; ".join(problems), rule="payment.card")


def pay_by_card(
    ref: str,
    *,
    amount: Money,
    card: CardDetails,
    idempotency_key: str,
    actor: str,
    gateway: PaymentGateway,
    uow_factory: UowFactory,
    clock: Clock,
    settings: CycleSettings,
) -> PaymentReceipt:
    """Charge the card and, when approved, record and post the payment. The same key always
    returns the first result (the gateway is asked with the same key, so it never charges
    twice)."""
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        earlier = uow.portal.card_payment(gateway=gateway.name, idempotency_key=idempotency_key)
        if earlier is not None:
            return _receipt(ref, earlier, replayed=True)
        owed = itemize(uow.web.ledger_balances(loan_id), amount.currency).total
    _check_amount(amount, owed)
    check_card(card, today=clock.today())
    result = gateway.charge(
        amount_minor=amount.minor,
        currency=amount.currency,
        card=card,
        idempotency_key=idempotency_key,
        description=f"payment on account {ref}",
    )
    with uow_factory() as uow:
        # Postings of the loan take turns; a request with the same key (so the same loan) that
        # got here first has its record now, and that is the answer (the gateway charged once).
        uow.ledger.serialise_postings([loan_id])
        first = uow.portal.card_payment(gateway=gateway.name, idempotency_key=idempotency_key)
        if first is not None:
            return _receipt(ref, first, replayed=True)
        payment_id = None
        if result.approved:
            payment_id = _record_and_post(
                uow, loan_id=loan_id, external_id=f"{gateway.name}-{result.reference}",
                amount=amount, method=PaymentMethod.CARD, source="portal", actor=actor,
                clock=clock, settings=settings,
            )  # fmt: skip
        record = CardPaymentRecord(
            loan_id=loan_id, amount_minor=amount.minor, currency=amount.currency,
            gateway=gateway.name, idempotency_key=idempotency_key, reference=result.reference,
            status="approved" if result.approved else "declined",
            decline_reason=result.decline_reason, card_last4=card.last4, payment_id=payment_id,
            actor=actor, created_at=clock.now(),
        )  # fmt: skip
        uow.portal.add_card_payment(record)
        uow.audit.record(
            at=clock.now(), actor=actor, action=f"payment.card_{record.status}",
            entity_type="loan", entity_id=str(loan_id),
            details={"amount_minor": amount.minor, "reference": result.reference,
                     "card_last4": card.last4, "reason": result.decline_reason},
        )  # fmt: skip
        uow.commit()
    return _receipt(ref, record, replayed=False)


def _check_amount(amount: Money, owed: Money) -> None:
    if amount.minor <= 0:
        raise RuleViolation("a payment must be more than zero", rule="payment.amount")
    if amount > owed:
        raise RuleViolation(
            f"{amount.format()} is more than the {owed.format()} owed", rule="payment.amount"
        )


def _receipt(ref: str, record: CardPaymentRecord, *, replayed: bool) -> PaymentReceipt:
    return PaymentReceipt(
        ref=ref,
        amount=Money(record.amount_minor, record.currency),
        approved=record.status == "approved",
        reference=record.reference,
        decline_reason=record.decline_reason,
        card_last4=record.card_last4,
        payment_id=record.payment_id,
        replayed=replayed,
    )


@dataclass(frozen=True)
class RecordedPayment:
    payment_id: int
    ref: str
    external_id: str
    amount: Money
    effective_date: date
    created: bool


def record_payment(
    ref: str,
    *,
    external_id: str,
    amount: Money,
    effective_date: date,
    method: str,
    actor: str,
    uow_factory: UowFactory,
    clock: Clock,
    settings: CycleSettings,
) -> RecordedPayment:
    """A payment another system took (e.g. the servicing system). Sending the same payment id
    again changes nothing; the same id with other facts is a conflict."""
    if amount.minor <= 0:
        raise RuleViolation("a payment must be more than zero", rule="payment.amount")
    if effective_date > clock.today():
        raise RuleViolation("a payment cannot be effective in the future", rule="payment.date")
    try:
        kind = PaymentMethod(method)
    except ValueError:
        choices = ", ".join(m.value for m in PaymentMethod)
        raise RuleViolation(f"method is one of {choices}", rule="payment.method") from None
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        # a report of the same payment at once waits, then sees it
        uow.ledger.serialise_postings([loan_id])
        known = uow.portal.payment_by_external_id(external_id)
        if known is not None:
            same = (known["loan_id"], known["amount_minor"], known["effective_date"]) == (
                loan_id, amount.minor, effective_date,
            )  # fmt: skip
            if not same:
                raise ConflictError(
                    f"payment {external_id!r} is already on file with another account, amount "
                    "or date; payments cannot be changed"
                )
            return RecordedPayment(known["id"], ref, external_id, amount, effective_date, False)
        payment_id = _record_and_post(
            uow, loan_id=loan_id, external_id=external_id, amount=amount, method=kind,
            source="api", actor=actor, clock=clock, settings=settings,
            effective_date=effective_date,
        )  # fmt: skip
        uow.audit.record(
            at=clock.now(), actor=actor, action="payment.recorded", entity_type="loan",
            entity_id=str(loan_id),
            details={"external_id": external_id, "amount_minor": amount.minor,
                     "effective_date": effective_date.isoformat(), "method": kind.value},
        )  # fmt: skip
        uow.commit()
    return RecordedPayment(payment_id, ref, external_id, amount, effective_date, True)


def _record_and_post(
    uow: WebUnitOfWork,
    *,
    loan_id: int,
    external_id: str,
    amount: Money,
    method: PaymentMethod,
    source: str,
    actor: str,
    clock: Clock,
    settings: CycleSettings,
    effective_date: date | None = None,
) -> int:
    """Insert the payment and reconcile the loan's journal, inside the caller's transaction."""
    now = clock.now()
    run_id = uow.import_runs.start(at=now, files=[f"{source} payment {external_id}"], actor=actor)
    payment_id = uow.portal.add_payment(
        loan_id=loan_id, external_id=external_id, amount_minor=amount.minor,
        effective_date=effective_date or clock.today(), method=method.value, source=source,
        at=now,
    )  # fmt: skip
    counts = post_loans(
        uow, np.array([loan_id], dtype=np.int64), as_of=clock.today(), recorded_at=now,
        run_id=run_id, partition=settings.partition_loans, policy=settings.policy,
    )  # fmt: skip
    uow.import_runs.finish(
        run_id, at=now, status="completed",
        counts={"payments": 1, "entries": counts.entries}, problems=0,
    )  # fmt: skip
    return payment_id


#: Self-service plans: the whole balance in 3, 6 or 12 monthly payments, the first within 30 days.
PLAN_MONTHS = (3, 6, 12)
FIRST_PAYMENT_WITHIN = timedelta(days=30)


def plan_options(borrower_id: int, ref: str, *, uow_factory: UowFactory) -> list[tuple[int, Money]]:
    """The plans a borrower may choose alone: (months, the monthly payment)."""
    with uow_factory() as uow:
        loan_id = portal.owned_loan_id(uow, borrower_id, ref)
        loan = uow.web.loan_header(loan_id)
        assert loan is not None
        owed = itemize(uow.web.ledger_balances(loan_id), loan["currency"]).total
    if owed.minor <= 0:
        return []
    return [(months, max(owed.allocate([1] * months))) for months in PLAN_MONTHS]


def choose_plan(
    borrower_id: int,
    ref: str,
    *,
    months: int,
    first_due_on: date,
    uow_factory: UowFactory,
    clock: Clock,
) -> int:
    """Set up a plan within policy for the whole balance (anything else goes to an agent)."""
    today = clock.today()
    if months not in PLAN_MONTHS:
        raise RuleViolation("choose 3, 6 or 12 monthly payments", rule="portal.plan")
    if not today <= first_due_on <= today + FIRST_PAYMENT_WITHIN:
        raise RuleViolation("the first payment is due within 30 days", rule="portal.plan")
    with uow_factory() as uow:
        loan_id = portal.owned_loan_id(uow, borrower_id, ref)
        blocked = blocking_holds(uow.holds.for_loan(loan_id), ActionCategory.OFFER, today)
        loan = uow.web.loan_header(loan_id)
        assert loan is not None
        owed = itemize(uow.web.ledger_balances(loan_id), loan["currency"]).total
    if blocked:
        raise RuleViolation(blocked[0].reason, rule="portal.plan", source=blocked[0].source)
    plan_id = create_plan(
        PlanRequest(
            loan=ref, amount=str(owed.to_decimal()), periods=months, first_due_on=first_due_on,
            created_by=f"borrower:{borrower_id}",
        ),
        uow_factory=uow_factory,
        clock=clock,
    )  # fmt: skip
    portal.record_event(
        borrower_id, ref, "plan_chosen", {"plan_id": plan_id, "months": months},
        uow_factory=uow_factory, clock=clock,
    )  # fmt: skip
    return plan_id


#: Offers a borrower sees: approved (shown, and so presented, when opened), presented, accepted.
VISIBLE_OFFERS = (OfferStatus.APPROVED, OfferStatus.PRESENTED, OfferStatus.ACCEPTED)


def my_offers(borrower_id: int, ref: str, *, uow_factory: UowFactory) -> list[OfferRecord]:
    portal.require_owner(borrower_id, ref, uow_factory=uow_factory)
    return offers_list(ref=ref, statuses=VISIBLE_OFFERS, uow_factory=uow_factory)


def open_offer(
    borrower_id: int, ref: str, offer_id: int, *, uow_factory: OfferUowFactory, clock: Clock,
    recovery: Recovery,
) -> OfferRecord:  # fmt: skip
    """The borrower looks at an offer: an approved one is presented in the portal now."""
    offer = _mine(borrower_id, ref, offer_id, uow_factory=uow_factory)
    if offer.status is OfferStatus.APPROVED:
        offer = present_offer(
            offer_id, via=PresentedVia.PORTAL, actor=Actor(f"borrower:{borrower_id}", "borrower"),
            uow_factory=uow_factory, clock=clock, recovery=recovery,
        )  # fmt: skip
    portal.record_event(borrower_id, ref, "offer_viewed", {"offer_id": offer_id},
                 uow_factory=uow_factory, clock=clock)  # fmt: skip
    return offer


def answer_offer(
    borrower_id: int, ref: str, offer_id: int, *, accept: bool, uow_factory: OfferUowFactory,
    clock: Clock, recovery: Recovery,
) -> OfferRecord:  # fmt: skip
    """Accept (a plan, or the lump sum to pay) or decline an offer presented to the borrower."""
    _mine(borrower_id, ref, offer_id, uow_factory=uow_factory)
    actor = Actor(f"borrower:{borrower_id}", "borrower")
    if not accept:
        return decline_offer(offer_id, actor=actor, reason="declined in the portal",
                             uow_factory=uow_factory, clock=clock)  # fmt: skip
    offer = accept_offer(offer_id, actor=actor, uow_factory=uow_factory, clock=clock,
                         recovery=recovery)  # fmt: skip
    portal.record_event(borrower_id, ref, "offer_accepted", {"offer_id": offer_id},
                 uow_factory=uow_factory, clock=clock)  # fmt: skip
    return offer


def _mine(borrower_id: int, ref: str, offer_id: int, *, uow_factory: UowFactory) -> OfferRecord:
    found = {o.id: o for o in my_offers(borrower_id, ref, uow_factory=uow_factory)}
    if offer_id not in found:
        raise NotFoundError(f"no offer {offer_id} on account {ref!r}")
    return found[offer_id]
