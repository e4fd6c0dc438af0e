"""What a message about a loan says: the context its template is rendered with.

The context is plain JSON data (amounts in minor units, dates as ISO text), stored with the
outbox message so that what was sent can be shown and explained later. Template-specific facts
(a promise's dates, a plan's installments, an offer) come from the caller as ``details``.

The validation notice gets its itemization from the ledger as of the itemization date
(``arrears.domain.itemization``) and its validation period end date from the federal holiday
calendar (``arrears.domain.validation_notice``); a notice missing any fact 12 CFR 1006.34(c)
requires is refused rather than sent incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from arrears.domain.calendar import US_FEDERAL, BusinessCalendar
from arrears.domain.contacts import PostalAddress
from arrears.domain.itemization import (
    ItemizationBasis,
    ItemizationDates,
    choose_itemization_date,
    itemize,
)
from arrears.domain.validation_notice import ValidationFacts, missing_facts, validation_period_end
from arrears.services.ports import MessageFacts, TemplateFailure

VALIDATION_TEMPLATE = "validation_notice"


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
