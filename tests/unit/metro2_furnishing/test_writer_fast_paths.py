"""The validating writer's fast paths say exactly what reading the written bytes says.

The writer checks the fields it spelled where it spelled them (contiguous text, dates from
their values, template fields once) instead of re-reading the records; these tests hold it to
the reader: same problems on frames with every kind of mistake, same dates read back.
"""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.formats.metro2 import (
    HeaderRecord,
    Metro2FormatError,
    Metro2Writer,
    validate_bytes,
)
from arrears.formats.metro2.codec import calendar
from arrears.formats.metro2.codec.text import encode
from arrears.formats.metro2.validation.base_rules import _has_byte

HEADER = HeaderRecord(activity_date=date(2026, 6, 30), date_created=date(2026, 6, 30),
                      reporter_name="LENDER", reporter_address="1 MAIN ST")  # fmt: skip


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    base: dict[str, object] = {
        "identification_number": "ARREARS01", "consumer_account_number": "LN1",
        "portfolio_type": "I", "account_type": "01", "date_opened": date(2025, 1, 15),
        "terms_duration": "036", "account_status": "11",
        "payment_history_profile": "000000000000000000000000", "current_balance": 100,
        "date_of_account_information": date(2026, 6, 30), "surname": "DOE",
        "first_name": "JO", "ecoa_code": "1", "first_line_of_address": "1 MAIN ST",
        "city": "BOSTON", "state": "MA", "postal_zip_code": "02139",
    }  # fmt: skip
    return pl.DataFrame([{**base, **row} for row in rows])


def _problems_writing(frame: pl.DataFrame) -> set[tuple[int, str, str | None]]:
    try:
        with Metro2Writer(io.BytesIO(), header=HEADER) as writer:
            writer.write_frame(frame)
    except Metro2FormatError as failure:
        return {(p.record, p.rule, p.field) for p in failure.metro2_problems}
    return set()


def _problems_reading(frame: pl.DataFrame) -> set[tuple[int, str, str | None]]:
    out = io.BytesIO()
    with Metro2Writer(out, header=HEADER, validate=False) as writer:
        writer.write_frame(frame)
    report = validate_bytes(out.getvalue())
    return {(p.record, p.rule, p.field) for p in report.problems}


MISTAKES: list[dict[str, object]] = [
    {},
    {"account_status": "12"},
    {"identification_number": "AB"},
    {"identification_number": "000000"},
    {"consumer_account_number": "LN 1"},
    {"terms_duration": "3X6"},
    {"terms_duration": "REV"},
    {"payment_history_profile": "00B000000000000000000000"},
    {"payment_history_profile": "0000000000000000000000BB"},
    {"payment_history_profile": "00X000000000000000000000"},
    {"account_status": "13", "payment_rating": ""},
    {"account_status": "97", "date_of_first_delinquency": date(2026, 1, 1)},
    {"account_status": "71"},
    {"date_of_first_delinquency": date(2026, 7, 1), "account_status": "71"},
    {"date_opened": date(2026, 7, 2)},
    {"special_comment": "AU"},
    {"special_comment": "ZZ"},
    {"ecoa_code": "4"},
    {"portfolio_type": "C"},
    {"amount_past_due": 5},
    {"state": ""},
    {"date_of_birth": date(1900, 2, 1), "social_security_number": 999999999},
]


def test_the_writer_refuses_what_the_reader_reports() -> None:
    """One account per mistake: the writer's problems are the reader's (meaning rules)."""
    frame = _frame([{**row, "consumer_account_number": row.get("consumer_account_number",
                                                                f"LN{i}")}
                    for i, row in enumerate(MISTAKES)])  # fmt: skip
    reading = {p for p in _problems_reading(frame) if not p[1].startswith("trailer")}
    assert reading  # the mistakes are there
    assert _problems_writing(frame) == reading


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "account_status": st.sampled_from(["11", "13", "64", "71", "97", "93", "XX"]),
                "payment_rating": st.sampled_from(["", "0", "1", "L", "9"]),
                "identification_number": st.sampled_from(["ARREARS01", "99999", "A 1", ""]),
                "terms_duration": st.sampled_from(["036", "REV", "LOC", "", "12", "X"]),
                "special_comment": st.sampled_from(["", "AU", "AC", "B", "QQ"]),
                "date_of_first_delinquency": st.one_of(
                    st.none(), st.dates(date(1899, 1, 1), date(2030, 12, 31))
                ),
                "date_closed": st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 1, 1))),
                "current_balance": st.integers(0, 10**9 - 1),
            },
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_frames_give_the_same_problems_both_ways(rows: list[dict[str, object]]) -> None:
    frame = _frame(rows)
    writing = _problems_writing(frame)
    spelling = {p for p in writing if p[1] in {"field.date", "field.too-long"}}
    if spelling:  # values that cannot be spelled are refused before anything is read back
        return
    reading = {p for p in _problems_reading(frame) if not p[1].startswith("trailer")}
    assert writing == reading


def test_dates_read_back_as_their_values() -> None:
    """``parsed_values`` equals parsing the spelled bytes, table days or not, NaT included."""
    days = np.array(
        ["2026-06-30", "NaT", "1900-02-28", "1901-01-01", "2099-12-31", "2100-03-01",
         "1899-12-31", "2400-02-29"], dtype="datetime64[D]",
    )  # fmt: skip
    spelled = np.zeros((days.size, 8), dtype=np.uint8)
    outside = (days < np.datetime64("1900-01-01")) | (days > np.datetime64("9999-12-31"))
    calendar.encode_dates_into(np.where(outside, np.datetime64("NaT"), days), spelled)
    expected, found = calendar.parse(spelled), calendar.parsed_values(days)
    assert (found.zero == expected.zero).all()
    assert (found.ordinal == expected.ordinal).all()
    assert found.valid.all()


def test_inline_text_with_mixed_lengths_nuls_and_non_ascii() -> None:
    """Short strings are padded with blanks; a NUL or a non-ASCII character is refused and
    reported by the general path, never written as something else."""
    values = pl.Series(["AB", "A", "", None, "ABCDEFGHIJKL"]).to_arrow(
        compat_level=pl.CompatLevel.newest()
    )
    spelled = encode(values, 12)
    assert [bytes(row).decode() for row in spelled.matrix] == [
        "AB" + " " * 10, "A" + " " * 11, " " * 12, " " * 12, "ABCDEFGHIJKL",
    ]  # fmt: skip
    bad = pl.Series(["A\x00B", "OK", "É"]).to_arrow(compat_level=pl.CompatLevel.newest())
    refused = encode(bad, 4)
    assert refused.not_ascii.tolist() == [True, False, True]


@pytest.mark.parametrize("width", [1, 4, 8])
def test_has_byte_finds_a_blank_anywhere(width: int) -> None:
    rng = np.random.default_rng(width)
    values = rng.integers(0x20, 0x7F, size=(500, width), dtype=np.uint8)
    assert (_has_byte(values, 0x20) == (values == 0x20).any(axis=1)).all()
