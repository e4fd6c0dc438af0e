"""Cells of every CSV file arrears writes for people to open, safe from formula injection.

OWASP "CSV Injection": a spreadsheet runs a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return as a formula, so a borrower named ``=HYPERLINK(...)`` could make a
collector's spreadsheet fetch a URL or run a command. Such a cell is written with an apostrophe
in front: the spreadsheet shows it as text and the characters stay as typed. One rule for every
export (agency files, reject files, print manifests) so none of them can drift.
"""

from __future__ import annotations

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet will not evaluate as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralised(column: str) -> pl.Expr:
    """``neutralise`` over a text column of a frame written with ``write_csv``."""
    return (
        pl.when(pl.col(column).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(column))
        .otherwise(pl.col(column))
        .alias(column)
    )
