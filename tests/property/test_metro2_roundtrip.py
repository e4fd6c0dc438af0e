"""Hypothesis round trips of the Metro 2 codec (record -> bytes -> record, character and
packed) and a reader fuzz: arbitrary or mutated bytes only ever give the codec's own error."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.formats.metro2 import (
    AccountRecord,
    BaseSegment,
    Format,
    Framing,
    HeaderRecord,
    Metro2File,
    Metro2FormatError,
    ReadOptions,
    TrailerRecord,
    read_file,
    validate_bytes,
    write_records,
)
from arrears.formats.metro2.model import APPENDAGE_CLASSES
from arrears.formats.metro2.spec import FieldSpec, Kind, Presence, SegmentLayout

PRINTABLE = "".join(chr(code) for code in range(0x20, 0x7F))
FRAMINGS = [Framing(), Framing(blocked=True), Framing(line_separator=b"\r\n"), Framing.packed()]


def _text(spec: FieldSpec, *, packed: bool) -> st.SearchStrategy[str]:
    width = min(spec.length, spec.packed_width) if packed else spec.length
    text = st.text(PRINTABLE, max_size=width).map(lambda value: value.rstrip(" "))
    if spec.presence is Presence.REQUIRED:
        return text.filter(lambda value: value.strip() != "")
    return text


def _value(spec: FieldSpec, *, packed: bool) -> st.SearchStrategy[Any]:
    if spec.kind is Kind.TEXT:
        return _text(spec, packed=packed)
    if spec.kind is Kind.NUMBER:
        return st.integers(0, 10**spec.length - 1)
    if spec.kind is Kind.DATE:
        return st.none() | st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31))
    first = dt.datetime.combine(dt.date(1900, 1, 1), dt.time())
    last = dt.datetime.combine(dt.date(9999, 12, 31), dt.time(23, 59, 59))
    stamps = st.datetimes(first, last)
    return st.none() | stamps.map(lambda stamp: stamp.replace(microsecond=0))


def _segment(layout: SegmentLayout, cls: type, *, packed: bool) -> st.SearchStrategy[Any]:
    fields = {spec.name: _value(spec, packed=packed) for spec in layout.value_fields}
    return st.builds(cls, **fields)


@st.composite
def _files(draw: st.DrawFn) -> tuple[Metro2File, Framing]:
    framing = draw(st.sampled_from(FRAMINGS))
    packed = framing.format is Format.PACKED

    def segment(cls: type) -> Any:
        return draw(_segment(cls.LAYOUT, cls, packed=packed))  # type: ignore[attr-defined]

    accounts = []
    for _ in range(draw(st.integers(0, 3))):
        extras: dict[str, Any] = {}
        for name, cls in APPENDAGE_CLASSES.items():
            key = name.lower()
            if name in ("J1", "J2"):
                extras[key] = tuple(segment(cls) for _ in range(draw(st.integers(0, 2))))
            elif draw(st.booleans()):
                extras[key] = segment(cls)
        accounts.append(AccountRecord(base=segment(BaseSegment), **extras))
    header = segment(HeaderRecord) if draw(st.booleans()) else None
    trailer = segment(TrailerRecord) if draw(st.booleans()) else None
    file = Metro2File(header=header, accounts=tuple(accounts), trailer=trailer, framing=framing)
    return file, framing


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files())
def test_records_survive_bytes_and_back(case: tuple[Metro2File, Framing]) -> None:
    """Any spellable file (header, accounts with any appendages, trailer; character, blocked,
    CRLF or packed) is written and read back to the same records."""
    file, framing = case
    data = write_records(file, framing=framing)
    again = read_file(data, options=ReadOptions(format=framing.format, blocked=framing.blocked))
    assert again.header == file.header
    assert again.accounts == file.accounts
    assert again.trailer == file.trailer
    assert write_records(again, framing=framing) == data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([None, Format.CHARACTER, Format.PACKED]))
def test_arbitrary_bytes_only_raise_the_codec_error(data: bytes, forced: Format | None) -> None:
    """Random bytes: problems or Metro2FormatError, never another exception; always ends."""
    options = ReadOptions(format=forced, workers=0)
    validate_bytes(data, options=options)
    assert _refusal(data, options) in (None, True)


def _refusal(data: bytes, options: ReadOptions | None = None) -> bool | None:
    """None when the typed reader accepts the bytes; whether its error lists problems if not."""
    try:
        read_file(data, options=options)
    except Metro2FormatError as error:
        return bool(error.metro2_problems)
    return None


_GOOD = write_records(
    Metro2File(
        header=HeaderRecord(
            activity_date=dt.date(2025, 6, 30), reporter_name="L", reporter_address="A"
        ),
        accounts=(
            AccountRecord(base=BaseSegment(consumer_account_number="1", account_status="11")),
        ),
        trailer=TrailerRecord(total_base_records=1),
    ),
    framing=Framing(blocked=True),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_GOOD) - 1),
            st.sampled_from([*list(string.printable.encode()), 0, 128, 255]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, len(_GOOD)),
)
def test_mutated_good_files_only_raise_the_codec_error(
    mutations: list[tuple[int, int]], cut: int
) -> None:
    """A good blocked file with a few bytes changed and maybe cut short: problems or
    Metro2FormatError only, from the streaming reader as from the typed one."""
    data = bytearray(_GOOD)
    for where, byte in mutations:
        data[where] = byte
    mutated = bytes(data[:cut])
    report = validate_bytes(mutated, options=ReadOptions(workers=0, chunk_records=1))
    assert all(problem.rule for problem in report.problems)
    with contextlib.suppress(Metro2FormatError):
        read_file(io.BytesIO(mutated))
