"""Checks for ``loans`` rows (docs/data-formats.md#loans)."""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.adapters.files.checks import Rule, given, parse_int, parse_rate_micros
from arrears.adapters.files.kinds import FileKind, column_names
from arrears.adapters.files.readers import RawBatch
from arrears.adapters.files.rows import (
    CheckContext,
    CheckedBatch,
    amount_rules,
    date_rules,
    exponent_of,
    finish,
    id_rule,
    max_length,
    one_of,
    required,
    typed_amount,
    typed_date,
    with_all_columns,
    within_batch_duplicates,
)
from arrears.domain import geo
from arrears.domain.loans import DEFAULT_CONTRACT_TYPE, ContractType, LoanStatus, Product

OUTPUT = [
    "external_id",
    "borrower_id",
    "co_borrower_ref_id",
    "product",
    "currency_code",
    "principal_minor",
    "annual_rate_micros",
    "term",
    "origination",
    "first_due",
    "contract_state",
    "contract_kind",
    "credit_limit_minor",
    "loan_status",
    "charge_off",
    "charge_off_amount_minor",
    "original_creditor",
]

#: References this kind needs: borrower ids (``external_id`` → ``id``).
REFERENCE_COLUMNS = ("borrower_id", "co_borrower_id")


def check_loans(raw: RawBatch, context: CheckContext) -> CheckedBatch:
    frame = with_all_columns(raw, column_names(FileKind.LOANS))
    frame = frame.with_columns(
        pl.col("loan_id").alias("external_id"),
        pl.col("borrower_id").alias("borrower_ref"),
        pl.col("product").str.to_lowercase().alias("product"),
        pl.when(given("currency"))
        .then(pl.col("currency").str.to_uppercase())
        .otherwise(pl.lit("USD"))
        .alias("currency_code"),
        parse_rate_micros("annual_rate").alias("annual_rate_micros"),
        parse_int("term_months").alias("term"),
        typed_date("origination_date").alias("origination"),
        typed_date("first_due_date").alias("first_due"),
        typed_date("charge_off_date").alias("charge_off"),
        pl.col("contract_state").str.to_uppercase().alias("contract_state"),
        pl.when(given("status"))
        .then(pl.col("status").str.to_lowercase())
        .otherwise(pl.lit(LoanStatus.ACTIVE.value))
        .alias("loan_status"),
    )
    frame = frame.with_columns(
        pl.when(given("contract_type"))
        .then(pl.col("contract_type").str.to_lowercase())
        .otherwise(
            pl.col("product").replace_strict(
                {p.value: t.value for p, t in DEFAULT_CONTRACT_TYPE.items()}, default=None
            )
        )
        .alias("contract_kind"),
        exponent_of(pl.col("currency_code")).alias("exponent"),
    )
    frame = frame.with_columns(
        typed_amount("principal", pl.col("exponent")).alias("principal_minor"),
        typed_amount("credit_limit", pl.col("exponent")).alias("credit_limit_minor"),
        typed_amount("charge_off_amount", pl.col("exponent")).alias("charge_off_amount_minor"),
    )
    frame = _join_borrowers(frame, context.references)
    return finish(FileKind.LOANS, frame, _rules(context.as_of), OUTPUT, context)


def _join_borrowers(frame: pl.DataFrame, references: pl.DataFrame) -> pl.DataFrame:
    known = (
        references.select(pl.col("external_id").alias("borrower_ref"), pl.col("id"))
        if references.width
        else pl.DataFrame(schema={"borrower_ref": pl.Utf8, "id": pl.Int64})
    )
    frame = frame.join(known.rename({"id": "borrower_id_resolved"}), on="borrower_ref", how="left")
    co = known.rename({"borrower_ref": "co_borrower_id", "id": "co_borrower_ref_id"})
    frame = frame.join(co, on="co_borrower_id", how="left")
    return frame.with_columns(
        pl.col("borrower_id_resolved").alias("borrower_id").cast(pl.Int64),
        pl.col("borrower_ref").alias("borrower_id_text"),
    )


def _rules(as_of: date) -> list[Rule]:
    products = [p.value for p in Product]
    return [
        id_rule("loan_id"),
        within_batch_duplicates("loan_id"),
        id_rule("borrower_id_text"),
        Rule(
            "borrower_id",
            given("borrower_id_text") & pl.col("borrower_id").is_null(),
            "no such borrower in this import or on file",
        ),
        id_rule("co_borrower_id", optional=True),
        Rule(
            "co_borrower_id",
            given("co_borrower_id") & pl.col("co_borrower_ref_id").is_null(),
            "no such borrower in this import or on file",
        ),
        Rule(
            "co_borrower_id",
            given("co_borrower_id") & (pl.col("co_borrower_id") == pl.col("borrower_id_text")),
            "the co-borrower must be another person",
        ),
        required("product"),
        one_of("product", products),
        Rule("currency", pl.col("exponent").is_null(), "unknown ISO 4217 currency code"),
        *amount_rules("principal", "principal_minor"),
        required("annual_rate"),
        Rule(
            "annual_rate",
            given("annual_rate") & pl.col("annual_rate_micros").is_null(),
            "a rate is a fraction from 0 to below 1 with at most 6 decimals (0.1299 = 12.99%)",
        ),
        required("term_months"),
        Rule(
            "term_months",
            given("term_months") & ~pl.col("term").is_between(1, 480).fill_null(False),
            "a whole number of months from 1 to 480",
        ),
        *date_rules("origination_date", "origination", as_of=as_of),
        *date_rules("first_due_date", "first_due", as_of=as_of, not_future=False),
        Rule(
            "first_due_date",
            pl.col("first_due") <= pl.col("origination"),
            "must be after origination_date",
        ),
        required("contract_state"),
        Rule(
            "contract_state",
            given("contract_state") & ~pl.col("contract_state").is_in(list(geo.STATES)),
            "not a US state, DC or territory code",
        ),
        one_of("contract_type", [t.value for t in ContractType]),
        *amount_rules("credit_limit", "credit_limit_minor", optional=True),
        one_of("status", [s.value for s in LoanStatus]),
        *date_rules("charge_off_date", "charge_off", as_of=as_of, optional=True),
        *amount_rules("charge_off_amount", "charge_off_amount_minor", optional=True),
        Rule(
            "charge_off_date",
            (pl.col("loan_status") == LoanStatus.CHARGED_OFF.value)
            & pl.col("charge_off").is_null(),
            "a charged-off loan needs its charge-off date",
        ),
        Rule(
            "charge_off_amount",
            (pl.col("loan_status") == LoanStatus.CHARGED_OFF.value) & ~given("charge_off_amount"),
            "a charged-off loan needs the amount charged off",
        ),
        Rule(
            "charge_off_date",
            pl.col("charge_off") < pl.col("origination"),
            "cannot be before origination_date",
        ),
        max_length("original_creditor", 60),
    ]
