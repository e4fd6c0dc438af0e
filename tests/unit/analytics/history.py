"""A hand-built history whose every figure is worked out by hand in the tests.

Four loans booked on 2026-01-01, each 300.00 of principal repaid in three installments of
100.00 (no interest) due on 1 Feb, 1 Mar and 1 Apr 2026:

* loan 1 pays every installment on its due date (current, then closed on 1 Apr);
* loan 2 misses 1 Feb and pays 200.00 on 10 Mar (1-29 at the end of Feb, current at the end
  of Mar) and 100.00 on 1 Apr (closed);
* loan 3 never pays (1-29 on 28 Feb, 30-59 on 31 Mar, 60-89 on 30 Apr, 90-119 on 31 May);
* loan 4 never pays, is charged off on 15 Apr for 300.00 and pays 50.00 on 20 Apr.

``write_export`` lays the frames out as an ``arrears export parquet`` directory so the whole
report pipeline runs on them through the real Parquet adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import polars as pl

from arrears.adapters.reports.parquet_store import ParquetFrameSink, ParquetUnitOfWork
from arrears.analytics.goals import Goal, goals_frame
from arrears.analytics.inputs import ACTIONS, ADJUSTMENTS, DECISIONS, EXPERIMENT_ARMS
from arrears.analytics.report_model import Report
from arrears.batch.frames import CHARGES, INSTALLMENTS, PAYMENTS
from arrears.domain.allocation import DEFAULT_POLICY
from arrears.domain.clock import FixedClock
from arrears.domain.delinquency import DEFAULT_BUCKETS
from arrears.services.analytics import ReportSettings, compute_report

BOOKED = date(2026, 1, 1)
DUE_DATES = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
INSTALLMENT = 100_00
PRINCIPAL = 3 * INSTALLMENT


def loan_row(loan_id: int, *, charge_off: date | None = None, product: str = "personal") -> dict:
    return {
        "loan_id": loan_id,
        "product": product,
        "currency": "USD",
        "principal_minor": PRINCIPAL,
        "annual_rate_micros": 0,
        "term_months": 3,
        "origination_date": BOOKED,
        "first_due_date": DUE_DATES[0],
        "charge_off_date": charge_off,
        "charge_off_amount_minor": PRINCIPAL if charge_off else None,
        "status": "charged_off" if charge_off else "active",
        "schedule_source": "imported",
    }


LOAN_SCHEMA = {
    "loan_id": pl.Int64,
    "product": pl.String,
    "currency": pl.String,
    "principal_minor": pl.Int64,
    "annual_rate_micros": pl.Int64,
    "term_months": pl.Int32,
    "origination_date": pl.Date,
    "first_due_date": pl.Date,
    "charge_off_date": pl.Date,
    "charge_off_amount_minor": pl.Int64,
    "status": pl.String,
    "schedule_source": pl.String,
}


@dataclass
class History:
    loans: list[dict] = field(default_factory=list)
    payments: list[tuple[int, date, int]] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    arms: list[dict] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)

    def with_payment(self, loan_id: int, on: date, amount_minor: int) -> History:
        """The same history with one more (possibly backdated) payment."""
        return replace(self, payments=[*self.payments, (loan_id, on, amount_minor)])

    def loans_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.loans, schema=LOAN_SCHEMA)

    def installments_frame(self) -> pl.DataFrame:
        rows = [
            {
                "loan_id": loan["loan_id"],
                "seq": seq,
                "due_date": due,
                "principal_minor": INSTALLMENT,
                "interest_minor": 0,
                "fees_minor": 0,
            }
            for loan in self.loans
            for seq, due in enumerate(DUE_DATES, 1)
        ]
        return pl.DataFrame(rows, schema=INSTALLMENTS)

    def payments_frame(self) -> pl.DataFrame:
        rows = [
            {
                "loan_id": loan,
                "payment_id": n,
                "effective_date": on,
                "amount_minor": amount,
                "good": True,
                "note": "",
            }
            for n, (loan, on, amount) in enumerate(self.payments, 1)
        ]
        return pl.DataFrame(rows, schema=PAYMENTS).sort("loan_id", "effective_date")


def four_loans() -> History:
    return History(
        loans=[loan_row(1), loan_row(2), loan_row(3), loan_row(4, charge_off=date(2026, 4, 15))],
        payments=[
            (1, DUE_DATES[0], INSTALLMENT),
            (1, DUE_DATES[1], INSTALLMENT),
            (1, DUE_DATES[2], INSTALLMENT),
            (2, date(2026, 3, 10), 2 * INSTALLMENT),
            (2, DUE_DATES[2], INSTALLMENT),
            (4, date(2026, 4, 20), 50_00),
        ],
    )


def write_export(history: History, directory: Path) -> Path:
    """The history as an export directory (one partition)."""
    sink = ParquetFrameSink(directory)
    frames = {
        "loans": history.loans_frame(),
        "installments": history.installments_frame(),
        "charges": pl.DataFrame(schema=CHARGES),
        "payments": history.payments_frame(),
        "adjustments": pl.DataFrame(schema=ADJUSTMENTS),
        "decisions": pl.DataFrame(history.decisions, schema=DECISIONS),
        "actions": pl.DataFrame(history.actions, schema=ACTIONS),
    }
    for name, frame in frames.items():
        sink.write(name, 0, frame)
    sink.write("experiment_arms", None, pl.DataFrame(history.arms, schema=EXPERIMENT_ARMS))
    sink.write("goals", None, goals_frame(history.goals))
    sink.finish({"partitions": 1, "currencies": {"USD": len(history.loans)}, "sources": []})
    return directory


def report(history: History, tmp_path: Path, *, as_of: date, months: int = 2) -> Report:
    """The report of ``history`` as of ``as_of`` (through an export in ``tmp_path``)."""
    directory = write_export(history, tmp_path / f"export-{len(history.payments)}-{as_of}")
    return compute_report(
        lambda: ParquetUnitOfWork(directory),
        as_of=as_of,
        clock=FixedClock.on(date(2026, 6, 30)),
        settings=ReportSettings(buckets=DEFAULT_BUCKETS, policy=DEFAULT_POLICY, months=months),
    )
