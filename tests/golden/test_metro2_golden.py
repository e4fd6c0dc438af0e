"""The public Metro 2 fixtures (tests/golden/metro2, from moov-io/metro2) read and write back
byte for byte, line breaks aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.formats.metro2 import read_appendage, read_file, write_appendage, write_records

FIXTURES = Path(__file__).resolve().parent / "metro2"
RECORDS = ["header_record.dat", "base_segment.dat", "trailer_record.dat"]
SEGMENTS = sorted(path.name for path in FIXTURES.glob("*_segment.dat") if path.name[0] in "jkln")


def _without_line_breaks(data: bytes) -> bytes:
    return data.replace(b"\r", b"").replace(b"\n", b"")


def test_every_good_fixture_is_covered() -> None:
    """No good file is left out (a new fixture must be added to one of the lists)."""
    assert sorted(RECORDS + SEGMENTS) == sorted(path.name for path in FIXTURES.glob("*.dat"))


@pytest.mark.parametrize("name", RECORDS)
def test_records_read_and_write_back_identically(name: str) -> None:
    """Header, base (with every appendage, BDW 1268 / RDW 1264) and trailer files: the
    descriptor words recomputed from the content equal the ones in the file."""
    data = (FIXTURES / name).read_bytes()
    file = read_file(data)
    assert write_records(file) == _without_line_breaks(data)


@pytest.mark.parametrize("name", SEGMENTS)
def test_appendage_segments_read_and_write_back_identically(name: str) -> None:
    """J1, J2, K1, K2, K3, K4, L1 and N1 alone."""
    data = (FIXTURES / name).read_bytes()
    segment = read_appendage(data)
    assert write_appendage(segment) == _without_line_breaks(data)
    assert segment.LAYOUT.name == name[:2].upper()


def test_the_base_fixture_decodes_to_the_published_values() -> None:
    """Spot checks of the decoded base segment against the fixture's text."""
    file = read_file((FIXTURES / "base_segment.dat").read_bytes())
    account = file.accounts[0]
    assert (account.base.consumer_account_number, account.base.surname) == (
        "553723456",
        "SMITH-JONES",
    )
    assert (account.base.highest_credit, account.base.current_balance) == (2438, 2233)
    assert (len(account.j1), len(account.j2)) == (1, 2)
    assert account.k1 is not None
    assert account.k1.original_creditor_name == ("WETCOSAT INDUSTRIES LTD.")
    assert account.k4 is not None
    assert account.k4.balloon_payment_amount == 1234
    assert file.framing.blocked
