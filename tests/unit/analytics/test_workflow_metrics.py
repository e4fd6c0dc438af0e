"""Metrics of the workflows that feed analytics from their own records, on hand-made frames."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.analytics.inputs import PAYMENTS
from arrears.analytics.periods import Window
from arrears.analytics.sources import SOURCES, conform
from arrears.analytics.workflow_metrics import WORKFLOW_METRICS

D = date
WINDOW = Window(D(2026, 3, 1), D(2026, 3, 31))
METRICS = {metric.key: metric for metric in WORKFLOW_METRICS}


def payments(*rows: tuple[int, date, int]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "loan_id": loan,
                "effective_date": day,
                "amount_minor": amount,
                "good": True,
                "cash": True,
            }
            for loan, day, amount in rows
        ],
        schema=PAYMENTS,
    )


def run(key: str, rows: list[dict[str, object]], paid: pl.DataFrame | None = None) -> dict:
    metric = METRICS[key]
    frame = conform(pl.DataFrame(rows, schema=SOURCES[metric.source].schema), metric.source)
    partial = metric.partial(frame, paid if paid is not None else payments(), WINDOW)
    return metric.finish(partial).to_dicts()[0]


def test_promise_kept_rate() -> None:
    """Three promises fall due in March: 1 (50.00 by 10 Mar, paid 30 + 20 from 5 Mar: kept),
    2 (80.00 by 20 Mar, paid 79.99: broken), 3 (40.00 by 31 Mar, paid on 2 Apr: broken).
    Promise 4 falls due in April: not counted. Kept 1/3."""
    rows = [
        {
            "promise_id": 1,
            "loan_id": 1,
            "made_on": D(2026, 3, 5),
            "due_date": D(2026, 3, 10),
            "amount_minor": 50_00,
        },
        {
            "promise_id": 2,
            "loan_id": 2,
            "made_on": D(2026, 3, 1),
            "due_date": D(2026, 3, 20),
            "amount_minor": 80_00,
        },
        {
            "promise_id": 3,
            "loan_id": 3,
            "made_on": D(2026, 3, 1),
            "due_date": D(2026, 3, 31),
            "amount_minor": 40_00,
        },
        {
            "promise_id": 4,
            "loan_id": 1,
            "made_on": D(2026, 3, 20),
            "due_date": D(2026, 4, 5),
            "amount_minor": 10_00,
        },
    ]
    paid = payments(
        (1, D(2026, 3, 5), 30_00),
        (1, D(2026, 3, 9), 20_00),
        (2, D(2026, 3, 15), 79_99),
        (3, D(2026, 4, 2), 40_00),
    )
    found = run("promise_kept_rate", rows, paid)
    assert (found["promises_due"], found["kept"], found["promised_minor"]) == (3, 1, 170_00)
    assert found["kept_rate"] == pytest.approx(1 / 3)


def test_right_party_contact_rate() -> None:
    """Outbound telephone attempts in March: 4 connected calls/voicemails (one not connected
    and an inbound call and an SMS do not count); 2 were conversations → 50%."""
    base = {"loan_id": 1, "contacted_on": D(2026, 3, 3), "direction": "outbound", "actor": "a"}
    rows = [
        {**base, "channel": "call", "outcome": "right_party_contact"},
        {**base, "channel": "call", "outcome": "promise_made"},
        {**base, "channel": "call", "outcome": "no_answer"},
        {**base, "channel": "voicemail", "outcome": "voicemail"},
        {**base, "channel": "call", "outcome": "not_connected"},
        {**base, "channel": "call", "outcome": "right_party_contact", "direction": "inbound"},
        {**base, "channel": "sms", "outcome": "delivered"},
    ]
    found = run("right_party_contact_rate", rows)
    assert (found["attempts"], found["right_party_contacts"], found["rpc_rate"]) == (4, 2, 0.5)


def test_settlement_rate_and_average_discount() -> None:
    """Four offers presented in March; two accepted by 31 Mar: 600.00 for a 1 000.00 balance
    and 350.00 for 500.00 → settled 950.00 of 1 500.00, average discount 1 − 950/1 500 =
    36.7%. One accepted on 2 Apr is not accepted yet as of 31 Mar; one was never accepted."""
    rows = [
        {
            "offer_id": 1,
            "loan_id": 1,
            "presented_on": D(2026, 3, 2),
            "accepted_on": D(2026, 3, 4),
            "balance_minor": 1000_00,
            "settlement_minor": 600_00,
        },
        {
            "offer_id": 2,
            "loan_id": 2,
            "presented_on": D(2026, 3, 3),
            "accepted_on": D(2026, 3, 31),
            "balance_minor": 500_00,
            "settlement_minor": 350_00,
        },
        {
            "offer_id": 3,
            "loan_id": 3,
            "presented_on": D(2026, 3, 4),
            "accepted_on": D(2026, 4, 2),
            "balance_minor": 800_00,
            "settlement_minor": 500_00,
        },
        {
            "offer_id": 4,
            "loan_id": 4,
            "presented_on": D(2026, 3, 5),
            "accepted_on": None,
            "balance_minor": 100_00,
            "settlement_minor": 80_00,
        },
    ]
    found = run("settlement_rate", rows)
    assert (found["presented"], found["accepted"], found["settlement_rate"]) == (4, 2, 0.5)
    assert found["average_discount"] == pytest.approx(1 - 950 / 1500)


def test_plan_completion_rate() -> None:
    """Plans ending in March: 3 completed, 1 defaulted (a cancelled one and one that ended in
    February do not count) → 75%."""
    rows = [
        {
            "plan_id": n,
            "loan_id": n,
            "started_on": D(2025, 9, 1),
            "status": status,
            "ended_on": ended,
        }
        for n, (status, ended) in enumerate(
            [
                ("completed", D(2026, 3, 2)),
                ("completed", D(2026, 3, 9)),
                ("completed", D(2026, 3, 31)),
                ("defaulted", D(2026, 3, 15)),
                ("cancelled", D(2026, 3, 15)),
                ("completed", D(2026, 2, 27)),
            ],
            1,
        )
    ]
    found = run("plan_completion_rate", rows)
    assert (found["ended"], found["completed"], found["completion_rate"]) == (4, 3, 0.75)


def test_agency_liquidation_by_placement_vintage() -> None:
    """Acme gets loan 1 (1 000.00) on 10 Jan, recalled 20 Mar: it collects 100.00 on 1 Feb and
    50.00 on 15 Mar; the 70.00 of 25 Mar is after the recall. 150/1000 = 15%."""
    rows = [
        {
            "placement_id": 1,
            "loan_id": 1,
            "agency": "Acme",
            "placed_on": D(2026, 1, 10),
            "recalled_on": D(2026, 3, 20),
            "placed_balance_minor": 1000_00,
        }
    ]
    paid = payments(
        (1, D(2026, 2, 1), 100_00), (1, D(2026, 3, 15), 50_00), (1, D(2026, 3, 25), 70_00)
    )
    found = run("agency_liquidation", rows, paid)
    assert (found["agency"], found["vintage"], found["collected_minor"]) == (
        "Acme",
        "2026-01",
        150_00,
    )
    assert found["liquidation_rate"] == pytest.approx(0.15)


def test_legal_and_repossession_recovery_net_of_costs() -> None:
    """Legal: case referred 5 Jan with costs of 200.00 (10 Jan) and 100.00 (20 Feb), and one of
    50.00 on 2 Apr (after the report); 1 000.00 paid on 1 Mar → net 700.00.
    Repossession: taken 3 Jan, sold 20 Feb for 9 000.00 with 1 200.00 costs → net 7 800.00."""
    case = {"case_id": 1, "loan_id": 1, "referred_on": D(2026, 1, 5), "closed_on": None}
    costs = [(D(2026, 1, 10), 200_00), (D(2026, 2, 20), 100_00), (D(2026, 4, 2), 50_00)]
    legal = run(
        "legal_recovery",
        [{**case, "cost_on": day, "cost_minor": amount} for day, amount in costs],
        payments((1, D(2026, 3, 1), 1000_00)),
    )
    assert (legal["quarter"], legal["cases"], legal["recovered_minor"]) == ("2026Q1", 1, 1000_00)
    assert (legal["costs_minor"], legal["net_minor"]) == (300_00, 700_00)
    repo = run(
        "repossession_recovery",
        [
            {
                "loan_id": 2,
                "repossessed_on": D(2026, 1, 3),
                "sold_on": D(2026, 2, 20),
                "proceeds_minor": 9000_00,
                "costs_minor": 1200_00,
            }
        ],
    )
    assert (repo["repossessions"], repo["sold"], repo["net_minor"]) == (1, 1, 7800_00)


def test_portal_funnel_conversion() -> None:
    """Borrowers in March: 4 visit, 2 view an offer, 1 accepts (a plan chosen), 1 pays."""
    events = [
        (1, "visit"),
        (2, "visit"),
        (3, "signed_in"),
        (4, "visit"),
        (1, "offer_viewed"),
        (2, "offer_viewed"),
        (1, "plan_chosen"),
        (1, "payment_made"),
    ]
    rows = [
        {"borrower_id": b, "loan_id": b, "event": e, "happened_on": D(2026, 3, 5)}
        for b, e in events
    ]
    metric = METRICS["portal_funnel"]
    frame = metric.finish(metric.partial(pl.DataFrame(rows), payments(), WINDOW))
    assert frame["borrowers"].to_list() == [4, 2, 1, 1]
    assert frame["step_conversion"].to_list() == [None, 0.5, 0.5, 1.0]
    assert frame["overall_conversion"].to_list() == [1.0, 0.5, 0.25, 0.25]
