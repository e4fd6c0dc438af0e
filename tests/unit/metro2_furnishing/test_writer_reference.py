"""The vectorised frame writer spells exactly what a plain per-record formatter spells.

The reference builds each 426-byte Base Segment field by field in Python (text left-justified
and blank-filled, numbers zero-filled, dates MMDDYYYY, the time stamp MMDDYYYYHHMMSS, absent
fields "not available"; metro2.md "Conventions", §5.3), so any shortcut of the fast path that
changes a byte shows up here.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.formats.metro2 import HeaderRecord, Metro2Writer
from arrears.formats.metro2.codec.columns import template
from arrears.formats.metro2.frames import segment_schema
from arrears.formats.metro2.spec import BASE, FieldSpec, Kind, Presence
from arrears.formats.metro2.validation.base_rules import _embedded

HEADER = HeaderRecord(activity_date=date(2099, 12, 31), date_created=date(2026, 6, 30),
                      reporter_name="LENDER", reporter_address="1 MAIN ST")  # fmt: skip
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_DATES = st.one_of(
    st.dates(date(1900, 1, 1), date(9999, 12, 31)),
    st.dates(date(1990, 1, 1), date(2030, 12, 31)),
)
#: The time stamp is naive by design (frames.py: a naive Datetime column).
_FIRST, _LAST = datetime(1901, 1, 1), datetime(2099, 12, 31)  # noqa: DTZ001
_TIMES = st.datetimes(_FIRST, _LAST).map(lambda moment: moment.replace(microsecond=0))
#: Fields the frames may carry (all but the descriptor word); the required ones always.
_FIELDS = [spec for spec in BASE.value_fields if spec.kind is not Kind.DESCRIPTOR]
_REQUIRED = [spec for spec in _FIELDS if spec.presence is Presence.REQUIRED and not spec.default]
_OPTIONAL = [spec for spec in _FIELDS if spec not in _REQUIRED]


def _value(spec: FieldSpec) -> st.SearchStrategy[object]:
    if spec.kind is Kind.TEXT:
        return st.text(_PRINTABLE, min_size=1, max_size=spec.length)
    if spec.kind is Kind.NUMBER:
        return st.one_of(
            st.integers(0, 10**spec.length - 1), st.sampled_from([0, 10**spec.length - 1])
        )
    if spec.kind is Kind.DATE:
        return _DATES
    return _TIMES


def _spell(spec: FieldSpec, value: object) -> bytes:
    start, end = spec.offset, spec.end
    if value is None:
        if spec.kind is Kind.NUMBER:
            return b"0" * spec.length  # a null amount is written as zero
        return template(BASE)[start:end].tobytes()
    if spec.kind is Kind.TEXT:
        assert isinstance(value, str)
        return value.encode("ascii").ljust(spec.length, b" ")
    if spec.kind is Kind.NUMBER:
        assert isinstance(value, int)
        return b"%0*d" % (spec.length, value)
    assert isinstance(value, date)
    year = b"%04d" % value.year
    spelled = value.strftime("%m%d").encode() + year
    if isinstance(value, datetime):
        spelled += value.strftime("%H%M%S").encode()
    return spelled


def _reference(rows: list[dict[str, object]], given: list[FieldSpec]) -> bytes:
    records = []
    for row in rows:
        record = bytearray(template(BASE).tobytes())
        for spec in given:
            record[spec.offset : spec.end] = _spell(spec, row.get(spec.name))
        records.append(bytes(record))
    return b"".join(records)


@st.composite
def _frames(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[FieldSpec]]:
    chosen = draw(st.lists(st.sampled_from(_OPTIONAL), unique_by=lambda spec: spec.name))
    given = _REQUIRED + chosen
    count = draw(st.integers(1, 12))
    rows = [
        {spec.name: draw(st.one_of(st.none(), _value(spec))) for spec in given}
        for _ in range(count)
    ]
    return rows, given


def _written(frame: pl.DataFrame, *, validate: bool) -> bytes:
    out = io.BytesIO()
    with Metro2Writer(out, header=HEADER, validate=validate) as writer:
        start = out.tell()
        writer.write_frame(frame)
        end = out.tell()
    return out.getvalue()[start:end]


def _frame(rows: list[dict[str, object]], given: list[FieldSpec]) -> pl.DataFrame:
    schema = segment_schema(BASE)
    data = {spec.name: [row.get(spec.name) for row in rows] for spec in given}
    return pl.DataFrame(data, schema={spec.name: schema[spec.name] for spec in given})


@settings(max_examples=150, deadline=None)
@given(_frames())
def test_random_frames_are_spelled_like_the_reference(
    case: tuple[list[dict[str, object]], list[FieldSpec]],
) -> None:
    rows, given = case
    assert _written(_frame(rows, given), validate=False) == _reference(rows, given)


def _valid_rows(count: int) -> list[dict[str, object]]:
    opened = date(2020, 3, 1)
    return [
        {
            "time_stamp": _LAST - timedelta(seconds=977 * index),
            "identification_number": "ARREARS001",
            "consumer_account_number": f"{index:012d}",
            "portfolio_type": "I",
            "account_type": "01",
            "date_opened": opened + timedelta(days=index),
            "highest_credit": 1_000 * index,
            "terms_duration": "036",
            "terms_frequency": "M",
            "scheduled_monthly_payment": 250 + index,
            "account_status": "71" if index % 3 else "11",
            "payment_history_profile": "1000000000BBBBBBBBBBBBBB",
            "current_balance": 10_000 + index,
            "amount_past_due": 120 if index % 3 else 0,
            "date_of_account_information": date(2026, 6, 30),
            "date_of_first_delinquency": date(2026, 5, 1) if index % 3 else None,
            "surname": ["DOE", "HERNANDEZ-GARCIA", "LI"][index % 3],
            "first_name": "JO" * (1 + index % 7),
            "social_security_number": 100_000_000 + index,
            "date_of_birth": date(1960, 2, 29) + timedelta(days=97 * index),
            "telephone_number": 9_999_999_999 - index,
            "ecoa_code": "1",
            "first_line_of_address": f"{index} LONG AVENUE NW APT {index % 90}",
            "city": "BOSTON",
            "state": "MA",
            "postal_zip_code": "02139" if index % 2 else "021391234",
        }
        for index in range(count)
    ]


def test_a_valid_frame_is_written_checked_as_the_reference_spells_it() -> None:
    rows = _valid_rows(300)
    given = [spec for spec in _FIELDS if spec.name in rows[0]]
    assert _written(_frame(rows, given), validate=True) == _reference(rows, given)


@pytest.mark.parametrize("width", [1, 2, 24, 30])
def test_embedded_finds_a_set_flag_followed_by_an_unset_one(width: int) -> None:
    rng = np.random.default_rng(width)
    flags = rng.random((400, width)) < 0.3
    flags[::2] = np.sort(flags[::2], axis=1)  # every other row: set flags only at the end
    expected = (flags[:, :-1] & ~flags[:, 1:]).any(axis=1)
    found = _embedded(flags)
    assert (np.zeros(400, dtype=bool) if found is None else found).tolist() == expected.tolist()
    assert _embedded(np.sort(flags, axis=1)) is None
