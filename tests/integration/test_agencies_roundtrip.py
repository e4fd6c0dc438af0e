"""Agencies on a real database: place → remit → recall → reconcile, with the remittance and
commission postings hand-checked; a bad remittance posts nothing; the champion/challenger
split; the commands and their files."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.bootstrap import Container
from arrears.domain.agencies.model import Agency, FeeStep, PlacementStatus
from arrears.domain.clock import FixedClock
from arrears.domain.holds import HoldKind
from arrears.entrypoints.cli.main import app
from arrears.errors import ConflictError, RuleViolation, ValidationFailed
from arrears.services.agency_placement import add_agency, place_account, recall_placement
from arrears.services.agency_remittance import import_remittance, reconcile
from arrears.services.agency_scorecard import agency_scorecards
from arrears.services.holds import HoldRequest, place_hold
from support.recovery import AGENT, entries_balance, import_book, journal, recovery_of, write

FEES = (FeeStep(0, Decimal("0.20")), FeeStep(181, Decimal("0.28")), FeeStep(366, Decimal("0.35")))
COLUMNS = ("payment_ref", "account", "collected_on", "amount", "commission")


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_book(container, tmp_path / "book")
    for code, tier, challenger in (("ACME", 1, False), ("BRAVO", 1, True), ("CHARLIE", 2, False)):
        agency = Agency(code=code, name=f"{code.title()} Recovery", tier=tier, fees=FEES,
                        capacity=10, states=frozenset({"MA", "CA", "TX"}), challenger=challenger,
                        phone="1-800-555-0199")  # fmt: skip
        add_agency(agency, actor=AGENT, uow_factory=container.uow, clock=container.clock)
    return container


def _place(c: Container, ref: str, agency: str | None = "ACME"):
    return place_account(ref, actor=AGENT, uow_factory=c.uow, clock=c.clock,
                         recovery=recovery_of(c), agency_code=agency)  # fmt: skip


def _remit(c: Container, rows: list[dict[str, str]], *, rejects: bool = False, agency="ACME"):
    return import_remittance(agency, rows, file_name="remit.csv", sha256="0" * 64, actor=AGENT,
                             uow_factory=c.uow, clock=c.clock, recovery=recovery_of(c),
                             accept_rejects=rejects)  # fmt: skip


def _row(ref: str, account: str, day: str, amount: str, commission: str) -> dict[str, str]:
    return dict(zip(COLUMNS, (ref, account, day, amount, commission), strict=True))


def test_place_remit_recall_reconcile(book: Container, clock: FixedClock) -> None:
    """R1 is placed with ACME at 879 days past due: 35% contingency. ACME collects $300.00 and
    keeps $105.00 (hand-checked: 30,000 × 0.35 = 10,500). Journal: principal −30,000, cash
    +30,000 (the credit), then agency commission +10,500, cash −10,500; R1 owes $4,700.00.
    After the recall ACME remits another $50.00 keeping $17.50: posted (the borrower paid), no
    commission is due after recall (policy), and both facts show in the reconciliation."""
    placement = _place(book, "R1")
    assert placement.commission_rate == Decimal("0.35")
    assert placement.balance_minor == 500_000
    day = clock.today().isoformat()
    report = _remit(book, [_row("P-1", "R1", day, "300.00", "105.00")])
    assert (report.posted, report.collected_minor, report.commission_minor) == (1, 30_000, 10_500)
    assert journal(book, "R1") == {
        "principal": 470_000, "funding": -500_000, "cash": 19_500, "agency_commission": 10_500,
    }  # fmt: skip
    clock.advance(timedelta(days=1))
    recalled = recall_placement(placement.id, reason="no contact", actor=AGENT,
                                uow_factory=book.uow, clock=clock)  # fmt: skip
    assert recalled.status is PlacementStatus.RECALLED
    late = _remit(book, [_row("P-2", "R1", clock.today().isoformat(), "50.00", "17.50")])
    assert (late.posted, late.commission_minor) == (1, 0)
    assert journal(book, "R1")["principal"] == 465_000
    assert entries_balance(book, "R1")
    result = reconcile("ACME", uow_factory=book.uow)
    assert len(result.remittances) == 2
    assert result.by_kind() == {"after_recall": 1, "commission_mismatch": 1}
    again = _place(book, "R1", agency=None)
    assert again.tier == 2
    with book.uow() as uow:
        assert uow.agencies.agency_by_id(again.agency_id).code == "CHARLIE"


def test_a_bad_remittance_posts_nothing_and_reports_every_problem(book: Container) -> None:
    _place(book, "R1")
    _place(book, "R2")
    day = book.clock.today().isoformat()
    good = _remit(book, [_row("P-1", "R1", day, "10.00", "3.50")])
    assert good.posted == 1
    before = journal(book, "R2")
    bad = [
        _row("P-2", "R2", day, "20.00", "5.60"),  # fine on its own
        _row("P-1", "R1", day, "10.00", "3.50"),  # imported before
        _row("P-3", "NOPE", day, "5.00", "1.00"),  # unknown account
        _row("P-4", "R2", day, "-5.00", "0"),  # negative
        _row("P-4", "R2", day, "5.00", "9.00"),  # duplicate in the file, commission > amount
        _row("P-5", "R4", day, "5.00", "1.00"),  # never placed with ACME
    ]
    with pytest.raises(ValidationFailed) as refused:
        _remit(book, bad)
    messages = [f"{p.row}:{p.column}:{p.message}" for p in refused.value.problems]
    assert "3:payment_ref:duplicate: this payment was already imported" in messages
    assert "4:account:unknown account" in messages
    assert "5:amount:a negative amount" in messages
    assert any(m.startswith("6:payment_ref:duplicate") for m in messages)
    assert "6:commission:the commission is more than the amount collected" in messages
    assert "7:account:this account was never placed with this agency" in messages
    assert journal(book, "R2") == before
    partial = _remit(book, bad, rejects=True)
    assert partial.posted == 1
    assert len(partial.problems) == len(refused.value.problems)
    assert journal(book, "R2")["principal"] == before["principal"] - 2_000


def test_placement_is_checked_against_holds_and_placements_in_force(book: Container) -> None:
    place_hold(HoldRequest(kind=HoldKind.DISPUTE, reason="disputed in writing", set_by="test",
                           loan="R2"), uow_factory=book.uow, clock=book.clock)  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        _place(book, "R2")
    assert "dispute" in refused.value.rule
    assert "1006.38(d)(2)" in str(refused.value)
    _place(book, "R1")
    with pytest.raises(ConflictError):
        _place(book, "R1", agency="BRAVO")


def test_the_split_is_deterministic_and_the_scorecard_compares_arms(book: Container) -> None:
    """By rule, each account's arm is SHA-256 of the experiment and its id: placing the same
    accounts in another database gives the same arms. The scorecard adds them up by arm."""
    arms = {ref: _place(book, ref, agency=None).experiment_arm for ref in ("R1", "R2", "R5", "R6")}
    assert set(arms.values()) <= {"champion", "challenger"}
    rows = agency_scorecards(uow_factory=book.uow, by="arm")
    assert sum(r.placements for r in rows) == 4
    assert {r.group.split()[-1] for r in rows} == set(arms.values())


def test_the_commands_write_neutralised_files(
    book: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``arrears agency place/remit/recall/reconcile/scorecard``: the placement file names R5's
    borrower, whose first name starts with "=", as text (prefixed with an apostrophe)."""
    if book.schema:
        pytest.skip("the CLI opens the default schema")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("ARREARS_DATABASE_URL", book.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(book.settings.data_dir))
    runner = CliRunner()
    placed = runner.invoke(app, ["agency", "place", "R5", "--agency", "ACME", "--by", "alex",
                                 "--file", str(tmp_path / "placement.csv")])  # fmt: skip
    assert placed.exit_code == 0, placed.output
    with (tmp_path / "placement.csv").open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["first_name"].startswith("'=")
    assert row["balance"] == "800.00"
    day = row["placed_on"]  # the command runs on the real clock
    remittance = write(tmp_path / "remit.csv", [_row("Q-1", "R5", day, "100.00", "35.00")])
    remitted = runner.invoke(app, ["agency", "remit", "ACME", str(remittance)])
    assert remitted.exit_code == 0, remitted.output
    bad = write(tmp_path / "bad.csv", [_row("Q-2", "NOPE", day, "1.00", "0")])
    refused = runner.invoke(app, ["agency", "remit", "ACME", str(bad)])
    assert refused.exit_code != 0
    assert "unknown account" in refused.output
    rejected = runner.invoke(app, ["agency", "remit", "ACME", str(bad), "--rejects",
                                   str(tmp_path / "rejects.csv")])  # fmt: skip
    assert rejected.exit_code == 0
    assert (tmp_path / "rejects.csv").is_file()
    recalled = runner.invoke(app, ["agency", "recall", "1", "--file", str(tmp_path / "recall.csv")])
    assert recalled.exit_code == 0, recalled.output
    report = runner.invoke(app, ["agency", "reconcile", "ACME"])
    assert report.exit_code == 0
    assert "unknown_account" in report.output
    card = runner.invoke(app, ["agency", "scorecard"])
    assert card.exit_code == 0
    assert "ACME" in card.output
