"""Enqueueing the cycle's messages: queued or blocked with reasons, never dropped, never twice;
a template that fails blocks that message and the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arrears import bootstrap
from arrears.bootstrap import Container
from arrears.domain.holds import HoldKind
from arrears.entrypoints.cli.main import app
from arrears.services.cycle import run_cycle
from arrears.services.holds import HoldRequest, place_hold
from arrears.services.outbox import enqueue_day
from support.db import run_import
from support.outbox import enqueue, gate_rows, outbox_rows
from support.portfolio import TODAY


@pytest.fixture
def cycled(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    run_cycle(as_of=TODAY, uow_factory=container.uow, clock=container.clock,
              settings=container.cycle_settings)  # fmt: skip
    return container


def enqueue_today(container: Container):
    return enqueue_day(as_of=TODAY, uow_factory=container.uow,
                       messaging=bootstrap.messaging(container), clock=container.clock)  # fmt: skip


def message_actions(container: Container) -> list[dict]:
    with container.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, template, status FROM actions WHERE kind = 'message' ORDER BY id")
        ).all()
    return [row._asdict() for row in rows]


def test_the_cycles_messages_become_outbox_messages_once(cycled: Container) -> None:
    """Each pending message action gets one outbox message with the gate's recorded decision;
    enqueueing the same day again adds nothing."""
    planned = message_actions(cycled)
    assert planned, "the small book plans letters"
    report = enqueue_today(cycled)
    rows = outbox_rows(cycled)
    assert report.queued + report.blocked == len(planned) == len(rows)
    assert {row["action_id"] for row in rows} == {a["id"] for a in planned}
    assert {a["status"] for a in message_actions(cycled)} <= {"queued", "blocked"}
    decisions = {f"gate_decisions:{d['id']}": d for d in gate_rows(cycled)}
    for row in rows:
        (ref,) = json.loads(row["gate_decisions"])
        assert decisions[ref]["stage"] == "queue"
        assert decisions[ref]["reference"] == f"outbox:{row['id']}"
        if row["status"] == "queued":
            assert row["template_version"] == 1
            assert row["body_html"].startswith("<!DOCTYPE html>")
    again = enqueue_today(cycled)
    assert (again.queued, again.blocked) == (0, 0)
    assert len(outbox_rows(cycled)) == len(rows)


def test_a_template_that_fails_blocks_its_message_and_the_rest_go_on(cycled: Container) -> None:
    broken = message_actions(cycled)[0]["id"]
    with cycled.engine.begin() as connection:
        connection.execute(
            text("UPDATE actions SET template = 'no_such_notice' WHERE id = :id"), {"id": broken}
        )
    report = enqueue_today(cycled)
    rows = {row["action_id"]: row for row in outbox_rows(cycled)}
    assert rows[broken]["status"] == "blocked"
    assert json.loads(rows[broken]["blocked_rules"]) == ["template.render"]
    assert "no message template 'no_such_notice'" in rows[broken]["last_error"]
    others = [row for action, row in rows.items() if action != broken]
    assert others
    assert all(row["status"] == "queued" for row in others)
    assert report.blocked_by_rule["template.render"] == 1


def test_a_message_missing_its_details_is_blocked_with_the_variable_named(
    cycled: Container,
) -> None:
    done = enqueue(cycled, "L1", "email", template="promise_confirmation")
    assert done.status == "blocked"
    assert any("promises" in reason for reason in done.reasons)


def test_the_gate_blocks_at_queueing_with_every_rule_and_reason(cycled: Container) -> None:
    """A cease-communication hold: the message is stored blocked with the gate's rule id and
    the reason and legal source (DESIGN §5: blocked, never dropped)."""
    place_hold(HoldRequest(kind=HoldKind.CEASE_COMMUNICATION, reason="letter received",
                           set_by="test", loan="L1"),
               uow_factory=cycled.uow, clock=cycled.clock)  # fmt: skip
    done = enqueue(cycled, "L1", "email")
    assert done.status == "blocked"
    (row,) = [r for r in outbox_rows(cycled) if r["id"] == done.message_id]
    assert json.loads(row["blocked_rules"]) == ["us.holds.cease_communication"]
    assert any("1006.6(c)" in reason for reason in json.loads(row["blocked_reasons"]))


def test_outbox_list_shows_blocked_messages_and_why(
    cycled: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``arrears outbox list --status blocked`` prints the rule and reason."""
    enqueue(cycled, "L2", "sms")  # Tom Lee has no mobile: blocked, no recipient
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("ARREARS_DATA_DIR", str(cycled.settings.data_dir))
    monkeypatch.setenv("ARREARS_DATABASE_URL", cycled.settings.effective_database_url)
    if cycled.schema:
        pytest.skip("the CLI reads the default schema")
    result = CliRunner().invoke(app, ["outbox", "list", "--status", "blocked"])
    assert result.exit_code == 0, result.output
    assert "outbox.no_recipient" in result.output
    assert "no usable mobile" in result.output
    bad = CliRunner().invoke(app, ["outbox", "list", "--status", "lost"])
    assert bad.exit_code != 0
