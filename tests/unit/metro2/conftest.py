"""Fixtures of the Metro 2 codec tests: a valid header and account, files built from them, and
byte-level patching (to put exactly one bad value at a known position)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    BaseSegment,
    Framing,
    HeaderRecord,
    Metro2File,
    write_file,
)
from arrears.formats.metro2.spec import BASE, RECORD_LENGTH, SegmentLayout

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "metro2"

ACTIVITY = dt.date(2025, 6, 30)


def valid_header() -> HeaderRecord:
    return HeaderRecord(
        equifax_program_identifier="EQ00000001",
        transunion_program_identifier="TU00000001",
        activity_date=ACTIVITY,
        date_created=dt.date(2025, 7, 1),
        reporter_name="ARREARS TEST LENDER",
        reporter_address="1 TEST PLAZA, AUSTIN TX 78701",
        reporter_telephone_number=5125550100,
    )


def valid_base(**changes: object) -> BaseSegment:
    base = BaseSegment(
        time_stamp=dt.datetime.combine(ACTIVITY, dt.time(12, 0, 0)),
        identification_number="ARREARS01",
        consumer_account_number="LN0001",
        portfolio_type="I",
        account_type="00",
        date_opened=dt.date(2020, 1, 15),
        highest_credit=12_000,
        terms_duration="060",
        terms_frequency="M",
        scheduled_monthly_payment=250,
        actual_payment=250,
        account_status="11",
        payment_history_profile="000000000000000000000000",
        current_balance=8_000,
        date_of_account_information=ACTIVITY,
        date_of_last_payment=dt.date(2025, 6, 15),
        surname="DOE",
        first_name="JANE",
        social_security_number=123_456_789,
        date_of_birth=dt.date(1980, 5, 17),
        telephone_number=5_125_550_199,
        ecoa_code="1",
        country_code="US",
        first_line_of_address="1 MAIN ST",
        city="AUSTIN",
        state="TX",
        postal_zip_code="78701",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def build(
    accounts: Sequence[AccountRecord] | None = None,
    *,
    framing: Framing | None = None,
    header: HeaderRecord | None = None,
) -> bytes:
    """A complete file (computed trailer), written without semantic validation."""
    chosen = accounts if accounts is not None else [AccountRecord(base=valid_base())]
    file = Metro2File(header=header or valid_header(), accounts=tuple(chosen))
    return write_file(file, framing=framing or Framing(), validate=False)


def field_position(record: int, name: str, layout: SegmentLayout = BASE) -> int:
    """Byte offset of a field in a plain character file (no BDW, no appendages)."""
    return (record - 1) * RECORD_LENGTH + layout.field(name).offset


def patch(data: bytes, position: int, value: bytes) -> bytes:
    return data[:position] + value + data[position + len(value) :]


@pytest.fixture
def header() -> HeaderRecord:
    return valid_header()


@pytest.fixture
def base() -> Callable[..., BaseSegment]:
    """A factory of valid base segments; keyword arguments replace fields."""
    return valid_base


@pytest.fixture
def build_file() -> Callable[..., bytes]:
    return build


@pytest.fixture
def golden() -> Path:
    return GOLDEN


@pytest.fixture
def position() -> Callable[..., int]:
    return field_position


@pytest.fixture
def patched() -> Callable[[bytes, int, bytes], bytes]:
    return patch


def fuzz_payloads() -> dict[str, bytes]:
    """The payloads of the ``go test fuzz v1`` seeds (``string("…")`` or ``[]byte("…")``)."""
    import codecs

    found: dict[str, bytes] = {}
    for path in sorted((GOLDEN / "fuzz").iterdir()):
        line = path.read_bytes().splitlines()[1]
        quoted = line[line.index(b'"') + 1 : line.rindex(b'"')]
        found[path.name] = codecs.escape_decode(quoted)[0]  # type: ignore[attr-defined]
    return found


def crashers() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((GOLDEN / "crashers").iterdir())}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that take ``fuzz_payload`` or ``crasher`` run once per vendored file."""
    if "fuzz_payload" in metafunc.fixturenames:
        payloads = fuzz_payloads()
        metafunc.parametrize("fuzz_payload", list(payloads.values()), ids=list(payloads))
    if "crasher" in metafunc.fixturenames:
        files = crashers()
        metafunc.parametrize("crasher", list(files.values()), ids=[n[:12] for n in files])
