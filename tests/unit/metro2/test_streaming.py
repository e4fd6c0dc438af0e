"""The streaming API: columnar chunks, bounded size, the same answers whatever the chunking or
threading, and frames that go back through the writer unchanged."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    Framing,
    J1Segment,
    J2Segment,
    K1Segment,
    L1Segment,
    Metro2Writer,
    ReadOptions,
    iter_chunks,
    iter_problems,
    read_file,
    validate_bytes,
)


def _file(base: Callable[..., Any], build_file: Callable[..., bytes], **framing: Any) -> bytes:
    """40 accounts, every third with appendages, two of them invalid."""
    accounts = []
    for index in range(40):
        changes: dict[str, Any] = {"consumer_account_number": f"LN{index:05d}"}
        if index in (7, 31):
            changes["account_status"] = "XX"
        extra: dict[str, Any] = {}
        if index % 3 == 0:
            extra = {
                "j1": (J1Segment(surname="DOE", first_name="J", ecoa_code="2"),),
                "k1": K1Segment(original_creditor_name="BANK", creditor_classification="08"),
            }
        if index % 5 == 0:
            extra["l1"] = L1Segment(change_indicator="1", new_consumer_account_number="X1")
        accounts.append(AccountRecord(base=base(**changes), **extra))
    return build_file(accounts, framing=Framing(**framing))


@pytest.mark.parametrize(
    "framing", [{}, {"blocked": True}, {"line_separator": b"\n"}], ids=["plain", "blocked", "lines"]
)
def test_chunking_and_threads_do_not_change_the_answer(
    base: Callable[..., Any], build_file: Callable[..., bytes], framing: dict[str, Any]
) -> None:
    """Chunks of 1, 7 or 8192 records, inline or on threads: same rows, same problems."""
    data = _file(base, build_file, **framing)
    answers = set()
    for chunk_records in (1, 7, 8192):
        for workers in (0, 2):
            options = ReadOptions(chunk_records=chunk_records, workers=workers)
            chunks = list(iter_chunks(io.BytesIO(data), options=options))
            assert all(len(chunk) <= chunk_records for chunk in chunks)
            numbers = tuple(int(n) for chunk in chunks for n in chunk.record_numbers)
            problems = tuple(p for chunk in chunks for p in chunk.problems)
            answers.add((numbers, problems))
    assert len(answers) == 1
    numbers, problems = answers.pop()
    assert numbers == tuple(range(2, 42))
    assert sorted((p.record, p.rule) for p in problems if p.segment == "base") == [
        (9, "code.account-status"),
        (33, "code.account-status"),
    ]


def test_columns_decode_on_demand(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """A chunk column is a typed array: int64 amounts, datetime64 dates, Arrow strings."""
    data = build_file([AccountRecord(base=base(current_balance=1234))])
    chunk = next(iter_chunks(io.BytesIO(data)))
    assert chunk.column("current_balance").tolist() == [1234]
    assert str(chunk.column("date_opened")[0]) == "2020-01-15"
    assert chunk.column("surname").to_pylist() == ["DOE" + " " * 22]


def test_frames_round_trip_through_the_writer(
    base: Callable[..., Any], build_file: Callable[..., bytes], header: Any
) -> None:
    """to_polars() gives one column per field plus appendage columns; writing those frames
    gives the same bytes as writing the typed accounts."""
    j2 = J2Segment(
        surname="ROE",
        first_name="A",
        ecoa_code="2",
        first_line_of_address="2 ST",
        city="AUSTIN",
        state="TX",
        postal_zip_code="78702",
    )
    accounts = [
        AccountRecord(base=base(), j2=(j2, j2)),
        AccountRecord(
            base=base(consumer_account_number="LN2"),
            k1=K1Segment(original_creditor_name="B", creditor_classification="08"),
        ),
        AccountRecord(base=base(consumer_account_number="LN3")),
    ]
    data = build_file(accounts)
    frames = [chunk.to_polars() for chunk in iter_chunks(io.BytesIO(data)) if len(chunk)]
    frame = pl.concat(frames)
    assert frame.height == 3
    assert frame["j2"].list.len().to_list() == [2, 0, 0]
    assert frame["k1"].struct.field("original_creditor_name").to_list() == [None, "B", None]
    out = io.BytesIO()
    with Metro2Writer(out, header=header) as writer:
        writer.write_frame(frame)
    assert out.getvalue() == data


def test_streams_without_readinto_are_read(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Any object with ``read`` will do (pipes, sockets wrapped as files, custom readers)."""

    class Reader:
        def __init__(self, data: bytes) -> None:
            self._inner = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._inner.read(min(size, 100))

    data = build_file([AccountRecord(base=base())] * 3)
    chunks = list(iter_chunks(Reader(data)))  # type: ignore[arg-type]
    assert sum(len(chunk) for chunk in chunks) == 3
    assert not [p for chunk in chunks for p in chunk.problems]


def test_iter_problems_matches_validate(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Streaming the problems gives exactly the report's list."""
    data = _file(base, build_file)
    assert list(iter_problems(io.BytesIO(data))) == validate_bytes(data).problems


def test_reading_without_validation_keeps_framing_problems(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """validate=False skips the rules but never hides where the bytes do not frame."""
    data = patched(build_file(), 426 + 123, b"XX")
    data = patched(data, 426, b"9999")
    options = ReadOptions(validate=False)
    rules = [
        p.rule for chunk in iter_chunks(io.BytesIO(data), options=options) for p in chunk.problems
    ]
    assert rules == ["framing.rdw"]
    assert len(read_file(data).accounts) == 1


def test_stopping_early_releases_the_workers(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Breaking out of the loop closes the reader's threads; a reader reads its stream once."""
    import threading

    from arrears.formats.metro2 import Metro2Reader

    data = build_file(
        [AccountRecord(base=base(consumer_account_number=f"LN{i}")) for i in range(50)]
    )
    before = threading.active_count()
    reader = Metro2Reader(io.BytesIO(data), options=ReadOptions(chunk_records=5, workers=2))
    chunks = iter(reader)
    next(chunks)
    chunks.close()  # what a ``break`` does to the generator
    assert threading.active_count() == before
    with pytest.raises(RuntimeError):
        iter(reader)
