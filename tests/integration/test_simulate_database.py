"""The decision engine against a real database: the optimised cycle and the simulator's
database path, through the same use cases real data goes through."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path

import polars as pl
from sqlalchemy import func, select

from arrears.adapters.db.schema_cycle import decision_items, decisions
from arrears.adapters.db.schema_decision_engine import decision_values
from arrears.adapters.files.model_store import FileModelStore
from arrears.bootstrap import Container
from arrears.domain.clock import FixedClock
from arrears.services.cycle import run_cycle
from arrears.services.simulate_db import simulate_on_database
from arrears.services.strategies import activate_strategy
from arrears.simulation import generate_portfolio, write_portfolio
from arrears.simulation.behaviour_model.book import opening_book
from support.db import run_import
from support.decision_engine import hand_made_model

START = date(2026, 6, 1)
OPTIMISED = """
strategy: capped
version: 1
optimise:
  capacities: {agent_minutes: 30, sms: 1000}
segments:
  - name: behind
    when: {dpd: {min: 1}, charged_off: false}
    treatments:
      - treatment: agent_call
        every: 1
      - treatment: reminder_sms
        every: 1
"""


def _book(container: Container, clock: FixedClock, tmp_path: Path, *, loans: int, seed: int):  # type: ignore[no-untyped-def]
    day_before = START - timedelta(days=1)
    clock.set(clock.on(day_before).instant)
    written = write_portfolio(tmp_path / "book", loans=loans, seed=seed, as_of=day_before)
    report = run_import(container, list(written.values()))
    assert report.status == "imported", report
    return opening_book(list(generate_portfolio(loans=loans, seed=seed, as_of=day_before)),
                        as_of=START)  # fmt: skip


def count(container: Container, table) -> int:  # type: ignore[no-untyped-def]
    with container.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_an_optimised_cycle_records_model_versions_and_never_exceeds_capacity(
    container: Container, clock: FixedClock, tmp_path: Path
) -> None:
    """With a model in the data directory and a strategy that optimises, every decision names
    the model version, every account on a menu has its explanation, and the calls planned fit
    the 30 agent minutes (5 calls of 6 minutes); the others are blocked by capacity."""
    _book(container, clock, tmp_path, loans=120, seed=5)
    model = hand_made_model()
    FileModelStore(container.settings.data_dir / "models").save(model)
    strategy_file = tmp_path / "capped.yaml"
    strategy_file.write_text(OPTIMISED)
    clock.set(clock.on(START).instant)
    activate_strategy(strategy_file, by="test", uow_factory=container.uow, clock=clock,
                      buckets=container.buckets)  # fmt: skip
    report = run_cycle(as_of=START, uow_factory=container.uow, clock=clock,
                       settings=container.cycle_settings)  # fmt: skip
    assert report.status == "completed"
    assert report.actions_by_treatment.get("agent_call", 0) <= 5
    assert any(why.startswith("capacity") for why in report.blocked_by_reason)
    with container.engine.connect() as connection:
        versions = connection.execute(select(decisions.c.model_version).distinct()).scalars()
        assert set(versions) == {model.version}
        explained = connection.execute(
            select(decision_values.c.chosen, decision_values.c.binding)
            .where(decision_values.c.chosen.is_not(None))
        ).fetchall()  # fmt: skip
        blocked = connection.execute(
            select(func.count()).select_from(decision_items)
            .where(decision_items.c.blocked_by == "capacity")
        ).scalar_one()  # fmt: skip
    assert explained
    assert blocked > 0
    assert {binding for _, binding in explained} >= {"agent_minutes"}


def test_the_simulator_answers_the_real_cycle_through_the_use_cases(
    container: Container, clock: FixedClock, tmp_path: Path
) -> None:
    """A week of the shipped strategy on an imported book: the cycle runs every business day,
    the borrowers' payments are recorded as credits and their contacts in the contact log."""
    opening = _book(container, clock, tmp_path, loans=80, seed=9)
    default = Path(str(files("arrears.strategy.data").joinpath("default.yaml")))
    clock.set(clock.on(START).instant)
    activate_strategy(default, by="test", uow_factory=container.uow, clock=clock,
                      buckets=container.buckets)  # fmt: skip
    run = simulate_on_database(
        opening=opening, uow_factory=container.uow, clock=clock,
        settings=container.cycle_settings, seed=9, days=7, start=START,
    )  # fmt: skip
    assert run.cycles == 5  # Monday 1 June to Friday 5 June 2026
    assert sum(run.actions.values()) > 0
    assert run.contacts > 0
    with container.uow() as uow:
        credits = uow.reads.payments(uow.cycle.loan_ids())
    recorded = credits.filter(pl.col("payment_id") > 0)
    assert recorded.height > 0
    assert count(container, decisions) > 0
