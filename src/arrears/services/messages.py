"""What a message about a loan says: the context its template is rendered with.

The context is plain JSON data (amounts in minor units, dates as ISO text), stored with the
outbox message so that what was sent can be shown and explained later. Template-specific facts
(a promise's dates, a plan's installments, an offer) come from the caller as ``details``.

The validation notice gets its itemization from the ledger as of the itemization date
(``arrears.domain.itemization``) and its validation period end date from the federal holiday
calendar (``arrears.domain.validation_notice``); a notice missing any fact 12 CFR 1006.34(c)
requires is refused rather than sent incomplete.

The cycle's actions carry no details, so for the templates that need them ``template_details``
derives them from what is stored: the next payment of the loan's active promise
(``promise_reminder``), the next installment of its active plan
(``plan_installment_reminder``) and the standard plan offered for the past-due amount
(``payment_plan_offer``). Nothing to remind of is a ``TemplateFailure`` (the message is blocked
with that reason), never a message with blanks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from arrears.domain.calendar import US_FEDERAL, BusinessCalendar
from arrears.domain.contacts import PostalAddress
from arrears.domain.itemization import (
    ItemizationBasis,
    ItemizationDates,
    choose_itemization_date,
    itemize,
)
from arrears.domain.money import Money
from arrears.domain.plans import PlanRecord, PlanStatus, PlanTerms, schedule
from arrears.domain.promises import PromiseRecord, PromiseStatus
from arrears.domain.validation_notice import ValidationFacts, missing_facts, validation_period_end
from arrears.services.ports import MessageFacts, TemplateFailure

VALIDATION_TEMPLATE = "validation_notice"
LANGUAGES = ("en", "es")
#: Templates whose details ``template_details`` derives when the caller gives none.
DERIVED_TEMPLATES = frozenset(
    {"promise_reminder", "plan_installment_reminder", "payment_plan_offer"}
)


@dataclass(frozen=True)
class PlanOffer:
    """The standard plan a ``payment_plan_offer`` letter proposes (lender policy): the past-due
    amount in up to ``max_periods`` equal monthly installments of at least ``min_installment``
    minor units, the first ``first_due_days`` after the letter's date."""

    max_periods: int = 3
    min_installment_minor: int = 2_500
    first_due_days: int = 30


STANDARD_PLAN_OFFER = PlanOffer()


@dataclass(frozen=True)
class Identity:
    """Who the messages are from and where borrowers can answer, pay and opt out (settings)."""

    collector_name: str
    collector_address: tuple[str, ...]
    phone: str
    hours: str
    email: str
    website: str
    payment_url: str
    electronic_disputes: str
    creditor_name: str
    return_name: str
    unsubscribe_mailto: str
    itemization_preference: tuple[ItemizationBasis, ...] = (
        ItemizationBasis.CHARGE_OFF,
        ItemizationBasis.LAST_PAYMENT,
        ItemizationBasis.TRANSACTION,
    )
    calendar: BusinessCalendar = field(default=US_FEDERAL)


def message_context(
    facts: MessageFacts,
    *,
    identity: Identity,
    template: str,
    today: date,
    disclosures: list[str],
    details: dict[str, Any],
) -> dict[str, Any]:
    """The context of ``template`` for the loan in ``facts``, dated ``today`` (for a letter:
    the day it is mailed)."""
    loan, person = facts.loan, facts.borrower
    external_id = str(loan["external_id"])
    context: dict[str, Any] = {
        "today": today.isoformat(),
        "currency": loan["currency"],
        "borrower": {
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "full_name": _full_name(person),
            "address_lines": _address(person).lines(),
        },
        "account": {
            "reference": "****" + external_id[-4:],
            "loan_ref": external_id,
            "product": loan["product"],
            "creditor": identity.creditor_name,
            "original_creditor": loan["original_creditor"] or identity.creditor_name,
        },
        "amounts": {
            "balance": facts.balance_minor,
            "past_due": facts.past_due_minor,
            "days_past_due": facts.days_past_due,
        },
        "collector": {
            "name": identity.collector_name,
            "address_lines": list(identity.collector_address),
            "phone": identity.phone,
            "hours": identity.hours,
            "email": identity.email,
            "website": identity.website,
            "payment_url": identity.payment_url,
            "electronic_disputes": identity.electronic_disputes,
        },
        "return_address": {"name": identity.return_name, "lines": list(identity.collector_address)},
        "opt_out": {"mailto": identity.unsubscribe_mailto},
        "disclosures": list(disclosures),
        "details": dict(details),
    }
    if template == VALIDATION_TEMPLATE:
        context.update(validation_context(facts, identity=identity, provided_on=today))
    return context


