"""The frames the batch layer reads and writes: column names, dtypes and what each column means.

Every batch function takes and returns Polars frames shaped like one of the schemas below, so a
partition of the portfolio can be handed between steps (or engines) without translation. Amounts
are ``Int64`` minor units (suffix ``_minor``), dates are ``pl.Date``, ids ``Int64``; money is never
a float. ``conform`` checks a frame against a schema and returns every problem at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from arrears.errors import ArrearsError

LOANS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "currency": pl.String,
        "principal_minor": pl.Int64,
        "annual_rate_micros": pl.Int64,
        "term_months": pl.Int32,
        "origination_date": pl.Date,
        "first_due_date": pl.Date,
        "charge_off_date": pl.Date,
    }
)
"""One row per loan. ``annual_rate_micros`` is the nominal annual rate × 1,000,000 (12.99% is
129_900; rates have at most six decimals). ``charge_off_date`` is null until the loan is charged
off. ``first_due_date`` fixes the due day of every later installment (clamped to month end)."""

INSTALLMENTS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "seq": pl.Int32,
        "due_date": pl.Date,
        "principal_minor": pl.Int64,
        "interest_minor": pl.Int64,
        "fees_minor": pl.Int64,
    }
)
"""One row per scheduled installment (``seq`` counts from 1 per loan), as
``arrears.domain.schedules.Installment``."""

CHARGES: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "key": pl.String,
        "component": pl.String,
        "amount_minor": pl.Int64,
        "assessed_on": pl.Date,
    }
)
"""One row per charge assessed after booking (late fee, penalty, recoverable cost), as
``arrears.domain.charges.Charge``: ``component`` is a ``Component`` value other than principal,
``amount_minor`` is positive and ``key`` is unique per loan (it names the ledger source)."""

ITEMS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "due_date": pl.Date,
        "component": pl.String,
        "amount_minor": pl.Int64,
        "source": pl.String,
        "installment_seq": pl.Int32,
    }
)
"""One row per positive amount falling due (``arrears.domain.allocation.DueItem``). ``source`` is
``installment:<seq>`` or ``charge:<key>``; ``installment_seq`` is null for charges. Rows are
grouped by loan and, inside a loan, in the order payments fill them (due date, then the
waterfall rank of the component, then source) — the order ``batch.items.due_items`` returns."""

PAYMENTS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "payment_id": pl.Int64,
        "effective_date": pl.Date,
        "amount_minor": pl.Int64,
        "good": pl.Boolean,
        "note": pl.String,
    }
)
"""One row per payment (``arrears.ledger.postings.PaymentFact``). Only ``good`` payments count;
``note`` says why a payment stopped counting (``returned: NSF``) and becomes the memo of the
reversal that takes it out of the journal. ``payment_id`` is unique per loan."""

ENTRIES: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "source": pl.String,
        "version": pl.Int32,
        "kind": pl.String,
        "effective_date": pl.Date,
        "currency": pl.String,
        "reverses_version": pl.Int32,
        "memo": pl.String,
    }
)
"""One row per journal entry (``arrears.ledger.entries.Entry``). The scalar key is
``f"{loan_id}:{source}:{version}"``; ``kind`` is an ``EntryKind`` value; ``reverses_version`` is
null unless the entry is a reversal, and then names the version (same loan and source) it
undoes. Versions of one source count 1, 2, 3… in the order they were appended."""

LINES: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "source": pl.String,
        "version": pl.Int32,
        "account": pl.String,
        "amount_minor": pl.Int64,
    }
)
"""One row per journal line: the entry it belongs to (``loan_id``, ``source``, ``version``), an
``Account`` value and a signed amount (+ debit, − credit). Lines of an entry are consecutive and
in the entry's line order."""

NOTES: Final = pl.Schema({"loan_id": pl.Int64, "source": pl.String, "note": pl.String})
"""Why an event stopped counting, per ledger source: the memo of the reversal it causes."""

DELINQUENCY: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "dpd": pl.Int32,
        "bucket": pl.String,
        "amount_past_due_minor": pl.Int64,
        "oldest_unpaid_due_date": pl.Date,
        "dofd": pl.Date,
        "cured_on": pl.Date,
        "due_to_date_minor": pl.Int64,
        "paid_to_date_minor": pl.Int64,
    }
)
"""Delinquency of each loan on one date (``arrears.domain.delinquency.Delinquency``): days past
due and their bucket, the amount past due, the oldest unpaid installment's due date, the date of
first delinquency (Metro 2 DOFD), the last day an episode was cured, what fell due before the
date and what was paid by it."""

DELINQUENCY_AT: Final = pl.Schema([("as_of", pl.Date), *DELINQUENCY.items()])
"""``DELINQUENCY`` for several dates: one row per (loan, ``as_of``)."""


class FrameSchemaError(ArrearsError):
    """A frame handed to a batch step lacks columns or has columns of the wrong type."""


def empty(schema: pl.Schema) -> pl.DataFrame:
    """A frame with no rows and exactly ``schema``'s columns."""
    return pl.DataFrame(schema=schema)


def conform(
    frame: pl.DataFrame,
    schema: pl.Schema,
    *,
    name: str,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """``frame`` reduced to ``schema``'s columns (or the named subset), in order, with its dtypes.

    Integer columns may arrive in any integer width and text as categorical; anything else must
    match exactly (an amount never arrives as a float). Raises ``FrameSchemaError`` naming every
    missing or mistyped column.
    """
    problems: list[str] = []
    selected: list[pl.Expr] = []
    for column in columns if columns is not None else schema.names():
        wanted = schema[column]
        if column not in frame.columns:
            problems.append(f"{name}: missing column {column!r}")
            continue
        actual = frame.schema[column]
        if actual == wanted:
            selected.append(pl.col(column))
        elif _castable(actual, wanted):
            selected.append(pl.col(column).cast(wanted, strict=True))
        else:
            problems.append(f"{name}: column {column!r} is {actual}, expected {wanted}")
    if problems:
        raise FrameSchemaError("; ".join(problems))
    return frame.select(selected)


def _castable(actual: pl.DataType, wanted: pl.DataType) -> bool:
    if actual.is_integer() and wanted.is_integer():
        return True
    if actual == pl.Null:
        return True
    return wanted == pl.String and isinstance(actual, pl.Categorical | pl.Enum)
