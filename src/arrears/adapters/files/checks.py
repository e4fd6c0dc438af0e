"""Vectorised checks and parsers for text columns (one Polars pass per batch, no row loops).

A check is a ``Rule``: a boolean expression true where a row breaks it, the column to blame and
a message. Parsers turn text into typed values and yield null where the text is not valid, so a
rule is usually "given but did not parse". Every message says what a valid value looks like.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.domain import geo
from arrears.domain.contacts import EMAIL_PATTERN
from arrears.domain.vin import VIN_PATTERN, check_digit

ID_PATTERN = r"^[A-Za-z0-9._:/-]{1,64}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
AMOUNT_PATTERN = r"^[0-9]{1,13}(\.[0-9]+)?$"
RATE_PATTERN = r"^(0(\.[0-9]{1,6})?|\.[0-9]{1,6})$"
INT_PATTERN = r"^[0-9]{1,9}$"
TRUE_WORDS = ["true", "yes", "1", "y", "t"]
FALSE_WORDS = ["false", "no", "0", "n", "f"]


@dataclass(frozen=True)
class Rule:
    column: str
    failed: pl.Expr
    message: str


def given(name: str) -> pl.Expr:
    return pl.col(name).str.len_bytes() > 0


def text_or_null(name: str) -> pl.Expr:
    return pl.when(given(name)).then(pl.col(name)).otherwise(None)


# -- parsers (null where invalid) -----------------------------------------------------------------


def parse_date(name: str) -> pl.Expr:
    shaped = pl.col(name).str.contains(DATE_PATTERN)
    parsed = pl.col(name).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return pl.when(shaped).then(parsed).otherwise(None)


def parse_int(name: str) -> pl.Expr:
    return (
        pl.when(pl.col(name).str.contains(INT_PATTERN))
        .then(pl.col(name).cast(pl.Int64, strict=False))
        .otherwise(None)
    )


def parse_bool(name: str) -> pl.Expr:
    lowered = pl.col(name).str.to_lowercase()
    return (
        pl.when(lowered.is_in(TRUE_WORDS))
        .then(True)
        .when(lowered.is_in(FALSE_WORDS) | ~given(name))
        .then(False)
        .otherwise(None)
    )


def amount_decimals(name: str) -> pl.Expr:
    """How many decimals the amount was written with."""
    return pl.col(name).str.extract(r"\.([0-9]*)$", 1).fill_null("").str.len_chars()


def parse_amount(name: str, exponent: pl.Expr) -> pl.Expr:
    """Text in major units → Int64 minor units; null if malformed or too many decimals."""
    units = pl.col(name).str.extract(r"^([0-9]+)", 1).cast(pl.Int64, strict=False)
    fraction = pl.col(name).str.extract(r"\.([0-9]*)$", 1).fill_null("")
    decimals = fraction.str.len_chars().cast(pl.Int64)
    fraction_value = pl.when(decimals > 0).then(fraction.cast(pl.Int64, strict=False)).otherwise(0)
    scale = pl.lit(10, dtype=pl.Int64).pow(exponent.cast(pl.Int64))
    minor = units * scale + fraction_value * pl.lit(10, dtype=pl.Int64).pow(
        (exponent.cast(pl.Int64) - decimals).clip(lower_bound=0)
    )
    ok = pl.col(name).str.contains(AMOUNT_PATTERN) & (decimals <= exponent)
    return pl.when(ok).then(minor).otherwise(None)


def parse_rate_micros(name: str) -> pl.Expr:
    """A rate fraction with at most 6 decimals (``0.1299``) → Int64 millionths."""
    fraction = pl.col(name).str.extract(r"\.([0-9]*)$", 1).fill_null("")
    micros = fraction.str.pad_end(6, "0").cast(pl.Int64, strict=False).fill_null(0)
    ok = pl.col(name).str.contains(RATE_PATTERN)
    return pl.when(ok).then(micros).otherwise(None)


def phone_digits(name: str) -> pl.Expr:
    digits = pl.col(name).str.replace_all(r"[^0-9]", "")
    return (
        pl.when((digits.str.len_chars() == 11) & digits.str.starts_with("1"))
        .then(digits.str.slice(1))
        .otherwise(digits)
    )


def parse_phone(name: str) -> pl.Expr:
    """Any common writing of a US NANP number → E.164 (``+14155550123``); null if invalid."""
    digits = phone_digits(name)
    known_area = digits.str.slice(0, 3).is_in(list(geo.area_code_directory()))
    ok = digits.str.contains(geo.NANP_DIGITS_PATTERN) & known_area
    return pl.when(ok).then(pl.lit("+1") + digits).otherwise(None)


def ssn_digits(name: str) -> pl.Expr:
    return pl.col(name).str.replace_all("-", "")


def ssn_valid(name: str) -> pl.Expr:
    """SSA rules: 9 digits, area not 000 or 666, group not 00, serial not 0000; area 9xx is an
    ITIN and then the group must be in the IRS ITIN ranges (50–65, 70–88, 90–92, 94–99)."""
    digits = ssn_digits(name)
    area = digits.str.slice(0, 3)
    group = digits.str.slice(3, 2).cast(pl.Int64, strict=False)
    itin_group = (
        group.is_between(50, 65) | group.is_between(70, 88) | group.is_between(90, 92)
    ) | group.is_between(94, 99)
    return (
        digits.str.contains(r"^[0-9]{9}$")
        & ~area.is_in(["000", "666"])
        & (group != 0)
        & (digits.str.slice(5, 4) != "0000")
        & (~area.str.starts_with("9") | itin_group)
    )


def email_valid(name: str) -> pl.Expr:
    return pl.col(name).str.contains(EMAIL_PATTERN) & (pl.col(name).str.len_chars() <= 254)


def zip_frame() -> pl.DataFrame:
    """Every ZIP with its state and time zone, for joins."""
    directory = geo.zip_directory()
    return pl.DataFrame(
        {
            "zip5": list(directory),
            "zip_state": [z.state for z in directory.values()],
            "zip_time_zone": [z.time_zone for z in directory.values()],
        }
    )


def vin_check_failed(vins: pl.Series) -> pl.Series:
    """True where a well-formed VIN carries the wrong check digit (49 CFR 565.15)."""
    values = vins.to_list()
    shaped = vins.str.contains(VIN_PATTERN).fill_null(False).to_list()
    wrong = [bool(ok) and v[8] != check_digit(v) for v, ok in zip(values, shaped, strict=True)]
    return pl.Series(wrong, dtype=pl.Boolean)


# -- running rules ---------------------------------------------------------------------------------


PROBLEM_SCHEMA = {
    "file": pl.Utf8,
    "row": pl.Int64,
    "column": pl.Utf8,
    "value": pl.Utf8,
    "message": pl.Utf8,
}


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problems_from_rules(
    frame: pl.DataFrame,
    rows: np.ndarray,
    rules: list[Rule],
    *,
    file: str,
    sensitive: frozenset[str],
) -> pl.DataFrame:
    """Every broken rule of every row, as a problems frame (sensitive values masked)."""
    if not rules or frame.height == 0:
        return empty_problems()
    flags = frame.select(
        [rule.failed.fill_null(False).alias(f"__rule{i}") for i, rule in enumerate(rules)]
    )
    found = []
    row_series = pl.Series("row", rows, dtype=pl.Int64)
    for i, rule in enumerate(rules):
        mask = flags.get_column(f"__rule{i}")
        if not mask.any():
            continue
        values = (
            pl.Series(["(hidden)"] * int(mask.sum()), dtype=pl.Utf8)
            if rule.column in sensitive
            else _column_or_blank(frame, rule.column).filter(mask)
        )
        found.append(
            pl.DataFrame(
                {
                    "file": pl.Series([file] * int(mask.sum()), dtype=pl.Utf8),
                    "row": row_series.filter(mask),
                    "column": pl.Series([rule.column] * int(mask.sum()), dtype=pl.Utf8),
                    "value": values,
                    "message": pl.Series([rule.message] * int(mask.sum()), dtype=pl.Utf8),
                }
            )
        )
    return pl.concat(found) if found else empty_problems()


def _column_or_blank(frame: pl.DataFrame, name: str) -> pl.Series:
    if name in frame.columns and frame.schema[name] == pl.Utf8:
        return frame.get_column(name).str.slice(0, 80)
    return pl.Series([""] * frame.height, dtype=pl.Utf8)
