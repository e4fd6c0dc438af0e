"""A 5,000-loan portfolio (seed 42, as of 2026-11-27) shared by the simulation tests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import polars as pl
import pytest

from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import Installment, level_schedule
from arrears.simulation import generate_portfolio

AS_OF = date(2026, 11, 27)
SEED = 42
LOANS = 5_000


@dataclass
class Book:
    """The portfolio's frames by kind, with per-loan views built from the domain's own types."""

    frames: dict[str, pl.DataFrame]
    as_of: date = AS_OF
    _payments: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    _schedules: dict[str, list[Installment]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        payments: dict[str, list[tuple[date, int]]] = defaultdict(list)
        posted = self.frames["payments"].filter(pl.col("status") == "posted")
        for loan_id, effective, amount in posted.select(
            "loan_id", "effective_date", "amount"
        ).iter_rows():
            payments[loan_id].append((effective, Money.parse(amount).minor))
        self._payments = dict(payments)
        schedules: dict[str, list[Installment]] = defaultdict(list)
        for loan_id, number, due, principal, interest, fees in self.frames["schedules"].iter_rows():
            schedules[loan_id].append(
                Installment(
                    number, due, Money.parse(principal), Money.parse(interest), Money.parse(fees)
                )
            )
        self._schedules = dict(schedules)

    def good_payments(self, loan_id: str) -> list[tuple[date, int]]:
        return self._payments.get(loan_id, [])

    def schedule(self, loan: dict[str, object]) -> list[Installment]:
        """The loan's explicit schedule, or the level schedule the importer derives from its terms."""
        loan_id = str(loan["loan_id"])
        if loan_id in self._schedules:
            return self._schedules[loan_id]
        first_due = loan["first_due_date"]
        assert isinstance(first_due, date)
        return level_schedule(
            principal=Money.parse(str(loan["principal"])),
            rate=Rate(str(loan["annual_rate"])),
            term_months=int(str(loan["term_months"])),
            first_due_date=first_due,
        )


def collect(loans: int, *, seed: int, as_of: date, chunk_loans: int) -> dict[str, pl.DataFrame]:
    chunks = list(generate_portfolio(loans=loans, seed=seed, as_of=as_of, chunk_loans=chunk_loans))
    return {kind: pl.concat([c.frames()[kind] for c in chunks]) for kind in chunks[0].frames()}


@pytest.fixture(scope="session")
def collect_portfolio() -> object:
    """``collect(loans, seed=, as_of=, chunk_loans=)``: a portfolio's frames concatenated by kind."""
    return collect


@pytest.fixture(scope="session")
def book() -> Book:
    return Book(collect(LOANS, seed=SEED, as_of=AS_OF, chunk_loans=2_000))
