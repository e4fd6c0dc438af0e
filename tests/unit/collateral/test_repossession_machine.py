"""The repossession state machine: the path, refused transitions, and their rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.domain.repossession.case import CaseState, SaleMethod
from arrears.domain.repossession.machine import apply, replay, start
from arrears.domain.repossession.stages import TERMINAL, Event, Stage
from arrears.errors import RuleViolation
from unit.collateral.cases import OPENED, header, noticed, repossessed, run, step, through_cure


def refused(case: CaseState, event: Event, on: date, **details: object) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        apply(case, step(event, on, **details))
    return caught.value


def test_the_whole_path_from_eligible_to_closed() -> None:
    """Cure notice → cure period over → assigned → repossessed → notice → sold → explained →
    closed, with each stage's dates recorded."""
    case = noticed(notice_on=date(2027, 2, 1), days=10)
    assert case.stage is Stage.NOTICE_SENT
    assert case.cure_last_day == date(2027, 1, 24)  # KS: 20 days after 2027-01-04
    assert case.earliest_sale_on == date(2027, 2, 11)
    case = run(
        case,
        step(Event.SELL, date(2027, 2, 11), price_minor=900_000, buyer="Dealer LLC",
             costs=[{"kind": "selling", "amount_minor": 50_000}]),
        step(Event.EXPLAIN, date(2027, 2, 12)),
        step(Event.CLOSE, date(2027, 2, 12)),
    )  # fmt: skip
    assert case.stage is Stage.CLOSED
    assert case.sale_price_minor == 900_000
    assert case.expenses_minor == 50_000


def test_replay_gives_the_same_state_as_applying_step_by_step() -> None:
    """A case's state is a function of its history."""
    steps = [
        step(Event.SEND_CURE_NOTICE, OPENED, days_past_due=40),
        step(Event.END_CURE_PERIOD, date(2027, 1, 25)),
        step(Event.ASSIGN, date(2027, 1, 26), vendor="Acme Recovery"),
    ]
    assert replay(header(), steps) == run(start(header()), *steps)


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        (Event.ASSIGN, "repossession.cure_notice"),
        (Event.REPOSSESS, "repossession.cure_notice"),
        (Event.SELL, "repossession.transition"),
        (Event.EXPLAIN, "repossession.transition"),
        (Event.CLOSE, "repossession.transition"),
        (Event.END_CURE_PERIOD, "repossession.transition"),
        (Event.SEND_DISPOSITION_NOTICE, "repossession.transition"),
        (Event.REDEEM, "repossession.transition"),
    ],
)
def test_steps_out_of_order_are_refused_from_a_new_case(event: Event, rule: str) -> None:
    """Nothing but a cure notice, a surrender or a withdrawal can follow an opened case."""
    assert refused(start(header()), event, OPENED, vendor="x").rule == rule


def test_no_repossession_inside_the_cure_period() -> None:
    """KS: no repossession until 20 days after the cure notice (K.S.A. 16a-5-111)."""
    case = apply(start(header("KS")), step(Event.SEND_CURE_NOTICE, OPENED, days_past_due=40))
    error = refused(case, Event.ASSIGN, date(2027, 1, 20), vendor="Acme Recovery")
    assert error.rule == "repossession.cure_period"
    assert "16a-5-111" in error.source
    assert "2027-01-25" in str(error)


def test_the_cure_notice_waits_for_the_days_in_default_the_state_requires() -> None:
    """KS and MO: the notice of default may be sent only after 10 days' default."""
    error = refused(start(header("KS")), Event.SEND_CURE_NOTICE, OPENED, days_past_due=9)
    assert error.rule == "repossession.days_in_default"
    case = apply(start(header("KS")), step(Event.SEND_CURE_NOTICE, OPENED, days_past_due=10))
    assert case.stage is Stage.CURE_PERIOD


def test_a_cure_inside_the_period_ends_the_case_and_not_after() -> None:
    case = apply(start(header("WI")), step(Event.SEND_CURE_NOTICE, OPENED, days_past_due=30))
    cured = apply(case, step(Event.CURE, date(2027, 1, 19), reason="paid the past-due amount"))
    assert cured.stage is Stage.CURED
    assert cured.stage in TERMINAL
    late = refused(case, Event.CURE, date(2027, 1, 20), reason="paid late")
    assert late.rule == "repossession.cure_period"


