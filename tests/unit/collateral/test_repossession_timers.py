"""Timers across state rules: cure periods, notice days, the 90-day disposal rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.domain.repossession.machine import apply, start
from arrears.domain.repossession.stages import Event
from arrears.domain.repossession.state_rules import default_rule_book, parse_rule_book
from arrears.domain.repossession.timers import due
from unit.collateral.cases import OPENED, header, noticed, repossessed, run, step

NOTICE_ON = date(2027, 1, 4)


@pytest.mark.parametrize(
    ("state", "cure_days", "verify"),
    [
        ("KS", 20, False),  # K.S.A. 16a-5-111
        ("IA", 20, True),  # Iowa Code 537.5110-.5111 (verify)
        ("MO", 20, True),  # Mo. Rev. Stat. 408.555 (verify)
        ("WI", 15, False),  # Wis. Stat. 425.104-.105
        ("MA", 21, True),  # M.G.L. c. 255B s. 20A (verify)
        ("CO", 10, True),  # cure statute, days not confirmed: the default, marked verify
        ("OR", 10, False),  # no cure statute in the reference: lender policy
    ],
)
def test_the_cure_period_ends_the_day_after_its_last_day(
    state: str, cure_days: int, verify: bool
) -> None:
    """Notice on 2027-01-04: nothing is due on the last day of the cure period; the day after,
    the period ends by itself (END_CURE_PERIOD), whatever the state's number of days."""
    rules = default_rule_book().for_state(state)
    assert (rules.cure_days, rules.verify) == (cure_days, verify)
    case = apply(start(header(state)), step(Event.SEND_CURE_NOTICE, NOTICE_ON, days_past_due=30))
    last_day = NOTICE_ON + timedelta(days=cure_days)
    assert case.cure_last_day == last_day
    assert due(case, as_of=last_day) == []
    [ended] = due(case, as_of=last_day + timedelta(days=1))
    assert ended.event is Event.END_CURE_PERIOD
    assert ended.on == last_day + timedelta(days=1)
    assert ended.source == rules.cure_statute


def test_after_the_cure_period_a_person_is_asked_to_assign_a_vendor_once() -> None:
    case = apply(start(header("WI")), step(Event.SEND_CURE_NOTICE, NOTICE_ON, days_past_due=30))
    case = apply(case, step(Event.END_CURE_PERIOD, date(2027, 1, 20)))
    [review] = due(case, as_of=date(2027, 1, 20))
    assert (review.key, review.event) == ("assign_vendor", Event.REVIEW)
    raised = apply(case, step(Event.REVIEW, date(2027, 1, 20), key="assign_vendor"))
    assert due(raised, as_of=date(2027, 2, 20)) == []


@pytest.mark.parametrize(("state", "days"), [("CA", 15), ("KS", 10), ("TX", 10)])
def test_the_sale_is_ready_after_the_states_notice_days(state: str, days: int) -> None:
    """CA's notice of intent (Cal. Civ. Code 2983.2, verify) asks 15 days; elsewhere 10."""
    case = apply(start(header(state)), step(Event.SURRENDER, OPENED, location="branch"))
    case = apply(case, step(Event.SEND_DISPOSITION_NOTICE, date(2027, 1, 6), method="private",
                            sale_on=(date(2027, 1, 6) + timedelta(days=days)).isoformat()))  # fmt: skip
    ready = date(2027, 1, 6) + timedelta(days=days)
    assert [d.key for d in due(case, as_of=ready - timedelta(days=1))] == []
    assert [d.key for d in due(case, as_of=ready)] == ["sale_ready"]


def test_the_disposal_deadline_warns_then_alerts() -> None:
    """Repossessed 2027-01-27 with 60% paid: warning 15 days before 2027-04-27, alert after."""
    case = repossessed(must_dispose=True)
    case = apply(case, step(Event.REVIEW, date(2027, 1, 27), key="disposition_notice_due"))
    assert due(case, as_of=date(2027, 4, 11)) == []
    assert [d.key for d in due(case, as_of=date(2027, 4, 12))] == ["dispose_by"]
    keys = [d.key for d in due(case, as_of=date(2027, 4, 28))]
    assert keys == ["dispose_by", "disposal_overdue"]
    assert all("9-620(e)" in d.source for d in due(case, as_of=date(2027, 4, 28)))


def test_no_disposal_timer_when_the_sixty_percent_rule_does_not_apply() -> None:
    case = repossessed(must_dispose=False)
    assert [d.key for d in due(case, as_of=date(2028, 1, 1))] == ["disposition_notice_due"]


def test_after_the_sale_the_explanation_is_due_and_after_it_the_case_closes() -> None:
    case = apply(noticed(), step(Event.SELL, date(2027, 2, 11), price_minor=1, buyer="b"))
    assert [d.key for d in due(case, as_of=date(2027, 2, 11))] == ["explanation_due"]
    case = apply(case, step(Event.EXPLAIN, date(2027, 2, 12)))
    [close] = due(case, as_of=date(2027, 2, 12))
    assert close.event is Event.CLOSE
    assert close.automatic


def test_a_stale_assignment_and_a_breach_of_the_peace_raise_reviews() -> None:
    case = apply(start(header("WI")), step(Event.SEND_CURE_NOTICE, NOTICE_ON, days_past_due=30))
    case = run(case, step(Event.END_CURE_PERIOD, date(2027, 1, 20)),
               step(Event.REVIEW, date(2027, 1, 20), key="assign_vendor"),
               step(Event.ASSIGN, date(2027, 1, 21), vendor="Acme"))  # fmt: skip
    assert [d.key for d in due(case, as_of=date(2027, 2, 20))] == ["assignment_stale"]
    stopped = apply(case, step(Event.STOP, date(2027, 1, 22), reason="objection"))
    [review] = due(stopped, as_of=date(2027, 1, 22))
    assert review.key == "breach_of_peace"
    assert review.source == "UCC 9-609(b)(2)"


def test_a_lender_rule_book_overrides_the_shipped_one() -> None:
    """The rules are data: a lender's file with the same layout changes the timers."""
    book = parse_rule_book(
        "[default]\ncure_days = 30\nmin_days_in_default = 0\ndisposition_notice_days = 12\n"
        'cure_statute = "policy"\nnotice_statute = "9-612"\nverify = false\n'
        "[states.KS]\ncure_days = 25\n"
    )
    assert book.for_state("KS").cure_days == 25
    assert book.for_state("KS").disposition_notice_days == 12
    assert book.for_state("NV").cure_days == 30


def test_a_rule_book_with_fewer_than_ten_notice_days_is_refused() -> None:
    with pytest.raises(ValueError, match="9-612"):
        parse_rule_book(
            "[default]\ncure_days = 10\nmin_days_in_default = 0\ndisposition_notice_days = 5\n"
            'cure_statute = "x"\nnotice_statute = "x"\nverify = false\n'
        )
