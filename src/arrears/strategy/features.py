"""What a strategy's conditions can test: each condition field, its FEATURES column and its unit.

Strategy files speak the language of collections managers (dollars, an LTV of 1.2, buckets);
the FEATURES frame holds integers (cents, basis points, days). ``scale`` converts one to the
other exactly (a Decimal times an integer), never through a float. ``nulls`` says what an
account with no value matches: no score yet matches no score condition, but an account never
contacted has gone longer than any number of days without contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from arrears.domain.collateral import CollateralKind
from arrears.domain.delinquency import BucketScheme
from arrears.domain.geo import STATES
from arrears.domain.loans import Product
from arrears.strategy.catalogue import Requirement

PROMISE_STATUSES: Final = ("none", "active", "kept", "broken")
"""Status of the account's latest promise to pay in the current episode."""

PLAN_STATUSES: Final = ("none", "active", "completed", "defaulted")
"""Status of the account's latest payment plan."""

NO_COLLATERAL: Final = "none"


class FieldKind(StrEnum):
    RANGE = "range"  # {min: …, max: …, above: …, below: …}
    SET = "set"  # [a, b] or a single value
    FLAG = "flag"  # true / false


class Nulls(StrEnum):
    NEVER = "never"  # a missing value matches no range (no score yet)
    HIGHEST = "highest"  # a missing value is above every number (never contacted)


@dataclass(frozen=True, slots=True)
class ConditionField:
    """One condition a segment or rule may put on an account."""

    name: str
    column: str
    kind: FieldKind
    doc: str
    scale: int = 1  # column units per unit written (100 cents per dollar)
    integer: bool = True  # the column holds whole numbers of its unit
    floor: int | None = None  # no account has a smaller value
    nullable: bool = False  # the column may be null (no score, no valuation, never contacted)
    nulls: Nulls = Nulls.NEVER
    null_as: str | None = None  # for sets: the value a missing entry stands for
    values: tuple[str, ...] = ()  # for sets: every value the field can take
    money: bool = False

    def written(self, column_value: Decimal) -> str:
        """A bound in column units the way a strategy author writes it (cents as dollars)."""
        value = column_value / self.scale
        return f"${value:,.2f}" if self.money else format(value.normalize(), "f")


def _flag(name: str, column: str, doc: str) -> ConditionField:
    return ConditionField(name, column, FieldKind.FLAG, doc)


FIELDS: Final[Mapping[str, ConditionField]] = {
    field.name: field
    for field in (
        ConditionField("dpd", "dpd", FieldKind.RANGE, "days past due", floor=0),
        ConditionField(
            "bucket", "dpd", FieldKind.SET, "delinquency bucket (a DPD range of the scheme)"
        ),
        ConditionField(
            "balance", "balance_minor", FieldKind.RANGE, "balance owed, in dollars",
            scale=100, money=True,
        ),
        ConditionField(
            "past_due", "past_due_minor", FieldKind.RANGE, "amount past due, in dollars",
            scale=100, floor=0, money=True,
        ),
        ConditionField(
            "ltv", "ltv_bp", FieldKind.RANGE, "loan-to-value ratio (1.2 = 120%)",
            scale=10_000, floor=0, nullable=True,
        ),
        ConditionField(
            "score", "score", FieldKind.RANGE, "model score (e.g. probability to pay)",
            integer=False, nullable=True,
        ),
        ConditionField(
            "days_since_contact", "days_since_contact", FieldKind.RANGE,
            "days since the last contact (never contacted counts as longer than any)",
            floor=0, nullable=True, nulls=Nulls.HIGHEST,
        ),
        ConditionField(
            "product", "product", FieldKind.SET, "loan product",
            values=tuple(p.value for p in Product),
        ),
        ConditionField(
            "state", "borrower_state", FieldKind.SET, "state the borrower lives in",
            values=tuple(STATES),
        ),
        ConditionField(
            "contract_state", "contract_state", FieldKind.SET, "state whose law governs the loan",
            values=tuple(STATES),
        ),
        ConditionField(
            "collateral", "collateral", FieldKind.SET, "collateral kind (none if unsecured)",
            values=(*(k.value for k in CollateralKind), NO_COLLATERAL), null_as=NO_COLLATERAL,
        ),
        ConditionField(
            "promise", "promise", FieldKind.SET, "latest promise to pay",
            values=PROMISE_STATUSES, null_as="none",
        ),
        ConditionField(
            "plan", "plan", FieldKind.SET, "latest payment plan", values=PLAN_STATUSES,
            null_as="none",
        ),
        _flag("charged_off", "charged_off", "the loan has been charged off"),
        _flag("has_mobile", "has_mobile", "a mobile number is on file"),
        _flag("sms_consent", "sms_consent", "consent to text messages is on file"),
        _flag("has_email", "has_email", "an email address is on file"),
        _flag("has_phone", "has_phone", "a phone number is on file"),
        _flag("has_postal_address", "has_postal_address", "a postal address is on file"),
        _flag("validation_sent", "validation_sent", "the validation notice has been sent"),
    )
}  # fmt: skip
"""Every condition field, by the name strategy files use."""

REQUIREMENT_COLUMNS: Final[Mapping[Requirement, str]] = {
    Requirement.MOBILE_PHONE: "has_mobile",
    Requirement.SMS_CONSENT: "sms_consent",
    Requirement.EMAIL: "has_email",
    Requirement.POSTAL_ADDRESS: "has_postal_address",
    Requirement.PHONE: "has_phone",
}
"""The FEATURES column that says whether an account meets each treatment requirement."""


def set_values(field: ConditionField, buckets: BucketScheme) -> tuple[str, ...]:
    """Every value a set field can take (bucket names come from the scheme in use)."""
    return tuple(buckets.names) if field.name == "bucket" else field.values
