"""Appendage segment layouts J1, J2, K1, K2, K3, K4, L1, N1 (metro2.md §5.12).

Appendages stay in character format in packed files too (§5.1). Positions are 1-based within
the segment; the first two bytes are the segment identifier.
"""

from __future__ import annotations

from typing import Final

from arrears.formats.metro2.spec import codes
from arrears.formats.metro2.spec.fields import FieldSpec, Kind, Presence, SegmentLayout

R = Presence.REQUIRED
C = Presence.CONDITIONAL
A = Kind.TEXT
N = Kind.NUMBER
D = Kind.DATE


def _identifier(code: str) -> FieldSpec:
    return FieldSpec(
        "segment_identifier", "Segment Identifier", 1, 2, Kind.IDENTIFIER, R, None, code
    )


def _associated_consumer(code: str) -> tuple[FieldSpec, ...]:
    """Positions 1-99, shared by J1 and J2."""
    return (
        _identifier(code),
        FieldSpec("reserved", "Reserved", 3, 1, A),
        FieldSpec("surname", "Surname", 4, 25, A, R),
        FieldSpec("first_name", "First Name", 29, 20, A, R),
        FieldSpec("middle_name", "Middle Name", 49, 20, A),
        FieldSpec("generation_code", "Generation Code", 69, 1, A, codes=codes.GENERATION),
        FieldSpec("social_security_number", "Social Security Number", 70, 9, N, C, sensitive=True),
        FieldSpec("date_of_birth", "Date of Birth", 79, 8, D, C, sensitive=True),
        FieldSpec("telephone_number", "Telephone Number", 87, 10, N),
        FieldSpec("ecoa_code", "ECOA Code", 97, 1, A, R, codes.ECOA),
        FieldSpec("consumer_information_indicator", "Consumer Information Indicator", 98, 2, A, C),
    )


J1: Final = SegmentLayout(
    name="J1",
    title="J1 Associated Consumer, same address",
    section="5.12",
    identifier="J1",
    fields=(*_associated_consumer("J1"), FieldSpec("reserved_end", "Reserved", 100, 1, A)),
)

J2: Final = SegmentLayout(
    name="J2",
    title="J2 Associated Consumer, different address",
    section="5.12",
    identifier="J2",
    fields=(
        *_associated_consumer("J2"),
        FieldSpec("country_code", "Country Code", 100, 2, A),
        FieldSpec("first_line_of_address", "First Line of Address", 102, 32, A, R),
        FieldSpec("second_line_of_address", "Second Line of Address", 134, 32, A),
        FieldSpec("city", "City", 166, 20, A, R),
        FieldSpec("state", "State", 186, 2, A, R),
        FieldSpec("postal_zip_code", "Postal/ZIP Code", 188, 9, A, R),
        FieldSpec(
            "address_indicator", "Address Indicator", 197, 1, A, codes=codes.ADDRESS_INDICATOR
        ),
        FieldSpec("residence_code", "Residence Code", 198, 1, A, codes=codes.RESIDENCE),
        FieldSpec("reserved_end", "Reserved", 199, 2, A),
    ),
)

K1: Final = SegmentLayout(
    name="K1",
    title="K1 Original Creditor Name",
    section="5.12",
    identifier="K1",
    fields=(
        _identifier("K1"),
        FieldSpec("original_creditor_name", "Original Creditor Name", 3, 30, A, R),
        FieldSpec(
            "creditor_classification",
            "Creditor Classification",
            33,
            2,
            A,
            R,
            codes.CREDITOR_CLASSIFICATION,
        ),
    ),
)

K2: Final = SegmentLayout(
    name="K2",
    title="K2 Purchased From / Sold To",
    section="5.12",
    identifier="K2",
    fields=(
        _identifier("K2"),
        FieldSpec(
            "purchased_sold_indicator",
            "Purchased From/Sold To Indicator",
            3,
            1,
            A,
            R,
            codes.PURCHASED_SOLD,
        ),
        FieldSpec("purchased_sold_name", "Purchased From/Sold To Name", 4, 30, A, C),
        FieldSpec("reserved", "Reserved", 34, 1, A),
    ),
)

K3: Final = SegmentLayout(
    name="K3",
    title="K3 Mortgage Information",
    section="5.12",
    identifier="K3",
    fields=(
        _identifier("K3"),
        FieldSpec("agency_identifier", "Agency Identifier", 3, 2, A, R, codes.AGENCY_IDENTIFIER),
        FieldSpec("account_number", "Account Number", 5, 18, A, C),
        FieldSpec("mortgage_identification_number", "Mortgage Identification Number", 23, 18, A, C),
    ),
)

K4: Final = SegmentLayout(
    name="K4",
    title="K4 Specialized Payment Information",
    section="5.12",
    identifier="K4",
    fields=(
        _identifier("K4"),
        FieldSpec(
            "specialized_payment_indicator",
            "Specialized Payment Indicator",
            3,
            2,
            A,
            R,
            codes.SPECIALIZED_PAYMENT,
        ),
        FieldSpec("deferred_payment_start_date", "Deferred Payment Start Date", 5, 8, D, C),
        FieldSpec("balloon_payment_due_date", "Balloon Payment Due Date", 13, 8, D, C),
        FieldSpec("balloon_payment_amount", "Balloon Payment Amount", 21, 9, N, C),
        FieldSpec("reserved", "Reserved", 30, 1, A),
    ),
)

L1: Final = SegmentLayout(
    name="L1",
    title="L1 Account Number / Identification Number Change",
    section="5.12",
    identifier="L1",
    fields=(
        _identifier("L1"),
        FieldSpec("change_indicator", "Change Indicator", 3, 1, A, R, codes.CHANGE_INDICATOR),
        FieldSpec("new_consumer_account_number", "New Consumer Account Number", 4, 30, A, C),
        FieldSpec("new_identification_number", "New Identification Number", 34, 20, A, C),
        FieldSpec("reserved", "Reserved", 54, 1, A),
    ),
)

N1: Final = SegmentLayout(
    name="N1",
    title="N1 Employment",
    section="5.12",
    identifier="N1",
    fields=(
        _identifier("N1"),
        FieldSpec("employer_name", "Employer Name", 3, 30, A, R),
        FieldSpec("first_line_of_employer_address", "First Line of Employer Address", 33, 32, A),
        FieldSpec("second_line_of_employer_address", "Second Line of Employer Address", 65, 32, A),
        FieldSpec("employer_city", "Employer City", 97, 20, A),
        FieldSpec("employer_state", "Employer State", 117, 2, A),
        FieldSpec("employer_postal_zip_code", "Employer Postal/ZIP Code", 119, 9, A),
        FieldSpec("occupation", "Occupation", 128, 18, A),
        FieldSpec("reserved", "Reserved", 146, 1, A),
    ),
)

#: Appendages in the order they follow a base segment (§5.1: J1* J2* K1 K2 K3 K4 L1 N1).
APPENDAGES: Final[tuple[SegmentLayout, ...]] = (J1, J2, K1, K2, K3, K4, L1, N1)

#: Appendages that may repeat (all others appear at most once per account).
REPEATABLE: Final = frozenset({"J1", "J2"})

APPENDAGE_BY_ID: Final[dict[str, SegmentLayout]] = {layout.name: layout for layout in APPENDAGES}
