"""Each metric function on tiny frames whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.analytics import agents, costs, periods, roll_rates
from arrears.analytics.balances import balances
from arrears.analytics.inputs import ACTIONS, PAYMENTS, TREATMENT_COSTS
from arrears.analytics.periods import Window, add_months, month_ends, months_after

D = date


def test_month_ends_and_windows() -> None:
    """The last three month ends on or before 15 Mar 2024 (a leap year), and on a month end."""
    assert month_ends(as_of=D(2024, 3, 15), count=3) == [
        D(2023, 12, 31),
        D(2024, 1, 31),
        D(2024, 2, 29),
    ]
    assert month_ends(as_of=D(2024, 3, 31), count=2) == [D(2024, 2, 29), D(2024, 3, 31)]
    assert Window.ending(D(2024, 3, 31), days=30) == Window(D(2024, 3, 1), D(2024, 3, 31))


@pytest.mark.parametrize(
    ("event", "later", "month"),
    [
        (D(2026, 1, 15), D(2026, 1, 15), 0),  # on the event: before month 1
        (D(2026, 1, 15), D(2026, 1, 16), 1),
        (D(2026, 1, 15), D(2026, 2, 15), 1),  # the anniversary closes month 1
        (D(2026, 1, 15), D(2026, 2, 16), 2),
        (D(2026, 1, 31), D(2026, 2, 28), 1),  # month ends count month ends
        (D(2026, 1, 31), D(2026, 3, 1), 2),
        (D(2026, 4, 30), D(2026, 5, 31), 1),
        (D(2026, 1, 30), D(2026, 2, 28), 1),  # the 30th clamps to February's end
        (D(2026, 1, 30), D(2026, 3, 1), 2),
    ],
)
def test_months_after_an_event(event: date, later: date, month: int) -> None:
    frame = pl.DataFrame({"event": [event], "later": [later]})
    found = frame.select(months_after(pl.col("event"), pl.col("later"))).item()
    assert found == month
    if month:
        assert later <= add_months(event, month)


def test_outstanding_from_events() -> None:
    """Loan 7: 1 000.00 advanced on 1 Jan, 12.00 interest due 1 Feb, a 5.00 fee charge on
    5 Feb, 100.00 paid on 1 Feb and a returned 50.00 on 3 Feb (does not count), a -20.00
    waiver adjustment on 10 Feb. Owed: 31 Dec 0; 1 Jan 1 000.00; 1 Feb 912.00; 9 Feb 917.00;
    10 Feb 897.00."""
    loans = pl.DataFrame(
        {"loan_id": [7], "origination_date": [D(2026, 1, 1)], "principal_minor": [1_000_00]}
    )
    due = pl.DataFrame(
        {
            "loan_id": [7, 7, 7],
            "due_date": [D(2026, 2, 1)] * 2 + [D(2026, 2, 5)],
            "component": ["principal", "interest", "fees"],
            "amount_minor": [83_00, 12_00, 5_00],
        }
    )
    payments = pl.DataFrame(
        {
            "loan_id": [7, 7],
            "effective_date": [D(2026, 2, 1), D(2026, 2, 3)],
            "amount_minor": [100_00, 50_00],
            "good": [True, False],
            "cash": [True, True],
        },
        schema=PAYMENTS,
    )
    adjustments = pl.DataFrame(
        {"loan_id": [7], "effective_date": [D(2026, 2, 10)], "amount_minor": [-20_00]}
    )
    owed = balances(loans, due, payments, adjustments)
    days = [D(2025, 12, 31), D(2026, 1, 1), D(2026, 2, 1), D(2026, 2, 9), D(2026, 2, 10)]
    found = owed.outstanding(pl.Series([7] * 5), pl.Series(days))
    assert found.to_list() == [0, 1_000_00, 912_00, 917_00, 897_00]


def test_net_flow_through_the_buckets() -> None:
    """Three buckets. current 1 000 → 1-29: 100 (f = 0.1); 1-29 100 → 30+: 50 (f = 0.5) and →
    charged off: 10 (c = 0.1); 30+ 200 → charged off: 40 (c = 0.2). P(30+) = 0.2,
    P(1-29) = 0.1 + 0.5 × 0.2 = 0.2, net flow = P(current) = 0.1 × 0.2 = 0.02."""
    month = D(2026, 3, 31)
    cells = [
        ("current", "current", 900),
        ("current", "1-29", 100),
        ("1-29", "current", 40),
        ("1-29", "30+", 50),
        ("1-29", "charged off", 10),
        ("30+", "30+", 160),
        ("30+", "charged off", 40),
    ]
    transitions = pl.DataFrame(
        [
            {"month": month, "from_segment": f, "to_segment": t, "accounts": 1, "balance_minor": b}
            for f, t, b in cells
        ]
    )
    flows = roll_rates.flow_rates(transitions, bucket_names=["current", "1-29", "30+"])
    assert flows["flow_rate"].to_list() == pytest.approx([0.1, 0.5, 0.0])
    assert flows["charge_off_rate"].to_list() == pytest.approx([0.0, 0.1, 0.2])
    assert flows["net_flow"].unique().item() == pytest.approx(0.02)
    assert flows["month_charged_off_minor"].unique().item() == 50


def test_net_flow_is_unknown_when_balance_rolls_into_an_empty_bucket() -> None:
    """current → 1-29 moved 100, but 1-29 held nothing at the month end before."""
    transitions = pl.DataFrame(
        {
            "month": [D(2026, 3, 31)] * 2,
            "from_segment": ["current"] * 2,
            "to_segment": ["current", "1-29"],
            "accounts": [1, 1],
            "balance_minor": [900, 100],
        }
    )
    flows = roll_rates.flow_rates(transitions, bucket_names=["current", "1-29"])
    assert flows["net_flow"].unique().to_list() == [None]


def _actions(rows: list[tuple[int, str, str, str, str, date, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(ACTIONS.names(), row, strict=True)) for row in rows], schema=ACTIONS
    )


PRICES = pl.DataFrame(
    {
        "treatment": ["agent_call", "reminder_sms", "settlement_offer", "do_nothing"],
        "kind": ["call_task", "message", "review", "none"],
        "cost_minor": [300, 3, 500, 0],
    },
    schema=TREATMENT_COSTS,
)
WINDOW = Window(D(2026, 3, 1), D(2026, 3, 31))


def test_cost_to_collect_counts_only_actions_done_in_the_window() -> None:
    """In (1 Mar, 31 Mar]: two calls (3.00 each), one SMS (0.03), one offer review (5.00);
    a cancelled call, a call on 1 Mar (before the window) and a do-nothing do not count.
    Cost 11.03; contacts 3 (calls and SMS); with 110.30 collected and 2 recoveries: cost to
    collect 0.1, actions per recovery 2, contacts per recovery 1.5."""
    actions = _actions(
        [
            (1, "agent_call", "call_task", "contact", "pending", D(2026, 3, 2), None),
            (1, "agent_call", "call_task", "contact", "done", D(2026, 3, 5), "ana"),
            (2, "reminder_sms", "message", "contact", "sent", D(2026, 3, 31), None),
            (2, "settlement_offer", "review", "settlement", "pending", D(2026, 3, 10), None),
            (3, "agent_call", "call_task", "contact", "cancelled", D(2026, 3, 10), None),
            (3, "agent_call", "call_task", "contact", "pending", D(2026, 3, 1), None),
            (3, "do_nothing", "none", "none", "pending", D(2026, 3, 10), None),
        ]
    )
    by_treatment = costs.cost_by_treatment([costs.cost_partial(actions, PRICES, WINDOW)])
    assert dict(zip(by_treatment["treatment"], by_treatment["cost_minor"], strict=True)) == {
        "agent_call": 600,
        "settlement_offer": 500,
        "reminder_sms": 3,
    }
    summary = costs.cost_summary(by_treatment, collected_minor=110_30, recovered=2).row(
        0, named=True
    )
    assert (summary["cost_minor"], summary["actions"], summary["contacts"]) == (1103, 4, 3)
    assert summary["cost_to_collect"] == pytest.approx(0.1)
    assert summary["actions_per_recovery"] == 2.0
    assert summary["contacts_per_recovery"] == 1.5


def test_agent_performance_from_assigned_call_tasks() -> None:
    """ana: calls on loans 1 (2 Mar, done; 4 Mar) and 2 (3 Mar); loan 1 pays 40.00 on 20 Mar
    (within 30 days of 2 Mar) and 10.00 on 15 Apr (too late), loan 2 nothing. ben: loan 3 on
    5 Mar, pays 25.00 on 6 Mar. Unassigned tasks do not count."""
    actions = _actions(
        [
            (1, "agent_call", "call_task", "contact", "done", D(2026, 3, 2), "ana"),
            (1, "agent_call", "call_task", "contact", "pending", D(2026, 3, 4), "ana"),
            (2, "agent_call", "call_task", "contact", "pending", D(2026, 3, 3), "ana"),
            (3, "agent_call", "call_task", "contact", "completed", D(2026, 3, 5), "ben"),
            (3, "agent_call", "call_task", "contact", "pending", D(2026, 3, 6), None),
        ]
    )
    payments = pl.DataFrame(
        {
            "loan_id": [1, 1, 3],
            "effective_date": [D(2026, 3, 20), D(2026, 4, 15), D(2026, 3, 6)],
            "amount_minor": [40_00, 10_00, 25_00],
            "good": [True] * 3,
            "cash": [True] * 3,
        },
        schema=PAYMENTS,
    )
    window = Window(D(2026, 3, 1), D(2026, 4, 30))
    found = agents.agent_performance(
        [agents.agent_partial(actions, payments, window, outcome_days=30)]
    )
    ana, ben = found.row(0, named=True), found.row(1, named=True)
    assert (ana["agent"], ana["tasks"], ana["completed"], ana["accounts"]) == ("ana", 3, 1, 2)
    assert (ana["paying_accounts"], ana["collected_minor"]) == (1, 40_00)
    assert ana["collected_per_task"] == pytest.approx(40_00 / 3)
    assert (ben["agent"], ben["tasks"], ben["collected_minor"], ben["paying_rate"]) == (
        "ben",
        1,
        25_00,
        1.0,
    )


def test_quarters_and_months_label_cohorts() -> None:
    frame = pl.DataFrame({"d": [D(2024, 8, 19)]})
    assert frame.select(periods.quarter_label("d")).item() == "2024Q3"
    assert frame.select(periods.month_label("d")).item() == "2024-08"
