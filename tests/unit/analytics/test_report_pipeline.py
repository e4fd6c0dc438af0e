"""The whole report pipeline on the hand-built history (``history.py``), figures by hand.

The frames go through the real Parquet adapter and the real batch delinquency, so these tests
also pin how the layers fit together. Every expected number is worked out in a comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from arrears.analytics.report_model import Report
from unit.analytics.history import four_loans, report

MAR_31, FEB_28, MAY_31 = date(2026, 3, 31), date(2026, 2, 28), date(2026, 5, 31)


def row(report: Report, section: str, **where: object) -> dict[str, object]:
    """The one row of ``section`` whose columns have the given values."""
    rows = [r for r in report.table(section).records() if all(r[k] == v for k, v in where.items())]
    assert len(rows) == 1, rows
    return rows[0]


def test_portfolio_on_a_month_end(tmp_path: Path) -> None:
    """On 31 Mar loans 1 and 2 are current, owing 100.00 each (300 − 200 paid); loans 3 and 4
    are 58 days past due (1 Feb unpaid) owing 300.00 each, 200.00 of it past due."""
    figures = report(four_loans(), tmp_path, as_of=MAR_31)
    assert figures.accounts == 4
    assert row(figures, "portfolio", segment="current") == {
        "segment": "current",
        "accounts": 2,
        "outstanding_minor": 200_00,
        "past_due_minor": 0,
    }
    assert row(figures, "portfolio", segment="30-59") == {
        "segment": "30-59",
        "accounts": 2,
        "outstanding_minor": 600_00,
        "past_due_minor": 400_00,
    }


def test_recovery_cure_and_roll_forward_over_the_window(tmp_path: Path) -> None:
    """Window (1 Mar, 31 Mar]. On 1 Mar loans 2, 3, 4 are 28 days past due owing 300.00 each
    (900.00; 100.00 each past due). Loan 2 pays 200.00 on 10 Mar and is current on 31 Mar;
    3 and 4 are 58 days past due. Recovery 200/900 = 22.2%; past-due coverage 200/300;
    cure 1/3; roll-forward 2/3; one payer, one recovered account."""
    figures = report(four_loans(), tmp_path, as_of=MAR_31)
    total = row(figures, "recovery_by_bucket", key="all")
    assert total["accounts"] == 3
    assert total["balance_minor"] == 900_00
    assert total["collected_minor"] == 200_00
    assert total["recovery_rate"] == pytest.approx(2 / 9)
    assert total["past_due_coverage"] == pytest.approx(2 / 3)
    assert total["payers"] == 1
    cure = row(figures, "cure_rate", key="1-29")
    assert (cure["delinquent"], cure["cured"], cure["rolled_forward"]) == (3, 1, 2)
    assert cure["cure_rate"] == pytest.approx(1 / 3)
    assert cure["roll_forward_rate"] == pytest.approx(2 / 3)
    costs = row(figures, "cost_to_collect")
    assert (costs["cost_minor"], costs["collected_minor"], costs["recovered"]) == (0, 200_00, 1)
    assert costs["cost_to_collect"] == 0.0


def test_roll_rates_of_the_latest_month(tmp_path: Path) -> None:
    """28 Feb → 31 Mar: loan 1 stays current; of the three 1-29 accounts, loan 2 cures and
    loans 3 and 4 roll to 30-59 (1/3 and 2/3, by accounts and by balance: 300.00 each)."""
    figures = report(four_loans(), tmp_path, as_of=MAR_31)
    assert row(figures, "roll_rates", from_segment="current", to_segment="current")[
        "account_rate"
    ] == pytest.approx(1.0)
    cured = row(figures, "roll_rates", from_segment="1-29", to_segment="current")
    rolled = row(figures, "roll_rates", from_segment="1-29", to_segment="30-59")
    assert (cured["accounts"], rolled["accounts"]) == (1, 2)
    assert cured["balance_rate"] == pytest.approx(1 / 3)
    assert rolled["account_rate"] == pytest.approx(2 / 3)
    assert rolled["balance_minor"] == 600_00
    # Flow rate of 1-29 in March: 600.00 of its 900.00 moved to 30-59.
    flow = row(figures, "flow_rates", month=MAR_31, bucket="1-29")
    assert flow["flow_rate"] == pytest.approx(2 / 3)
    # 31 Jan → 28 Feb: all four current (1 200.00); 900.00 rolled to 1-29.
    assert row(figures, "flow_rates", month=FEB_28, bucket="current")["flow_rate"] == 0.75


def test_a_backdated_payment_changes_past_figures(tmp_path: Path) -> None:
    """Loan 3 pays 200.00 recorded today but effective 5 Mar: on 31 Mar it is current, so the
    window to 31 Mar collects 400/900, cures 2 of 3 and rolls only loan 4; 1-29 → current is
    now 2/3. The month before (as of 28 Feb) does not change: 5 Mar is after it."""
    base = four_loans()
    backdated = base.with_payment(3, date(2026, 3, 5), 200_00)
    before, after = (report(h, tmp_path, as_of=MAR_31) for h in (base, backdated))
    assert row(before, "recovery_by_bucket", key="all")["collected_minor"] == 200_00
    total = row(after, "recovery_by_bucket", key="all")
    assert total["collected_minor"] == 400_00
    assert total["recovery_rate"] == pytest.approx(4 / 9)
    cure = row(after, "cure_rate", key="1-29")
    assert (cure["cured"], cure["rolled_forward"]) == (2, 1)
    assert row(after, "roll_rates", from_segment="1-29", to_segment="current")[
        "account_rate"
    ] == pytest.approx(2 / 3)
    february = [
        report(h, tmp_path, as_of=FEB_28).table("portfolio").records() for h in (base, backdated)
    ]
    assert february[0] == february[1]


def test_recovery_curves_since_delinquency_and_charge_off(tmp_path: Path) -> None:
    """As of 31 May. Loans 3 and 4 became 30+ during March (27 DPD on 28 Feb, 58 on 31 Mar):
    cohort 2026-03 owes 600.00; loan 4's 50.00 on 20 Apr is in month 1 after 31 Mar, so the
    curve is 50/600 in months 1 and 2 (month 3 ends 30 Jun, after the report). Loan 4, charged
    off on 15 Apr for 300.00, recovers 50/300 in its first month (15 Apr – 15 May)."""
    figures = report(four_loans(), tmp_path, as_of=MAY_31, months=4)
    curve = figures.table("recovery_curves").records()
    assert [(r["cohort"], r["month"], r["cumulative_minor"]) for r in curve] == [
        ("2026-03", 1, 50_00),
        ("2026-03", 2, 50_00),
    ]
    assert curve[0]["basis_minor"] == 600_00
    assert curve[0]["recovery_rate"] == pytest.approx(1 / 12)
    charged = figures.table("charge_off_curves").records()
    assert [
        (r["cohort"], r["month"], r["basis_minor"], r["cumulative_minor"]) for r in charged
    ] == [("2026-04", 1, 300_00, 50_00)]
    # April's transitions: 30-59 (600.00 on 31 Mar) → 60-89 (loan 3) and charged off (loan 4).
    flow = row(figures, "flow_rates", month=date(2026, 4, 30), bucket="30-59")
    assert (flow["flow_rate"], flow["charge_off_rate"]) == (0.5, 0.5)
    assert row(figures, "net_flow", month=date(2026, 4, 30))["charged_off_minor"] == 300_00


def test_metrics_of_workflows_not_built_yet_say_no_data(tmp_path: Path) -> None:
    """Without their sources the workflow metrics are "no data yet" with the frame they need."""
    figures = report(four_loans(), tmp_path, as_of=MAR_31)
    for key in (
        "promise_kept_rate",
        "right_party_contact_rate",
        "settlement_rate",
        "agency_liquidation",
        "portal_funnel",
        "agent_performance",
    ):
        section = figures.section(key)
        assert not hasattr(section, "rows"), key
    assert "placements(" in figures.section("agency_liquidation").expects  # type: ignore[union-attr]


def test_a_report_date_in_the_future_is_refused(tmp_path: Path) -> None:
    from arrears.errors import ArrearsError

    with pytest.raises(ArrearsError, match="future"):
        report(four_loans(), tmp_path, as_of=date(2027, 1, 1))


def test_goals_are_tracked_day_by_day_from_the_same_history(tmp_path: Path) -> None:
    """A cure-rate goal on bucket 1-29: on 31 Mar the trailing window gives 1/3 (as above);
    on 15 Mar, window (13 Feb, 15 Mar], loans 2, 3 and 4 were 12 days past due on 13 Feb and
    loan 2 had paid on 10 Mar: 1/3 again. On 9 Mar nobody had cured yet: 0."""
    from decimal import Decimal

    from arrears.analytics.goals import Goal

    goal = Goal(
        id="cures",
        metric="cure_rate",
        segment="bucket:1-29",
        target=Decimal("0.5"),
        deadline=date(2026, 6, 30),
        owner="Early team",
    )
    history = four_loans()
    history.goals.append(goal)
    (tracked,) = report(history, tmp_path, as_of=MAR_31).goals
    values = dict(tracked.series)
    assert tracked.current == pytest.approx(1 / 3)
    assert values[date(2026, 3, 15)] == pytest.approx(1 / 3)
    assert values[date(2026, 3, 9)] == 0.0
    assert len(tracked.series) == 30
    assert tracked.status in {"at risk", "off track", "on track"}
