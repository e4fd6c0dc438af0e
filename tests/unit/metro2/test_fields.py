"""Field-level spelling for every record type: where each field goes, how it is padded, and
what is refused (metro2.md "Conventions" and "Pitfalls")."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    BaseSegment,
    HeaderRecord,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    Metro2File,
    Metro2FormatError,
    N1Segment,
    TrailerRecord,
    write_file,
)
from arrears.formats.metro2.codec.records import decode_rows, encode_rows
from arrears.formats.metro2.spec import FieldSpec, Kind

CLASSES = [
    HeaderRecord,
    BaseSegment,
    TrailerRecord,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    N1Segment,
]


def _value(spec: FieldSpec, index: int) -> Any:
    """A distinctive value that fills part of the field (so padding shows)."""
    if spec.kind is Kind.TEXT:
        return "AB1-"[: min(spec.length, 4)] if spec.length > 1 else "Z"
    if spec.kind is Kind.NUMBER:
        return (index % 9 + 1) * (10 ** (spec.length - 1)) // 10 or 1
    if spec.kind is Kind.DATE:
        return dt.date(1999, 12, 31) - dt.timedelta(days=index)
    return dt.datetime.combine(dt.date(2024, 2, 29), dt.time(23, 59, 58))


def _spelled(spec: FieldSpec, value: Any) -> bytes:
    """How the reference conventions spell ``value`` in ``spec``."""
    if spec.kind is Kind.TEXT:
        return value.encode().ljust(spec.length, b" ")
    if spec.kind is Kind.NUMBER:
        return str(value).zfill(spec.length).encode()
    if spec.kind is Kind.DATE:
        return value.strftime("%m%d%Y").encode()
    return value.strftime("%m%d%Y%H%M%S").encode()


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_field_is_spelled_at_its_position(cls: type) -> None:
    """Text left-justified and blank-filled, numbers right-justified and zero-filled, dates
    MMDDYYYY, the identifier constant; decoding gives the same record back."""
    layout = cls.LAYOUT  # type: ignore[attr-defined]
    values = {spec.name: _value(spec, i) for i, spec in enumerate(layout.value_fields)}
    record = cls(**values)
    matrix, issues = encode_rows(layout, [record])
    assert issues == []
    row = matrix[0].tobytes()
    for spec in layout.value_fields:
        assert row[spec.offset : spec.end] == _spelled(spec, values[spec.name]), spec.name
    for spec in layout.fields:
        if spec.constant is not None:
            assert row[spec.offset : spec.end] == spec.constant.encode()
    assert decode_rows(layout, matrix, cls) == [record]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_not_available_is_blanks_and_zeros(cls: type) -> None:
    """Unavailable text is blank, unavailable numbers and dates are zeros (Conventions)."""
    layout = cls.LAYOUT  # type: ignore[attr-defined]
    empty = cls(**{spec.name: _empty(spec) for spec in layout.value_fields})
    row = encode_rows(layout, [empty])[0][0].tobytes()
    for spec in layout.value_fields:
        filler = b" " if spec.kind is Kind.TEXT else b"0"
        assert row[spec.offset : spec.end] == filler * spec.length, spec.name


def _empty(spec: FieldSpec) -> Any:
    return {Kind.TEXT: "", Kind.NUMBER: 0}.get(spec.kind)


def _refused(base: BaseSegment) -> list[tuple[str, str, int | None]]:
    file = Metro2File(header=_header(), accounts=(AccountRecord(base=base),))
    with pytest.raises(Metro2FormatError) as raised:
        write_file(file, validate=False)
    return [(p.field, p.rule, p.position) for p in raised.value.metro2_problems]


def _header() -> HeaderRecord:
    return HeaderRecord(
        activity_date=dt.date(2025, 6, 30),
        date_created=dt.date(2025, 6, 30),
        reporter_name="LENDER",
        reporter_address="1 MAIN ST",
    )


def test_amounts_over_nine_digits_are_refused_not_truncated(
    base: Callable[..., BaseSegment],
) -> None:
    """Pitfalls: an amount of 10 digits is an error at the field's byte, never truncated."""
    assert _refused(base(current_balance=1_000_000_000)) == [
        ("current_balance", "field.too-large", 426 + 154)
    ]