def validation_context(
    facts: MessageFacts, *, identity: Identity, provided_on: date
) -> dict[str, Any]:
    """The itemization and validation period of a notice provided on ``provided_on``.

    Raises ``TemplateFailure`` naming every missing fact (12 CFR 1006.34(c)).
    """
    loan = facts.loan
    previous = ItemizationBasis(facts.previous_itemization) if facts.previous_itemization else None
    dates = ItemizationDates(
        charge_off=_day(loan.get("charge_off_date")),
        last_payment=facts.last_payment_on,
        transaction=_day(loan.get("origination_date")),
    )
    try:
        basis, itemization_date = choose_itemization_date(
            dates, preference=identity.itemization_preference, previous=previous
        )
        itemization = itemize(
            facts.debt_lines,
            basis=basis,
            itemization_date=min(itemization_date, provided_on),
            as_of=provided_on,
            currency=str(loan["currency"]),
        )
    except ValueError as error:
        raise TemplateFailure(f"validation notice: {error}") from None
    end = validation_period_end(provided_on, calendar=identity.calendar)
    person = facts.borrower
    problems = missing_facts(
        ValidationFacts(
            notice_date=provided_on,
            collector_name=identity.collector_name,
            collector_address=identity.collector_address,
            consumer_name=_full_name(person),
            consumer_address=tuple(_address(person).lines()),
            creditor_on_itemization_date=str(loan["original_creditor"] or identity.creditor_name),
            account_number=str(loan["external_id"]),
            current_creditor=identity.creditor_name,
            itemization=itemization,
            validation_period_end=end,
            electronic_dispute=identity.electronic_disputes,
        )
    )
    if problems:
        raise TemplateFailure(f"validation notice lacks: {', '.join(problems)}")
    return {
        "itemization": {
            "basis": itemization.basis.value,
            "date": itemization.itemization_date.isoformat(),
            "amount_then": itemization.amount_on_itemization_date_minor,
            "interest": itemization.interest_minor,
            "fees": itemization.fees_minor,
            "payments_credits": itemization.payments_and_credits_minor,
            "current": itemization.current_amount_minor,
        },
        "validation": {"provided_on": provided_on.isoformat(), "end_date": end.isoformat()},
    }


def message_language(facts: MessageFacts) -> str:
    """The borrower's language when the library has it, else English."""
    language = str(facts.borrower.get("language") or "en")
    return language if language in LANGUAGES else "en"


def template_details(
    template: str,
    *,
    promises: Sequence[PromiseRecord],
    plans: Sequence[PlanRecord],
    facts: MessageFacts,
    as_of: date,
    offer: PlanOffer = STANDARD_PLAN_OFFER,
) -> dict[str, Any]:
    """The ``details`` of ``template`` derived from the loan's promises, plans and arrears as of
    ``as_of`` (empty for templates that need none). Raises ``TemplateFailure``."""
    if template == "promise_reminder":
        return {"promise": next_promised_payment(promises, as_of=as_of)}
    if template == "plan_installment_reminder":
        return {"installment": next_plan_installment(plans, as_of=as_of)}
    if template == "payment_plan_offer":
        return {"plan_offer": plan_offer(facts, as_of=as_of, offer=offer)}
    return {}


def next_promised_payment(promises: Sequence[PromiseRecord], *, as_of: date) -> dict[str, Any]:
    """The first payment still to come of the latest active promise."""
    active = [p for p in promises if p.status is PromiseStatus.ACTIVE]
    for record in sorted(active, key=lambda p: p.promise.made_on, reverse=True)[:1]:
        for item in sorted(record.promise.installments, key=lambda i: i.due_on):
            if item.due_on >= as_of:
                return {"date": item.due_on.isoformat(), "amount_minor": item.amount.minor}
    raise TemplateFailure("promise_reminder: no active promise with a payment still to come")


def next_plan_installment(plans: Sequence[PlanRecord], *, as_of: date) -> dict[str, Any]:
    """The first installment still to come of the active plan (number, of, date, amount)."""
    for plan in plans:
        if plan.status is not PlanStatus.ACTIVE:
            continue
        for item in plan.installments:
            if item.due_on >= as_of:
                return {
                    "number": item.seq, "of": len(plan.installments),
                    "date": item.due_on.isoformat(), "amount_minor": item.amount.minor,
                }  # fmt: skip
    raise TemplateFailure("plan_installment_reminder: no active plan with an installment to come")


def plan_offer(
    facts: MessageFacts, *, as_of: date, offer: PlanOffer = STANDARD_PLAN_OFFER
) -> dict[str, Any]:
    """The standard plan for the past-due amount: equal monthly parts summing exactly to it."""
    past_due = facts.past_due_minor
    if past_due <= 0:
        raise TemplateFailure("payment_plan_offer: nothing is past due")
    periods = max(1, min(offer.max_periods, past_due // offer.min_installment_minor))
    terms = PlanTerms(
        amount=Money(past_due, str(facts.loan["currency"])),
        periods=periods,
        first_due_on=as_of + timedelta(days=offer.first_due_days),
    )
    items = [
        {"date": i.due_on.isoformat(), "amount_minor": i.amount.minor} for i in schedule(terms)
    ]
    return {"installments": items, "total_minor": past_due, "respond_by": items[0]["date"]}


def postal_lines(facts: MessageFacts) -> list[str]:
    """The borrower's name and postal address as printed on an envelope."""
    return [_full_name(facts.borrower), *_address(facts.borrower).lines()]


def _full_name(person: dict[str, Any]) -> str:
    parts = (
        person["first_name"],
        person.get("middle_name"),
        person["last_name"],
        person.get("suffix"),
    )
    return " ".join(str(part) for part in parts if part)


def _address(person: dict[str, Any]) -> PostalAddress:
    return PostalAddress(
        line1=person["address_line1"],
        line2=person.get("address_line2") or "",
        city=person["city"],
        state=person["state"],
        zip_code=person["zip"],
    )


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
