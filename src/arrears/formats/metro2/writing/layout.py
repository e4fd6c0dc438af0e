"""Laying records out in the output: descriptor words computed, appendages placed (§5.1).

A record is its 426-byte (366 packed) segment followed by its appendages in the order
J1* J2* K1 K2 K3 K4 L1 N1. The Record Descriptor Word is the record's length, the Block
Descriptor Word (one record per block) that plus 4; both are computed here, never copied from
input. Plain records are laid out as one ``(n, stride)`` matrix; records with appendages are
scattered into a flat buffer at computed offsets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np

from arrears.formats.metro2.codec import digits
from arrears.formats.metro2.codec.columns import put_rows_at
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.framing.descriptors import DESCRIPTOR_LENGTH, max_descriptor
from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.spec import APPENDAGES

_APPENDAGE_ORDER: Final = tuple(layout.name for layout in APPENDAGES)
_LENGTHS: Final = {layout.name: layout.length for layout in APPENDAGES}


@dataclass(frozen=True, slots=True)
class PlacedSegments:
    """Appendages of one kind to place: owning row and bytes, owners in ascending order."""

    owners: I64Array
    matrix: U8Matrix


@dataclass(frozen=True, slots=True)
class LaidOut:
    """The bytes of ``n`` records, where each record's RDW is, and each appendage."""

    data: U8Matrix
    record_offsets: I64Array
    segment_offsets: dict[str, I64Array]
    too_long: I64Array  #: rows whose length does not fit a descriptor word


def _descriptors(lengths: I64Array, framing: Framing) -> U8Matrix:
    """``(n, 4)`` descriptor words for record (or block) ``lengths``."""
    if framing.format is Format.CHARACTER:
        return digits.encode(np.minimum(lengths, 9_999), 4)
    words = np.zeros((lengths.size, 4), dtype=np.uint8)
    capped = np.minimum(lengths, 65_535)
    words[:, 0] = capped >> 8
    words[:, 1] = capped & 0xFF
    return words


def lay_out(rows: U8Matrix, appendages: Mapping[str, PlacedSegments], framing: Framing) -> LaidOut:
    """Records with computed descriptor words and line separators, as one flat buffer."""
    count, length = rows.shape
    prefix = DESCRIPTOR_LENGTH * (2 if framing.blocked else 1)
    separator = np.frombuffer(framing.line_separator, dtype=np.uint8)
    if not any(len(placed.owners) for placed in appendages.values()):
        return _plain(rows, framing)
    record_lengths = np.full(count, length, dtype=np.int64)
    for name in _APPENDAGE_ORDER:
        placed = appendages.get(name)
        if placed is not None and placed.owners.size:
            record_lengths += np.bincount(placed.owners, minlength=count) * _LENGTHS[name]
    sizes = record_lengths + prefix - DESCRIPTOR_LENGTH + separator.size
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    data = np.empty(int(sizes.sum()), dtype=np.uint8)
    body = starts + prefix - DESCRIPTOR_LENGTH  # RDW offsets
    if framing.blocked:
        _scatter(data, starts, _descriptors(record_lengths + DESCRIPTOR_LENGTH, framing))
    _scatter(data, body, _descriptors(record_lengths, framing))
    _scatter(data, body + DESCRIPTOR_LENGTH, rows[:, DESCRIPTOR_LENGTH:])
    cursor = body + length
    offsets: dict[str, I64Array] = {}
    for name in _APPENDAGE_ORDER:
        placed = appendages.get(name)
        if placed is None or placed.owners.size == 0:
            continue
        rank = _rank_within_owner(placed.owners)
        where = cursor[placed.owners] + rank * _LENGTHS[name]
        _scatter(data, where, placed.matrix)
        offsets[name] = where
        cursor = cursor + np.bincount(placed.owners, minlength=count) * _LENGTHS[name]
    if separator.size:
        _scatter(data, cursor, np.broadcast_to(separator, (count, separator.size)))
    too_long = np.flatnonzero(
        record_lengths + prefix - DESCRIPTOR_LENGTH > max_descriptor(framing.format)
    )
    return LaidOut(data, body, offsets, too_long)


def _plain(rows: U8Matrix, framing: Framing) -> LaidOut:
    count, length = rows.shape
    out, body = plain_buffer(count, length, framing)
    body[:, DESCRIPTOR_LENGTH:] = rows[:, DESCRIPTOR_LENGTH:]
    return plain_laid_out(out, framing)


def plain_row(length: int, framing: Framing, record: U8Matrix | None = None) -> U8Matrix:
    """One output row: descriptor words, the record (blank unless given), the separator."""
    prefix = DESCRIPTOR_LENGTH * (2 if framing.blocked else 1)
    separator = np.frombuffer(framing.line_separator, dtype=np.uint8)
    row = np.full(prefix - DESCRIPTOR_LENGTH + length + separator.size, 0x20, dtype=np.uint8)
    rdw_at = prefix - DESCRIPTOR_LENGTH
    if record is not None:
        row[rdw_at : rdw_at + length] = record
    size = np.full(1, length, dtype=np.int64)
    if framing.blocked:
        row[:DESCRIPTOR_LENGTH] = _descriptors(size + DESCRIPTOR_LENGTH, framing)[0]
    row[rdw_at:prefix] = _descriptors(size, framing)[0]
    row[rdw_at + length :] = separator
    return row


def plain_buffer(
    count: int, length: int, framing: Framing, template: U8Matrix | None = None
) -> tuple[U8Matrix, U8Matrix]:
    """``count`` output rows of plain records and the view of their record bytes.

    Writing fields straight into the view lays the records out with no further copy; the
    descriptor words are already in place (``template`` fills the record bytes).
    """
    row = plain_row(length, framing, template)
    out = np.empty((count, row.size), dtype=np.uint8)
    out[:] = row
    rdw_at = DESCRIPTOR_LENGTH if framing.blocked else 0
    body: U8Matrix = out[:, rdw_at : rdw_at + length]
    return out, body


def plain_laid_out(out: U8Matrix, framing: Framing) -> LaidOut:
    """The layout of a :func:`plain_buffer` once its records are spelled."""
    count, stride = out.shape
    rdw_at = DESCRIPTOR_LENGTH if framing.blocked else 0
    offsets = np.arange(count, dtype=np.int64) * stride + rdw_at
    return LaidOut(out.reshape(-1), offsets, {}, np.zeros(0, dtype=np.int64))


def _rank_within_owner(owners: I64Array) -> I64Array:
    """0, 1, 2… for successive segments of the same owner (owners ascending)."""
    index = np.arange(owners.size, dtype=np.int64)
    first = np.concatenate([[True], owners[1:] != owners[:-1]])
    starts = np.maximum.accumulate(np.where(first, index, 0))
    ranks: I64Array = index - starts
    return ranks


def _scatter(data: U8Matrix, starts: I64Array, rows: U8Matrix) -> None:
    """Write row ``i`` of ``rows`` at ``data[starts[i]:]``."""
    put_rows_at(data, starts, rows)
