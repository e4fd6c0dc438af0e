"""Metro 2 layouts, code tables and rules as data (metro2.md §5)."""

from arrears.formats.metro2.spec.appendages import (
    APPENDAGE_BY_ID,
    APPENDAGES,
    J1,
    J2,
    K1,
    K2,
    K3,
    K4,
    L1,
    N1,
    REPEATABLE,
)
from arrears.formats.metro2.spec.base import BASE
from arrears.formats.metro2.spec.fields import CodeTable, FieldSpec, Kind, Presence, SegmentLayout
from arrears.formats.metro2.spec.records import HEADER, TRAILER, TRAILER_COUNTERS
from arrears.formats.metro2.spec.rules import RULES, Rule, rule

#: Character-format length of the Header, Base and Trailer records (§5.1).
RECORD_LENGTH = 426
#: Packed-format length of the Header, Base and Trailer records (§5.1).
PACKED_RECORD_LENGTH = 366

__all__ = [
    "APPENDAGES",
    "APPENDAGE_BY_ID",
    "BASE",
    "HEADER",
    "J1",
    "J2",
    "K1",
    "K2",
    "K3",
    "K4",
    "L1",
    "N1",
    "PACKED_RECORD_LENGTH",
    "RECORD_LENGTH",
    "REPEATABLE",
    "RULES",
    "TRAILER",
    "TRAILER_COUNTERS",
    "CodeTable",
    "FieldSpec",
    "Kind",
    "Presence",
    "Rule",
    "SegmentLayout",
    "rule",
]
