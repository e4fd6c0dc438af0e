"""Preparing one batch for the writer: spell, lay out and check it (no shared state).

Preparation needs nothing from the writer but the framing and the header's Activity Date, so
batches can be prepared on worker threads; numbering records and placing problems at byte
offsets happens when the batch is committed, in order (:func:`locate_problems`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.formats.metro2.codec import packed_rows
from arrears.formats.metro2.codec.columns import FieldIssue, template
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.model import AccountRecord
from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.problems import Metro2Problem
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import APPENDAGE_BY_ID, BASE
from arrears.formats.metro2.validation.base_rules import check_base
from arrears.formats.metro2.validation.fields import (
    SegmentFields,
    check_segment,
    is_structural,
    without_refused,
)
from arrears.formats.metro2.writing.encode import (
    Encoded,
    encode_accounts,
    encode_frame,
    has_appendages,
)
from arrears.formats.metro2.writing.layout import LaidOut, lay_out, plain_buffer, plain_laid_out

_IDENTITY = OffsetMap()


@dataclass(frozen=True, slots=True)
class Checks:
    """What the batch is checked with."""

    framing: Framing
    validate: bool
    activity_date: int | None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A spelled, laid-out, checked batch; its fields are kept for the trailer totals."""

    encoded: Encoded
    laid: LaidOut
    base_issues: list[FieldIssue]
    segment_issues: dict[str, list[FieldIssue]]
    base_fields: SegmentFields
    segment_fields: dict[str, SegmentFields]

    @property
    def count(self) -> int:
        return int(self.encoded.rows.shape[0])

    @property
    def refused(self) -> bool:
        return bool(self.base_issues or any(self.segment_issues.values()))


def prepare_frame(frame: pl.DataFrame, checks: Checks) -> Prepared:
    """A frame slice; plain character records are spelled straight into the output bytes."""
    if checks.framing.format is Format.CHARACTER and not has_appendages(frame):
        out, body = plain_buffer(frame.height, BASE.length, checks.framing, template(BASE))
        encoded = encode_frame(frame, into=body)
        return _check(encoded, plain_laid_out(out, checks.framing), checks)
    return _laid_out(encode_frame(frame), checks)


def prepare_accounts(accounts: Sequence[AccountRecord], checks: Checks) -> Prepared:
    return _laid_out(encode_accounts(accounts), checks)


def _laid_out(encoded: Encoded, checks: Checks) -> Prepared:
    packed = checks.framing.format is Format.PACKED
    rows = packed_rows.to_packed(BASE, encoded.rows) if packed else encoded.rows
    return _check(encoded, lay_out(rows, encoded.appendages, checks.framing), checks)


def _check(encoded: Encoded, laid: LaidOut, checks: Checks) -> Prepared:
    base_issues = list(encoded.issues)
    if checks.validate:
        checked = check_segment(
            BASE,
            encoded.rows,
            spelled=True,
            fields_spelled=encoded.fields,
            dates_spelled=encoded.dates,
            not_given=encoded.absent,
            numbers_spelled=encoded.numbers,
        )
        base_fields = checked.fields
        base_issues += without_refused(checked.issues, refused=base_issues)
        rules = check_base(base_fields, activity_date=checks.activity_date)
        structural = [issue for issue in base_issues if is_structural(issue)]
        base_issues += without_refused(rules, refused=structural)
    else:
        base_fields = SegmentFields(BASE, encoded.rows)
    if laid.too_long.size:
        base_issues.append(_too_long(laid))
    segment_issues: dict[str, list[FieldIssue]] = {}
    segment_fields: dict[str, SegmentFields] = {}
    for name, placed in encoded.appendages.items():
        layout = APPENDAGE_BY_ID[name]
        issues = list(encoded.appendage_issues.get(name, []))
        if checks.validate:
            checked = check_segment(layout, placed.matrix, spelled=True)
            issues += without_refused(checked.issues, refused=issues)
            segment_fields[name] = checked.fields
        else:
            segment_fields[name] = SegmentFields(layout, placed.matrix)
        segment_issues[name] = issues
    return Prepared(encoded, laid, base_issues, segment_issues, base_fields, segment_fields)


def locate_problems(
    prepared: Prepared, *, first_record: int, offset: int, packed: bool
) -> list[Metro2Problem]:
    """The batch's problems with record numbers and byte offsets in the output."""
    encoded, laid = prepared.encoded, prepared.laid
    numbers = np.arange(first_record, first_record + prepared.count, dtype=np.int64)
    where = Located(encoded.rows, numbers, laid.record_offsets + offset, packed)
    problems = locate(prepared.base_issues, where, _IDENTITY)
    for name, issues in prepared.segment_issues.items():
        if issues:
            placed = encoded.appendages[name]
            located = Located(
                placed.matrix, numbers[placed.owners], laid.segment_offsets[name] + offset
            )
            problems += locate(issues, located, _IDENTITY)
    return problems


def _too_long(laid: LaidOut) -> FieldIssue:
    return FieldIssue(
        laid.too_long,
        BASE,
        BASE.field("record_descriptor_word"),
        "framing.rdw",
        "the record is too long for its descriptor word (too many appendages)",
    )
