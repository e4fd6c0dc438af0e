"""Field-level checks driven by the layout tables: spelling, dates, required fields, code tables.

Each check first asks one question of the whole chunk (is every byte printable? is every digit
position a digit? is every date valid?) and only a dirty chunk pays for finding which rows and
fields broke. Every field is copied out of the chunk once (:class:`SegmentFields`) and shared by
all checks, the base-segment rules and the trailer totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Final

import numpy as np

from arrears.formats.metro2.codec import calendar, digits, text, words
from arrears.formats.metro2.codec.arrays import Flags, U8Matrix
from arrears.formats.metro2.codec.calendar import ParsedDates
from arrears.formats.metro2.codec.columns import FieldIssue, field_bytes, template
from arrears.formats.metro2.spec import FieldSpec, Kind, Presence, SegmentLayout, rule

_BLANK: Final = text.BLANK
_MINUS: Final = ord("-")
_NINE: Final = ord("9")


class SegmentFields:
    """The fields of a chunk, each copied out once, on first use.

    A writer that spelled fields one by one hands them over (``spelled``: contiguous
    ``(n, width)`` bytes equal to the record's) with the dates they read back as; checks then
    read those instead of gathering from the records.
    """

    def __init__(
        self,
        layout: SegmentLayout,
        matrix: U8Matrix,
        *,
        spelled: Mapping[str, U8Matrix] | None = None,
        dates: Mapping[str, ParsedDates] | None = None,
        uniform: frozenset[str] = frozenset(),
        numbers: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.layout = layout
        self.matrix = matrix
        self.count = int(matrix.shape[0])
        #: Fields known to hold the layout's template ("not available") in every row.
        self.uniform = uniform
        #: Numeric fields spelled from these non-negative values (all digits, zero-filled).
        self.numbers: dict[str, np.ndarray] = dict(numbers or {})
        self._raw: dict[str, U8Matrix] = dict(spelled or {})
        self.dates: dict[str, ParsedDates] = dict(dates or {})

    def raw(self, name: str) -> U8Matrix:
        found = self._raw.get(name)
        if found is None:
            found = field_bytes(self.matrix, self.layout.field(name))
            self._raw[name] = found
        return found

    def keys(self, name: str) -> np.ndarray:
        """A 1- or 2-byte field as lookup indexes, read in place (see :func:`code_keys`)."""
        spec = self.layout.field(name)
        found = self._raw.get(name)
        if found is not None:
            return code_keys(found)
        if spec.length == 1:
            return self.matrix[:, spec.offset]
        return self.matrix[:, spec.offset : spec.end].view("<u2")[:, 0]

    def word(self, name: str) -> np.ndarray:
        """An 8-byte field as one little-endian ``uint64`` per row, read in place."""
        found = self._raw.get(name)
        if found is not None:
            return found.view("<u8")[:, 0]
        spec = self.layout.field(name)
        return self.matrix[:, spec.offset : spec.end].view("<u8")[:, 0]

    def zero(self, name: str) -> Flags:
        """Per row: the numeric or date field is zero-filled."""
        parsed = self.dates.get(name)
        return parsed.zero if parsed is not None else self.filled(name, digits.ZERO)

    def filled(self, name: str, byte: int) -> Flags:
        """Per row: the field is ``byte`` throughout (read in place, no copy)."""
        values = self.numbers.get(name)
        if values is not None and byte in (digits.ZERO, _NINE):
            length = self.layout.field(name).length
            flags: Flags = values == (0 if byte == digits.ZERO else 10**length - 1)
            return flags
        if name in self.uniform:
            spec = self.layout.field(name)
            same = bool((template(self.layout)[spec.offset : spec.end] == byte).all())
            return np.full(self.count, same, dtype=bool)
        matrix, offset, length = self._where(name)
        return words.filled_at(matrix, offset, length, byte)

    def digits(self, name: str) -> Flags:
        """Per row: the field is all digits (read in place, no copy)."""
        if name in self.numbers or (name in self.uniform and self.layout.field(name).is_digits):
            return np.ones(self.count, dtype=bool)
        matrix, offset, length = self._where(name)
        return words.digits_at(matrix, offset, length)

    def first_bytes(self, names: tuple[str, ...]) -> U8Matrix:
        """``(n, len(names))``: the first byte of each named field."""
        if not any(name in self._raw for name in names):
            offsets = [self.layout.field(name).offset for name in names]
            picked: U8Matrix = self.matrix[:, offsets]
            return picked
        columns = [
            self._raw[name][:, 0] if name in self._raw
            else self.matrix[:, self.layout.field(name).offset]
            for name in names
        ]  # fmt: skip
        return np.stack(columns, axis=1)

    def _where(self, name: str) -> tuple[U8Matrix, int, int]:
        found = self._raw.get(name)
        if found is not None:
            return found, 0, int(found.shape[1])
        spec = self.layout.field(name)
        return self.matrix, spec.offset, spec.length


@dataclass(frozen=True)
class CheckedSegment:
    """Issues found, and the chunk's fields with their parsed dates for later checks."""

    issues: list[FieldIssue]
    fields: SegmentFields

    @property
    def dates(self) -> dict[str, ParsedDates]:
        return self.fields.dates


@cache
def _digit_mask(layout: SegmentLayout) -> U8Matrix:
    """0xFF at bytes that must be digits (numbers, dates, time stamps), 0 elsewhere."""
    mask = np.zeros(layout.length, dtype=np.uint8)
    for spec in layout.fields:
        if spec.is_digits and spec.kind is not Kind.DESCRIPTOR:
            mask[spec.offset : spec.end] = 0xFF
    mask.setflags(write=False)
    return mask


@cache
def code_lookup(codes: frozenset[str], width: int, *, blank: bool) -> Flags:
    """A table indexed by the field's bytes (``b0`` or ``b0 + 256*b1``) saying "allowed"."""
    table = np.zeros(256**width, dtype=bool)
    spelled = [code.ljust(width).encode("ascii") for code in codes]
    if blank:
        spelled.append(b" " * width)
    for raw in spelled:
        table[int.from_bytes(raw, "little")] = True
    table.setflags(write=False)
    return table


def code_keys(raw: U8Matrix) -> np.ndarray:
    """1- or 2-byte fields as lookup indexes (little-endian, as :func:`code_lookup` builds)."""
    if raw.shape[1] == 1:
        return raw[:, 0]
    return raw.view("<u2")[:, 0]


def member(raw: U8Matrix, codes: frozenset[str]) -> Flags:
    """Per row: the 1- or 2-byte field holds one of ``codes`` (left-justified)."""
    flags: Flags = code_lookup(codes, raw.shape[1], blank=False)[code_keys(raw)]
    return flags


def _issue(
    flags: Flags, layout: SegmentLayout, spec: FieldSpec | None, rule_id: str, message: str
) -> list[FieldIssue]:
    rows = np.flatnonzero(flags)
    return [FieldIssue(rows, layout, spec, rule_id, message)] if rows.size else []


def check_segment(
    layout: SegmentLayout,
    matrix: U8Matrix,
    *,
    spelled: bool = False,
    fields_spelled: Mapping[str, U8Matrix] | None = None,
    dates_spelled: Mapping[str, ParsedDates] | None = None,
    not_given: frozenset[str] = frozenset(),
    numbers_spelled: Mapping[str, np.ndarray] | None = None,
) -> CheckedSegment:
    """Every field-level problem of every row of one layout, one problem per field and row.

    ``spelled``: the bytes come from this codec's encoder, which only spells printable ASCII,
    digits and calendar dates (refusing anything else), so those checks are skipped; the
    encoder may also hand over the fields it spelled and their dates as read back
    (``fields_spelled``, ``dates_spelled``), which are then not copied out or parsed again,
    the values it spelled numbers from (``numbers_spelled``) and the fields it left at the
    template in every row (``not_given``).
    """
    fields = SegmentFields(
        layout,
        np.ascontiguousarray(matrix),
        spelled=fields_spelled if spelled else None,
        dates=dates_spelled if spelled else None,
        uniform=not_given if spelled else frozenset(),
        numbers=numbers_spelled if spelled else None,
    )
    if fields.count == 0:
        return CheckedSegment([], fields)
    issues = [] if spelled else _ascii(fields)
    if not spelled:
        issues += without_refused(_numbers(fields), refused=issues)
    if not (spelled and all(spec.name in fields.dates for spec in _date_fields(layout))):
        issues += without_refused(_dates(fields, timestamps=not spelled), refused=issues)
    meaning = _required(fields) + _codes(fields)
    issues += without_refused(meaning, refused=issues)
    return CheckedSegment(issues, fields)


def is_structural(issue: FieldIssue) -> bool:
    return rule(issue.rule).structural


def without_refused(issues: list[FieldIssue], *, refused: list[FieldIssue]) -> list[FieldIssue]:
    """Drop issues about fields whose bytes were already refused (one problem per field)."""
    if not refused or not issues:
        return issues
    taken: dict[str, set[int]] = {}
    for issue in refused:
        if issue.field is not None:
            taken.setdefault(issue.field.name, set()).update(issue.rows.tolist())
    kept: list[FieldIssue] = []
    for issue in issues:
        rows = taken.get(issue.field.name) if issue.field is not None else None
        if not rows:
            kept.append(issue)
            continue
        mask = ~np.isin(issue.rows, np.fromiter(rows, dtype=np.int64, count=len(rows)))
        if mask.any():
            kept.append(replace(issue, rows=issue.rows[mask]))
    return kept


def _ascii(fields: SegmentFields) -> list[FieldIssue]:
    matrix = fields.matrix
    if matrix.min() >= _BLANK and matrix.max() <= text.TILDE:
        return []
    issues: list[FieldIssue] = []
    for spec in fields.layout.fields:
        if spec.kind is not Kind.DESCRIPTOR:
            bad = ~text.printable_rows(fields.raw(spec.name))
            issues += _issue(bad, fields.layout, spec, "field.ascii", "not printable ASCII")
    return issues


def _numbers(fields: SegmentFields) -> list[FieldIssue]:
    offsets = fields.matrix - np.uint8(digits.ZERO)
    offsets &= _digit_mask(fields.layout)
    if offsets.max() <= 9:
        return []
    issues: list[FieldIssue] = []
    for spec in fields.layout.fields:
        if spec.kind is Kind.NUMBER:
            raw = fields.raw(spec.name)
            bad = ~digits.all_digits(raw)
            minus = bad & (raw == _MINUS).any(axis=1)
            issues += _issue(
                minus,
                fields.layout,
                spec,
                "field.negative",
                "a negative amount (credit balances are reported as zero)",
            )
            issues += _issue(
                bad & ~minus,
                fields.layout,
                spec,
                "field.numeric",
                "not digits (numeric fields are zero-filled)",
            )
    return issues


@cache
def _date_fields(layout: SegmentLayout) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in layout.fields if spec.kind is Kind.DATE)


