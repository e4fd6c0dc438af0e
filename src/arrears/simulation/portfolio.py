"""A synthetic portfolio, streamed chunk by chunk in the six import layouts.

Each chunk is a slice of consecutive loan numbers with everything that belongs to them: their new
borrowers, the loans, explicit schedules, payments, collateral and valuations. Every value is a
pure function of (seed, as_of, loan number), so the rows are identical whatever the chunk size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from arrears.simulation import dates
from arrears.simulation.amortisation import (
    Installments,
    LevelPayments,
    build_installments,
    installments_due,
)
from arrears.simulation.behaviour import draw_behaviour
from arrears.simulation.book import Book, draw_book
from arrears.simulation.chargeoff import charge_off_amounts
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import KINDS, conform
from arrears.simulation.frames import collateral_frames, loan_ids, loans_frame, schedules_frame
from arrears.simulation.households import new_people
from arrears.simulation.payments import (
    PaymentRows,
    payments_frame,
    recovery_payments,
    slot_payments,
)
from arrears.simulation.people import borrowers_frame
from arrears.simulation.standing import Standing, standing_as_of
from arrears.simulation.writer import Format, write_frames


@dataclass(frozen=True, slots=True)
class PortfolioChunk:
    """The rows of one slice of loans, one DataFrame per import kind (columns as the doc)."""

    borrowers: pl.DataFrame
    loans: pl.DataFrame
    schedules: pl.DataFrame
    payments: pl.DataFrame
    collateral: pl.DataFrame
    valuations: pl.DataFrame

    def frames(self) -> dict[str, pl.DataFrame]:
        """The frames by kind, in the order the importer loads them."""
        return {kind: getattr(self, kind) for kind in KINDS}


def generate_portfolio(
    *, loans: int, seed: int, as_of: date, chunk_loans: int = 50_000
) -> Iterator[PortfolioChunk]:
    """Stream a ``loans``-loan portfolio as of ``as_of`` in chunks of ``chunk_loans`` loans."""
    if loans < 0 or chunk_loans < 1:
        raise ValueError("loans must be >= 0 and chunk_loans >= 1")
    draws = Draws(seed)
    level_payments = LevelPayments()
    for start in range(0, loans, chunk_loans):
        numbers = np.arange(start, min(start + chunk_loans, loans), dtype=np.int64)
        yield _chunk(draws, numbers, as_of=as_of, level_payments=level_payments)


def write_portfolio(
    directory: Path,
    *,
    loans: int,
    seed: int,
    as_of: date,
    fmt: Format = "csv",
    chunk_loans: int = 50_000,
) -> dict[str, Path]:
    """Write the portfolio as ``<kind>.csv`` (or ``.parquet``) import files into ``directory``,
    chunk by chunk; returns the files by kind (``schedules`` only when there are any)."""
    chunks = generate_portfolio(loans=loans, seed=seed, as_of=as_of, chunk_loans=chunk_loans)
    return write_frames(directory, (chunk.frames() for chunk in chunks), fmt=fmt)


@dataclass(frozen=True, slots=True)
class _History:
    """What happened to a chunk's loans up to as_of."""

    installments: Installments
    payments: PaymentRows
    standing: Standing
    charge_off_amount: Ints


def _history(draws: Draws, book: Book, *, as_of: date) -> _History:
    """Schedules, behaviour and payments, then where each loan stands and what was charged off."""
    loans, terms = book.loans, book.schedule
    due_count = installments_due(terms, as_of=as_of)
    row_count = np.where(
        book.explicit_schedule, terms.term_months, np.minimum(terms.term_months, due_count + 1)
    )
    installments = build_installments(terms, row_count=row_count)
    behaviour = draw_behaviour(
        draws,
        loans,
        product=book.origination.product,
        risk=book.risk,
        terms=terms,
        due_count=due_count,
        as_of=as_of,
    )
    slots = slot_payments(
        draws,
        loans,
        installments=installments,
        behaviour=behaviour,
        due_count=due_count,
        as_of=as_of,
    )
    standing = standing_as_of(installments, slots, term_months=terms.term_months, as_of=as_of)
    charged_off = charge_off_amounts(
        installments,
        principal=terms.principal,
        charge_off_day=standing.charge_off_day,
        paid_at_charge_off=standing.paid_at_charge_off,
    )
    recoveries = recovery_payments(
        draws,
        loans,
        charge_off_day=standing.charge_off_day,
        charge_off_amount=charged_off,
        as_of=as_of,
    )
    return _History(
        installments=installments,
        payments=PaymentRows.concat([slots, recoveries]),
        standing=standing,
        charge_off_amount=charged_off,
    )


def _chunk(
    draws: Draws, loans: Ints, *, as_of: date, level_payments: LevelPayments
) -> PortfolioChunk:
    book = draw_book(draws, loans, as_of=as_of, level_payments=level_payments)
    history = _history(draws, book, as_of=as_of)
    ids = loan_ids(loans)
    as_of_day = dates.day_number(as_of)
    people = new_people(
        loans,
        owner=book.owner,
        co_borrower=book.co_borrower,
        origination=book.origination.origination,
        as_of_day=as_of_day,
    )
    collateral, valuations = collateral_frames(draws, book, history.standing, ids=ids, as_of=as_of)
    return PortfolioChunk(
        borrowers=conform("borrowers", borrowers_frame(draws, people, as_of_day=as_of_day)),
        loans=loans_frame(book, history.standing, history.charge_off_amount, ids=ids),
        schedules=schedules_frame(book, history.installments, ids=ids),
        payments=conform("payments", payments_frame(history.payments, loan_ids=ids)),
        collateral=collateral,
        valuations=valuations,
    )
