"""Checks for rows that belong to a loan: schedules, collateral, valuations and payments.

They share one reference lookup — the loan by its external id, with its internal id, currency,
principal and origination date — so amounts are parsed in the loan's currency.
"""

from __future__ import annotations

import polars as pl

from arrears.adapters.files.checks import (
    Rule,
    given,
    parse_int,
    vin_check_failed,
    zip_frame,
)
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
from arrears.domain.collateral import CollateralKind, ValuationSource
from arrears.domain.money import CURRENCY_EXPONENTS
from arrears.domain.payments import PaymentMethod, PaymentStatus
from arrears.domain.vin import VIN_PATTERN

LOAN_REFERENCE_SCHEMA = {
    "external_id": pl.Utf8,
    "id": pl.Int64,
    "currency": pl.Utf8,
    "principal_minor": pl.Int64,
    "origination_date": pl.Date,
}


def _join_loans(frame: pl.DataFrame, references: pl.DataFrame, ref_column: str) -> pl.DataFrame:
    known = references if references.width else pl.DataFrame(schema=LOAN_REFERENCE_SCHEMA)
    known = known.select(
        pl.col("external_id").alias(ref_column),
        pl.col("id").alias("loan_ref_id"),
        pl.col("currency").alias("loan_currency"),
        pl.col("principal_minor").alias("loan_principal_minor"),
        pl.col("origination_date").alias("loan_origination"),
    )
    frame = frame.join(known, on=ref_column, how="left")
    # An unknown loan is its own problem; its amounts are still checked for their shape
    # (with the widest exponent) so one mistake does not hide behind another.
    exponent = exponent_of(pl.col("loan_currency")).fill_null(max(CURRENCY_EXPONENTS.values()))
    return frame.with_columns(exponent.alias("exponent"))


def _unknown_loan(column: str = "loan_id") -> Rule:
    return Rule(
        column,
        given(column) & pl.col("loan_ref_id").is_null(),
        "no such loan in this import or on file",
    )


# -- schedules ------------------------------------------------------------------------------------


def check_schedules(raw: RawBatch, context: CheckContext) -> CheckedBatch:
    """Installments, checked per loan: numbered 1..n, due dates increasing, principal adding up
    to the loan's principal. Batches hold whole schedules (see ``regroup``)."""
    frame = with_all_columns(raw, column_names(FileKind.SCHEDULES))
    frame = _join_loans(frame, context.references, "loan_id")
    frame = frame.with_columns(
        parse_int("installment_number").alias("seq"),
        typed_date("due_date").alias("due"),
        typed_amount("principal", pl.col("exponent")).alias("principal_minor"),
        typed_amount("interest", pl.col("exponent")).alias("interest_minor"),
        pl.when(given("fees"))
        .then(typed_amount("fees", pl.col("exponent")))
        .otherwise(0)
        .alias("fees_minor"),
    )
    per_loan = pl.col("loan_id")
    frame = frame.with_columns(
        (pl.col("seq").rank("ordinal").over(per_loan) != pl.col("seq")).alias("gap"),
        (pl.col("due").sort_by("seq").diff().over(per_loan, order_by="seq") <= pl.duration(days=0))
        .fill_null(False)
        .alias("not_increasing"),
        pl.col("principal_minor").sum().over(per_loan).alias("schedule_principal"),
        pl.col("seq").is_duplicated().over(per_loan).alias("seq_twice"),
    )
    rules = [
        id_rule("loan_id"),
        _unknown_loan(),
        required("installment_number"),
        Rule(
            "installment_number",
            given("installment_number") & ~(pl.col("seq") >= 1).fill_null(False),
            "a whole number from 1",
        ),
        Rule("installment_number", pl.col("seq_twice"), "appears twice for this loan"),
        Rule(
            "installment_number", pl.col("gap"), "installments are numbered 1, 2, 3… without gaps"
        ),
        *date_rules("due_date", "due", as_of=context.as_of, not_future=False),
        Rule("due_date", pl.col("not_increasing"), "due dates must increase with the number"),
        *amount_rules("principal", "principal_minor", positive=False),
        *amount_rules("interest", "interest_minor", positive=False),
        *amount_rules("fees", "fees_minor", optional=True, positive=False),
        Rule(
            "principal",
            pl.col("loan_ref_id").is_not_null()
            & (pl.col("schedule_principal") != pl.col("loan_principal_minor")),
            "the schedule's principal does not add up to the loan's principal",
        ),
    ]
    output = ["loan_ref_id", "seq", "due", "principal_minor", "interest_minor", "fees_minor"]
    return finish(FileKind.SCHEDULES, frame, rules, output, context)


