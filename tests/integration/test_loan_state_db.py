"""One loan read as plain values (an account view's path) on a real database: the stored
schedule, charges and returned payments come back as written, and the delinquency it gives
equals the batch path's for every loan of the portfolio."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.domain.components import Component
from arrears.services.account_view import delinquency_of
from arrears.services.charges import assess_charge
from arrears.services.loan_state import loan_state
from integration.conftest import WriteCsv
from support.db import run_import
from support.portfolio import TODAY

#: L1's 1,200.00 in an imported schedule: 100.00 of principal a month, a 2.50 fee in each.
SCHEDULE = [
    {
        "loan_id": "L1", "installment_number": str(n), "due_date": f"2026-{n + 1:02d}-15",
        "principal": "100.00", "interest": "12.00", "fees": "2.50",
    }
    for n in range(1, 12)
] + [
    {
        "loan_id": "L1", "installment_number": "12", "due_date": "2027-01-15",
        "principal": "100.00", "interest": "1.00",
    }
]  # fmt: skip


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path], write_csv: WriteCsv) -> Container:
    run_import(container, [*portfolio_files, write_csv("schedules.csv", SCHEDULE)])
    with container.uow() as uow:
        l2 = uow.accounts.loan_id("L2")
        assert l2 is not None
        assess_charge(
            uow, loan_id=l2, component=Component.FEES, amount_minor=3500,
            assessed_on=date(2026, 10, 20), reason="late fee", key="late-L2-1", actor="test",
            at=container.clock.now(), as_of=TODAY,
        )  # fmt: skip
        uow.commit()
    return container


def _ids(container: Container) -> dict[str, int]:
    with container.uow() as uow:
        found = {ref: uow.accounts.loan_id(ref) for ref in ("L1", "L2", "L3")}
    return {ref: loan for ref, loan in found.items() if loan is not None}


def test_the_history_comes_back_as_stored(imported: Container) -> None:
    ids = _ids(imported)
    with imported.uow() as uow:
        l1 = uow.reads.loan_history(ids["L1"])
        l2 = uow.reads.loan_history(ids["L2"])
        l3 = uow.reads.loan_history(ids["L3"])
        missing = uow.reads.loan_history(max(ids.values()) + 1_000)
    assert l1 is not None
    assert l2 is not None
    assert l3 is not None
    assert missing is None
    assert l1.imported_schedule
    assert not l2.imported_schedule
    assert [i.seq for i in l1.installments] == list(range(1, 13))
    assert l1.installments[0].due_date == date(2026, 2, 15)
    assert (l1.installments[0].fees.minor, l1.installments[-1].interest.minor) == (250, 100)
    assert [(c.key, c.component, c.amount.minor) for c in l2.charges] == [
        ("late-L2-1", Component.FEES, 3500)
    ]
    assert [good for _, _, good in l2.payments].count(False) == 1, "the bounced payment"
    assert l3.charge_off_date == date(2025, 3, 10)


@pytest.mark.parametrize("days_back", [0, 45, 400])
def test_each_loan_is_as_delinquent_as_the_batch_path_says(
    imported: Container, days_back: int
) -> None:
    ids = _ids(imported)
    as_of = TODAY - timedelta(days=days_back)
    settings = imported.cycle_settings
    with imported.uow() as uow:
        batch = delinquency_of(uow, list(ids.values()), as_of, settings)
        for loan in ids.values():
            owed = loan_state(
                uow, loan, as_of=as_of, policy=settings.policy, buckets=settings.buckets
            ).delinquency
            expected = batch[loan]
            got = (owed.dpd, owed.bucket, owed.amount_past_due_minor, owed.oldest_unpaid_due_date,
                   owed.dofd, owed.cured_on)  # fmt: skip
            assert got == (
                expected.dpd, expected.bucket, expected.past_due.minor, expected.oldest_unpaid,
                expected.dofd, expected.cured_on,
            )  # fmt: skip
    if days_back == 0:
        assert batch[ids["L1"]].dpd > 0, "L1 stopped paying in July"
