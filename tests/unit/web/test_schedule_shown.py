"""An account page lists the part of a long schedule a collector works from, and all of it when
asked (``AccountView.schedule_shown``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from arrears.domain.money import Money
from arrears.services.account_view import (
    NEXT_UPCOMING,
    RECENT_PAID,
    AccountView,
    ScheduleRow,
)


def _view(statuses: list[str]) -> AccountView:
    amount = Money(10_000, "USD")
    rows = [
        ScheduleRow(seq, date(2020, 1, 15) + timedelta(days=30 * seq), amount, amount, amount,
                    amount, status)
        for seq, status in enumerate(statuses, start=1)
    ]  # fmt: skip
    empty: Any = None
    return AccountView(
        loan_id=1, ref="L1", loan={"currency": "USD", "borrower_id": 1}, as_of=date(2026, 1, 1),
        parties=[], itemization=empty, delinquency=empty, schedule=rows, payments=[], holds=[],
        decisions=[], collateral=[], lock=None, compliance=None,
    )  # fmt: skip


def test_a_long_schedule_shows_what_is_owed_the_last_paid_and_the_next_due() -> None:
    statuses = ["paid"] * 70 + ["past due"] * 2 + ["due today"] + ["upcoming"] * 287
    view = _view(statuses)
    shown = view.schedule_shown()
    assert [row.seq for row in shown] == [
        *range(71 - RECENT_PAID, 71),
        71,
        72,
        73,
        *range(74, 74 + NEXT_UPCOMING),
    ]
    assert [row.seq for row in view.schedule_shown(whole=True)] == list(range(1, 361))


def test_a_short_schedule_is_shown_whole() -> None:
    statuses = ["paid"] * RECENT_PAID + ["past due"] + ["upcoming"] * NEXT_UPCOMING
    view = _view(statuses)
    assert view.schedule_shown() == view.schedule
