"""The daily cycle on a real database: decisions, actions, holds, idempotency and recovery."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from arrears.adapters.db.schema_cycle import actions, decision_items, decisions
from arrears.bootstrap import Container
from arrears.domain.holds import HoldKind
from arrears.errors import ArrearsError, ValidationFailed
from arrears.services import cycle as cycle_module
from arrears.services.cycle import CycleSettings, run_cycle
from arrears.services.holds import HoldRequest, place_hold
from arrears.services.strategies import activate_strategy, active_strategy
from arrears.strategy.check import default_strategy_text
from support.db import run_import
from support.portfolio import TODAY


def cycle(container: Container, as_of: date = TODAY, partition: int = 50_000):
    settings = CycleSettings(
        buckets=container.buckets, policy=container.policy, partition_loans=partition
    )
    return run_cycle(
        as_of=as_of, uow_factory=container.uow, clock=container.clock, settings=settings
    )


def count(container: Container, table) -> int:
    with container.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def test_a_cycle_decides_for_every_account_and_plans_actions(imported: Container) -> None:
    """Every loan gets a decision; the 104-days-late loan gets collection actions."""
    report = cycle(imported)
    assert report.status == "completed"
    assert count(imported, decisions) == 3
    assert sum(report.accounts_by_bucket.values()) == 3
    assert report.actions_by_treatment, "a delinquent book plans something"
    with imported.engine.connect() as connection:
        planned = connection.execute(
            text(
                "SELECT a.treatment, a.kind, a.queue FROM actions a JOIN loans l ON l.id = a.loan_id "
                "WHERE l.external_id = 'L1'"
            )
        ).all()
    assert planned, "L1 is 104 days past due"
    assert all(row.kind in {"message", "call_task", "review", "bureau"} for row in planned)


def test_running_a_completed_date_again_changes_nothing(imported: Container) -> None:
    first = cycle(imported)
    before = (count(imported, decisions), count(imported, actions), count(imported, decision_items))
    again = cycle(imported)
    assert again.status == "already completed"
    assert again.run_id == first.run_id
    assert again.actions_by_treatment == first.actions_by_treatment
    assert (
        count(imported, decisions),
        count(imported, actions),
        count(imported, decision_items),
    ) == before


def test_a_run_killed_half_way_is_completed_by_running_it_again(
    imported: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One loan per partition; the second partition dies; the re-run finishes without duplicates."""
    real = cycle_module.decide_partition
    calls = {"n": 0}

    def dies_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(cycle_module, "decide_partition", dies_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        cycle(imported, partition=1)
    assert count(imported, decisions) == 1
    monkeypatch.setattr(cycle_module, "decide_partition", real)
    report = cycle(imported, partition=1)
    assert report.status == "completed"
    assert report.partitions_run == 2
    assert count(imported, decisions) == 3
    uninterrupted = sum(report.accounts_by_bucket.values())
    assert uninterrupted == 3


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (TODAY + timedelta(days=1), "in the future"),
        (date(2020, 1, 1), "before the portfolio starts"),
    ],
)
def test_dates_outside_the_portfolio_are_refused(
    imported: Container, as_of: date, message: str
) -> None:
    with pytest.raises(ArrearsError, match=message):
        cycle(imported, as_of=as_of)
    assert count(imported, decisions) == 0


def test_an_empty_portfolio_is_refused(container: Container) -> None:
    with pytest.raises(ArrearsError, match="portfolio is empty"):
        cycle(container)


def test_a_dispute_hold_blocks_collection_and_says_why(imported: Container) -> None:
    """A backdated dispute on L1 blocks its contacts and offers, citing Reg F 1006.38."""
    place_hold(
        HoldRequest(
            kind=HoldKind.DISPUTE, reason="borrower says not theirs", set_by="agent7",
            starts_on=TODAY - timedelta(days=3), loan="L1",
        ),
        uow_factory=imported.uow, clock=imported.clock,
    )  # fmt: skip
    cycle(imported)
    with imported.engine.connect() as connection:
        items = connection.execute(
            text(
                "SELECT i.treatment, i.status, i.blocked_by, i.reason, i.source, a.category "
                "FROM decision_items i JOIN loans l ON l.id = i.loan_id "
                "LEFT JOIN actions a ON a.id = i.action_id WHERE l.external_id = 'L1'"
            )
        ).all()
    blocked = [i for i in items if i.status == "blocked" and i.blocked_by == "hold"]
    assert blocked, items
    assert all("dispute hold" in i.reason and "1006.38" in i.source for i in blocked)
    assert all(
        i.category not in {"contact", "offer", "agency", "legal"}
        for i in items
        if i.status == "planned"
    )


def test_a_borrower_level_bankruptcy_stops_everything_but_reporting(imported: Container) -> None:
    place_hold(
        HoldRequest(
            kind=HoldKind.BANKRUPTCY, reason="chapter 7 petition", set_by="legal", borrower="B1",
            chapter="7", starts_on=TODAY - timedelta(days=30),
        ),
        uow_factory=imported.uow, clock=imported.clock,
    )  # fmt: skip
    cycle(imported)
    with imported.engine.connect() as connection:
        categories = (
            connection.execute(
                text(
                    "SELECT a.category FROM actions a JOIN loans l ON l.id = a.loan_id "
                    "WHERE l.external_id = 'L1'"
                )
            )
            .scalars()
            .all()
        )
    assert set(categories) <= {"credit_reporting", "review"}


def test_a_strategy_with_errors_is_refused_and_the_previous_stays(
    imported: Container, tmp_path: Path
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(default_strategy_text().replace("version: 1", "version: 7", 1))
    activate_strategy(good, by="manager", uow_factory=imported.uow, clock=imported.clock,
                      buckets=imported.buckets)  # fmt: skip
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_strategy_text().replace("reminder_sms", "reminder_pigeon", 1))
    with pytest.raises(ValidationFailed) as refused:
        activate_strategy(bad, by="manager", uow_factory=imported.uow, clock=imported.clock,
                          buckets=imported.buckets)  # fmt: skip
    assert any("reminder_pigeon" in p.message for p in refused.value.problems)
    with imported.uow() as uow:
        assert active_strategy(uow, buckets=imported.buckets).strategy.version == 7
    report = cycle(imported)
    assert report.status == "completed"
