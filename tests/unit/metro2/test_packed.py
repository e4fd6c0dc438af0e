"""The packed format (metro2.md §5.14): COMP-3 packed decimal, 366-byte records, binary
descriptor words, and binary bytes that must never be taken for line breaks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    Framing,
    J2Segment,
    K1Segment,
    K2Segment,
    read_file,
    validate_bytes,
)
from arrears.formats.metro2.codec import digits, packed_decimal
from arrears.formats.metro2.spec import BASE


def _digits(*values: int, width: int) -> np.ndarray:
    return digits.encode(np.array(values, dtype=np.int64), width)


def test_amounts_pack_as_nine_digits_and_a_sign() -> None:
    """A 9-digit amount is 5 bytes ``ddddddddds`` with sign C; a date is ``0MMDDYYYYs``."""
    packed = packed_decimal.pack(_digits(8_000, 123_456_789, width=9), 5)
    assert [bytes(row).hex() for row in packed] == ["000008000c", "123456789c"]
    dates = packed_decimal.pack(np.frombuffer(b"06302025", np.uint8).reshape(1, 8), 5)
    assert bytes(dates[0]).hex() == "006302025c"


@pytest.mark.parametrize(
    ("hexed", "digits_out", "flag"),
    [
        ("000008000c", b"000008000", None),
        ("000008000f", b"000008000", None),
        ("000008000d", b"000008000", "negative"),
        ("000000000d", b"000000000", None),
        ("00000a000c", b"000009000", "malformed"),
        ("0000080001", b"000008000", "malformed"),
    ],
    ids=["sign C", "sign F", "negative D", "minus zero", "bad digit nibble", "bad sign"],
)
def test_unpacking_flags_bad_values(hexed: str, digits_out: bytes, flag: str | None) -> None:
    """Unpacking reads C, D and F signs and flags negatives and non-decimal nibbles."""
    raw = np.frombuffer(bytes.fromhex(hexed), np.uint8).reshape(1, 5)
    unpacked = packed_decimal.unpack(raw, 9)
    assert bytes(unpacked.digits[0]) == digits_out
    flags = {"negative": unpacked.negative[0], "malformed": unpacked.malformed[0]}
    assert {name for name, on in flags.items() if on} == ({flag} if flag else set())


def test_more_digits_than_the_field_holds_is_an_overflow() -> None:
    """A packed date whose leading nibble is not 0 holds 9 digits: refused, never truncated."""
    raw = np.frombuffer(bytes.fromhex("106302025c"), np.uint8).reshape(1, 5)
    assert packed_decimal.unpack(raw, 8).overflow[0]


def test_a_packed_file_round_trips(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Written packed, read back: same accounts; the balance is COMP-3 at packed byte 130."""
    accounts = [
        AccountRecord(
            base=base(), k1=K1Segment(original_creditor_name="BANK", creditor_classification="08")
        )
    ]
    data = build_file(accounts, framing=Framing.packed())
    record = 370 + 4
    balance = record + BASE.packed_offset("current_balance")
    assert data[balance : balance + 5] == bytes.fromhex("000008000c")
    assert data[record + 366 : record + 368] == b"K1"
    assert read_file(data).accounts == tuple(accounts)
    assert validate_bytes(data).ok


def test_line_break_bytes_inside_packed_records_are_data(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """An RDW of 1034 is 0x040A: its 0x0A byte is data, not a line break (Pitfalls)."""
    j2 = J2Segment(
        surname="ROE",
        first_name="ANN",
        ecoa_code="2",
        first_line_of_address="2 ST",
        city="AUSTIN",
        state="TX",
        postal_zip_code="78702",
    )
    account = AccountRecord(
        base=base(),
        j2=(j2, j2, j2),
        k1=K1Segment(original_creditor_name="B", creditor_classification="08"),
        k2=K2Segment(purchased_sold_indicator="1", purchased_sold_name="S"),
    )
    data = build_file([account], framing=Framing.packed())
    assert data[374:378] == bytes([0x04, 0x0A, 0, 0])
    assert read_file(data).accounts == (account,)
    assert validate_bytes(data).ok


def test_a_negative_packed_amount_is_reported_at_its_packed_position(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """Sign nibble D on the balance: field.negative at the packed byte, shown as hex."""
    data = build_file(framing=Framing.packed())
    at = 374 + BASE.packed_offset("current_balance")
    problems = validate_bytes(patched(data, at, bytes.fromhex("000000500d"))).problems
    assert next((p.rule, p.field, p.position, p.value) for p in problems) == (
        "field.negative",
        "current_balance",
        at,
        "0x000000500d",
    )


def test_binary_integers_are_not_packed_decimal(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """moov writes binary integers in packed files; they are refused as field.packed."""
    data = build_file(framing=Framing.packed())
    at = 374 + BASE.packed_offset("highest_credit")
    problems = validate_bytes(patched(data, at, (12_000).to_bytes(5, "big"))).problems
    assert (problems[0].rule, problems[0].field) == ("field.packed", "highest_credit")
