"""What the cycle's reminders and offers say is derived from what is stored: the next promised
payment, the next plan installment, the standard plan for the past-due amount (exact minor
units, summing to the amount); nothing to remind of blocks the message with the reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from arrears.domain.money import Money
from arrears.domain.plans import PlanRecord, PlanStatus, PlanTerms, schedule
from arrears.domain.promises import Installment, Promise, PromiseRecord, PromiseStatus
from arrears.services.messages import PlanOffer, template_details
from arrears.services.ports import MessageFacts, TemplateFailure

AS_OF = date(2026, 11, 27)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def promise(status: PromiseStatus, *dated: tuple[date, int], made_on: date = AS_OF):
    items = tuple(Installment(day, usd(amount)) for day, amount in dated)
    return PromiseRecord(Promise(10, made_on, "agent", items), status)


def plan(status: PlanStatus, amount: int = 30_000, periods: int = 3) -> PlanRecord:
    terms = PlanTerms(amount=usd(amount), periods=periods, first_due_on=date(2026, 10, 15))
    return PlanRecord(10, date(2026, 10, 1), terms, tuple(schedule(terms)), status, "agent")


def facts(past_due: int) -> MessageFacts:
    return MessageFacts(
        loan={"currency": "USD"}, borrower={}, contact_points=(), balance_minor=100_000,
        past_due_minor=past_due, days_past_due=40, last_payment_on=None, debt_lines=(),
    )  # fmt: skip


def details(template: str, **given: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"promises": (), "plans": (), "facts": facts(0), "as_of": AS_OF}
    return template_details(template, **{**kwargs, **given})


def test_the_promise_reminder_names_the_next_promised_payment() -> None:
    """Of the latest active promise, the first dated amount not yet past."""
    kept = promise(PromiseStatus.KEPT, (date(2026, 12, 1), 999), made_on=date(2026, 11, 20))
    active = promise(
        PromiseStatus.ACTIVE, (date(2026, 11, 20), 5_000), (date(2026, 12, 4), 20_000),
        made_on=date(2026, 11, 10),
    )  # fmt: skip
    found = details("promise_reminder", promises=(kept, active))
    assert found == {"promise": {"date": "2026-12-04", "amount_minor": 20_000}}


def test_no_active_promise_is_a_clear_failure() -> None:
    """A broken promise is nothing to remind of."""
    with pytest.raises(TemplateFailure, match="no active promise"):
        details("promise_reminder", promises=(promise(PromiseStatus.BROKEN, (AS_OF, 100)),))


def test_the_plan_reminder_names_the_next_installment() -> None:
    """Installments of 10,000 on Oct 15, Nov 15, Dec 15: the next one is the third."""
    found = details("plan_installment_reminder", plans=(plan(PlanStatus.ACTIVE),))
    assert found == {
        "installment": {"number": 3, "of": 3, "date": "2026-12-15", "amount_minor": 10_000}
    }
    with pytest.raises(TemplateFailure, match="no active plan"):
        details("plan_installment_reminder", plans=(plan(PlanStatus.COMPLETED),))


@pytest.mark.parametrize(
    ("past_due", "amounts"),
    [
        (42_648, [14_216, 14_216, 14_216]),
        (10_001, [3_334, 3_334, 3_333]),
        (6_000, [3_000, 3_000]),  # at least $25.00 an installment
        (1_999, [1_999]),
    ],
)
def test_the_plan_offer_spreads_the_past_due_amount_exactly(
    past_due: int, amounts: list[int]
) -> None:
    """Up to 3 monthly installments of at least $25.00, the first 30 days out; the parts sum
    to the amount past due exactly (Money.allocate)."""
    offer = details("payment_plan_offer", facts=facts(past_due))["plan_offer"]
    assert [i["amount_minor"] for i in offer["installments"]] == amounts
    assert sum(amounts) == offer["total_minor"] == past_due
    assert offer["installments"][0]["date"] == offer["respond_by"] == "2026-12-27"
    assert [i["date"][:7] for i in offer["installments"]] == ["2026-12", "2027-01", "2027-02"][
        : len(amounts)
    ]


def test_a_plan_offer_needs_something_past_due() -> None:
    """Nothing past due, nothing to offer a plan for."""
    with pytest.raises(TemplateFailure, match="nothing is past due"):
        details("payment_plan_offer", facts=facts(0))


def test_the_offer_policy_is_a_parameter() -> None:
    """Another lender policy: six parts of at least $10.00, the first 14 days out."""
    six = PlanOffer(max_periods=6, min_installment_minor=1_000, first_due_days=14)
    offer = template_details(
        "payment_plan_offer", promises=(), plans=(), facts=facts(60_000), as_of=AS_OF, offer=six
    )["plan_offer"]
    assert len(offer["installments"]) == 6
    assert offer["respond_by"] == "2026-12-11"


def test_other_templates_need_no_derived_details() -> None:
    """Templates outside the derived set get no details of this kind."""
    assert details("payment_reminder") == {}
