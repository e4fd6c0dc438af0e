"""The import rows of a chunk: loans, explicit schedules, collateral and valuations frames."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from arrears.domain.loans import DEFAULT_CONTRACT_TYPE, Product
from arrears.simulation.amortisation import Installments
from arrears.simulation.book import ORIGINAL_CREDITORS, Book
from arrears.simulation.collateral import Secured, property_frame, revaluations, vehicle_frame
from arrears.simulation.dates import date_series
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import amount_series, conform, join_text, keep_where, rate_text
from arrears.simulation.households import co_borrower_key, primary_key
from arrears.simulation.people import borrower_ids, home_addresses
from arrears.simulation.places import draw_addresses
from arrears.simulation.products import PRODUCT_NAMES
from arrears.simulation.reference import states
from arrears.simulation.standing import Standing


def loan_ids(loans: Ints) -> pl.Series:
    return join_text(pl.lit("LN"), pl.Series(loans + 1).cast(pl.String).str.zfill(9))


def loans_frame(
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
            "principal": amount_series(terms.principal),
            "annual_rate": pl.select(rate_text(pl.lit(pl.Series(terms.rate_ppm)))).to_series(),
            "term_months": pl.Series(terms.term_months),
            "origination_date": date_series("origination_date", book.origination.origination),
            "first_due_date": date_series("first_due_date", book.origination.first_due),
            "contract_state": pl.Series(states().codes).gather(pl.Series(book.state_index)),
            "contract_type": pl.Series(contract_types).gather(pl.Series(product)),
            "credit_limit": keep_where(amount_series(book.credit_limit), book.credit_limit > 0),
            "status": pl.Series(status),
            "charge_off_date": date_series(
                "charge_off_date", standing.charge_off_day, present=standing.charged_off
            ),
            "charge_off_amount": keep_where(amount_series(charged_off), standing.charged_off),
            "original_creditor": keep_where(
                pl.Series(ORIGINAL_CREDITORS).gather(
                    pl.Series(np.maximum(book.original_creditor, 0))
                ),
                book.original_creditor >= 0,
            ),
        }
    )
    return conform("loans", frame)


def schedules_frame(book: Book, installments: Installments, *, ids: pl.Series) -> pl.DataFrame:
    rows = np.flatnonzero(book.explicit_schedule[installments.loan])
    loan = installments.loan[rows]
    frame = pl.DataFrame(
        {
            "loan_id": ids.gather(pl.Series(loan)),
            "installment_number": pl.Series(installments.number[rows]),
            "due_date": date_series("due_date", installments.due[rows]),
            "principal": amount_series(installments.principal[rows]),
            "interest": amount_series(installments.interest[rows]),
            "fees": amount_series(np.zeros(len(rows), dtype=np.int64)),
        }
    )
    return conform("schedules", frame)


def collateral_frames(
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
