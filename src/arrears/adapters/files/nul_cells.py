"""NUL bytes in import cells: refused as a problem of their cell, never sent to the database.

A NUL (byte 0) is not text: PostgreSQL refuses it in any text value, so a cell holding one
would otherwise abort the import with a database error instead of a problem naming the file,
row and field (DESIGN §6; issue 12, hostile input). SQLite would store it silently, so the rule
is the same on every database.
"""

from __future__ import annotations

import polars as pl

from arrears.adapters.files.checks import Rule
from arrears.adapters.files.kinds import FileKind, column_names

MESSAGE = "contains a NUL character (byte 0), which is not text"


def nul_rules(kind: FileKind, frame: pl.DataFrame) -> list[Rule]:
    """One rule per text column of ``kind`` in ``frame``: true where the cell holds a NUL."""
    known = set(column_names(kind))
    return [
        Rule(name, pl.col(name).str.contains("\x00", literal=True), MESSAGE)
        for name, dtype in frame.schema.items()
        if name in known and dtype == pl.Utf8
    ]
