"""The daily print batch: the folder of a business day's letters and its manifest.

``<print dir>/<YYYY-MM-DD>/letters/*.pdf`` are the letters; ``manifest.csv`` and
``manifest.json`` list each one — letter id, account, recipient address lines, template and
version, language, pages and the SHA-256 of the PDF — in letter-id order, so that the print
house can check it received exactly what was sent (its cells neutralised against spreadsheet
formulas: ``formats.csv_cells``). The manifest is written from what the
outbox recorded and checked against the files on disk; it has no timestamp, so building the
same day's batch again writes the same bytes (idempotent).

Envelopes: the letters are laid out for a #10 double-window envelope; only the return address
(a business name that does not suggest debt collection) and the recipient's address show
(15 U.S.C. 1692f(8)); the manifest records the return name for the print house.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

from arrears.errors import ArrearsError
from arrears.formats.csv_cells import neutralise
from arrears.services.ports import BatchFiles, ManifestRow

MANIFEST_COLUMNS = (
    "letter_id", "account", "recipient_name", "address_lines", "template", "template_version",
    "language", "pages", "sha256", "file",
)  # fmt: skip


class PrintBatchFolders:
    """Implements ``PrintBatches``: writes and checks a day's manifest."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write_manifest(
        self, day: date, rows: Sequence[ManifestRow], *, return_name: str
    ) -> BatchFiles:
        folder = self.root / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        problems = [p for row in rows if (p := self._check(row))]
        if problems:
            raise ArrearsError(f"print batch {day} does not match its letters: {problems[:5]}")
        ordered = sorted(rows, key=lambda row: row.letter_id)
        _write(folder / "manifest.csv", _csv(ordered))
        document = {
            "batch_date": day.isoformat(),
            "return_name": return_name,
            "letters": len(ordered),
            "pages": sum(row.pages for row in ordered),
            "items": [{**asdict(row), "address_lines": list(row.address_lines)} for row in ordered],
        }
        _write(folder / "manifest.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return BatchFiles(
            folder, folder / "manifest.csv", folder / "manifest.json", len(ordered),
            document["pages"],  # type: ignore[arg-type]
        )  # fmt: skip

    def _check(self, row: ManifestRow) -> str:
        path = self.root / row.file
        if not path.is_file():
            return f"letter {row.letter_id}: {row.file} is missing"
        if hashlib.sha256(path.read_bytes()).hexdigest() != row.sha256:
            return f"letter {row.letter_id}: {row.file} changed since it was printed"
        return ""


def _csv(rows: Sequence[ManifestRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180 CRLF rows: a CR inside a cell is quoted, not a row end
    writer.writerow(MANIFEST_COLUMNS)
    for row in rows:
        values = asdict(row)
        values["address_lines"] = " | ".join(row.address_lines)
        writer.writerow([neutralise(values[column]) for column in MANIFEST_COLUMNS])
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
