"""The six import kinds' columns and types (docs/data-formats.md), and text for amounts and rates.

Amounts travel as integer minor units until this edge, where they become decimal text in major
units ("1234.50"): exact in CSV and accepted in Parquet, where floating-point amounts are refused.
Booleans are written as ``true``/``false`` text for the same reason: the doc defines their spelling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

KINDS: Final[tuple[str, ...]] = (
    "borrowers",
    "loans",
    "schedules",
    "payments",
    "collateral",
    "valuations",
)

_TEXT = pl.String
_DATE = pl.Date
_INT = pl.Int64

#: Column names and types per kind, in the order the data-format doc lists them.
SCHEMAS: Final[dict[str, dict[str, type[pl.DataType]]]] = {
    "borrowers": {
        "borrower_id": _TEXT, "first_name": _TEXT, "middle_name": _TEXT, "last_name": _TEXT,
        "suffix": _TEXT, "date_of_birth": _DATE, "ssn": _TEXT, "language": _TEXT,
        "address_line1": _TEXT, "address_line2": _TEXT, "city": _TEXT, "state": _TEXT,
        "zip": _TEXT, "mobile_phone": _TEXT, "home_phone": _TEXT, "work_phone": _TEXT,
        "sms_consent": _TEXT, "email": _TEXT, "work_email": _TEXT, "email_opt_out": _TEXT,
    },
    "loans": {
        "loan_id": _TEXT, "borrower_id": _TEXT, "co_borrower_id": _TEXT, "product": _TEXT,
        "currency": _TEXT, "principal": _TEXT, "annual_rate": _TEXT, "term_months": _INT,
        "origination_date": _DATE, "first_due_date": _DATE, "contract_state": _TEXT,
        "contract_type": _TEXT, "credit_limit": _TEXT, "status": _TEXT,
        "charge_off_date": _DATE, "charge_off_amount": _TEXT, "original_creditor": _TEXT,
    },
    "schedules": {
        "loan_id": _TEXT, "installment_number": _INT, "due_date": _DATE, "principal": _TEXT,
        "interest": _TEXT, "fees": _TEXT,
    },
    "payments": {
        "payment_id": _TEXT, "loan_id": _TEXT, "amount": _TEXT, "effective_date": _DATE,
        "method": _TEXT, "status": _TEXT, "returned_date": _DATE, "return_reason": _TEXT,
    },
    "collateral": {
        "collateral_id": _TEXT, "loan_id": _TEXT, "kind": _TEXT, "vin": _TEXT, "year": _INT,
        "make": _TEXT, "model": _TEXT, "mileage": _INT, "condition": _TEXT,
        "address_line1": _TEXT, "address_line2": _TEXT, "city": _TEXT, "state": _TEXT,
        "zip": _TEXT, "property_type": _TEXT, "lien_position": _INT, "occupancy": _TEXT,
        "value": _TEXT, "valued_on": _DATE, "valuation_source": _TEXT,
    },
    "valuations": {
        "collateral_id": _TEXT, "valued_on": _DATE, "amount": _TEXT, "source": _TEXT,
    },
}  # fmt: skip


def conform(kind: str, frame: pl.DataFrame, *, keep: Sequence[str] = ()) -> pl.DataFrame:
    """``frame`` with exactly the kind's columns, in order and typed; absent columns are empty.

    ``keep`` names working columns (sort keys) to carry in front until the chunk is assembled.
    """
    schema = SCHEMAS[kind]
    unknown = set(frame.columns) - set(schema) - set(keep)
    if unknown:
        raise ValueError(f"{kind} has columns the import format does not define: {sorted(unknown)}")
    return frame.select(
        *keep,
        *(
            (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ),
    )


def empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[kind])


def amount_text(minor: pl.Expr) -> pl.Expr:
    """Non-negative integer cents as decimal text in dollars: 123450 → "1234.50"."""
    return pl.concat_str(
        (minor // 100).cast(pl.String),
        pl.lit("."),
        (minor % 100).cast(pl.String).str.zfill(2),
    )


def amount_series(minor: NDArray[np.int64]) -> pl.Series:
    """``amount_text`` of an array of minor units."""
    return pl.select(amount_text(pl.lit(pl.Series(minor)))).to_series()


def rate_text(rate_ppm: pl.Expr) -> pl.Expr:
    """A rate in millionths as its shortest decimal fraction: 129900 → "0.1299", 0 → "0"."""
    digits = pl.concat_str(
        (rate_ppm // 1_000_000).cast(pl.String),
        pl.lit("."),
        (rate_ppm % 1_000_000).cast(pl.String).str.zfill(6),
    )
    return digits.str.strip_chars_end("0").str.strip_chars_end(".")


def rate_ppm_text(rate_ppm: int) -> str:
    """The same text as ``rate_text`` for one rate (builds the ``Rate`` the importer will parse)."""
    whole, fraction = divmod(rate_ppm, 1_000_000)
    return f"{whole}.{fraction:06d}".rstrip("0").rstrip(".")


def flag_text(flag: pl.Expr) -> pl.Expr:
    """A boolean as the doc spells it (null stays empty)."""
    return (
        pl.when(flag.is_null())
        .then(pl.lit(None, pl.String))
        .when(flag)
        .then(pl.lit("true"))
        .otherwise(pl.lit("false"))
    )


def join_text(*parts: pl.Series | pl.Expr) -> pl.Series:
    """Concatenate text columns element-wise (a null part makes the result null)."""
    return pl.select(pl.concat_str(*parts)).to_series()


def keep_where(values: pl.Series, mask: pl.Series | NDArray[np.bool_]) -> pl.Series:
    """``values`` where ``mask`` holds, null elsewhere."""
    return pl.select(pl.when(pl.Series(mask)).then(values)).to_series().alias(values.name)
