"""Text columns to and from fixed-width ASCII matrices (metro2.md "Conventions", "Pitfalls").

Alphanumeric fields are left-justified and blank-filled. Padding is by *bytes* and only
printable ASCII (0x20-0x7E) is written: existing writers padded non-ASCII names by characters
and shifted every later field. Text that does not fit is refused, never truncated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from arrears.formats.metro2.codec.arrays import Flags, I64Array, U8Matrix, item_type

BLANK: Final = 0x20
TILDE: Final = 0x7E
_NOT_PRINTABLE: Final = r"[^\x20-\x7E]"


@dataclass(frozen=True, slots=True)
class EncodedText:
    """A text column spelled into ``(n, width)`` bytes; refused rows are left blank."""

    matrix: U8Matrix
    too_long: Flags
    not_ascii: Flags


def printable_rows(matrix: U8Matrix) -> Flags:
    """Per row: every byte is printable ASCII."""
    flags = np.asarray(((matrix >= BLANK) & (matrix <= TILDE)).all(axis=1), dtype=np.bool_)
    return flags


def _large_strings(values: pa.Array) -> pa.LargeStringArray:
    if values.type != pa.large_string():  # first: Arrow cannot fill nulls in string views
        values = values.cast(pa.large_string())
    if values.null_count:
        values = pc.fill_null(values, "")
    return values


def _buffers(values: pa.LargeStringArray) -> tuple[I64Array, U8Matrix]:
    """Offsets (``n + 1``) and the data bytes of a large-string array."""
    _, offsets_buffer, data_buffer = values.buffers()
    start = values.offset
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[start : start + len(values) + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data


def encode(values: pa.Array, width: int) -> EncodedText:
    """Spell a string column (Arrow, any string type, nulls as blank) into ``(n, width)``."""
    matrix = np.full((len(values), width), BLANK, dtype=np.uint8)
    too_long, not_ascii = encode_into(values, matrix)
    return EncodedText(matrix, too_long, not_ascii)


def encode_into(values: pa.Array, target: U8Matrix) -> tuple[Flags, Flags]:
    """Spell strings into a blank-filled ``(n, width)`` view; returns (too long, not ASCII).

    Refused rows stay blank. Columns whose strings all have one length (codes, account
    numbers, fixed-width identifiers) are copied without padding; short strings held inline in
    an Arrow string view (Polars' own layout) are copied without any conversion.
    """
    width = target.shape[1]
    if pa.types.is_string_view(values.type) and _inline_into(values, target):
        nothing = np.zeros(len(values), dtype=bool)
        return nothing, nothing
    strings = _large_strings(values)
    count = len(strings)
    offsets, data = _buffers(strings)
    lengths = np.diff(offsets)
    used = data[offsets[0] : offsets[-1]]
    not_ascii = np.zeros(count, dtype=bool)
    if used.size and (used.min() < BLANK or used.max() > TILDE):
        found = pc.match_substring_regex(strings, _NOT_PRINTABLE)
        not_ascii = found.to_numpy(zero_copy_only=False)
    too_long = lengths > width
    refused = too_long | not_ascii
    if count == 0:
        return too_long, not_ascii
    if not refused.any():
        length = int(lengths[0])
        if (lengths == length).all():
            if length:
                _put(target[:, :length], used.reshape(count, length))
            return too_long, not_ascii
    if refused.any():
        strings = pc.if_else(pa.array(refused), pa.scalar("", pa.large_string()), strings)
    padded_offsets, padded_data = _buffers(
        _large_strings(pc.utf8_rpad(strings, width=width, padding=" "))
    )
    _put(target, padded_data[padded_offsets[0] : padded_offsets[-1]].reshape(count, width))
    return too_long, not_ascii


#: Strings up to this many bytes are stored inside an Arrow string view.
_INLINE: Final = 12
_VIEW: Final = 16


def _fill_masks(start: int, size: int) -> np.ndarray:
    """Per string length: 0xFF at the bytes ``start..start + size`` of the inline bytes that
    lie past the string (the blank fill), as little-endian words."""
    dtype = "<u8" if size == 8 else "<u4"
    masks = [
        int.from_bytes(bytes(0xFF if start + at >= length else 0 for at in range(size)), "little")
        for length in range(_INLINE + 1)
    ]
    table = np.array(masks, dtype=dtype)
    table.setflags(write=False)
    return table


_LOW_FILL: Final = _fill_masks(0, 8)
_HIGH_FILL: Final = _fill_masks(8, 4)
_BLANKS8: Final = np.uint64(int.from_bytes(b" " * 8, "little"))
_BLANKS4: Final = np.uint32(int.from_bytes(b" " * 4, "little"))


def _inline_into(values: pa.Array, target: U8Matrix) -> bool:
    """Copy a string-view column whose strings are all inline, fit and are printable ASCII.

    The bytes past each string's length become the blank fill. Returns ``False`` (having
    written nothing) when any string is longer than 12 bytes or than the field, or is not
    printable ASCII: the general path then spells and reports it.
    """
    views, lengths = _views(values)
    if views is None:
        return len(values) == 0
    longest = int(lengths.max())
    if longest > min(_INLINE, target.shape[1]) or lengths.min() < 0:
        return False
    if longest == 0:
        return True
    uniform = int(lengths.min()) == longest
    spelled = _inline_spelling(views, lengths, longest, uniform=uniform)
    if spelled is None:
        return False
    _put(target[:, :longest], spelled[:, :longest])
    return True


def _views(values: pa.Array) -> tuple[U8Matrix | None, I64Array]:
    """The 16-byte views of a string-view array and each string's length (0 for nulls)."""
    count = len(values)
    views_buffer = values.buffers()[1]
    if count == 0 or views_buffer is None:
        return None, np.zeros(0, dtype=np.int64)
    views = np.frombuffer(views_buffer, dtype=np.uint8)
    views = views[values.offset * _VIEW : (values.offset + count) * _VIEW].reshape(count, _VIEW)
    lengths = views[:, :4].view("<i4")[:, 0].astype(np.int64)
    if values.null_count:
        lengths = np.where(values.is_valid().to_numpy(zero_copy_only=False), lengths, 0)
    return views, lengths


