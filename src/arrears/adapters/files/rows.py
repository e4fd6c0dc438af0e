"""What every kind of import row check shares: the context, the result and common rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from arrears.adapters.files.checks import (
    ID_PATTERN,
    Rule,
    given,
    parse_amount,
    parse_date,
    problems_from_rules,
)
from arrears.adapters.files.kinds import FileKind, sensitive_columns
from arrears.adapters.files.nul_cells import nul_rules
from arrears.adapters.files.readers import RawBatch
from arrears.domain.money import CURRENCY_EXPONENTS


@dataclass(frozen=True)
class CheckContext:
    """What row checks need to know besides the rows: the import's date and the referenced
    records already known (an empty frame when none)."""

    file: str
    as_of: date
    references: pl.DataFrame = field(default_factory=pl.DataFrame)


@dataclass
class CheckedBatch:
    """Typed rows that passed every check (with their ``row`` numbers) and the problems found."""

    kind: FileKind
    valid: pl.DataFrame
    problems: pl.DataFrame
    rejected_rows: pl.Series  # row numbers with at least one problem


def with_all_columns(raw: RawBatch, columns: list[str]) -> pl.DataFrame:
    """The batch with every known column (absent optional ones as empty text) and its rows."""
    frame = raw.frame.with_columns(
        pl.lit("").alias(name) for name in columns if name not in raw.frame.columns
    )
    return frame.with_columns(pl.Series("row", raw.rows, dtype=pl.Int64))


def finish(
    kind: FileKind,
    frame: pl.DataFrame,
    rules: list[Rule],
    output: list[str],
    context: CheckContext,
) -> CheckedBatch:
    """Evaluate ``rules`` over ``frame`` (text columns plus parsed ones) and split the rows
    that passed every rule (as the ``output`` columns and ``row``) from the problems."""
    problems = problems_from_rules(
        frame,
        frame.get_column("row").to_numpy(),
        [*rules, *nul_rules(kind, frame)],
        file=context.file,
        sensitive=sensitive_columns(kind),
    )
    bad = problems.get_column("row").unique()
    valid = frame.filter(~pl.col("row").is_in(bad.implode())).select([*output, "row"])
    return CheckedBatch(kind, valid, problems, bad)


def required(name: str) -> Rule:
    return Rule(name, ~given(name), "a value is required")


def id_rule(name: str, *, optional: bool = False) -> Rule:
    shape = ~pl.col(name).str.contains(ID_PATTERN)
    failed = given(name) & shape if optional else shape
    return Rule(name, failed, "an id is 1-64 letters, digits or . _ : / -")


def max_length(name: str, limit: int) -> Rule:
    return Rule(name, pl.col(name).str.len_chars() > limit, f"at most {limit} characters")


def one_of(name: str, values: list[str], *, optional: bool = True) -> Rule:
    failed = ~pl.col(name).is_in(values)
    if optional:
        failed = given(name) & failed
    return Rule(name, failed, "must be one of: " + ", ".join(values))


def date_rules(
    name: str, parsed: str, *, as_of: date, optional: bool = False, not_future: bool = True
) -> list[Rule]:
    """The value is a real ISO date (2023-02-30 is not) and, usually, not after the import date."""
    rules = [
        Rule(
            name,
            given(name) & pl.col(parsed).is_null(),
            "not a real date in YYYY-MM-DD form",
        )
    ]
    if not optional:
        rules.append(required(name))
    if not_future:
        rules.append(Rule(name, pl.col(parsed) > pl.lit(as_of), f"is after {as_of.isoformat()}"))
    return rules


def amount_rules(
    name: str, parsed: str, *, optional: bool = False, positive: bool = True
) -> list[Rule]:
    rules = [
        Rule(name, pl.col(name).str.starts_with("-"), "must not be negative"),
        Rule(
            name,
            given(name) & ~pl.col(name).str.starts_with("-") & pl.col(parsed).is_null(),
            "not an amount: digits with an optional decimal point, no more decimals than "
            "the currency has (2 for USD), no thousands separators or symbols",
        ),
    ]
    if not optional:
        rules.append(required(name))
    if positive:
        rules.append(Rule(name, pl.col(parsed) == 0, "must be more than zero"))
    return rules


def exponent_of(currency: pl.Expr) -> pl.Expr:
    return currency.replace_strict(CURRENCY_EXPONENTS, default=None, return_dtype=pl.Int64)


def typed_amount(name: str, exponent: pl.Expr) -> pl.Expr:
    return pl.when(given(name)).then(parse_amount(name, exponent)).otherwise(None)


def typed_date(name: str) -> pl.Expr:
    return parse_date(name)


def within_batch_duplicates(name: str) -> Rule:
    return Rule(name, given(name) & pl.col(name).is_duplicated(), "appears more than once")