def _dates(fields: SegmentFields, *, timestamps: bool = True) -> list[FieldIssue]:
    """Parse every date field in one pass (all dates of the chunk as one word array)."""
    issues: list[FieldIssue] = []
    specs = _date_fields(fields.layout)
    if specs:
        stacked = np.empty((fields.count, len(specs)), dtype=np.uint64)
        for column, spec in enumerate(specs):
            stacked[:, column] = fields.word(spec.name)
        parsed = calendar.parse_words(stacked)
        clean = bool(parsed.valid.all())
        for column, spec in enumerate(specs):
            fields.dates[spec.name] = ParsedDates(
                parsed.zero[:, column], parsed.valid[:, column], parsed.ordinal[:, column]
            )
            if not clean:
                issues += _issue(
                    ~parsed.valid[:, column],
                    fields.layout,
                    spec,
                    "field.date",
                    "not an MMDDYYYY date (or zeros)",
                )
    for spec in fields.layout.fields if timestamps else ():
        if spec.kind is Kind.TIMESTAMP:
            valid = calendar.parse_timestamps(fields.raw(spec.name))
            issues += _issue(
                ~valid,
                fields.layout,
                spec,
                "field.timestamp",
                "not an MMDDYYYYHHMMSS time stamp (or zeros)",
            )
    return issues


