"""Checks for ``borrowers`` rows (docs/data-formats.md#borrowers)."""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.adapters.files.checks import (
    Rule,
    email_valid,
    given,
    parse_bool,
    parse_phone,
    ssn_digits,
    ssn_valid,
    text_or_null,
    zip_frame,
)
from arrears.adapters.files.kinds import FileKind, column_names
from arrears.adapters.files.readers import RawBatch
from arrears.adapters.files.rows import (
    CheckContext,
    CheckedBatch,
    date_rules,
    finish,
    id_rule,
    max_length,
    one_of,
    required,
    typed_date,
    with_all_columns,
    within_batch_duplicates,
)
from arrears.domain import geo
from arrears.domain.borrowers import LANGUAGES

OUTPUT = [
    "external_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "dob",
    "ssn_digits",
    "language_code",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
    "address_time_zone",
    "mobile_e164",
    "home_e164",
    "work_e164",
    "sms_consent_flag",
    "email_address",
    "work_email_address",
    "email_opt_out_flag",
]

_PHONES = {"mobile_phone": "mobile_e164", "home_phone": "home_e164", "work_phone": "work_e164"}


def check_borrowers(raw: RawBatch, context: CheckContext) -> CheckedBatch:
    frame = with_all_columns(raw, column_names(FileKind.BORROWERS))
    frame = frame.with_columns(
        pl.col("borrower_id").alias("external_id"),
        typed_date("date_of_birth").alias("dob"),
        pl.when(given("ssn")).then(ssn_digits("ssn")).otherwise(None).alias("ssn_digits"),
        pl.when(given("language"))
        .then(pl.col("language").str.to_lowercase())
        .otherwise(pl.lit("en"))
        .alias("language_code"),
        pl.col("state").str.to_uppercase().alias("state"),
        pl.col("zip").str.slice(0, 5).alias("zip5"),
        *(parse_phone(raw_name).alias(typed) for raw_name, typed in _PHONES.items()),
        parse_bool("sms_consent").alias("sms_consent_flag"),
        parse_bool("email_opt_out").alias("email_opt_out_flag"),
        text_or_null("email").str.to_lowercase().alias("email_address"),
        text_or_null("work_email").str.to_lowercase().alias("work_email_address"),
    )
    frame = frame.join(zip_frame(), on="zip5", how="left").with_columns(
        pl.col("zip_time_zone").alias("address_time_zone")
    )
    return finish(FileKind.BORROWERS, frame, _rules(context.as_of), OUTPUT, context)


def _rules(as_of: date) -> list[Rule]:
    rules = [
        id_rule("borrower_id"),
        within_batch_duplicates("borrower_id"),
        required("first_name"),
        required("last_name"),
        required("address_line1"),
        required("city"),
        required("state"),
        required("zip"),
        max_length("first_name", 60),
        max_length("middle_name", 60),
        max_length("last_name", 60),
        max_length("suffix", 10),
        max_length("address_line1", 100),
        max_length("address_line2", 100),
        max_length("city", 60),
        *date_rules("date_of_birth", "dob", as_of=as_of, optional=True),
        Rule("date_of_birth", pl.col("dob") < pl.lit(date(1900, 1, 1)), "is before 1900"),
        Rule(
            "ssn",
            given("ssn") & ~ssn_valid("ssn"),
            "not a valid SSN/ITIN: 9 digits, area not 000/666, group not 00, serial not 0000",
        ),
        one_of("language", sorted(LANGUAGES)),
        Rule(
            "state",
            given("state") & ~pl.col("state").is_in(list(geo.STATES)),
            "not a US state, DC or territory code",
        ),
        Rule(
            "zip",
            given("zip") & ~pl.col("zip").str.contains(geo.ZIP_PATTERN),
            "a ZIP code is 5 digits or ZIP+4 (12345-6789)",
        ),
        Rule(
            "zip",
            pl.col("zip").str.contains(geo.ZIP_PATTERN) & pl.col("zip_state").is_null(),
            "this ZIP code does not exist",
        ),
        Rule(
            "zip",
            pl.col("zip_state").is_not_null()
            & pl.col("state").is_in(list(geo.STATES))
            & (pl.col("zip_state") != pl.col("state")),
            "this ZIP code is not in the given state",
        ),
        *(
            Rule(raw_name, given(raw_name) & pl.col(typed).is_null(), "not a valid US phone")
            for raw_name, typed in _PHONES.items()
        ),
        Rule("sms_consent", pl.col("sms_consent_flag").is_null(), "must be true or false"),
        Rule("email_opt_out", pl.col("email_opt_out_flag").is_null(), "must be true or false"),
        Rule("email", given("email") & ~email_valid("email"), "not a valid email address"),
        Rule(
            "work_email",
            given("work_email") & ~email_valid("work_email"),
            "not a valid email address",
        ),
        Rule(
            "sms_consent",
            pl.col("sms_consent_flag").fill_null(False) & pl.col("mobile_e164").is_null(),
            "consent to texts needs a mobile phone",
        ),
    ]
    return rules
