"""Typed Header, Base and Trailer records (metro2.md §5.2, §5.3, §5.11).

Attribute names are the ``FieldSpec`` names of the layout (a test keeps them in step). Text is
kept without its trailing blank fill; numbers are ``int`` (amounts in whole dollars: Metro 2
carries no cents); dates are ``datetime.date`` and ``None`` stands for the zero-filled "not
available" spelling. The time stamp is the furnisher's local wall-clock time (no time zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from arrears.formats.metro2.spec import BASE, HEADER, TRAILER, SegmentLayout


@dataclass(frozen=True, slots=True, kw_only=True)
class HeaderRecord:
    """The Header Record (§5.2): who reports and for which activity date."""

    LAYOUT: ClassVar[SegmentLayout] = HEADER

    cycle_identifier: str = ""
    innovis_program_identifier: str = ""
    equifax_program_identifier: str = ""
    experian_program_identifier: str = ""
    transunion_program_identifier: str = ""
    activity_date: dt.date | None = None
    date_created: dt.date | None = None
    program_date: dt.date | None = None
    program_revision_date: dt.date | None = None
    reporter_name: str = ""
    reporter_address: str = ""
    reporter_telephone_number: int = 0
    software_vendor_name: str = ""
    software_version_number: str = ""
    prbc_program_identifier: str = ""
    reserved: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseSegment:
    """The Base Segment (§5.3): one account's state for the reporting period."""

    LAYOUT: ClassVar[SegmentLayout] = BASE

    processing_indicator: int = 1
    time_stamp: dt.datetime | None = None
    correction_indicator: int = 0
    identification_number: str = ""
    cycle_identifier: str = ""
    consumer_account_number: str = ""
    portfolio_type: str = ""
    account_type: str = ""
    date_opened: dt.date | None = None
    credit_limit: int = 0
    highest_credit: int = 0
    terms_duration: str = ""
    terms_frequency: str = ""
    scheduled_monthly_payment: int = 0
    actual_payment: int = 0
    account_status: str = ""
    payment_rating: str = ""
    payment_history_profile: str = ""
    special_comment: str = ""
    compliance_condition_code: str = ""
    current_balance: int = 0
    amount_past_due: int = 0
    original_charge_off_amount: int = 0
    date_of_account_information: dt.date | None = None
    date_of_first_delinquency: dt.date | None = None
    date_closed: dt.date | None = None
    date_of_last_payment: dt.date | None = None
    interest_type_indicator: str = ""
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


@dataclass(frozen=True, slots=True, kw_only=True)
class TrailerRecord:
    """The Trailer Record (§5.11): totals a writer computes and a reader re-checks."""

    LAYOUT: ClassVar[SegmentLayout] = TRAILER

    total_base_records: int = 0
    reserved: str = ""
    total_status_df: int = 0
    total_j1_segments: int = 0
    total_j2_segments: int = 0
    block_count: int = 0
    total_status_da: int = 0
    total_status_05: int = 0
    total_status_11: int = 0
    total_status_13: int = 0
    total_status_61: int = 0
    total_status_62: int = 0
    total_status_63: int = 0
    total_status_64: int = 0
    total_status_65: int = 0
    total_status_71: int = 0
    total_status_78: int = 0
    total_status_80: int = 0
    total_status_82: int = 0
    total_status_83: int = 0
    total_status_84: int = 0
    total_status_88: int = 0
    total_status_89: int = 0
    total_status_93: int = 0
    total_status_94: int = 0
    total_status_95: int = 0
    total_status_96: int = 0
    total_status_97: int = 0
    total_ecoa_code_z: int = 0
    total_employment_segments: int = 0
    total_original_creditor_segments: int = 0
    total_purchased_sold_segments: int = 0
    total_mortgage_information_segments: int = 0
    total_specialized_payment_segments: int = 0
    total_change_segments: int = 0
    total_ssn_all_segments: int = 0
    total_ssn_base_segments: int = 0
    total_ssn_j1_segments: int = 0
    total_ssn_j2_segments: int = 0
    total_dob_all_segments: int = 0
    total_dob_base_segments: int = 0
    total_dob_j1_segments: int = 0
    total_dob_j2_segments: int = 0
    total_telephone_all_segments: int = 0
    reserved_end: str = ""