# -- collateral -----------------------------------------------------------------------------------

_CONDITIONS = ["excellent", "good", "fair", "poor"]
_PROPERTY_TYPES = ["single_family", "condo", "multi_family", "manufactured", "land"]
_OCCUPANCY = ["owner", "tenant", "vacant"]


def check_collateral(raw: RawBatch, context: CheckContext) -> CheckedBatch:
    frame = with_all_columns(raw, column_names(FileKind.COLLATERAL))
    frame = _join_loans(frame, context.references, "loan_id")
    frame = frame.with_columns(
        pl.col("collateral_id").alias("external_id"),
        pl.col("kind").str.to_lowercase().alias("kind"),
        pl.col("vin").str.to_uppercase().alias("vin"),
        parse_int("year").alias("model_year"),
        parse_int("mileage").alias("odometer"),
        parse_int("lien_position").alias("lien"),
        pl.col("state").str.to_uppercase().alias("state"),
        pl.col("zip").str.slice(0, 5).alias("zip5"),
        typed_date("valued_on").alias("valued"),
        typed_amount("value", pl.col("exponent")).alias("value_minor"),
        pl.when(given("valuation_source"))
        .then(pl.col("valuation_source"))
        .otherwise(pl.lit(ValuationSource.ORIGINATION.value))
        .alias("valuation_source_code"),
    ).join(zip_frame(), on="zip5", how="left")
    frame = frame.with_columns(vin_check_failed(frame.get_column("vin")).alias("vin_bad_check"))
    vehicle = pl.col("kind") == CollateralKind.VEHICLE.value
    prop = pl.col("kind") == CollateralKind.PROPERTY.value
    rules = [
        id_rule("collateral_id"),
        within_batch_duplicates("collateral_id"),
        id_rule("loan_id"),
        _unknown_loan(),
        required("kind"),
        one_of("kind", [k.value for k in CollateralKind]),
        Rule("vin", vehicle & ~given("vin"), "a vehicle needs its VIN"),
        Rule(
            "vin",
            given("vin") & ~pl.col("vin").str.contains(VIN_PATTERN),
            "a VIN is 17 characters of A-Z and 0-9 without I, O or Q",
        ),
        Rule("vin", pl.col("vin_bad_check"), "the VIN's check digit is wrong (49 CFR 565.15)"),
        Rule("year", vehicle & ~given("year"), "a vehicle needs its model year"),
        Rule(
            "year",
            given("year")
            & ~pl.col("model_year").is_between(1950, context.as_of.year + 1).fill_null(False),
            f"a model year from 1950 to {context.as_of.year + 1}",
        ),
        Rule("make", vehicle & ~given("make"), "a vehicle needs its make"),
        Rule("model", vehicle & ~given("model"), "a vehicle needs its model"),
        max_length("make", 40),
        max_length("model", 60),
        Rule("mileage", given("mileage") & pl.col("odometer").is_null(), "a whole number ≥ 0"),
        one_of("condition", _CONDITIONS),
        Rule("address_line1", prop & ~given("address_line1"), "a property needs its address"),
        Rule("city", prop & ~given("city"), "a property needs its city"),
        Rule("state", prop & ~pl.col("state").is_in(list(geo.STATES)), "not a US state code"),
        Rule(
            "zip",
            prop & (~pl.col("zip").str.contains(geo.ZIP_PATTERN) | pl.col("zip_state").is_null()),
            "not an existing ZIP code",
        ),
        Rule(
            "zip",
            prop & pl.col("zip_state").is_not_null() & (pl.col("zip_state") != pl.col("state")),
            "this ZIP code is not in the given state",
        ),
        one_of("property_type", _PROPERTY_TYPES),
        Rule(
            "lien_position",
            given("lien_position") & ~pl.col("lien").is_between(1, 9).fill_null(False),
            "a lien position from 1 to 9",
        ),
        one_of("occupancy", _OCCUPANCY),
        *amount_rules("value", "value_minor", optional=True),
        *date_rules("valued_on", "valued", as_of=context.as_of, optional=True),
        Rule("valued_on", given("value") & ~given("valued_on"), "a value needs its date"),
        one_of("valuation_source", [s.value for s in ValuationSource]),
    ]
    output = [
        "external_id", "loan_ref_id", "kind", "vin", "model_year", "make", "model", "odometer",
        "condition", "address_line1", "address_line2", "city", "state", "zip", "property_type",
        "lien", "occupancy", "value_minor", "valued", "valuation_source_code",
    ]  # fmt: skip
    return finish(FileKind.COLLATERAL, frame, rules, output, context)


