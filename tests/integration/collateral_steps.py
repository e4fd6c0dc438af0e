"""Driving a repossession case day by day on a real database, reading the ledger as it goes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import text

from arrears.bootstrap import Container, messaging
from arrears.domain.clock import FixedClock
from arrears.ledger.accounts import Account
from arrears.services import repossession_ledger as ledger
from arrears.services.outbox import Messaging
from arrears.services.ports import UnitOfWork

T = TypeVar("T")


class Flow:
    """One loan's repossession, one business day at a time (the clock moves with it)."""

    def __init__(self, container: Container, loan: str) -> None:
        self.container = container
        assert isinstance(container.clock, FixedClock)
        self.clock: FixedClock = container.clock
        self.messaging: Messaging = messaging(container)
        with container.uow() as uow:
            loan_id = uow.accounts.loan_id(loan)
            assert loan_id is not None
            self.loan_id = loan_id

    @property
    def today(self) -> date:
        return self.clock.today()

    def on(self, day: date) -> None:
        """Move the clock to ``day`` (15:00 UTC) and bring the loan's journal up to it."""
        self.clock.set(datetime(day.year, day.month, day.day, 15, tzinfo=self.clock.now().tzinfo))
        self.run(lambda uow: ledger.post_through(uow, self.loan_id, as_of=day, at=self.clock.now()))

    def run(self, step: Callable[[UnitOfWork], T]) -> T:
        with self.container.uow() as uow:
            result = step(uow)
            uow.commit()
        return result

    def owed(self, day: date | None = None) -> int:
        return self.run(lambda uow: ledger.owed(uow, self.loan_id, on=day or self.today))

    def account(self, account: Account, day: date | None = None) -> int:
        return self.run(
            lambda uow: ledger.account_balance(
                ledger.journal(uow, self.loan_id), account, on=day or self.today
            )
        )

    def entries_balance(self) -> bool:
        """Every journal entry of the loan balances (debits = credits)."""
        with self.container.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT e.id, SUM(l.amount_minor) FROM ledger_entries e JOIN ledger_lines l "
                    "ON l.entry_id = e.id WHERE e.loan_id = :loan GROUP BY e.id"
                ),
                {"loan": self.loan_id},
            ).all()
        return bool(rows) and all(total == 0 for _, total in rows)

    def letters(self, template: str) -> list[dict[str, Any]]:
        """The outbox messages of ``template`` for the loan: status, recipient, details, html."""
        with self.container.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT borrower_id, status, context, body_html FROM outbox_messages "
                    "WHERE loan_id = :loan AND template = :template ORDER BY id"
                ),
                {"loan": self.loan_id, "template": template},
            ).all()
        return [
            {"borrower_id": r[0], "status": r[1], "context": json.loads(r[2]), "html": r[3]}
            for r in rows
        ]

    def snapshot(self) -> dict[str, int]:
        """Row counts of everything a refused step must leave alone."""
        tables = [
            "collateral_cases",
            "collateral_case_steps",
            "ledger_entries",
            "ledger_lines",
            "charges",
            "payments",
            "outbox_messages",
            "valuations",
            "collateral",
        ]
        with self.container.engine.connect() as connection:
            counts = {
                table: int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
                for table in tables
            }
            stages = connection.execute(text("SELECT id, stage FROM collateral_cases")).all()
        counts.update({f"case {i} {stage}": 1 for i, stage in stages})
        return counts


def days(n: int) -> timedelta:
    return timedelta(days=n)
