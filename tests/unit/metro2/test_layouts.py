"""The layout tables against the reference (metro2.md §5): positions, lengths, packed offsets,
code tables, and the typed records that mirror them."""

from __future__ import annotations

import dataclasses

import pytest

from arrears.formats.metro2 import (
    BaseSegment,
    HeaderRecord,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    N1Segment,
    TrailerRecord,
)
from arrears.formats.metro2.spec import (
    APPENDAGES,
    BASE,
    HEADER,
    RULES,
    TRAILER,
    TRAILER_COUNTERS,
    codes,
)

#: metro2.md §5.3: (field, character position, packed position) for every base field.
BASE_POSITIONS = [
    ("record_descriptor_word", 1, 1),
    ("processing_indicator", 5, 5),
    ("time_stamp", 6, 6),
    ("correction_indicator", 20, 14),
    ("identification_number", 21, 15),
    ("cycle_identifier", 41, 35),
    ("consumer_account_number", 43, 37),
    ("portfolio_type", 73, 67),
    ("account_type", 74, 68),
    ("date_opened", 76, 70),
    ("credit_limit", 84, 75),
    ("highest_credit", 93, 80),
    ("terms_duration", 102, 85),
    ("terms_frequency", 105, 88),
    ("scheduled_monthly_payment", 106, 89),
    ("actual_payment", 115, 94),
    ("account_status", 124, 99),
    ("payment_rating", 126, 101),
    ("payment_history_profile", 127, 102),
    ("special_comment", 151, 126),
    ("compliance_condition_code", 153, 128),
    ("current_balance", 155, 130),
    ("amount_past_due", 164, 135),
    ("original_charge_off_amount", 173, 140),
    ("date_of_account_information", 182, 145),
    ("date_of_first_delinquency", 190, 150),
    ("date_closed", 198, 155),
    ("date_of_last_payment", 206, 160),
    ("interest_type_indicator", 214, 165),
    ("reserved", 215, 166),
    ("surname", 232, 183),
    ("first_name", 257, 208),
    ("middle_name", 277, 228),
    ("generation_code", 297, 248),
    ("social_security_number", 298, 249),
    ("date_of_birth", 307, 254),
    ("telephone_number", 315, 259),
    ("ecoa_code", 325, 265),
    ("consumer_information_indicator", 326, 266),
    ("country_code", 328, 268),
    ("first_line_of_address", 330, 270),
    ("second_line_of_address", 362, 302),
    ("city", 394, 334),
    ("state", 414, 354),
    ("postal_zip_code", 416, 356),
    ("address_indicator", 425, 365),
    ("residence_code", 426, 366),
]

#: metro2.md §5.1: segment lengths.
APPENDAGE_LENGTHS = {
    "J1": 100,
    "J2": 200,
    "K1": 34,
    "K2": 34,
    "K3": 40,
    "K4": 30,
    "L1": 54,
    "N1": 146,
}

CLASSES = [
    HeaderRecord,
    BaseSegment,
    TrailerRecord,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    N1Segment,
]


@pytest.mark.parametrize("layout", [HEADER, BASE, TRAILER], ids=lambda layout: layout.name)
def test_records_are_426_bytes_or_366_packed(layout: object) -> None:
    """§5.1: Header, Base and Trailer are 426 bytes in character format and 366 packed."""
    assert (layout.length, layout.packed_length) == (426, 366)  # type: ignore[attr-defined]


def test_appendage_lengths() -> None:
    """§5.1: J1 100, J2 200, K1 34, K2 34, K3 40, K4 30, L1 54, N1 146 (also when packed)."""
    assert {a.name: (a.length, a.packed_length) for a in APPENDAGES} == {
        name: (length, length) for name, length in APPENDAGE_LENGTHS.items()
    }


def test_base_positions_match_the_reference_in_both_formats() -> None:
    """§5.3: every base field starts where the reference table says, character and packed."""
    found = [(spec.name, spec.start, BASE.packed_offset(spec.name) + 1) for spec in BASE.fields]
    assert found == BASE_POSITIONS


def test_trailer_counters_are_nine_digit_slots_from_position_12() -> None:
    """§5.11: 44 slots of 9 bytes from 12 (5 packed bytes each), reserved 408-426 / 232-366."""
    slots = TRAILER.fields[2:-1]
    assert len(slots) == 44
    assert [spec.start for spec in slots] == list(range(12, 408, 9))
    assert [TRAILER.packed_offset(spec.name) + 1 for spec in slots] == list(range(12, 232, 5))
    assert TRAILER.field("reserved_end").start == 408
    assert TRAILER.packed_offset("reserved_end") + 1 == 232
    assert TRAILER.field("total_status_97").start == 255
    assert TRAILER.field("total_telephone_all_segments").start == 399
    assert len(TRAILER_COUNTERS) == 43


def test_header_fields_positions() -> None:
    """§5.2: a few anchor positions of the Header Record."""
    anchors = {
        "activity_date": 48,
        "reporter_name": 80,
        "reporter_telephone_number": 216,
        "prbc_program_identifier": 271,
        "reserved": 281,
    }
    assert {name: HEADER.field(name).start for name in anchors} == anchors


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_typed_records_mirror_their_layout(cls: type) -> None:
    """Each dataclass has exactly the layout's value fields, in file order."""
    names = [field.name for field in dataclasses.fields(cls)]
    assert names == [spec.name for spec in cls.LAYOUT.value_fields]


def test_code_tables_have_the_published_sizes() -> None:
    """§5.4: 23 statuses; §5.6: 51 special comments; §5.10: 9 ECOA codes; §5.7: 10 CCCs."""
    assert len(codes.ACCOUNT_STATUS.codes) == 23
    assert len(codes.SPECIAL_COMMENT.codes) == 51
    assert len(codes.ECOA.codes) == 9
    assert len(codes.COMPLIANCE_CONDITION.codes) == 10
    assert {"AG", "AJ", "AL", "AR"}.isdisjoint(codes.SPECIAL_COMMENT.codes)
    assert {"1C", "22", "23", "34"}.isdisjoint(codes.ACCOUNT_TYPE.codes)
    assert {"0", "4", "6"}.isdisjoint(codes.ECOA.codes)


def test_every_coded_field_names_a_known_rule() -> None:
    """Coded fields report under a rule of the catalogue, which cites a section."""
    for layout in (HEADER, BASE, TRAILER, *APPENDAGES):
        for spec in layout.fields:
            if spec.codes is not None:
                assert spec.codes.rule in RULES
                assert RULES[spec.codes.rule].section