def test_negative_amounts_are_refused(base: Callable[..., BaseSegment]) -> None:
    """Implications: no negatives (credit balances are reported as zero)."""
    assert _refused(base(amount_past_due=-5)) == [("amount_past_due", "field.negative", 426 + 163)]


def test_non_ascii_text_is_refused_not_padded_by_characters(
    base: Callable[..., BaseSegment],
) -> None:
    """Pitfalls: a non-ASCII name would shift every later field; it is refused."""
    assert _refused(base(surname="MUÑOZ")) == [("surname", "field.ascii", 426 + 231)]


def test_text_longer_than_its_field_is_refused(base: Callable[..., BaseSegment]) -> None:
    """A 26-character surname does not fit 25 bytes: refused, never cut."""
    assert _refused(base(surname="X" * 26)) == [("surname", "field.too-long", 426 + 231)]


def test_every_refusal_is_listed(base: Callable[..., BaseSegment]) -> None:
    """All refused values of a batch are reported together, with their record numbers."""
    bad = base(current_balance=-1, surname="É", city="X" * 21)
    found = sorted(_refused(bad))
    assert [field for field, _, _ in found] == ["city", "current_balance", "surname"]


def test_wrong_python_types_are_reported(base: Callable[..., BaseSegment]) -> None:
    """A float amount or a text date is a field.type problem, not an exception."""
    bad = dataclasses.replace(base(), current_balance=12.5, date_opened="2020-01-01")  # type: ignore[arg-type]
    found = {field: rule for field, rule, _ in _refused(bad)}
    assert found == {"current_balance": "field.type", "date_opened": "field.type"}


def test_dates_round_trip_over_the_calendar() -> None:
    """Every day from 1900 to 2100 spells as MMDDYYYY and parses back (leap years included)."""
    from arrears.formats.metro2.codec import calendar

    days = np.arange(np.datetime64("1900-01-01"), np.datetime64("2101-01-01"))
    spelled = calendar.encode_dates(days)
    assert bytes(spelled[59]) == b"03011900"  # 1900 is not a leap year
    assert (calendar.decode_dates(spelled) == days).all()
    assert calendar.parse(spelled).valid.all()


@pytest.mark.parametrize(
    "strings",
    [
        ["DOE", None, "", "ABCDEFGHIJKL", "X"],
        ["ABCDEFGHIJKLM", "SHORT"],
        ["MUÑOZ", "DOE"],
        ["TAB\tX", "DOE"],
        ["NUL\x00X", "DOE"],
        ["AB", "AB", "AB"],
        ["A" * 26, "B"],
    ],
    ids=["inline mixed", "longer than 12", "non-ASCII", "control", "NUL", "one length", "too long"],
)
def test_text_spells_the_same_from_every_arrow_layout(strings: list[str | None]) -> None:
    """Polars hands over string views (short strings inline); plain and large strings go
    through the general path: both spell and refuse exactly the same way."""
    import pyarrow as pa

    from arrears.formats.metro2.codec import text

    results = []
    for kind in (pa.string(), pa.large_string(), pa.string_view()):
        encoded = text.encode(pa.array(strings, type=kind), 25)
        results.append(
            (encoded.matrix.tobytes(), encoded.too_long.tolist(), encoded.not_ascii.tolist())
        )
    assert results[0] == results[1] == results[2]
    expected = b"".join(
        (value or "").encode().ljust(25)
        if value and value.isascii() and value.isprintable() and len(value) <= 25
        else b" " * 25
        for value in strings
    )
    assert results[0][0] == expected
