"""Base Segment layout (metro2.md §5.3): 426 bytes in character format, 366 packed.

Field numbers in the titles are the CRRG's (17A, 17B, …). Packed widths follow packed-decimal
arithmetic: a 9-digit amount and an MMDDYYYY date take 5 bytes, the 14-digit time stamp 8, the
10-digit telephone number 6 (§5.14).
"""

from __future__ import annotations

from typing import Final

from arrears.formats.metro2.spec import codes
from arrears.formats.metro2.spec.fields import FieldSpec, Kind, Presence, SegmentLayout

R = Presence.REQUIRED
C = Presence.CONDITIONAL
O = Presence.OPTIONAL  # noqa: E741 - the spec's own letter
A = Kind.TEXT
N = Kind.NUMBER
D = Kind.DATE

BASE: Final = SegmentLayout(
    name="base",
    title="Base Segment",
    section="5.3",
    fields=(
        FieldSpec("record_descriptor_word", "1 Record Descriptor Word", 1, 4, Kind.DESCRIPTOR, R),
        FieldSpec(
            "processing_indicator",
            "2 Processing Indicator",
            5,
            1,
            N,
            R,
            codes.PROCESSING_INDICATOR,
            default="1",
        ),
        FieldSpec("time_stamp", "3 Time Stamp", 6, 14, Kind.TIMESTAMP, packed_length=8),
        FieldSpec(
            "correction_indicator",
            "4 Correction Indicator",
            20,
            1,
            N,
            O,
            codes.CORRECTION_INDICATOR,
        ),
        FieldSpec("identification_number", "5 Identification Number", 21, 20, A, R),
        FieldSpec("cycle_identifier", "6 Cycle Identifier", 41, 2, A, C),
        FieldSpec("consumer_account_number", "7 Consumer Account Number", 43, 30, A, R),
        FieldSpec("portfolio_type", "8 Portfolio Type", 73, 1, A, R, codes.PORTFOLIO_TYPE),
        FieldSpec("account_type", "9 Account Type", 74, 2, A, R, codes.ACCOUNT_TYPE),
        FieldSpec("date_opened", "10 Date Opened", 76, 8, D, R, packed_length=5),
        FieldSpec("credit_limit", "11 Credit Limit", 84, 9, N, C, packed_length=5),
        FieldSpec(
            "highest_credit",
            "12 Highest Credit or Original Loan Amount",
            93,
            9,
            N,
            C,
            packed_length=5,
        ),
        FieldSpec("terms_duration", "13 Terms Duration", 102, 3, A, R),
        FieldSpec("terms_frequency", "14 Terms Frequency", 105, 1, A, C, codes.TERMS_FREQUENCY),
        FieldSpec(
            "scheduled_monthly_payment",
            "15 Scheduled Monthly Payment Amount",
            106,
            9,
            N,
            C,
            packed_length=5,
        ),
        FieldSpec("actual_payment", "16 Actual Payment Amount", 115, 9, N, C, packed_length=5),
        FieldSpec("account_status", "17A Account Status", 124, 2, A, R, codes.ACCOUNT_STATUS),
        FieldSpec("payment_rating", "17B Payment Rating", 126, 1, A, C, codes.PAYMENT_RATING),
        FieldSpec("payment_history_profile", "18 Payment History Profile", 127, 24, A, R),
        FieldSpec("special_comment", "19 Special Comment", 151, 2, A, C, codes.SPECIAL_COMMENT),
        FieldSpec(
            "compliance_condition_code",
            "20 Compliance Condition Code",
            153,
            2,
            A,
            C,
            codes.COMPLIANCE_CONDITION,
        ),
        FieldSpec("current_balance", "21 Current Balance", 155, 9, N, R, packed_length=5),
        FieldSpec("amount_past_due", "22 Amount Past Due", 164, 9, N, C, packed_length=5),
        FieldSpec(
            "original_charge_off_amount",
            "23 Original Charge-off Amount",
            173,
            9,
            N,
            C,
            packed_length=5,
        ),
        FieldSpec(
            "date_of_account_information",
            "24 Date of Account Information",
            182,
            8,
            D,
            R,
            packed_length=5,
        ),
        FieldSpec(
            "date_of_first_delinquency",
            "25 FCRA Compliance/Date of First Delinquency",
            190,
            8,
            D,
            C,
            packed_length=5,
        ),
        FieldSpec("date_closed", "26 Date Closed", 198, 8, D, C, packed_length=5),
        FieldSpec("date_of_last_payment", "27 Date of Last Payment", 206, 8, D, C, packed_length=5),
        FieldSpec(
            "interest_type_indicator",
            "28 Interest Type Indicator",
            214,
            1,
            A,
            O,
            codes.INTEREST_TYPE,
        ),
        FieldSpec("reserved", "29 Reserved", 215, 17, A),
        FieldSpec("surname", "30 Surname", 232, 25, A, R),
        FieldSpec("first_name", "31 First Name", 257, 20, A, R),
        FieldSpec("middle_name", "32 Middle Name", 277, 20, A, O),
        FieldSpec("generation_code", "33 Generation Code", 297, 1, A, O, codes.GENERATION),
        FieldSpec(
            "social_security_number",
            "34 Social Security Number",
            298,
            9,
            N,
            C,
            packed_length=5,
            sensitive=True,
        ),
        FieldSpec(
            "date_of_birth", "35 Date of Birth", 307, 8, D, C, packed_length=5, sensitive=True
        ),
        FieldSpec("telephone_number", "36 Telephone Number", 315, 10, N, O, packed_length=6),
        FieldSpec("ecoa_code", "37 ECOA Code", 325, 1, A, R, codes.ECOA),
        FieldSpec(
            "consumer_information_indicator", "38 Consumer Information Indicator", 326, 2, A, C
        ),
        FieldSpec("country_code", "39 Country Code", 328, 2, A, O),
        FieldSpec("first_line_of_address", "40 First Line of Address", 330, 32, A, R),
        FieldSpec("second_line_of_address", "41 Second Line of Address", 362, 32, A, O),
        FieldSpec("city", "42 City", 394, 20, A, R),
        FieldSpec("state", "43 State", 414, 2, A, R),
        FieldSpec("postal_zip_code", "44 Postal/ZIP Code", 416, 9, A, R),
        FieldSpec(
            "address_indicator", "45 Address Indicator", 425, 1, A, O, codes.ADDRESS_INDICATOR
        ),
        FieldSpec("residence_code", "46 Residence Code", 426, 1, A, O, codes.RESIDENCE),
    ),
)