def test_a_breach_of_the_peace_ends_self_help() -> None:
    """After the vendor's stop only a voluntary surrender (or judicial process) remains."""
    case = through_cure()
    case = run(
        case,
        step(Event.ASSIGN, date(2027, 1, 26), vendor="Acme Recovery"),
        step(Event.STOP, date(2027, 1, 27), reason="borrower objected at the driveway"),
    )
    error = refused(case, Event.REPOSSESS, date(2027, 1, 28))
    assert error.rule == "repossession.breach_of_peace"
    assert error.source == "UCC 9-609(b)(2)"
    again = refused(case, Event.ASSIGN, date(2027, 1, 28), vendor="Other Recovery")
    assert again.rule == "repossession.breach_of_peace"
    surrendered = apply(case, step(Event.SURRENDER, date(2027, 1, 30), location="branch"))
    assert surrendered.stage is Stage.REPOSSESSED
    assert surrendered.voluntary


def test_a_voluntary_surrender_needs_no_cure_notice() -> None:
    """Wis. Stat. 425.105 exempts voluntary surrender; the case goes straight to held."""
    case = apply(start(header("WI")), step(Event.SURRENDER, OPENED, location="branch"))
    assert case.stage is Stage.REPOSSESSED
    assert case.cure_notice_on is None


def test_the_sale_waits_ten_days_after_the_notice() -> None:
    """A sale 9 days after the notice is refused with 9-612; on day 10 it is allowed."""
    case = noticed(notice_on=date(2027, 2, 1), days=10)
    error = refused(case, Event.SELL, date(2027, 2, 10), price_minor=1, buyer="b")
    assert error.rule == "repossession.disposition_notice"
    assert "9-612" in error.source
    sold = apply(case, step(Event.SELL, date(2027, 2, 11), price_minor=1, buyer="b"))
    assert sold.stage is Stage.SOLD


def test_a_notice_planning_a_sale_too_soon_is_refused() -> None:
    """The notice itself may not plan a sale sooner than the state's notice days."""
    error = refused(
        repossessed(),
        Event.SEND_DISPOSITION_NOTICE,
        date(2027, 2, 1),
        method="private",
        sale_on="2027-02-09",
    )
    assert error.rule == "repossession.disposition_notice"


def test_a_public_sale_happens_on_the_day_noticed() -> None:
    case = noticed(method="public", notice_on=date(2027, 2, 1), days=14)
    assert case.sale_method is SaleMethod.PUBLIC
    error = refused(case, Event.SELL, date(2027, 2, 16), price_minor=1, buyer="b")
    assert error.rule == "repossession.public_sale_notice"
    assert apply(case, step(Event.SELL, date(2027, 2, 15), price_minor=1, buyer="b")).sold_on


def test_a_public_sale_notice_states_the_place() -> None:
    error = refused(
        repossessed(), Event.SEND_DISPOSITION_NOTICE, date(2027, 2, 1), method="public",
        sale_on="2027-02-20", place="",
    )  # fmt: skip
    assert error.rule == "repossession.public_sale_notice"


def test_no_redemption_after_the_sale() -> None:
    """9-623(c): the right to redeem ends when the collateral is disposed of."""
    case = apply(noticed(), step(Event.SELL, date(2027, 2, 11), price_minor=1, buyer="b"))
    error = refused(case, Event.REDEEM, date(2027, 2, 12), amount_minor=1)
    assert error.rule == "repossession.redemption"
    assert error.source == "UCC 9-623(c)"


def test_redemption_before_the_sale_ends_the_case() -> None:
    case = apply(noticed(), step(Event.REDEEM, date(2027, 2, 5), amount_minor=1))
    assert case.stage is Stage.REDEEMED


def test_the_sixty_percent_rule_forbids_keeping_the_vehicle() -> None:
    """9-620(e): with 60% paid the secured party must dispose; acceptance is refused."""
    case = repossessed(must_dispose=True)
    error = refused(case, Event.ACCEPT, date(2027, 2, 1), consent_on="2027-02-01")
    assert error.rule == "repossession.sixty_percent"
    kept = apply(repossessed(), step(Event.ACCEPT, date(2027, 2, 1), consent_on="2027-02-01"))
    assert kept.stage is Stage.ACCEPTED


