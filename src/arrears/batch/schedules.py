"""Level amortising schedules for a whole portfolio, equal row for row to the scalar builder.

``arrears.domain.schedules.level_schedule`` is the specification. The level payment comes from
the domain function itself, once per distinct (currency, principal, rate, term); the
interest/principal recurrence then runs across all loans at once, one month per step, with the
same exact integer interest (balance × rate / 12, half-even) — no float ever touches an amount.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import polars as pl

from arrears.batch.arrays import Ints, days, ints, round_half_even_div
from arrears.batch.frames import INSTALLMENTS, LOANS, conform
from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import level_payment, level_schedule

_MICROS = 1_000_000
_INT64_MAX = (1 << 63) - 1
_COLUMNS = (
    "loan_id",
    "currency",
    "principal_minor",
    "annual_rate_micros",
    "term_months",
    "first_due_date",
)


def rate_from_micros(micros: int) -> Rate:
    """The exact rate a ``annual_rate_micros`` value stands for (129_900 is 12.99%)."""
    return Rate(Decimal(micros).scaleb(-6))


def level_schedules(loans: pl.DataFrame) -> pl.DataFrame:
    """``INSTALLMENTS`` for every loan: its level schedule, loans in input order, seq ascending."""
    frame = conform(loans, LOANS, name="loans", columns=_COLUMNS)
    terms = ints(frame["term_months"])
    if np.any(terms <= 0):
        raise ValueError("term must be at least one month")
    payments = _level_payments(frame)
    principal = ints(frame["principal_minor"])
    micros = ints(frame["annual_rate_micros"])
    first_row = np.cumsum(terms) - terms
    rows = int(terms.sum())
    interest = np.zeros(rows, dtype=np.int64)
    principal_part = np.zeros(rows, dtype=np.int64)
    exact = _fits_int64(principal, micros)
    _amortise(
        principal=principal[exact],
        micros=micros[exact],
        terms=terms[exact],
        payments=payments[exact],
        first_row=first_row[exact],
        out_interest=interest,
        out_principal=principal_part,
    )
    for loan in np.flatnonzero(~exact):
        _amortise_one(
            frame.row(int(loan), named=True), int(first_row[loan]), interest, principal_part
        )
    seq = np.arange(rows, dtype=np.int64) - np.repeat(first_row, terms) + 1
    due = _due_dates(days(frame["first_due_date"]), terms=terms, seq=seq)
    return pl.DataFrame(
        {
            "loan_id": np.repeat(ints(frame["loan_id"]), terms),
            "seq": seq,
            "due_date": due,
            "principal_minor": principal_part,
            "interest_minor": interest,
            "fees_minor": np.zeros(rows, dtype=np.int64),
        }
    ).cast(INSTALLMENTS)


def _level_payments(frame: pl.DataFrame) -> Ints:
    """The domain's level payment for each loan, computed once per distinct combination."""
    keys = ["currency", "principal_minor", "annual_rate_micros", "term_months"]
    distinct = frame.select(keys).unique()
    rates = {micros: rate_from_micros(micros) for micros in distinct["annual_rate_micros"].unique()}
    amounts = [
        level_payment(Money(principal, currency), rates[micros], term).minor
        for currency, principal, micros, term in distinct.iter_rows()
    ]
    priced = distinct.with_columns(pl.Series("payment", amounts, dtype=pl.Int64))
    joined = frame.select(keys).join(priced, on=keys, how="left", maintain_order="left")
    return ints(joined["payment"])


def _fits_int64(principal: Ints, micros: Ints) -> np.ndarray:
    """Loans whose balance × rate cannot overflow ``int64`` (all real ones)."""
    limit = _INT64_MAX // np.maximum(np.abs(micros), 1)
    return np.abs(principal) <= limit


def _amortise(
    *,
    principal: Ints,
    micros: Ints,
    terms: Ints,
    payments: Ints,
    first_row: Ints,
    out_interest: Ints,
    out_principal: Ints,
) -> None:
    """Run the monthly recurrence for all loans at once, longest terms first.

    Sorting by term (descending) makes the loans still amortising at month ``m`` a prefix, so
    every step works on contiguous slices and the whole run costs one pass per installment.
    """
    order = np.argsort(-terms, kind="stable")
    terms, micros, payments, first_row = (
        terms[order],
        micros[order],
        payments[order],
        first_row[order],
    )
    balance = principal[order].copy()
    active_by_month = terms.size - np.cumsum(np.bincount(terms, minlength=1))
    for month in range(int(terms.max(initial=0))):
        live = int(active_by_month[month])
        owed = balance[:live]
        interest = round_half_even_div(owed * micros[:live], 12 * _MICROS)
        last = terms[:live] == month + 1
        paid = np.where(last, owed, np.minimum(payments[:live] - interest, owed))
        paid = np.maximum(paid, 0)
        rows = first_row[:live] + month
        out_interest[rows] = interest
        out_principal[rows] = paid
        balance[:live] = owed - paid


def _amortise_one(
    loan: dict[str, object], first_row: int, out_interest: Ints, out_principal: Ints
) -> None:
    """The scalar builder for a loan too large for 64-bit intermediate products."""
    principal = loan["principal_minor"]
    micros = loan["annual_rate_micros"]
    term = loan["term_months"]
    first_due = loan["first_due_date"]
    currency = loan["currency"]
    assert isinstance(principal, int)
    assert isinstance(micros, int)
    assert isinstance(term, int)
    assert isinstance(currency, str)
    schedule = level_schedule(
        principal=Money(principal, currency),
        rate=rate_from_micros(micros),
        term_months=term,
        first_due_date=first_due,  # type: ignore[arg-type]
    )
    for offset, installment in enumerate(schedule):
        out_interest[first_row + offset] = installment.interest.minor
        out_principal[first_row + offset] = installment.principal.minor


def _due_dates(first_due: Ints, *, terms: Ints, seq: Ints) -> pl.Series:
    """``add_months(first_due, seq - 1, day=first_due.day)`` for every row, as a date series.

    The first due day is kept and clamped to each month's length (31st → Feb 28/29 → Mar 31).
    Month starts and lengths come from a small table covering the months the schedules span.
    """
    first = first_due.astype("datetime64[D]")
    first_month = first.astype("datetime64[M]")
    day_index = (first - first_month.astype("datetime64[D]")).astype(np.int64)
    month_number = first_month.astype(np.int64)
    low = int(month_number.min(initial=0))
    high = int((month_number + terms).max(initial=0))
    months = np.arange(low, high + 1).astype("datetime64[M]")
    starts = months.astype("datetime64[D]").astype(np.int64)
    lengths = np.diff(np.append(starts, (months[-1] + 1).astype("datetime64[D]").astype(np.int64)))
    month = np.repeat(month_number - low, terms) + (seq - 1)
    due = starts[month] + np.minimum(np.repeat(day_index, terms), lengths[month] - 1)
    return pl.Series("due_date", due).cast(pl.Int32).cast(pl.Date)