# -- valuations -----------------------------------------------------------------------------------

COLLATERAL_REFERENCE_SCHEMA = {"external_id": pl.Utf8, "id": pl.Int64, "currency": pl.Utf8}


def check_valuations(raw: RawBatch, context: CheckContext) -> CheckedBatch:
    frame = with_all_columns(raw, column_names(FileKind.VALUATIONS))
    known = (
        context.references
        if context.references.width
        else pl.DataFrame(schema=COLLATERAL_REFERENCE_SCHEMA)
    )
    frame = frame.join(
        known.select(
            pl.col("external_id").alias("collateral_id"),
            pl.col("id").alias("collateral_ref_id"),
            pl.col("currency").alias("collateral_currency"),
        ),
        on="collateral_id",
        how="left",
    )
    frame = frame.with_columns(
        typed_date("valued_on").alias("valued"),
        typed_amount(
            "amount",
            exponent_of(pl.col("collateral_currency")).fill_null(max(CURRENCY_EXPONENTS.values())),
        ).alias("amount_minor"),
        pl.when(given("source"))
        .then(pl.col("source"))
        .otherwise(pl.lit(ValuationSource.APPRAISAL.value))
        .alias("source_code"),
    )
    rules = [
        id_rule("collateral_id"),
        Rule(
            "collateral_id",
            given("collateral_id") & pl.col("collateral_ref_id").is_null(),
            "no such collateral in this import or on file",
        ),
        *date_rules("valued_on", "valued", as_of=context.as_of),
        *amount_rules("amount", "amount_minor"),
        one_of("source", [s.value for s in ValuationSource]),
    ]
    output = ["collateral_ref_id", "valued", "amount_minor", "source_code"]
    return finish(FileKind.VALUATIONS, frame, rules, output, context)


# -- payments -------------------------------------------------------------------------------------


def check_payments(raw: RawBatch, context: CheckContext) -> CheckedBatch:
    frame = with_all_columns(raw, column_names(FileKind.PAYMENTS))
    frame = _join_loans(frame, context.references, "loan_id")
    frame = frame.with_columns(
        pl.col("payment_id").alias("external_id"),
        typed_amount("amount", pl.col("exponent")).alias("amount_minor"),
        typed_date("effective_date").alias("effective"),
        typed_date("returned_date").alias("returned"),
        pl.when(given("method"))
        .then(pl.col("method").str.to_lowercase())
        .otherwise(pl.lit(PaymentMethod.ACH.value))
        .alias("method_code"),
        pl.when(given("status"))
        .then(pl.col("status").str.to_lowercase())
        .otherwise(pl.lit(PaymentStatus.POSTED.value))
        .alias("status_code"),
    )
    returned = pl.col("status_code") == PaymentStatus.RETURNED.value
    rules = [
        id_rule("payment_id"),
        within_batch_duplicates("payment_id"),
        id_rule("loan_id"),
        _unknown_loan(),
        *amount_rules("amount", "amount_minor"),
        *date_rules("effective_date", "effective", as_of=context.as_of),
        Rule(
            "effective_date",
            pl.col("effective") < pl.col("loan_origination"),
            "is before the loan's origination date",
        ),
        one_of("method", [m.value for m in PaymentMethod]),
        one_of("status", [s.value for s in PaymentStatus]),
        *date_rules("returned_date", "returned", as_of=context.as_of, optional=True),
        Rule("returned_date", returned & ~given("returned_date"), "a returned payment needs it"),
        Rule(
            "returned_date",
            pl.col("returned") < pl.col("effective"),
            "cannot be before effective_date",
        ),
        max_length("return_reason", 100),
    ]
    output = [
        "external_id", "loan_ref_id", "amount_minor", "effective", "method_code", "status_code",
        "returned", "return_reason",
    ]  # fmt: skip
    return finish(FileKind.PAYMENTS, frame, rules, output, context)


CHECKS = {
    FileKind.SCHEDULES: check_schedules,
    FileKind.COLLATERAL: check_collateral,
    FileKind.VALUATIONS: check_valuations,
    FileKind.PAYMENTS: check_payments,
}
