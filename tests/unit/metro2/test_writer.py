"""The streaming writer: frames or typed accounts in, computed words and totals out; a batch
with any problem is refused whole, with every problem located in the output."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    Framing,
    HeaderRecord,
    Metro2FormatError,
    Metro2Writer,
    read_file,
    validate_bytes,
)


def _frame(rows: int, **overrides: Any) -> pl.DataFrame:
    columns: dict[str, Any] = {
        "identification_number": ["ARREARS01"] * rows,
        "consumer_account_number": [f"LN{i:04d}" for i in range(rows)],
        "portfolio_type": ["I"] * rows,
        "account_type": ["00"] * rows,
        "date_opened": [dt.date(2020, 1, 15)] * rows,
        "terms_duration": ["060"] * rows,
        "account_status": ["11"] * rows,
        "payment_history_profile": ["0" * 24] * rows,
        "current_balance": [100 * i for i in range(rows)],
        "date_of_account_information": [dt.date(2025, 6, 30)] * rows,
        "surname": ["DOE"] * rows,
        "first_name": ["JANE"] * rows,
        "ecoa_code": ["1"] * rows,
        "first_line_of_address": ["1 MAIN ST"] * rows,
        "city": ["AUSTIN"] * rows,
        "state": ["TX"] * rows,
        "postal_zip_code": ["78701"] * rows,
    }
    columns.update(overrides)
    return pl.DataFrame(columns)


def _write(header: HeaderRecord, frame: pl.DataFrame, **options: Any) -> bytes:
    out = io.BytesIO()
    with Metro2Writer(out, header=header, **options) as writer:
        writer.write_frame(frame)
    return out.getvalue()


@pytest.mark.parametrize(
    "framing",
    [Framing(), Framing(blocked=True, line_separator=b"\r\n"), Framing.packed()],
    ids=["plain", "blocked+crlf", "packed"],
)
def test_a_frame_is_written_and_reads_back(header: HeaderRecord, framing: Framing) -> None:
    """Batches smaller than the frame, any framing: the file validates and reads back."""
    data = _write(header, _frame(25), framing=framing, chunk_records=10)
    report = validate_bytes(data)
    assert report.ok, report.problems
    file = read_file(data)
    assert [a.base.current_balance for a in file.accounts] == [100 * i for i in range(25)]
    assert file.trailer is not None
    assert file.trailer.total_status_11 == 25


def test_a_refused_batch_is_not_written(header: HeaderRecord) -> None:
    """Two bad rows in the second batch: both reported with record numbers and the byte
    offsets they would have had; the stream holds the header and the first batch only."""
    statuses = ["11"] * 25
    statuses[12], statuses[17] = "XX", "YY"
    out = io.BytesIO()
    writer = Metro2Writer(out, header=header, chunk_records=10)
    with pytest.raises(Metro2FormatError) as raised:
        writer.write_frame(_frame(25, account_status=statuses))
    found = [
        (p.record, p.rule, p.position)
        for p in raised.value.metro2_problems
        if p.rule == "code.account-status"
    ]
    assert found == [
        (14, "code.account-status", 13 * 426 + 123),
        (19, "code.account-status", 18 * 426 + 123),
    ]
    assert len(out.getvalue()) == 11 * 426


def test_unknown_and_mistyped_columns_are_refused(header: HeaderRecord) -> None:
    """A typo'd column or a float amount is refused before anything is spelled."""
    with pytest.raises(Metro2FormatError) as raised:
        _write(header, _frame(2, current_balnce=[1, 2]))
    assert [p.field for p in raised.value.metro2_problems] == ["current_balnce"]
    with pytest.raises(Metro2FormatError) as raised:
        _write(header, _frame(2, current_balance=[1.0, 2.5]))
    assert raised.value.metro2_problems[0].rule == "field.type"


def test_missing_required_columns_are_listed(header: HeaderRecord) -> None:
    """Every required column that is missing is named."""
    frame = _frame(1).drop("surname", "account_status")
    with pytest.raises(Metro2FormatError) as raised:
        _write(header, frame)
    assert sorted(p.field for p in raised.value.metro2_problems) == ["account_status", "surname"]


def test_without_validation_only_spelling_is_refused(header: HeaderRecord) -> None:
    """validate=False writes an unknown status, but still refuses a 10-digit amount."""
    assert _write(header, _frame(1, account_status=["XX"]), validate=False)
    with pytest.raises(Metro2FormatError):
        _write(header, _frame(1, current_balance=[10**9]), validate=False)


def test_typed_accounts_and_frames_write_the_same_bytes(
    base: Callable[..., Any], header: HeaderRecord
) -> None:
    """write_accounts and write_frame share one codec."""
    accounts = [AccountRecord(base=base(consumer_account_number=f"LN{i}")) for i in range(3)]
    typed = io.BytesIO()
    with Metro2Writer(typed, header=header) as writer:
        writer.write_accounts(accounts)
    assert read_file(typed.getvalue()).accounts == tuple(accounts)


def test_an_invalid_header_is_refused(header: HeaderRecord) -> None:
    """§5.2: the header's required fields are checked before anything is written."""
    from dataclasses import replace

    out = io.BytesIO()
    with pytest.raises(Metro2FormatError) as raised:
        Metro2Writer(out, header=replace(header, reporter_name=""))
    assert [(p.record, p.field) for p in raised.value.metro2_problems] == [(1, "reporter_name")]
    assert out.getvalue() == b""


def test_closing_twice_is_a_programming_error(header: HeaderRecord) -> None:
    """close() writes the trailer once."""
    writer = Metro2Writer(io.BytesIO(), header=header)
    writer.close()
    with pytest.raises(RuntimeError):
        writer.close()


def test_a_record_too_long_for_its_rdw_is_refused(
    base: Callable[..., Any], header: HeaderRecord
) -> None:
    """§5.1: 48 J2 segments make a 10,026-byte record, more than a 4-digit RDW can say."""
    from arrears.formats.metro2 import J2Segment

    j2 = J2Segment(
        surname="ROE",
        first_name="A",
        ecoa_code="2",
        first_line_of_address="2 ST",
        city="AUSTIN",
        state="TX",
        postal_zip_code="78702",
    )
    writer = Metro2Writer(io.BytesIO(), header=header)
    with pytest.raises(Metro2FormatError) as raised:
        writer.write_accounts([AccountRecord(base=base(), j2=(j2,) * 48)])
    assert [(p.record, p.rule, p.field) for p in raised.value.metro2_problems] == [
        (2, "framing.rdw", "record_descriptor_word")
    ]
