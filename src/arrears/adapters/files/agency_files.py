"""Agency files: the placement and recall files arrears writes, the remittance file it reads.

Layouts are documented in docs/agencies.md. Every cell written is neutralised against CSV
formula injection (OWASP "CSV Injection"): a cell beginning with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is prefixed with an apostrophe, so a spreadsheet shows it as text
instead of evaluating it (a borrower named ``=HYPERLINK(...)`` stays a name). Amounts are
written in major units with the currency's decimals; SSN and date of birth are never written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from arrears.domain.agencies.remittance import COLUMNS as REMITTANCE_COLUMNS
from arrears.domain.money import Money
from arrears.errors import Problem
from arrears.formats.csv_cells import neutralise  # the one shared rule

PLACEMENT_COLUMNS = (
    "placement_id", "agency_code", "account", "placed_on", "recall_due_on", "tier",
    "first_name", "last_name", "address_line1", "address_line2", "city", "state", "zip",
    "product", "original_creditor", "charge_off_date", "currency", "balance", "principal",
    "interest", "fees", "commission_rate",
)  # fmt: skip

RECALL_COLUMNS = (
    "placement_id", "agency_code", "account", "placed_on", "recalled_on", "reason",
)  # fmt: skip


def placement_row(record: Mapping[str, Any]) -> dict[str, str]:
    """One placement file row from ``SqlAgencies.file_rows``."""
    currency = str(record["currency"])

    def amount(minor: int) -> str:
        return str(Money(int(minor), currency).to_decimal())

    return {
        "placement_id": str(record["id"]), "agency_code": record["agency_code"],
        "account": record["account"], "placed_on": str(record["placed_on"]),
        "recall_due_on": str(record["recall_due_on"]), "tier": str(record["tier"]),
        "first_name": record["first_name"], "last_name": record["last_name"],
        "address_line1": record["address_line1"], "address_line2": record["address_line2"] or "",
        "city": record["city"], "state": record["state"], "zip": record["zip"],
        "product": record["product"], "original_creditor": record["original_creditor"] or "",
        "charge_off_date": str(record["charge_off_date"] or ""), "currency": currency,
        "balance": amount(record["balance_minor"]), "principal": amount(record["principal_minor"]),
        "interest": amount(record["interest_minor"]), "fees": amount(record["fees_minor"]),
        "commission_rate": f"{Decimal(int(record['commission_micros'])).scaleb(-6).normalize():f}",
    }  # fmt: skip


def recall_row(record: Mapping[str, Any]) -> dict[str, str]:
    return {
        "placement_id": str(record["id"]), "agency_code": record["agency_code"],
        "account": record["account"], "placed_on": str(record["placed_on"]),
        "recalled_on": str(record["recalled_on"] or ""), "reason": record["recall_reason"],
    }  # fmt: skip


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> int:
    """Write ``rows`` under ``columns`` (every cell neutralised); returns the rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(row.get(column, "")) for column in columns])
            count += 1
    return count


def read_remittance(path: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """The rows of a remittance file, or the whole-file problems that stop it being read."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return [], [Problem(name, 0, "", "", f"cannot read the file: {error}")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REMITTANCE_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REMITTANCE_COLUMNS]
    problems = [Problem(name, 1, c, "", "required column is missing") for c in missing]
    problems += [Problem(name, 1, c, "", "unknown column") for c in unknown]
    if problems:
        return [], problems
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    if not rows:
        problems.append(Problem(name, 0, "", "", "the file has no payments"))
    return rows, problems


def write_rejects(path: Path, problems: Iterable[Problem]) -> int:
    """Every problem as a CSV row (file, row, column, value, message), values neutralised."""
    rows = (
        {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "message": p.message}
        for p in problems
    )
    return write_csv(path, ("file", "row", "column", "value", "message"), rows)
