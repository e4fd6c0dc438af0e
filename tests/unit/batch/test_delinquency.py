"""Delinquency of a small portfolio on hand-checked dates."""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.delinquency import delinquency, delinquency_at
from arrears.batch.frames import INSTALLMENTS, LOANS, PAYMENTS
from arrears.batch.items import due_items

#: Four installments of 100.00 (10.00 interest + 90.00 principal) due on the 1st, Jan–Apr 2026.
INSTALMENTS = pl.DataFrame(
    [
        {"loan_id": 1, "seq": n, "due_date": date(2026, n, 1), "principal_minor": 9_000,
         "interest_minor": 1_000, "fees_minor": 0}
        for n in (1, 2, 3, 4)
    ],
    schema=INSTALLMENTS,
)  # fmt: skip
#: January paid on time; 50.00 on Feb 20; 150.00 on Mar 25; a returned 400.00 on Feb 2.
PAYMENTS_MADE = pl.DataFrame(
    [
        (1, 1, date(2026, 1, 1), 10_000, True, None),
        (1, 2, date(2026, 2, 20), 5_000, True, None),
        (1, 3, date(2026, 3, 25), 15_000, True, None),
        (1, 4, date(2026, 2, 2), 40_000, False, "returned: NSF"),
    ],
    schema=PAYMENTS,
    orient="row",
)


def _loans(charge_off: date | None = None) -> pl.DataFrame:
    row = {
        "loan_id": 1,
        "currency": "USD",
        "principal_minor": 36_000,
        "annual_rate_micros": 0,
        "term_months": 4,
        "origination_date": date(2025, 12, 1),
        "first_due_date": date(2026, 1, 1),
        "charge_off_date": charge_off,
    }
    return pl.DataFrame([row], schema=LOANS)


def _on(as_of: date, charge_off: date | None = None) -> dict[str, object]:
    frame = delinquency(due_items(INSTALMENTS), PAYMENTS_MADE, _loans(charge_off), as_of=as_of)
    return frame.row(0, named=True)


def test_in_the_middle_of_an_episode_that_passed_30_days() -> None:
    """Mar 10: February is still short (50.00 of 100.00 paid), so DPD = Mar 10 − Feb 1 = 37
    (bucket 30-59); 300.00 fell due before Mar 10 and 150.00 was paid (the returned payment
    does not count): 150.00 past due. The episode began Feb 2 and reached 30 days past due on
    Mar 3, so DOFD is Feb 1."""
    assert _on(date(2026, 3, 10)) == {
        "loan_id": 1,
        "dpd": 37,
        "bucket": "30-59",
        "amount_past_due_minor": 15_000,
        "oldest_unpaid_due_date": date(2026, 2, 1),
        "dofd": date(2026, 2, 1),
        "cured_on": None,
        "due_to_date_minor": 30_000,
        "paid_to_date_minor": 15_000,
    }


def test_after_a_cure_a_new_episode_has_no_dofd_until_it_reaches_30_days() -> None:
    """Mar 25's 150.00 pays February's 50.00 and March's 100.00: cured on Mar 25. April falls
    due unpaid, so on Apr 15 DPD = 14 (1-29), 100.00 past due (400.00 due, 300.00 paid) and no
    DOFD: the new episode is 14 days old."""
    state = _on(date(2026, 4, 15))
    assert (state["dpd"], state["bucket"], state["amount_past_due_minor"]) == (14, "1-29", 10_000)
    assert (state["dofd"], state["cured_on"]) == (None, date(2026, 3, 25))
    assert state["oldest_unpaid_due_date"] == date(2026, 4, 1)


def test_a_charge_off_freezes_the_dofd_it_had() -> None:
    """Charged off on Mar 15 (DOFD Feb 1 then), the loan keeps DOFD Feb 1 on Apr 15 even
    though that episode was cured and a new one began."""
    assert _on(date(2026, 4, 15), charge_off=date(2026, 3, 15))["dofd"] == date(2026, 2, 1)


def test_delinquency_on_several_dates_stacks_one_frame_per_date() -> None:
    """Month ends Jan 31 (current), Feb 28 (DPD 27) and Mar 31 (cured: DPD 0)."""
    dates = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    frame = delinquency_at(due_items(INSTALMENTS), PAYMENTS_MADE, _loans(), dates=dates)
    assert frame.select("as_of", "dpd", "bucket").rows() == [
        (date(2026, 1, 31), 0, "current"),
        (date(2026, 2, 28), 27, "1-29"),
        (date(2026, 3, 31), 0, "current"),
    ]


def test_dofd_appears_on_the_day_an_episode_reaches_30_days_past_due() -> None:
    """One 100.00 installment due Jan 1. Unpaid: 29 DPD on Jan 30 (no DOFD yet), 30 DPD on
    Jan 31 (DOFD Jan 1). Paid in full on Jan 31 instead: the episode ended at 29 days, so on
    Feb 5 there is no DOFD and the loan was cured on Jan 31. Charged off on Feb 1 while 31 days
    past due, then paid on Feb 10: the DOFD Jan 1 stays on Feb 15."""
    due = pl.DataFrame(
        [
            {"loan_id": loan_id, "seq": 1, "due_date": date(2026, 1, 1), "principal_minor": 9_000,
             "interest_minor": 1_000, "fees_minor": 0}
            for loan_id in (1, 2, 3)
        ],
        schema=INSTALLMENTS,
    )  # fmt: skip
    paid = pl.DataFrame(
        [
            (2, 1, date(2026, 1, 31), 10_000, True, None),
            (3, 2, date(2026, 2, 10), 10_000, True, None),
        ],
        schema=PAYMENTS,
        orient="row",
    )
    loans = pl.concat(
        [
            _loans(),
            _loans().with_columns(pl.lit(2, dtype=pl.Int64).alias("loan_id")),
            _loans(date(2026, 2, 1)).with_columns(pl.lit(3, dtype=pl.Int64).alias("loan_id")),
        ]
    )
    dates = [date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 5), date(2026, 2, 15)]
    frame = delinquency_at(due_items(due), paid, loans, dates=dates)
    rows = frame.select("loan_id", "as_of", "dpd", "dofd", "cured_on").sort("loan_id", "as_of")
    assert rows.rows() == [
        (1, date(2026, 1, 30), 29, None, None),
        (1, date(2026, 1, 31), 30, date(2026, 1, 1), None),
        (1, date(2026, 2, 5), 35, date(2026, 1, 1), None),
        (1, date(2026, 2, 15), 45, date(2026, 1, 1), None),
        (2, date(2026, 1, 30), 29, None, None),
        (2, date(2026, 1, 31), 0, None, date(2026, 1, 31)),
        (2, date(2026, 2, 5), 0, None, date(2026, 1, 31)),
        (2, date(2026, 2, 15), 0, None, date(2026, 1, 31)),
        (3, date(2026, 1, 30), 29, None, None),
        (3, date(2026, 1, 31), 30, date(2026, 1, 1), None),
        (3, date(2026, 2, 5), 35, date(2026, 1, 1), None),
        (3, date(2026, 2, 15), 0, date(2026, 1, 1), date(2026, 2, 10)),
    ]