def test_the_sixty_percent_rule_bounds_the_planned_sale_date() -> None:
    """Repossessed 2027-01-27 with 60% paid: the sale must be planned by 2027-04-27 (90 days)."""
    case = repossessed(must_dispose=True)
    error = refused(case, Event.SEND_DISPOSITION_NOTICE, date(2027, 4, 1), method="private",
                    sale_on="2027-04-29")  # fmt: skip
    assert error.rule == "repossession.sixty_percent"
    assert "2027-04-27" in str(error)
    extended = apply(case, step(Event.EXTEND_DISPOSAL, date(2027, 3, 1), until="2027-05-31"))
    ok = apply(extended, step(Event.SEND_DISPOSITION_NOTICE, date(2027, 4, 1), method="private",
                              sale_on="2027-04-29"))  # fmt: skip
    assert ok.stage is Stage.NOTICE_SENT


@pytest.mark.parametrize("amount", [-1, 0])
def test_costs_must_be_positive(amount: int) -> None:
    error = refused(repossessed(), Event.RECORD_COST, date(2027, 2, 1), kind="storage",
                    amount_minor=amount)  # fmt: skip
    assert error.rule == "repossession.amount"


def test_a_negative_sale_price_or_cost_of_sale_is_refused() -> None:
    case = noticed()
    assert refused(case, Event.SELL, date(2027, 2, 11), price_minor=-5, buyer="b").rule == (
        "repossession.amount"
    )
    negative_cost = refused(case, Event.SELL, date(2027, 2, 11), price_minor=5, buyer="b",
                            costs=[{"kind": "selling", "amount_minor": -1}])  # fmt: skip
    assert negative_cost.rule == "repossession.amount"


def test_steps_cannot_go_back_in_time() -> None:
    case = repossessed()
    error = refused(case, Event.SEND_DISPOSITION_NOTICE, date(2027, 1, 26), method="private",
                    sale_on="2027-02-20")  # fmt: skip
    assert error.rule == "repossession.dates"


def test_personal_property_is_released_only_when_some_was_found() -> None:
    case = apply(repossessed(), step(Event.RELEASE_PROPERTY, date(2027, 2, 2), released_to="Tom"))
    assert case.property_released_on == date(2027, 2, 2)
    empty = apply(start(header()), step(Event.SURRENDER, OPENED, location="branch"))
    error = refused(empty, Event.RELEASE_PROPERTY, date(2027, 1, 5), released_to="Tom")
    assert error.rule == "repossession.property"


def test_every_terminal_stage_refuses_every_transition() -> None:
    """Nothing moves a closed, cured, redeemed, accepted or withdrawn case."""
    closed = apply(start(header()), step(Event.WITHDRAW, OPENED, reason="paid in full"))
    later = OPENED + timedelta(days=1)
    for event in (Event.SEND_CURE_NOTICE, Event.ASSIGN, Event.SURRENDER, Event.SELL):
        assert refused(closed, event, later).rule in {
            "repossession.transition",
            "repossession.cure_notice",
        }


def test_no_sale_before_the_cure_period_ends_even_after_a_surrender() -> None:
    """KS: cure notice 2027-01-04 (the borrower may cure until 2027-01-24); a surrender on
    01-05 and a notice on 01-05 do not allow a sale on 01-15, inside the cure period."""
    case = run(
        start(header("KS")),
        step(Event.SEND_CURE_NOTICE, OPENED, days_past_due=40),
        step(Event.SURRENDER, date(2027, 1, 5), location="branch"),
        step(Event.SEND_DISPOSITION_NOTICE, date(2027, 1, 5), method="private",
             sale_on="2027-01-15"),
    )  # fmt: skip
    error = refused(case, Event.SELL, date(2027, 1, 15), price_minor=1, buyer="b")
    assert error.rule == "repossession.cure_period"
    assert "16a-5-111" in error.source
    assert apply(case, step(Event.SELL, date(2027, 1, 25), price_minor=1, buyer="b")).sold_on
