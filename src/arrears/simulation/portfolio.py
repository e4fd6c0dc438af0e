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

from arrears.domain.loans import DEFAULT_CONTRACT_TYPE, Product
from arrears.simulation import dates
from arrears.simulation.amortisation import (
    Installments,
    LevelPayments,
    build_installments,
    installments_due,
)
from arrears.simulation.behaviour import draw_behaviour
from arrears.simulation.book import ORIGINAL_CREDITORS, Book, draw_book
from arrears.simulation.chargeoff import charge_off_amounts
from arrears.simulation.collateral import (
    Secured,
    property_frame,
    revaluations,
    vehicle_frame,
)
from arrears.simulation.dates import date_series
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import (
    KINDS,
    amount_text,
    conform,
    join_text,
    keep_where,
    rate_text,
)
from arrears.simulation.households import co_borrower_key, new_people, primary_key
from arrears.simulation.payments import (
    PaymentRows,
    payments_frame,
    recovery_payments,
    slot_payments,
)
from arrears.simulation.people import borrower_ids, borrowers_frame, home_addresses
from arrears.simulation.places import draw_addresses
from arrears.simulation.products import PRODUCT_NAMES
from arrears.simulation.reference import states
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


def loan_ids(loans: Ints) -> pl.Series:
    return join_text(pl.lit("LN"), pl.Series(loans + 1).cast(pl.String).str.zfill(9))


def _chunk(
    draws: Draws, loans: Ints, *, as_of: date, level_payments: LevelPayments
) -> PortfolioChunk:
    book = draw_book(draws, loans, as_of=as_of, level_payments=level_payments)
    terms = book.schedule
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
    ids = loan_ids(loans)
    as_of_day = dates.day_number(as_of)
    people = new_people(
        loans,
        owner=book.owner,
        co_borrower=book.co_borrower,
        origination=book.origination.origination,
        as_of_day=as_of_day,
    )
    collateral, valuations = _collateral(draws, book, standing, ids=ids, as_of=as_of)
    return PortfolioChunk(
        borrowers=conform("borrowers", borrowers_frame(draws, people, as_of_day=as_of_day)),
        loans=_loans_frame(book, standing, charged_off, ids=ids),
        schedules=_schedules_frame(book, installments, ids=ids),
        payments=conform(
            "payments", payments_frame(PaymentRows.concat([slots, recoveries]), loan_ids=ids)
        ),
        collateral=collateral,
        valuations=valuations,
    )


def _loans_frame(
    book: Book, standing: Standing, charged_off: Ints, *, ids: pl.Series
) -> pl.DataFrame:
    product = book.origination.product
    contract_types = [DEFAULT_CONTRACT_TYPE[Product(name)].value for name in PRODUCT_NAMES]
    status = np.where(
        standing.charged_off, "charged_off", np.where(standing.paid_off, "paid_off", "active")
    )
    terms = book.schedule
    frame = pl.DataFrame(
        {
            "loan_id": ids,
            "borrower_id": borrower_ids(primary_key(book.owner)),
            "co_borrower_id": keep_where(
                borrower_ids(co_borrower_key(book.loans)), book.co_borrower
            ),
            "product": pl.Series(PRODUCT_NAMES).gather(pl.Series(product)),
            "currency": pl.Series(["USD"] * len(ids), dtype=pl.String),
            "principal": _amounts(terms.principal),
            "annual_rate": pl.select(rate_text(pl.lit(pl.Series(terms.rate_ppm)))).to_series(),
            "term_months": pl.Series(terms.term_months),
            "origination_date": date_series("origination_date", book.origination.origination),
            "first_due_date": date_series("first_due_date", book.origination.first_due),
            "contract_state": pl.Series(states().codes).gather(pl.Series(book.state_index)),
            "contract_type": pl.Series(contract_types).gather(pl.Series(product)),
            "credit_limit": keep_where(_amounts(book.credit_limit), book.credit_limit > 0),
            "status": pl.Series(status),
            "charge_off_date": date_series(
                "charge_off_date", standing.charge_off_day, present=standing.charged_off
            ),
            "charge_off_amount": keep_where(_amounts(charged_off), standing.charged_off),
            "original_creditor": keep_where(
                pl.Series(ORIGINAL_CREDITORS).gather(
                    pl.Series(np.maximum(book.original_creditor, 0))
                ),
                book.original_creditor >= 0,
            ),
        }
    )
    return conform("loans", frame)


def _amounts(minor: Ints) -> pl.Series:
    return pl.select(amount_text(pl.lit(pl.Series(minor)))).to_series()


def _schedules_frame(book: Book, installments: Installments, *, ids: pl.Series) -> pl.DataFrame:
    rows = np.flatnonzero(book.explicit_schedule[installments.loan])
    loan = installments.loan[rows]
    frame = pl.DataFrame(
        {
            "loan_id": ids.gather(pl.Series(loan)),
            "installment_number": pl.Series(installments.number[rows]),
            "due_date": date_series("due_date", installments.due[rows]),
            "principal": _amounts(installments.principal[rows]),
            "interest": _amounts(installments.interest[rows]),
            "fees": _amounts(np.zeros(len(rows), dtype=np.int64)),
        }
    )
    return conform("schedules", frame)


def _collateral(
    draws: Draws, book: Book, standing: Standing, *, ids: pl.Series, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Collateral and valuations rows of the chunk, in loan order."""

    def secured(positions: Ints) -> Secured:
        return Secured(
            loans=book.loans[positions],
            loan_ids=ids.gather(pl.Series(positions)),
            origination=book.origination.origination[positions],
            dpd=standing.dpd[positions],
            charged_off=standing.charged_off[positions],
        )

    autos, mortgages = secured(book.autos), secured(book.mortgages)
    home = home_addresses(draws, primary_key(book.owner[book.mortgages]))
    elsewhere = draw_addresses(
        draws,
        keys=book.loans[book.mortgages],
        state_index=book.state_index[book.mortgages],
        stream="property.address",
    )
    addresses = home.where(book.properties.at_borrower_address, elsewhere)
    collateral = pl.concat(
        [
            vehicle_frame(autos, book.vehicles),
            property_frame(mortgages, book.properties, addresses),
        ]
    )
    valuations = pl.concat(
        [
            revaluations(draws, autos, base_value=book.vehicles.value, vehicles=True, as_of=as_of),
            revaluations(
                draws, mortgages, base_value=book.properties.value, vehicles=False, as_of=as_of
            ),
        ]
    )
    return (
        collateral.sort("loan", maintain_order=True).drop("loan"),
        valuations.sort("loan", "valued_on", maintain_order=True).drop("loan"),
    )
