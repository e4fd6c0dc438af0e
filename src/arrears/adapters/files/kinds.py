"""The kinds of import file, how they are recognised and the columns each one has.

The column lists are the contract documented in ``docs/data-formats.md``; a test keeps the two
in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class FileKind(StrEnum):
    BORROWERS = "borrowers"
    LOANS = "loans"
    SCHEDULES = "schedules"
    COLLATERAL = "collateral"
    VALUATIONS = "valuations"
    PAYMENTS = "payments"


#: Files are loaded in this order whatever order they are given in (later kinds refer to earlier).
LOAD_ORDER: tuple[FileKind, ...] = (
    FileKind.BORROWERS,
    FileKind.LOANS,
    FileKind.SCHEDULES,
    FileKind.COLLATERAL,
    FileKind.VALUATIONS,
    FileKind.PAYMENTS,
)


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    required: bool = False
    sensitive: bool = False  # never echoed back in problems


def _cols(required: str, optional: str, sensitive: str = "") -> tuple[ColumnSpec, ...]:
    secret = set(sensitive.split())
    return tuple(ColumnSpec(n, True, n in secret) for n in required.split()) + tuple(
        ColumnSpec(n, False, n in secret) for n in optional.split()
    )


COLUMNS: dict[FileKind, tuple[ColumnSpec, ...]] = {
    FileKind.BORROWERS: _cols(
        "borrower_id first_name last_name address_line1 city state zip",
        "middle_name suffix date_of_birth ssn language address_line2 mobile_phone home_phone "
        "work_phone sms_consent email work_email email_opt_out",
        sensitive="date_of_birth ssn",
    ),
    FileKind.LOANS: _cols(
        "loan_id borrower_id product principal annual_rate term_months origination_date "
        "first_due_date contract_state",
        "co_borrower_id currency contract_type credit_limit status charge_off_date "
        "charge_off_amount original_creditor",
    ),
    FileKind.SCHEDULES: _cols(
        "loan_id installment_number due_date principal interest",
        "fees",
    ),
    FileKind.COLLATERAL: _cols(
        "collateral_id loan_id kind",
        "vin year make model mileage condition address_line1 address_line2 city state zip "
        "property_type lien_position occupancy value valued_on valuation_source",
    ),
    FileKind.VALUATIONS: _cols("collateral_id valued_on amount", "source"),
    FileKind.PAYMENTS: _cols(
        "payment_id loan_id amount effective_date",
        "method status returned_date return_reason",
    ),
}


def column_names(kind: FileKind) -> list[str]:
    return [c.name for c in COLUMNS[kind]]


def sensitive_columns(kind: FileKind) -> frozenset[str]:
    return frozenset(c.name for c in COLUMNS[kind] if c.sensitive)


def kind_of(path: Path) -> FileKind | None:
    """The kind named by the start of the file name (``payments-2026-11.csv`` → payments)."""
    stem = path.name.lower()
    for kind in FileKind:
        if stem.startswith(kind.value):
            return kind
    if stem.startswith("installments"):
        return FileKind.SCHEDULES
    return None
