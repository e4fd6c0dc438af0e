"""``arrears metro2 export`` on a real database (SQLite and PostgreSQL): the month's file from
the small portfolio, recorded exports, corrections, partitions and ``explain``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears.batch.furnishing import FurnishingSettings, Reporter
from arrears.bootstrap import Container
from arrears.domain.contact_log import Channel, Outcome
from arrears.domain.credits import CreditKind
from arrears.entrypoints.cli.metro2 import app as metro2_cli
from arrears.formats.metro2 import Framing, Metro2FormatError, read_file, validate_stream
from arrears.services.contacts import ContactEntry, log_contact
from arrears.services.credits import record_credit
from arrears.services.furnishing import (
    ExportReport,
    ExportSettings,
    combine,
    explain_account,
    export_month,
    export_partition,
)
from support.db import run_import

OCTOBER = date(2026, 10, 31)
runner = CliRunner()


def settings(*, partition_loans: int = 50_000, identification: str = "ARREARS01") -> ExportSettings:
    return ExportSettings(
        reporter=Reporter(name="EXAMPLE LENDING", address="PO BOX 1000, SPRINGFIELD IL 62701",
                          telephone=8005550100),
        furnishing=FurnishingSettings(identification_number=identification),
        partition_loans=partition_loans,
    )  # fmt: skip


@pytest.fixture
def portfolio(container: Container, portfolio_files: list[Path]) -> Container:
    """The small portfolio; L1's and L2's borrowers were spoken to in March, L3's never."""
    run_import(container, portfolio_files)
    for loan in ("L1", "L2"):
        log_contact(
            ContactEntry(loan=loan, channel=Channel.CALL, outcome=Outcome.RIGHT_PARTY_CONTACT,
                         actor="agent7", at=datetime(2026, 3, 2, 15, tzinfo=UTC)),
            uow_factory=container.uow, clock=container.clock,
        )  # fmt: skip
    return container


def export(
    container: Container,
    path: Path,
    as_of: date = OCTOBER,
    *,
    partition_loans: int = 50_000,
    identification: str = "ARREARS01",
) -> ExportReport:
    return export_month(
        as_of=as_of, output=path, uow_factory=container.uow, clock=container.clock,
        settings=settings(partition_loans=partition_loans, identification=identification),
    )  # fmt: skip


def ledger_balance(container: Container, loan: str, as_of: date) -> int:
    with container.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT SUM(l.amount_minor) FROM ledger_lines l JOIN ledger_entries e "
                    "ON e.id = l.entry_id JOIN loans o ON o.id = l.loan_id "
                    "WHERE o.external_id = :loan AND e.effective_date <= :as_of AND l.account "
                    "IN ('principal', 'interest', 'fees', 'penalties', 'costs', 'suspense')"
                ),
                {"loan": loan, "as_of": as_of},
            ).scalar_one()
        )


def test_the_month_file_validates_and_reads_back_as_the_accounts(
    portfolio: Container, tmp_path: Path
) -> None:
    """October's file: L1 60-89 days late (78), L2 with its co-borrower elsewhere (J2), L3
    left out (never contacted); balances are the ledger's in whole dollars; recorded once."""
    path = tmp_path / "october.m2"
    report = export(portfolio, path)
    with path.open("rb") as stream:
        assert validate_stream(stream).ok
    assert (report.records, report.excluded) == (2, {"not_contacted": 1})
    accounts = {a.base.consumer_account_number: a for a in read_file(path.read_bytes()).accounts}
    l1, l2 = accounts["L1"].base, accounts["L2"].base
    assert (l1.account_status, l1.date_of_first_delinquency) == ("78", date(2026, 8, 15))
    assert l1.current_balance == ledger_balance(portfolio, "L1", OCTOBER) // 100
    assert l1.payment_history_profile == "100000000" + "B" * 15
    assert (l1.surname, l1.social_security_number, l1.date_of_birth) == (
        "GARCIA", 123456789, date(1985, 4, 12),
    )  # fmt: skip
    assert l2.ecoa_code == "2"
    assert [j.surname for j in accounts["L2"].j2] == ["ORTIZ"]
    with portfolio.engine.connect() as connection:
        row = connection.execute(
            text("SELECT month, sha256, records, status FROM metro2_exports")
        ).one()
        reported = connection.execute(text("SELECT COUNT(*) FROM metro2_export_accounts")).scalar()
    assert tuple(row) == ("2026-10", report.sha256, 2, "complete")
    assert reported == 2


