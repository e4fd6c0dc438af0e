"""The report on a real database (SQLite and PostgreSQL): what it reads, what the ledger says,
backdated payments, exports, experiments from the cycle's decisions and workflow records.

The small portfolio (``support.portfolio``): L1 paid Feb–Jul 2026 and stopped, L2 pays every
month, L3 was charged off on 10 Mar 2025.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from arrears.adapters.db.analytics_reads import SqlAnalyticsUnitOfWork
from arrears.adapters.db.schema_negotiation import contacts
from arrears.adapters.reports.parquet_store import ParquetFrameSink, ParquetUnitOfWork
from arrears.analytics.report_model import MetricTable, NoData, Report
from arrears.bootstrap import Container
from arrears.services.analytics import ReportSettings, compute_report, export_frames
from arrears.services.cycle import run_cycle
from arrears.services.status import portfolio_status
from support.db import run_import
from support.portfolio import TODAY

AUG_31 = date(2026, 8, 31)


def settings(container: Container) -> ReportSettings:
    return ReportSettings(buckets=container.buckets, policy=container.policy, partition_loans=2)


def analytics(container: Container) -> SqlAnalyticsUnitOfWork:
    return SqlAnalyticsUnitOfWork(container.engine, cipher=container.cipher)


def report_of(container: Container, as_of: date) -> Report:
    return compute_report(
        lambda: analytics(container),
        as_of=as_of,
        clock=container.clock,
        settings=settings(container),
    )


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


@pytest.mark.parametrize("as_of", [TODAY, date(2026, 6, 30), date(2025, 12, 31)])
def test_the_portfolio_section_agrees_with_the_ledger(imported: Container, as_of: date) -> None:
    """Outstanding balances rebuilt from events equal the ledger's (``arrears status``), segment
    by segment, on any date — with partitions of two loans."""
    found = report_of(imported, as_of).table("portfolio").records()
    ledger = portfolio_status(
        imported.uow,
        as_of=as_of,
        today=TODAY,
        buckets=imported.buckets,
        policy=imported.policy,
        partition=2,
    )
    assert [
        (r["segment"], r["accounts"], r["outstanding_minor"], r["past_due_minor"]) for r in found
    ] == [(r.segment, r.accounts, r.balance_minor, r.past_due_minor) for r in ledger.rows]


def test_a_backdated_payment_imported_later_changes_the_past(
    imported: Container, write_csv
) -> None:
    """L1 missed 15 Aug: on 31 Aug it is 16 days past due, and from 31 Aug to 30 Sep it rolls
    from 1-29 to 30-59. A payment imported today but effective 15 Aug makes it current on
    31 Aug and 1-29 on 30 Sep (15 Sep unpaid): both past figures change."""

    def standing(figures: Report) -> dict[str, int]:
        return {
            str(r["segment"]): int(str(r["accounts"]))
            for r in figures.table("portfolio").records()
            if r["accounts"]
        }

    def rolls(figures: Report) -> set[tuple[object, object]]:
        return {
            (r["from_segment"], r["to_segment"])
            for r in figures.table("roll_rates").records()
            if r["accounts"]
        }

    before_aug, before_sep = report_of(imported, AUG_31), report_of(imported, date(2026, 9, 30))
    assert standing(before_aug) == {"current": 1, "1-29": 1, "charged off": 1}
    assert ("1-29", "30-59") in rolls(before_sep)
    late = write_csv(
        "payments.csv",
        [
            {
                "payment_id": "P1-8",
                "loan_id": "L1",
                "amount": "106.62",
                "effective_date": "2026-08-15",
            }
        ],
    )
    run_import(imported, [late])
    after_aug, after_sep = report_of(imported, AUG_31), report_of(imported, date(2026, 9, 30))
    assert standing(after_aug) == {"current": 2, "charged off": 1}
    assert ("current", "1-29") in rolls(after_sep)
    assert ("1-29", "30-59") not in rolls(after_sep)


def test_a_parquet_export_gives_the_same_report(imported: Container, tmp_path: Path) -> None:
    """``arrears export parquet`` then ``--from-parquet``: every section identical."""
    export_frames(
        lambda: analytics(imported),
        ParquetFrameSink(tmp_path / "export"),
        clock=imported.clock,
        settings=settings(imported),
    )
    from_db = report_of(imported, TODAY).to_dict()
    from_files = compute_report(
        lambda: ParquetUnitOfWork(tmp_path / "export"),
        as_of=TODAY,
        clock=imported.clock,
        settings=settings(imported),
    ).to_dict()
    assert from_files["sections"] == from_db["sections"]
    assert from_files["accounts"] == from_db["accounts"] == 3


def test_experiments_read_the_cycle_decisions(imported: Container) -> None:
    """Cycles on 17 and 18 Aug put L1 (1–3 days past due, segment early_stage) in the
    default strategy's experiment on 17 Aug; by 30 Sep its 30 outcome days have passed: on
    16 Sep it is 32 days past due (15 Aug and 15 Sep unpaid), so not cured, and paid nothing."""
    for day in (date(2026, 8, 17), date(2026, 8, 18)):
        run_cycle(
            as_of=day,
            uow_factory=imported.uow,
            clock=imported.clock,
            settings=imported.cycle_settings,
        )
    arms = report_of(imported, date(2026, 9, 30)).table("experiment_arms").records()
    assert len(arms) == 1
    (arm,) = arms
    assert (arm["experiment"], arm["accounts"], arm["cured"]) == ("early_sms_day_1", 1, 0)
    assert arm["collected_minor"] == 0
    assert isinstance(report_of(imported, date(2026, 9, 1)).section("experiment_arms"), NoData)


def test_workflow_records_are_read_when_their_tables_exist(imported: Container) -> None:
    """The contact log exists in this schema: two outbound calls on L1 in the window, one a
    conversation → right-party contact rate 50%. Sources whose tables are missing say so."""
    with imported.engine.begin() as connection:
        loan, borrower = connection.execute(
            text("SELECT id, borrower_id FROM loans WHERE external_id = 'L1'")
        ).one()
        at = datetime(2026, 11, 20, 15, tzinfo=UTC)
        connection.execute(
            insert(contacts),
            [
                {
                    "loan_id": loan,
                    "borrower_id": borrower,
                    "channel": "call",
                    "direction": "outbound",
                    "at": at,
                    "actor": "ana",
                    "outcome": outcome,
                    "reference": outcome,
                    "created_at": at,
                }
                for outcome in ("right_party_contact", "no_answer")
            ],
        )
    with analytics(imported) as uow:
        available = uow.analytics.available_sources()
    assert {"contacts", "promises", "plans"} <= available
    assert "repossessions" not in available
    figures = report_of(imported, TODAY)
    rate = figures.section("right_party_contact_rate")
    assert isinstance(rate, MetricTable)
    assert rate.records() == [{"attempts": 2, "right_party_contacts": 1, "rpc_rate": 0.5}]
    assert isinstance(figures.section("repossession_recovery"), NoData)
    promises = figures.section("promise_kept_rate")
    assert isinstance(promises, NoData)
    assert promises.reason.startswith("No promises")
