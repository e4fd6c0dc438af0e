"""The compliance gate on a real database: decisions recorded, the cycle blocked with reasons,
and ``arrears compliance check`` explaining them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears.bootstrap import Container
from arrears.compliance.model import Proposal, Stage
from arrears.domain.contact_log import Channel, Outcome
from arrears.domain.holds import ActionCategory
from arrears.entrypoints.cli.compliance import app as compliance_cli
from arrears.entrypoints.cli.negotiation import app as negotiation_cli
from arrears.services.compliance import check_contact, check_furnishing
from arrears.services.contacts import ContactEntry, log_contact
from arrears.services.cycle import CycleSettings, run_cycle
from support.db import run_import
from support.portfolio import TODAY

runner = CliRunner()


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def ids(container: Container, loan: str) -> tuple[int, int]:
    with container.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT l.id, cp.id FROM loans l JOIN contact_points cp "
                "ON cp.borrower_id = l.borrower_id AND cp.kind LIKE '%phone' "
                "WHERE l.external_id = :loan"
            ),
            {"loan": loan},
        ).first()
    assert row is not None
    return int(row[0]), int(row[1])


def call(container: Container, loan: str, days_ago: int, outcome: Outcome) -> None:
    at = container.clock.now() - timedelta(days=days_ago, hours=1)
    log_contact(
        ContactEntry(loan=loan, channel=Channel.CALL, outcome=outcome, actor="agent7", at=at),
        uow_factory=container.uow,
        clock=container.clock,
    )


def test_every_decision_is_recorded_with_its_rules(imported: Container) -> None:
    """A Pacific borrower called at 10:00 Eastern (7:00 Pacific) is blocked and recorded;
    the same call at 13:00 Eastern is allowed and recorded too (12 CFR 1006.6(b)(1))."""
    loan_id, phone = ids(imported, "L2")
    proposal = Proposal(loan_id=loan_id, channel=Channel.CALL, category=ActionCategory.CONTACT,
                        template="collection_call", contact_point_id=phone, reference="task-1")  # fmt: skip
    early = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    with imported.uow() as uow:
        blocked = check_contact(uow, proposal, at=early, stage=Stage.AGENT_CALL, actor="agent7")
        allowed = check_contact(uow, proposal, at=early + timedelta(hours=3))
        uow.commit()
    assert set(blocked.rule_ids) == {"us.regf.quiet_hours", "ca.rosenthal_quiet_hours"}
    assert allowed.allowed
    with imported.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT stage, allowed, rule_ids, reference FROM gate_decisions ORDER BY id")
        ).all()
    assert [(r.stage, bool(r.allowed), r.reference) for r in rows] == [
        ("agent_call", False, "task-1"),
        ("send", True, "task-1"),
    ]
    assert "us.regf.quiet_hours" in rows[0].rule_ids


def test_a_dispute_logged_yesterday_blocks_the_next_call(imported: Container) -> None:
    """12 CFR 1006.38(d)(2): the logged dispute raised a hold, and the gate sees it."""
    call(imported, "L1", 1, Outcome.DISPUTE_RAISED)
    loan_id, phone = ids(imported, "L1")
    proposal = Proposal(loan_id=loan_id, channel=Channel.CALL, category=ActionCategory.CONTACT,
                        template="collection_call", contact_point_id=phone)  # fmt: skip
    with imported.uow() as uow:
        decision = check_contact(uow, proposal, at=imported.clock.now() + timedelta(hours=2))
    assert "us.holds.dispute" in decision.rule_ids
    assert "us.regf.conversation_lock" in decision.rule_ids  # a conversation yesterday


def test_the_cycle_blocks_a_massachusetts_third_call_with_the_rule(imported: Container) -> None:
    """940 CMR 7.04(1)(f): two calls this week to L1's borrower (MA); the day's call task is
    stored blocked by compliance with the rule id and source, nothing dropped."""
    call(imported, "L1", 2, Outcome.NO_ANSWER)
    call(imported, "L1", 1, Outcome.WRONG_PARTY)
    settings = CycleSettings(buckets=imported.buckets, policy=imported.policy)
    report = run_cycle(as_of=TODAY, uow_factory=imported.uow, clock=imported.clock,
                       settings=settings)  # fmt: skip
    with imported.engine.connect() as connection:
        item = connection.execute(
            text(
                "SELECT i.status, i.blocked_by, i.reason, i.source FROM decision_items i "
                "JOIN loans l ON l.id = i.loan_id "
                "WHERE l.external_id = 'L1' AND i.treatment = 'agent_call'"
            )
        ).one()
    assert (item.status, item.blocked_by) == ("blocked", "compliance")
    assert item.reason.startswith("ma.calls_personal_numbers")
    assert "940 CMR 7.04" in item.source
    assert report.blocked_by_reason.get("compliance: ma.calls_personal_numbers") == 1


def test_the_cycle_reads_contact_facts_and_lets_reporting_start(imported: Container) -> None:
    """A conversation lets furnishing start (1006.30(a)) and sets days_since_contact."""
    call(imported, "L1", 3, Outcome.RIGHT_PARTY_CONTACT)
    loan_id, _ = ids(imported, "L1")
    with imported.uow() as uow:
        assert check_furnishing(uow, loan_id, as_of=TODAY).allowed
    settings = CycleSettings(buckets=imported.buckets, policy=imported.policy)
    run_cycle(as_of=TODAY, uow_factory=imported.uow, clock=imported.clock, settings=settings)
    with imported.engine.connect() as connection:
        rows = dict(
            connection.execute(
                text(
                    "SELECT i.treatment, i.status FROM decision_items i JOIN loans l "
                    "ON l.id = i.loan_id WHERE l.external_id = 'L1'"
                )
            ).all()
        )
    assert rows.get("credit_bureau_update") == "planned"


def test_the_cli_explains_a_block_with_rule_ids_and_sources(
    imported: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``arrears compliance check --loan L2 --channel call --at …`` exits 1 and explains."""
    monkeypatch.setenv("ARREARS_DATABASE_URL", imported.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(imported.settings.data_dir))
    if imported.schema:
        pytest.skip("the CLI opens the default schema")
    result = runner.invoke(
        compliance_cli,
        ["check", "--loan", "L2", "--channel", "call", "--at", "2026-11-27T08:30:00-05:00"],
    )
    assert result.exit_code == 1, result.output
    assert "Blocked" in result.output
    assert "us.regf.quiet_hours" in result.output
    assert "1006.6(b)(1)" in result.output
    logged = runner.invoke(
        negotiation_cli,
        ["contact", "log", "--loan", "L1", "--channel", "call", "--outcome", "dispute_raised",
         "--at", "2026-11-27T09:00:00-05:00"],
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    assert "Hold" in logged.output
    plan = runner.invoke(
        negotiation_cli,
        ["plan", "create", "--loan", "L3", "--amount", "600", "--periods", "3",
         "--first-due", "2026-12-15"],
    )  # fmt: skip
    assert plan.exit_code == 0, plan.output
    shown = runner.invoke(negotiation_cli, ["plan", "show", "--loan", "L3"])
    assert "$200.00" in shown.output
    promise = runner.invoke(
        negotiation_cli, ["promise", "add", "--loan", "L2", "--pay", "2026-12-01=120.00"]
    )
    assert promise.exit_code == 0, promise.output
    listed = runner.invoke(negotiation_cli, ["promise", "list", "--loan", "L2"])
    assert "active" in listed.output