def test_exporting_a_month_again_without_change_writes_the_same_bytes(
    portfolio: Container, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "october.m2"
    first = export(portfolio, path)
    content = path.read_bytes()
    second = export(portfolio, path)
    assert (second.status, second.sha256) == ("unchanged", first.sha256)
    assert path.read_bytes() == content
    assert [p.name for p in path.parent.iterdir()] == ["october.m2"]


def test_a_backdated_payment_is_a_correction_the_next_export_marks(
    portfolio: Container, tmp_path: Path
) -> None:
    """A payment recorded in November but effective October 20 brings L1 current on
    October 31: October exported again reports 11 with the Correction Indicator (L2, which did
    not change, without it); November's profile shows October as current."""
    export(portfolio, tmp_path / "october.m2")
    with portfolio.uow() as uow:
        loan_id = uow.accounts.loan_id("L1")
        assert loan_id is not None
        record_credit(
            uow, loan_id=loan_id, kind=CreditKind.PAYMENT, amount_minor=319_86,
            effective_date=date(2026, 10, 20), reason="cheque found", key="P1-late",
            actor="ops", at=portfolio.clock.now(), as_of=portfolio.clock.today(),
        )  # fmt: skip
        uow.commit()
    corrected = export(portfolio, tmp_path / "october-corrected.m2")
    assert corrected.corrected == 1
    accounts = {
        a.base.consumer_account_number: a.base
        for a in read_file((tmp_path / "october-corrected.m2").read_bytes()).accounts
    }
    assert (accounts["L1"].account_status, accounts["L1"].correction_indicator) == ("11", 1)
    assert accounts["L2"].correction_indicator == 0
    november = export(portfolio, tmp_path / "november.m2", as_of=date(2026, 11, 27))
    base = {
        a.base.consumer_account_number: a.base
        for a in read_file((tmp_path / "november.m2").read_bytes()).accounts
    }["L1"]
    assert base.payment_history_profile[0] == "0"
    assert base.correction_indicator == 0
    assert november.records == 2


def test_partitions_concatenate_into_one_valid_file(portfolio: Container, tmp_path: Path) -> None:
    """Each partition (one loan each here) written apart, then combined: the same bytes as the
    export in one go, a valid file, the trailer summed from the partitions' totals."""
    whole = export(portfolio, tmp_path / "whole.m2", partition_loans=1)
    config = settings(partition_loans=1)
    header = config.reporter.header(activity=OCTOBER, created=portfolio.clock.today())
    with portfolio.engine.connect() as connection:
        ids = [
            int(i) for i in connection.execute(text("SELECT id FROM loans ORDER BY id")).scalars()
        ]
    parts, trailers = [], []
    for loan_id in ids:
        part = tmp_path / f"part-{loan_id}.m2"
        with portfolio.uow() as uow, part.open("wb") as out:
            result = export_partition(
                uow, first=loan_id, last=loan_id, as_of=OCTOBER, header=header, settings=config,
                out=out,
            )  # fmt: skip
        parts.append(part)
        trailers.append(result.trailer)
    with (tmp_path / "combined.m2").open("wb") as out:
        trailer = combine(parts, header=header, trailers=trailers, framing=Framing(), out=out)
    assert (tmp_path / "combined.m2").read_bytes() == (tmp_path / "whole.m2").read_bytes()
    assert trailer == whole.trailer
    assert (trailer.total_base_records, trailer.total_j2_segments) == (2, 1)
    with (tmp_path / "combined.m2").open("rb") as stream:
        assert validate_stream(stream).ok


def test_explain_ties_the_fields_to_the_ledger_and_the_delinquency(portfolio: Container) -> None:
    found = explain_account(
        loan="L1", as_of=OCTOBER, uow_factory=portfolio.uow, settings=settings()
    )
    assert found.record is not None
    assert found.exclusion is None
    assert found.facts["balance_minor"] == ledger_balance(portfolio, "L1", OCTOBER)
    borrower = {"principal", "interest", "fees", "penalties", "costs", "suspense"}
    assert sum(v for k, v in found.ledger.items() if k in borrower) == found.facts["balance_minor"]
    assert found.history[0]["as_of"] == OCTOBER
    assert found.history[0]["dpd"] == found.facts["dpd"] == 77
    assert found.record["date_of_first_delinquency"] == found.history[0]["dofd"]
    assert "social_security_number" not in found.record
    left_out = explain_account(loan="L3", as_of=OCTOBER, uow_factory=portfolio.uow,
                               settings=settings())  # fmt: skip
    assert left_out.record is None
    assert left_out.exclusion is not None
    assert left_out.exclusion["reason"] == "not_contacted"


def test_a_refused_export_leaves_no_file_and_no_record(
    portfolio: Container, tmp_path: Path
) -> None:
    """An identification number the bureaus refuse (fewer than 5 characters) stops the export
    with every problem; nothing is left behind as if complete."""
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Metro2FormatError):
        export(portfolio, out / "october.m2", identification="AB")
    assert list(out.iterdir()) == []
    with portfolio.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM metro2_exports")).scalar() == 0
        assert connection.execute(text("SELECT COUNT(*) FROM metro2_export_accounts")).scalar() == 0