@cache
def _required_text(layout: SegmentLayout) -> tuple[tuple[FieldSpec, ...], np.ndarray]:
    specs = tuple(
        spec
        for spec in layout.value_fields
        if spec.presence is Presence.REQUIRED and spec.kind is Kind.TEXT
    )
    return specs, np.array([spec.offset for spec in specs], dtype=np.int64)


def _required(fields: SegmentFields) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    specs, _ = _required_text(fields.layout)
    if specs:
        blank = fields.first_bytes(tuple(spec.name for spec in specs)) == _BLANK
        if blank.any():
            for column, spec in enumerate(specs):
                issues += _issue(
                    blank[:, column],
                    fields.layout,
                    spec,
                    "field.required",
                    "required field is blank (or not left-justified)",
                )
    for spec in _date_fields(fields.layout):
        if spec.presence is Presence.REQUIRED:
            issues += _issue(
                fields.dates[spec.name].zero,
                fields.layout,
                spec,
                "field.required",
                "required date is zero",
            )
    return issues


@cache
def _coded_fields(layout: SegmentLayout) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in layout.value_fields if spec.codes is not None)


def _codes(fields: SegmentFields) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    for spec in _coded_fields(fields.layout):
        assert spec.codes is not None
        table = code_lookup(spec.codes.codes, spec.length, blank=True)
        if spec.name in fields.uniform:  # every row holds the layout's template bytes
            key = code_keys(template(fields.layout)[None, spec.offset : spec.end])
            allowed = np.broadcast_to(table[key], (fields.count,))
        else:
            allowed = table[fields.keys(spec.name)]
        if not allowed.all():
            issues += _issue(
                ~allowed,
                fields.layout,
                spec,
                spec.codes.rule,
                f"not a {spec.codes.name} (metro2.md §{spec.codes.section})",
            )
    return issues
