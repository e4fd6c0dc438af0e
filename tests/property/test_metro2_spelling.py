"""The writer's vectorised spellings against one-value-at-a-time references: digits (divided
as ``uint32`` once they fit), inline text (one mask word when every string has one length)
and dates looked up in the spelling table (metro2.md "Conventions")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.formats.metro2.codec import calendar, digits, text

PRINTABLE = "".join(chr(code) for code in range(0x20, 0x7F))


@st.composite
def _numbers(draw: st.DrawFn) -> tuple[int, list[int]]:
    width = draw(st.integers(1, 18))
    values = draw(st.lists(st.integers(0, 10**width - 1), max_size=40))
    return width, values


@settings(deadline=None)  # table set-up and a loaded machine
@given(_numbers())
def test_digits_are_zero_filled_decimal(case: tuple[int, list[int]]) -> None:
    """Every width, into a strided view: the bytes of ``f"{value:0{width}d}"``."""
    width, values = case
    rows = np.full((len(values), width + 3), ord("#"), dtype=np.uint8)
    digits.encode_into(np.array(values, dtype=np.int64), rows[:, 1 : width + 1])
    expected = [b"#" + b"%0*d" % (width, value) + b"##" for value in values]
    assert [row.tobytes() for row in rows] == expected


@st.composite
def _strings(draw: st.DrawFn) -> tuple[int, list[str | None]]:
    width = draw(st.integers(1, 20))
    longest = min(width, 12)
    same = draw(st.booleans())
    length = draw(st.integers(0, longest))
    sizes = st.just(length) if same else st.integers(0, longest)
    strings = draw(
        st.lists(sizes.flatmap(lambda size: st.text(PRINTABLE, min_size=size, max_size=size)))
    )
    nulls = draw(st.lists(st.booleans(), min_size=len(strings), max_size=len(strings)))
    return width, [None if null else value for value, null in zip(strings, nulls, strict=True)]


@settings(deadline=None)  # table set-up and a loaded machine
@given(_strings())
def test_inline_text_is_left_justified_and_blank_filled(
    case: tuple[int, list[str | None]],
) -> None:
    """String views (Polars' layout), one length or many, nulls blank."""
    width, strings = case
    values = pa.array(strings, type=pa.string_view())
    rows = np.full((len(strings), width), text.BLANK, dtype=np.uint8)
    too_long, not_ascii = text.encode_into(values, rows)
    assert not too_long.any()
    assert not not_ascii.any()
    expected = [(value or "").ljust(width).encode() for value in strings]
    assert [row.tobytes() for row in rows] == expected


@settings(deadline=None)  # table set-up and a loaded machine
@given(st.lists(st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)), max_size=40))
def test_table_dates_spell_and_read_back(days: list[dt.date]) -> None:
    """MMDDYYYY from the table, and the dates the checks read back equal parsing them."""
    values = np.array(days, dtype="datetime64[D]")
    index, inside = calendar.in_table(values)
    assert inside.all()
    rows = np.zeros((len(days), 8), dtype=np.uint8)
    calendar.encode_table_dates_into(index, rows)
    assert [row.tobytes() for row in rows] == [day.strftime("%m%d%Y").encode() for day in days]
    read_back, parsed = calendar.table_dates(index), calendar.parse(rows)
    assert (read_back.ordinal == parsed.ordinal).all()
    assert (read_back.zero == parsed.zero).all()
    assert (read_back.valid == parsed.valid).all()