def test_the_commands_export_validate_and_explain(
    portfolio: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if portfolio.schema:
        pytest.skip("the CLI opens the default schema")
    monkeypatch.setenv("ARREARS_DATABASE_URL", portfolio.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(portfolio.settings.data_dir))
    path = tmp_path / "october.m2"
    exported = runner.invoke(metro2_cli, ["export", "--as-of", "2026-10-31", "-o", str(path)])
    assert exported.exit_code == 0, exported.output
    assert "2 account(s) for 2026-10" in exported.output
    assert "not_contacted 1" in exported.output
    checked = runner.invoke(metro2_cli, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    explained = runner.invoke(metro2_cli, ["explain", "--loan", "L1", "--as-of", "2026-10-31"])
    assert explained.exit_code == 0, explained.output
    assert "account_status" in explained.output
    assert "78" in explained.output
    assert "123456789" not in explained.output
    missing = runner.invoke(metro2_cli, ["explain", "--loan", "NOPE", "--as-of", "2026-10-31"])
    assert missing.exit_code != 0


def _ids(container: Container, loan: str) -> tuple[int, int | None]:
    with container.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT l.id, c.id FROM loans l LEFT JOIN collateral c ON c.loan_id = l.id "
                "WHERE l.external_id = :loan"
            ),
            {"loan": loan},
        ).one()
    return int(row[0]), row[1]


def test_workflow_facts_repossession_settlement_and_charge_off_balance(
    portfolio: Container, tmp_path: Path
) -> None:
    """The collateral workflow's repossession step makes L2 a 96; a recorded settlement makes
    L1 a paid 13 with AU; L3 charged off without an amount reports the ledger balance on its
    charge-off day as the Original Charge-off Amount (97)."""
    from arrears.adapters.db.schema_collateral import collateral_case_steps, collateral_cases
    from arrears.adapters.db.schema_settlements import settlement_offers, settlements

    now = portfolio.clock.now()
    l1, _ = _ids(portfolio, "L1")
    l2, vehicle = _ids(portfolio, "L2")
    l3, _ = _ids(portfolio, "L3")
    with portfolio.engine.begin() as connection:
        case = connection.execute(
            collateral_cases.insert().values(
                kind="repossession", loan_id=l2, collateral_id=vehicle, state="CA",
                stage="repossessed", consumer_goods=True, opened_on=date(2026, 9, 1),
                opened_by="ops", created_at=now, updated_at=now,
            ).returning(collateral_cases.c.id)
        ).scalar_one()  # fmt: skip
        connection.execute(
            collateral_case_steps.insert().values(
                case_id=case, seq=1, event="repossess", effective_on=date(2026, 10, 5),
                actor="vendor", details="{}", recorded_at=now,
            )
        )  # fmt: skip
        offer = connection.execute(
            settlement_offers.insert().values(
                loan_id=l1, offer_type="lump_sum", status="fulfilled", currency="USD",
                balance_minor=63_340, amount_minor=40_000, installments=1, floor_minor=30_000,
                discount_micros=368_000, required_role="agent", expires_on=date(2026, 10, 30),
                proposed_by="agent", proposed_on=date(2026, 10, 1), policy_version=1,
                pricing="{}", created_at=now, updated_at=now,
            ).returning(settlement_offers.c.id)
        ).scalar_one()  # fmt: skip
        connection.execute(
            settlements.insert().values(
                offer_id=offer, loan_id=l1, settled_on=date(2026, 10, 20), currency="USD",
                forgiven_minor=23_340, principal_forgiven_minor=20_000,
                interest_forgiven_minor=3_340, fees_forgiven_minor=0, metro2_status="13",
                special_comment="AU", form_1099c=False, form_1099c_issuer="creditor",
                created_at=now,
            )
        )  # fmt: skip
        connection.execute(
            text("UPDATE loans SET charge_off_amount_minor = NULL WHERE id = :id"), {"id": l3}
        )
    log_contact(
        ContactEntry(loan="L3", channel=Channel.CALL, outcome=Outcome.RIGHT_PARTY_CONTACT,
                     actor="agent7", at=datetime(2026, 3, 2, 15, tzinfo=UTC)),
        uow_factory=portfolio.uow, clock=portfolio.clock,
    )  # fmt: skip
    path = tmp_path / "october.m2"
    export(portfolio, path)
    with path.open("rb") as stream:
        assert validate_stream(stream).ok
    base = {a.base.consumer_account_number: a.base for a in read_file(path.read_bytes()).accounts}
    assert base["L2"].account_status == "96"
    assert (base["L1"].account_status, base["L1"].special_comment) == ("13", "AU")
    assert (base["L1"].current_balance, base["L1"].date_closed) == (0, date(2026, 10, 20))
    assert base["L3"].account_status == "97"
    assert base["L3"].original_charge_off_amount == (
        ledger_balance(portfolio, "L3", date(2025, 3, 10)) // 100
    )