def _inline_spelling(
    views: U8Matrix, lengths: I64Array, longest: int, *, uniform: bool = False
) -> U8Matrix | None:
    """The inline bytes (``(n, 8)``, or ``(n, 12)`` past 8 bytes) blank-filled past each
    string's length, or ``None`` when a string holds a byte that is not printable ASCII.

    Eight (then four) bytes per row at a time: the fill is selected with a per-length mask,
    so whatever the view holds past the string (Arrow zero-fills it) is never written. A NUL
    inside a string stays a NUL and is refused like any control character. When every
    string has the same length (codes, fixed-width identifiers) the mask is one word.
    """
    count = views.shape[0]
    spelled = np.empty((count, 8 if longest <= 8 else _INLINE), dtype=np.uint8)
    low = views[:, 4:12].view("<u8")[:, 0]
    low_fill = _LOW_FILL[longest] if uniform else _LOW_FILL[lengths]
    spelled[:, :8].view("<u8")[:, 0] = low ^ ((low ^ _BLANKS8) & low_fill)
    if longest > 8:
        high = views[:, 12:16].view("<u4")[:, 0]
        high_fill = _HIGH_FILL[longest] if uniform else _HIGH_FILL[lengths]
        spelled[:, 8:].view("<u4")[:, 0] = high ^ ((high ^ _BLANKS4) & high_fill)
    if spelled.min() < BLANK or spelled.max() > TILDE:
        return None
    return spelled


def _put(target: U8Matrix, rows: U8Matrix) -> None:
    """Copy ``rows`` into ``target`` one row-sized item at a time (both may be strided)."""
    width = rows.shape[1]
    source = rows if rows.strides[-1] == 1 else np.ascontiguousarray(rows)
    item = item_type(width)
    target.view(item)[:, 0] = source.view(item)[:, 0]


def to_arrow(matrix: U8Matrix) -> pa.LargeStringArray:
    """``(n, width)`` bytes to a large-string array, blank fill kept; non-ASCII shown as '?'."""
    count, width = matrix.shape
    data = np.ascontiguousarray(matrix).reshape(-1)
    if data.size and (data.min() < BLANK or data.max() > TILDE):
        data = np.where((data >= BLANK) & (data <= TILDE), data, np.uint8(ord("?")))
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64)
    array: pa.LargeStringArray = pa.LargeStringArray.from_buffers(
        count, pa.py_buffer(offsets), pa.py_buffer(data.astype(np.uint8, copy=False))
    )
    return array


def to_strings(matrix: U8Matrix) -> list[str]:
    """``(n, width)`` bytes to Python strings without their trailing blank fill."""
    width = matrix.shape[1]
    raw = np.ascontiguousarray(matrix).tobytes()
    text = raw.decode("ascii", errors="replace")
    return [text[start : start + width].rstrip(" ") for start in range(0, len(text), width)]
