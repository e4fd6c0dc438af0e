"""Typed appendage segments J1, J2, K1, K2, K3, K4, L1, N1 (metro2.md §5.12).

Same conventions as the records: text without trailing blanks, integers, ``None`` for zero
dates. Attribute names are the layout's ``FieldSpec`` names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from arrears.formats.metro2.spec import J1, J2, K1, K2, K3, K4, L1, N1, SegmentLayout


@dataclass(frozen=True, slots=True, kw_only=True)
class J1Segment:
    """An associated consumer at the same address as the primary consumer."""

    LAYOUT: ClassVar[SegmentLayout] = J1

    reserved: str = ""
    surname: str = ""
    first_name: str = ""
    middle_name: str = ""
    generation_code: str = ""
    social_security_number: int = 0
    date_of_birth: dt.date | None = None
    telephone_number: int = 0
    ecoa_code: str = ""
    consumer_information_indicator: str = ""
    reserved_end: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class J2Segment:
    """An associated consumer at a different address."""

    LAYOUT: ClassVar[SegmentLayout] = J2

    reserved: str = ""
    surname: str = ""
    first_name: str = ""
    middle_name: str = ""
    generation_code: str = ""
    social_security_number: int = 0
    date_of_birth: dt.date | None = None
    telephone_number: int = 0
    ecoa_code: str = ""
    consumer_information_indicator: str = ""
    country_code: str = ""
    first_line_of_address: str = ""
    second_line_of_address: str = ""
    city: str = ""
    state: str = ""
    postal_zip_code: str = ""
    address_indicator: str = ""
    residence_code: str = ""
    reserved_end: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class K1Segment:
    """The original creditor (collection agencies, debt buyers)."""

    LAYOUT: ClassVar[SegmentLayout] = K1

    original_creditor_name: str = ""
    creditor_classification: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class K2Segment:
    """Who the account was purchased from or sold to."""

    LAYOUT: ClassVar[SegmentLayout] = K2

    purchased_sold_indicator: str = ""
    purchased_sold_name: str = ""
    reserved: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class K3Segment:
    """Mortgage information (agency, agency account number, MERS MIN)."""

    LAYOUT: ClassVar[SegmentLayout] = K3

    agency_identifier: str = ""
    account_number: str = ""
    mortgage_identification_number: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class K4Segment:
    """Specialized payment information (balloon or deferred payment)."""

    LAYOUT: ClassVar[SegmentLayout] = K4

    specialized_payment_indicator: str = ""
    deferred_payment_start_date: dt.date | None = None
    balloon_payment_due_date: dt.date | None = None
    balloon_payment_amount: int = 0
    reserved: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class L1Segment:
    """A change of consumer account number and/or identification number."""

    LAYOUT: ClassVar[SegmentLayout] = L1

    change_indicator: str = ""
    new_consumer_account_number: str = ""
    new_identification_number: str = ""
    reserved: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class N1Segment:
    """The consumer's employer."""

    LAYOUT: ClassVar[SegmentLayout] = N1

    employer_name: str = ""
    first_line_of_employer_address: str = ""
    second_line_of_employer_address: str = ""
    employer_city: str = ""
    employer_state: str = ""
    employer_postal_zip_code: str = ""
    occupation: str = ""
    reserved: str = ""


Appendage = (
    J1Segment | J2Segment | K1Segment | K2Segment | K3Segment | K4Segment | L1Segment | N1Segment
)

#: The dataclass of each appendage, by segment identifier.
APPENDAGE_CLASSES: dict[str, type[Appendage]] = {
    "J1": J1Segment,
    "J2": J2Segment,
    "K1": K1Segment,
    "K2": K2Segment,
    "K3": K3Segment,
    "K4": K4Segment,
    "L1": L1Segment,
    "N1": N1Segment,
}
