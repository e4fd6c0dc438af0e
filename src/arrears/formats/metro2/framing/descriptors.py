"""Record and Block Descriptor Words, and recognising a file's framing (metro2.md §5.1).

Character files spell descriptor words as 4 ASCII digits; packed files use the IBM variable
record convention: a 2-byte big-endian length and two zero bytes. Descriptor words are always
computed on write; on read they are checked against the record's content, never trusted.
"""

from __future__ import annotations

from typing import Final

from arrears.formats.metro2.options import Format, Framing
from arrears.formats.metro2.spec import PACKED_RECORD_LENGTH, RECORD_LENGTH

DESCRIPTOR_LENGTH: Final = 4
MAX_CHARACTER_DESCRIPTOR: Final = 9_999
MAX_PACKED_DESCRIPTOR: Final = 65_535
_DIGITS: Final = frozenset(b"0123456789")


def record_length(data_format: Format) -> int:
    """Length of the Header, Base and Trailer records in ``data_format``."""
    return PACKED_RECORD_LENGTH if data_format is Format.PACKED else RECORD_LENGTH


def read_descriptor(raw: bytes, data_format: Format) -> int | None:
    """The length a descriptor word states, or ``None`` when the bytes are not one."""
    if len(raw) != DESCRIPTOR_LENGTH:
        return None
    if data_format is Format.CHARACTER:
        return int(raw) if raw.isdigit() else None
    if raw[2:] != b"\x00\x00":
        return None
    return int.from_bytes(raw[:2], "big")


def spell_descriptor(length: int, data_format: Format) -> bytes:
    """The descriptor word for ``length`` bytes (the caller checks the maximum)."""
    if data_format is Format.CHARACTER:
        return b"%04d" % length
    return length.to_bytes(2, "big") + b"\x00\x00"


def max_descriptor(data_format: Format) -> int:
    return MAX_PACKED_DESCRIPTOR if data_format is Format.PACKED else MAX_CHARACTER_DESCRIPTOR


def starts_record(raw: bytes) -> bool:
    """Bytes that can open a record body: ``HEADER``, ``TRAILER`` or a processing indicator."""
    return raw.startswith((b"HEADER", b"TRAILER")) or (len(raw) > 0 and raw[0] in _DIGITS)


def detect(head: bytes) -> Framing | None:
    """The framing of a file from its first bytes (line breaks already removed).

    A character file with Block Descriptor Words starts with two 4-digit words where the first
    is the second plus 4 (one record per block, as moov and this writer produce) or is larger
    and a Header follows. A packed file starts with a binary word (two zero bytes at 2-3).
    """
    if len(head) < 2 * DESCRIPTOR_LENGTH:
        return None
    first = read_descriptor(head[:4], Format.CHARACTER)
    if first is not None:
        second = read_descriptor(head[4:8], Format.CHARACTER)
        blocked = second is not None and (
            first == second + DESCRIPTOR_LENGTH
            or (first > second + DESCRIPTOR_LENGTH and head[8:14] == b"HEADER")
        )
        return Framing(format=Format.CHARACTER, blocked=blocked)
    if read_descriptor(head[:4], Format.PACKED) is not None:
        return Framing.packed()
    return None
