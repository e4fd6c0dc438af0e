"""Field-level checks driven by the layout tables: spelling, dates, required fields, code tables.

Each check is one vectorised pass over a ``(n, length)`` character matrix and yields a
:class:`FieldIssue` per (field, rule) with the failing rows. The cheap whole-matrix tests run
first (printable ASCII, digits where digits belong) so a clean chunk costs a few passes; only a
dirty chunk pays for finding which field broke.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec import calendar, digits, text
from arrears.formats.metro2.codec.columns import FieldIssue, field_bytes
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.spec import FieldSpec, Kind, Presence, SegmentLayout, rule

Flags = npt.NDArray[np.bool_]
_BLANK: Final = text.BLANK


@dataclass(frozen=True)
class CheckedSegment:
    """Issues found, plus the dates parsed on the way (``YYYYMMDD``, 0 when zero or invalid)."""

    issues: list[FieldIssue]
    dates: dict[str, I64Array]


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


def code_keys(raw: U8Matrix) -> npt.NDArray[np.intp]:
    """1- or 2-byte fields as lookup indexes (little-endian, as :func:`code_lookup` builds)."""
    if raw.shape[1] == 1:
        return raw[:, 0].astype(np.intp)
    return raw[:, 0].astype(np.intp) | (raw[:, 1].astype(np.intp) << 8)


def _issue(
    flags: Flags, layout: SegmentLayout, spec: FieldSpec | None, rule: str, message: str
) -> list[FieldIssue]:
    rows = np.flatnonzero(flags)
    return [FieldIssue(rows, layout, spec, rule, message)] if rows.size else []


def check_segment(layout: SegmentLayout, matrix: U8Matrix) -> CheckedSegment:
    """Every field-level problem of every row of one layout, one problem per field and row."""
    issues = _ascii(layout, matrix)
    issues += without_refused(_numbers(layout, matrix), refused=issues)
    dates, date_issues = _dates(layout, matrix)
    issues += without_refused(date_issues, refused=issues)
    meaning = _required(layout, matrix) + _codes(layout, matrix)
    issues += without_refused(meaning, refused=issues)
    return CheckedSegment(issues, dates)


def is_structural(issue: FieldIssue) -> bool:
    return rule(issue.rule).structural


def without_refused(issues: list[FieldIssue], *, refused: list[FieldIssue]) -> list[FieldIssue]:
    """Drop issues about fields whose bytes were already refused (one problem per field)."""
    if not refused:
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


def _ascii(layout: SegmentLayout, matrix: U8Matrix) -> list[FieldIssue]:
    if matrix.size == 0 or (matrix.min() >= _BLANK and matrix.max() <= text.TILDE):
        return []
    issues: list[FieldIssue] = []
    for spec in layout.fields:
        if spec.kind is not Kind.DESCRIPTOR:
            bad = ~text.printable_rows(field_bytes(matrix, spec))
            issues += _issue(bad, layout, spec, "field.ascii", "not printable ASCII")
    return issues


def _numbers(layout: SegmentLayout, matrix: U8Matrix) -> list[FieldIssue]:
    if matrix.size == 0:
        return []
    offsets = (matrix - np.uint8(digits.ZERO)) & _digit_mask(layout)
    if offsets.max() <= 9:
        return []
    issues: list[FieldIssue] = []
    for spec in layout.fields:
        if spec.kind is Kind.NUMBER:
            bad = ~digits.all_digits(field_bytes(matrix, spec))
            issues += _issue(
                bad, layout, spec, "field.numeric", "not digits (numeric fields are zero-filled)"
            )
    return issues


def _dates(layout: SegmentLayout, matrix: U8Matrix) -> tuple[dict[str, I64Array], list[FieldIssue]]:
    dates: dict[str, I64Array] = {}
    issues: list[FieldIssue] = []
    for spec in layout.fields:
        if spec.kind is Kind.DATE:
            parsed = calendar.parse(field_bytes(matrix, spec))
            dates[spec.name] = parsed.ordinal
            issues += _issue(
                ~parsed.valid, layout, spec, "field.date", "not an MMDDYYYY date (or zeros)"
            )
        elif spec.kind is Kind.TIMESTAMP:
            valid = calendar.parse_timestamps(field_bytes(matrix, spec))
            issues += _issue(
                ~valid,
                layout,
                spec,
                "field.timestamp",
                "not an MMDDYYYYHHMMSS time stamp (or zeros)",
            )
    return dates, issues


def _required(layout: SegmentLayout, matrix: U8Matrix) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    for spec in _required_fields(layout):
        if spec.kind is Kind.TEXT:
            missing = matrix[:, spec.offset] == _BLANK
            issues += _issue(
                missing,
                layout,
                spec,
                "field.required",
                "required field is blank (or not left-justified)",
            )
        elif spec.kind is Kind.DATE:
            missing = digits.is_filled(field_bytes(matrix, spec), digits.ZERO)
            issues += _issue(missing, layout, spec, "field.required", "required date is zero")
    return issues


@cache
def _required_fields(layout: SegmentLayout) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in layout.value_fields if spec.presence is Presence.REQUIRED)


def _codes(layout: SegmentLayout, matrix: U8Matrix) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    for spec in _coded_fields(layout):
        assert spec.codes is not None
        table = code_lookup(spec.codes.codes, spec.length, blank=True)
        bad = ~table[code_keys(field_bytes(matrix, spec))]
        issues += _issue(
            bad,
            layout,
            spec,
            spec.codes.rule,
            f"not a {spec.codes.name} (metro2.md §{spec.codes.section})",
        )
    return issues


@cache
def _coded_fields(layout: SegmentLayout) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in layout.value_fields if spec.codes is not None)


def member(raw: U8Matrix, codes: Iterable[str]) -> Flags:
    """Per row: the 1- or 2-byte field holds one of ``codes`` (left-justified)."""
    table = code_lookup(frozenset(codes), raw.shape[1], blank=False)
    flags: Flags = table[code_keys(raw)]
    return flags
