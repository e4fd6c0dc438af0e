"""Field and segment descriptions: the Metro 2 layouts as data (metro2.md §5).

Every layout is a tuple of :class:`FieldSpec` rows copied from the reference tables (1-based
positions in the character format, as printed in the CRRG). The reader, the writer and the
validator are all driven by these rows, so a correction to the spec is a one-line change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Kind(StrEnum):
    """How a field is spelled (metro2.md §5, "Conventions")."""

    DESCRIPTOR = "RDW"  #: record descriptor word, always computed by the framing (§5.1)
    IDENTIFIER = "ID"  #: constant that names the record or segment (HEADER, J1, …)
    TEXT = "A"  #: alphanumeric: left-justified, blank-filled
    NUMBER = "N"  #: unsigned integer: right-justified, zero-filled
    DATE = "D"  #: MMDDYYYY, zeros when unavailable
    TIMESTAMP = "T"  #: MMDDYYYYHHMMSS, zeros when unavailable


class Presence(StrEnum):
    """Required-ness as the CRRG and moov mark it: required, conditional, optional."""

    REQUIRED = "R"
    CONDITIONAL = "C"
    OPTIONAL = "O"


@dataclass(frozen=True, slots=True)
class CodeTable:
    """The values a coded field may take; blank is allowed unless the field is required."""

    name: str
    section: str
    codes: frozenset[str]
    rule: str = "code.other"

    def allows(self, value: str) -> bool:
        return value.rstrip(" ") in self.codes


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One row of a layout table.

    ``start`` is the 1-based character position including the Record Descriptor Word.
    ``packed_length`` is the width in the packed format when it differs (§5.14): numeric, date
    and timestamp fields with a packed width are packed decimal; a text field keeps its spelling.
    """

    name: str
    title: str
    start: int
    length: int
    kind: Kind
    presence: Presence = Presence.OPTIONAL
    codes: CodeTable | None = None
    constant: str | None = None
    packed_length: int | None = None
    sensitive: bool = False
    #: Spelling when no value is given, if not blanks or zeros (Processing Indicator ``1``).
    default: str | None = None

    @property
    def offset(self) -> int:
        """0-based offset in the character layout."""
        return self.start - 1

    @property
    def end(self) -> int:
        """0-based exclusive end in the character layout."""
        return self.start - 1 + self.length

    @property
    def packed_width(self) -> int:
        return self.length if self.packed_length is None else self.packed_length

    @property
    def is_packed_decimal(self) -> bool:
        """True when the packed format stores this field as packed decimal (COMP-3)."""
        numeric = self.kind in (Kind.NUMBER, Kind.DATE, Kind.TIMESTAMP)
        return numeric and self.packed_length is not None

    @property
    def is_digits(self) -> bool:
        """True for fields spelled with digits only in the character format."""
        return self.kind in (Kind.NUMBER, Kind.DATE, Kind.TIMESTAMP, Kind.DESCRIPTOR)

    @property
    def is_value(self) -> bool:
        """True for fields that carry data (not the descriptor word or the identifier)."""
        return self.kind not in (Kind.DESCRIPTOR, Kind.IDENTIFIER)


@dataclass(frozen=True, eq=False)
class SegmentLayout:
    """A record or appendage segment: its fields in order, with both formats' offsets.

    Layouts are singletons compared by identity (cheap to hash as cache keys).
    """

    name: str
    title: str
    section: str
    fields: tuple[FieldSpec, ...]
    identifier: str | None = None
    packed_offsets: dict[str, int] = field(init=False, repr=False, compare=False)
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        position = 1
        packed = 0
        offsets: dict[str, int] = {}
        for spec in self.fields:
            if spec.start != position:
                msg = f"{self.name}.{spec.name} starts at {spec.start}, expected {position}"
                raise ValueError(msg)
            offsets[spec.name] = packed
            position += spec.length
            packed += spec.packed_width
        object.__setattr__(self, "packed_offsets", offsets)
        object.__setattr__(self, "by_name", {spec.name: spec for spec in self.fields})

    @property
    def length(self) -> int:
        """Length in the character format."""
        last = self.fields[-1]
        return last.end

    @property
    def packed_length(self) -> int:
        return sum(spec.packed_width for spec in self.fields)

    @cached_property
    def value_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in self.fields if spec.is_value)

    def field(self, name: str) -> FieldSpec:
        return self.by_name[name]

    def packed_offset(self, name: str) -> int:
        return self.packed_offsets[name]
