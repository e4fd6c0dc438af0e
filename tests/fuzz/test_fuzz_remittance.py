"""Hostile agency remittances (issue 12): what ``arrears agency remit`` does — read the CSV
(``read_remittance``) then import it (``import_remittance``) — on files of random bytes, good
files cut short or garbled, and well-formed files whose cells are hostile (wrong types, huge or
negative amounts, impossible dates, unicode, NULs, formulas, unknown and repeated references).
All or nothing: the import posts every row or raises ``ValidationFailed`` (an
``ArrearsError``) whose problems name the file, the row and the field, and then nothing is
written (every table counted before and after). Never another exception.

One database per module (SQLite, and PostgreSQL when configured) with R1 and R2 placed with
ACME; seeded, a few dozen examples in CI and many more under ``-m slow``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arrears.adapters.files.agency_files import read_remittance
from arrears.bootstrap import Container
from arrears.domain.agencies.model import Agency, FeeStep
from arrears.errors import ArrearsError, ValidationFailed
from arrears.services.agency_placement import add_agency, place_account
from arrears.services.agency_remittance import import_remittance
from fuzz.conftest import examples
from support.db import table_counts
from support.recovery import AGENT, import_book, recovery_of

COLUMNS = ("payment_ref", "account", "collected_on", "amount", "commission")
GOOD = {"payment_ref": "P-1", "account": "R1", "collected_on": "2026-11-20", "amount": "10.00",
        "commission": "2.00"}  # fmt: skip
HOSTILE = [
    "", " ", "R1", "R2", "R3", "NOPE", "P-1", "-1.00", "0", "0.00", "1e9", "NaN", "1,000.00",
    "12.345", "9" * 25, "92233720368547758.07", "2026-02-30", "2026-11-27", "2099-01-01",
    "0001-01-01", "20261120", "=1+1", "@SUM(A1)", "\x00", "P\x00", "名前", "\u202e", "x" * 5000,
]  # fmt: skip
cells = st.sampled_from(HOSTILE) | st.text(max_size=30)


@pytest.fixture(scope="module")
def book(module_container: Container, tmp_path_factory: pytest.TempPathFactory) -> Container:
    import_book(module_container, tmp_path_factory.mktemp("book"))
    fees = (FeeStep(0, Decimal("0.20")),)
    agency = Agency(code="ACME", name="Acme Recovery", tier=1, fees=fees, capacity=10,
                    states=frozenset({"MA", "CA", "TX"}))  # fmt: skip
    add_agency(agency, actor=AGENT, uow_factory=module_container.uow, clock=module_container.clock)
    for ref in ("R1", "R2"):
        place_account(ref, actor=AGENT, uow_factory=module_container.uow,
                      clock=module_container.clock, recovery=recovery_of(module_container),
                      agency_code="ACME")  # fmt: skip
    return module_container


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("remittances")


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _remit(book: Container, path: Path, data: bytes) -> None:
    """Read and import ``data`` as the command does: all rows posted, or a refusal naming
    file, row and field that writes nothing."""
    path.write_bytes(data)
    rows, problems = read_remittance(path)
    before = table_counts(book)
    refused: ArrearsError | None = None
    try:
        import_remittance("ACME", rows, file_name=path.name,
                          sha256=hashlib.sha256(data).hexdigest(), actor=AGENT,
                          uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book),
                          file_problems=problems)  # fmt: skip
    except ArrearsError as error:
        refused = error
    if refused is None:
        assert not problems
        return
    assert table_counts(book) == before, "a refused remittance must change nothing"
    assert isinstance(refused, ValidationFailed), refused
    assert refused.problems
    for problem in refused.problems:
        assert problem.file == path.name, problem
        assert problem.message, problem
        if problem.row > 1:
            assert problem.column in COLUMNS, problem


@given(data=st.binary(max_size=600))
@example(data=b"\xef\xbb\xbfpayment_ref,account\n\x00")
@examples(ci=25, slow=1000)
def test_random_bytes_are_refused_cleanly(book: Container, folder: Path, data: bytes) -> None:
    """A remittance file of random bytes."""
    _remit(book, folder / "random.csv", data)


@given(cut=st.integers(0, 400), edits=st.lists(st.tuples(st.integers(0, 400), st.binary(max_size=3)), max_size=4))  # fmt: skip
@examples(ci=25, slow=1000)
def test_good_files_cut_or_garbled(
    book: Container, folder: Path, cut: int, edits: list[tuple[int, bytes]]
) -> None:
    """A good two-row remittance cut short and with a few bytes changed (quotes, commas,
    line ends, bytes that are not UTF-8)."""
    good = _csv([GOOD, {**GOOD, "payment_ref": "P-2", "account": "R2"}])
    data = good[:cut]
    for place, replacement in edits:
        where = min(place, len(data))
        data = data[:where] + replacement + data[where + 1 :]
    _remit(book, folder / "garbled.csv", data)


@st.composite
def hostile_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    count = draw(st.integers(1, 4))
    rows = [
        {**GOOD, "payment_ref": f"F-{draw(st.integers(0, 10**6))}", "account": draw(st.sampled_from(["R1", "R2"]))}
        for _ in range(count)
    ]  # fmt: skip
    for _ in range(draw(st.integers(1, 3))):
        rows[draw(st.integers(0, count - 1))][draw(st.sampled_from(COLUMNS))] = draw(cells)
    return rows


@given(rows=hostile_rows())
@example(rows=[{**GOOD, "payment_ref": "P\x00"}])
@example(rows=[{**GOOD, "payment_ref": "x" * 5000}])
@example(rows=[{**GOOD, "payment_ref": "BIG-1", "amount": "92233720368547758.07"}])
@example(rows=[{**GOOD, "payment_ref": "BIG-2", "amount": "9" * 13, "commission": "0"}])
@examples(ci=40, slow=1500)
def test_hostile_cells_are_posted_whole_or_refused_whole(
    book: Container, folder: Path, rows: list[dict[str, str]]
) -> None:
    """Well-formed files with hostile cells: every row posted, or none and every problem
    named."""
    _remit(book, folder / "hostile.csv", _csv(rows))
