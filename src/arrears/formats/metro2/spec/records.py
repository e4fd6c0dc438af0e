"""Header Record and Trailer Record layouts (metro2.md §5.2 and §5.11).

The packed header keeps the character spelling of every field except the binary descriptor
words and ends with an 86-byte reserved tail; the packed trailer stores its 44 nine-digit slots
as 5-byte packed decimal from position 12 and is reserved from 232 to 366.
"""

from __future__ import annotations

from typing import Final

from arrears.formats.metro2.spec.fields import FieldSpec, Kind, Presence, SegmentLayout

R = Presence.REQUIRED
TEXT = Kind.TEXT
DATE = Kind.DATE
NUMBER = Kind.NUMBER

HEADER: Final = SegmentLayout(
    name="header",
    title="Header Record",
    section="5.2",
    fields=(
        FieldSpec("record_descriptor_word", "Record Descriptor Word", 1, 4, Kind.DESCRIPTOR, R),
        FieldSpec(
            "record_identifier", "Record Identifier", 5, 6, Kind.IDENTIFIER, R, None, "HEADER"
        ),
        FieldSpec("cycle_identifier", "Cycle Identifier", 11, 2, TEXT),
        FieldSpec("innovis_program_identifier", "Innovis Program Identifier", 13, 10, TEXT),
        FieldSpec("equifax_program_identifier", "Equifax Program Identifier", 23, 10, TEXT),
        FieldSpec("experian_program_identifier", "Experian Program Identifier", 33, 5, TEXT),
        FieldSpec("transunion_program_identifier", "TransUnion Program Identifier", 38, 10, TEXT),
        FieldSpec("activity_date", "Activity Date", 48, 8, DATE, R),
        FieldSpec("date_created", "Date Created", 56, 8, DATE, R),
        FieldSpec("program_date", "Program Date", 64, 8, DATE),
        FieldSpec("program_revision_date", "Program Revision Date", 72, 8, DATE),
        FieldSpec("reporter_name", "Reporter Name", 80, 40, TEXT, R),
        FieldSpec("reporter_address", "Reporter Address", 120, 96, TEXT, R),
        FieldSpec("reporter_telephone_number", "Reporter Telephone Number", 216, 10, NUMBER),
        FieldSpec("software_vendor_name", "Software Vendor Name", 226, 40, TEXT),
        FieldSpec("software_version_number", "Software Version Number", 266, 5, TEXT),
        FieldSpec("prbc_program_identifier", "PRBC Program Identifier", 271, 10, TEXT),
        FieldSpec("reserved", "Reserved", 281, 146, TEXT, packed_length=86),
    ),
)

#: §5.11 — trailer counters in file order: (field name, title). Every counter is 9 digits
#: (5 packed bytes); ``reserved`` is the unused slot at positions 21-29.
TRAILER_SLOTS: Final[tuple[tuple[str, str], ...]] = (
    ("total_base_records", "Total Base Records"),
    ("reserved", "Reserved"),
    ("total_status_df", "Total Status Code DF"),
    ("total_j1_segments", "Total Associated Consumer Segments (J1)"),
    ("total_j2_segments", "Total Associated Consumer Segments (J2)"),
    ("block_count", "Block Count"),
    ("total_status_da", "Total Status Code DA"),
    ("total_status_05", "Total Status Code 05"),
    ("total_status_11", "Total Status Code 11"),
    ("total_status_13", "Total Status Code 13"),
    ("total_status_61", "Total Status Code 61"),
    ("total_status_62", "Total Status Code 62"),
    ("total_status_63", "Total Status Code 63"),
    ("total_status_64", "Total Status Code 64"),
    ("total_status_65", "Total Status Code 65"),
    ("total_status_71", "Total Status Code 71"),
    ("total_status_78", "Total Status Code 78"),
    ("total_status_80", "Total Status Code 80"),
    ("total_status_82", "Total Status Code 82"),
    ("total_status_83", "Total Status Code 83"),
    ("total_status_84", "Total Status Code 84"),
    ("total_status_88", "Total Status Code 88"),
    ("total_status_89", "Total Status Code 89"),
    ("total_status_93", "Total Status Code 93"),
    ("total_status_94", "Total Status Code 94"),
    ("total_status_95", "Total Status Code 95"),
    ("total_status_96", "Total Status Code 96"),
    ("total_status_97", "Total Status Code 97"),
    ("total_ecoa_code_z", "Total ECOA Code Z"),
    ("total_employment_segments", "Total Employment Segments (N1)"),
    ("total_original_creditor_segments", "Total Original Creditor Segments (K1)"),
    ("total_purchased_sold_segments", "Total Purchased From/Sold To Segments (K2)"),
    ("total_mortgage_information_segments", "Total Mortgage Information Segments (K3)"),
    ("total_specialized_payment_segments", "Total Specialized Payment Segments (K4)"),
    ("total_change_segments", "Total Account Change Segments (L1)"),
    ("total_ssn_all_segments", "Total Social Security Numbers, all segments"),
    ("total_ssn_base_segments", "Total Social Security Numbers, Base Segments"),
    ("total_ssn_j1_segments", "Total Social Security Numbers, J1 Segments"),
    ("total_ssn_j2_segments", "Total Social Security Numbers, J2 Segments"),
    ("total_dob_all_segments", "Total Dates of Birth, all segments"),
    ("total_dob_base_segments", "Total Dates of Birth, Base Segments"),
    ("total_dob_j1_segments", "Total Dates of Birth, J1 Segments"),
    ("total_dob_j2_segments", "Total Dates of Birth, J2 Segments"),
    ("total_telephone_all_segments", "Total Telephone Numbers, all segments"),
)


def _trailer_fields() -> tuple[FieldSpec, ...]:
    fields = [
        FieldSpec("record_descriptor_word", "Record Descriptor Word", 1, 4, Kind.DESCRIPTOR, R),
        FieldSpec(
            "record_identifier", "Record Identifier", 5, 7, Kind.IDENTIFIER, R, None, "TRAILER"
        ),
    ]
    start = 12
    for name, title in TRAILER_SLOTS:
        kind = TEXT if name == "reserved" else NUMBER
        fields.append(FieldSpec(name, title, start, 9, kind, packed_length=5))
        start += 9
    fields.append(
        FieldSpec("reserved_end", "Reserved", start, 426 - start + 1, TEXT, packed_length=135)
    )
    return tuple(fields)


TRAILER: Final = SegmentLayout(
    name="trailer", title="Trailer Record", section="5.11", fields=_trailer_fields()
)

#: Names of the trailer's counters (every slot except the reserved one), in file order.
TRAILER_COUNTERS: Final[tuple[str, ...]] = tuple(
    name for name, _ in TRAILER_SLOTS if name != "reserved"
)
