"""``furnish``: a partition's account facts to the month's Metro 2 records (pure, vectorised).

state (``state``) → holds (``conditions``) → status, rating, DOFD (``status``) → the 24-month
profile (``history``) → amounts and dates (``fields``) → people and appendages (``people``,
``appendages``) → who is left out and why (``exclusions``) → a digest per account and the
Correction Indicator against what this month first reported (``digest``). The mapping as a
table is docs/metro2-furnishing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from arrears.batch.furnishing import codes
from arrears.batch.furnishing.appendages import co_borrower_segments, creditor_segments
from arrears.batch.furnishing.conditions import account_conditions, person_conditions
from arrears.batch.furnishing.contact import furnishable_from
from arrears.batch.furnishing.digest import digests
from arrears.batch.furnishing.exclusions import BY_REASON, exclusion_reason
from arrears.batch.furnishing.fields import account_fields
from arrears.batch.furnishing.history import payment_history
from arrears.batch.furnishing.inputs import FurnishingSettings, PartitionFacts
from arrears.batch.furnishing.people import people_of
from arrears.batch.furnishing.state import account_state
from arrears.batch.furnishing.status import classify

#: Base Segment fields furnishing fills (§5.3); the rest keep the codec's defaults.
BASE_FIELDS: Final = (
    "correction_indicator", "identification_number", "consumer_account_number",
    "portfolio_type", "account_type", "date_opened", "credit_limit", "highest_credit",
    "terms_duration", "terms_frequency", "scheduled_monthly_payment", "actual_payment",
    "account_status", "payment_rating", "payment_history_profile", "special_comment",
    "compliance_condition_code", "current_balance", "amount_past_due",
    "original_charge_off_amount", "date_of_account_information", "date_of_first_delinquency",
    "date_closed", "date_of_last_payment", "interest_type_indicator", "surname", "first_name",
    "middle_name", "generation_code", "social_security_number", "date_of_birth",
    "telephone_number", "ecoa_code", "consumer_information_indicator",
    "first_line_of_address", "second_line_of_address", "city", "state", "postal_zip_code",
)  # fmt: skip
_CO_DIGESTED: Final = (
    "co_borrower_id", "co_surname", "co_first_name", "co_middle_name", "co_generation_code",
    "co_ssn_index", "co_dob_index", "co_telephone_number", "co_ecoa_code",
    "co_consumer_information_indicator", "co_first_line_of_address",
    "co_second_line_of_address", "co_city", "co_state", "co_postal_zip_code",
)  # fmt: skip
_PRIVATE: Final = frozenset({"social_security_number", "date_of_birth"})


@dataclass(frozen=True)
class Furnished:
    """A partition's outcome.

    ``records``: the Metro 2 frame (base fields and appendage columns) of furnished accounts,
    in input order, ready for ``Metro2Writer.write_frame``; ``reported`` the same accounts'
    ``loan_id``, ``digest``, ``account_status``, ``compliance_condition_code``,
    ``consumer_information_indicator`` and ``correction_indicator``; ``excluded`` every
    account left out (``loan_id``, ``reason``, ``rule``, ``source``); ``facts`` one row per
    account with every intermediate column (for ``arrears metro2 explain``).
    """

    records: pl.DataFrame
    reported: pl.DataFrame
    excluded: pl.DataFrame
    facts: pl.DataFrame


def furnish(facts: PartitionFacts, *, as_of: date, settings: FurnishingSettings) -> Furnished:
    """The month's records for every account of ``facts`` (see the module docstring)."""
    facts = facts.conformed()
    frame = _with_people(facts, account_state(facts, as_of=as_of, furnisher=settings.furnisher),
                         as_of=as_of)  # fmt: skip
    frame = classify(frame, as_of=as_of)
    marks = frame.select(
        "loan_id", "origination_date", "charge_off_date", "collateral_event", "collateral_on",
        "collection_from", "collection_until",
    )  # fmt: skip
    profile = payment_history(facts.history, marks, as_of=as_of)
    contacted = furnishable_from(
        facts.contacts, as_of=as_of, zone=settings.day_zone, wait_days=settings.contact_wait_days
    )
    frame = (
        frame.join(profile, on="loan_id", how="left", maintain_order="left")
        .join(contacted, on="loan_id", how="left", maintain_order="left")
        .join(_prior(facts), on="loan_id", how="left", maintain_order="left")
        .with_columns(account_fields(settings.furnisher, as_of=as_of))
        .with_columns(
            pl.lit(settings.identification_number).alias("identification_number"),
            pl.col("account_number").alias("consumer_account_number"),
            *co_borrower_segments(),
            *creditor_segments(settings.furnisher),
        )
        .with_columns(exclusion_reason(as_of=as_of, contact_first=settings.contact_first)
                      .alias("excluded"))
    )  # fmt: skip
    return _split(frame, facts, settings)


def _with_people(facts: PartitionFacts, state: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The borrower's and co-borrower's fields, ECOA codes and bankruptcy indicators."""
    roles = pl.concat(
        [
            facts.accounts.select("loan_id", "borrower_id", pl.lit(True).alias("primary")),
            facts.accounts.filter(pl.col("co_borrower_id").is_not_null()).select(
                "loan_id", pl.col("co_borrower_id").alias("borrower_id"),
                pl.lit(False).alias("primary"),
            ),
        ]
    )  # fmt: skip
    persons = person_conditions(facts.holds, roles, facts.prior, as_of=as_of)
    joint = pl.col("co_borrower_id").is_not_null()
    primary = persons.select(
        "loan_id", "borrower_id", "consumer_information_indicator", pl.col("deceased")
    )
    co = persons.select(
        "loan_id",
        pl.col("borrower_id").alias("co_borrower_id"),
        pl.col("consumer_information_indicator").alias("co_consumer_information_indicator"),
        pl.col("deceased").alias("co_deceased"),
    )
    conditions = account_conditions(facts.holds, facts.prior, as_of=as_of)
    return (
        state.join(people_of(facts.people), on="borrower_id", how="left", maintain_order="left")
        .join(people_of(facts.people, "co_"), on="co_borrower_id", how="left",
              maintain_order="left")
        .join(primary, on=["loan_id", "borrower_id"], how="left", maintain_order="left")
        .join(co, on=["loan_id", "co_borrower_id"], how="left", maintain_order="left")
        .join(conditions, on="loan_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("compliance_condition_code").fill_null(""),
            pl.col("forbearance").fill_null(False),
            pl.when(pl.col("deceased").fill_null(False)).then(pl.lit(codes.DECEASED))
            .when(joint).then(pl.lit(codes.JOINT)).otherwise(pl.lit(codes.INDIVIDUAL))
            .alias("ecoa_code"),
            pl.when(pl.col("co_deceased").fill_null(False)).then(pl.lit(codes.DECEASED))
            .when(joint).then(pl.lit(codes.JOINT))
            .alias("co_ecoa_code"),
        )
    )  # fmt: skip


def _prior(facts: PartitionFacts) -> pl.DataFrame:
    return facts.prior.select("loan_id", pl.col("account_status").alias("prior_status")).join(
        facts.first_reports.select("loan_id", pl.col("digest").alias("first_digest")),
        on="loan_id",
        how="full",
        coalesce=True,
    )


def _split(frame: pl.DataFrame, facts: PartitionFacts, settings: FurnishingSettings) -> Furnished:
    kept = frame.filter(pl.col("excluded").is_null())
    public = [
        name for name in BASE_FIELDS if name not in _PRIVATE and name != "correction_indicator"
    ]
    digested = [*public, "ssn_index", "dob_index", *_CO_DIGESTED, "k1"]
    if "k2" in kept.columns:
        digested.append("k2")
    kept = kept.with_columns(digests(kept, digested))
    kept = kept.with_columns(
        (pl.col("first_digest").is_not_null() & (pl.col("first_digest") != pl.col("digest")))
        .cast(pl.Int64)
        .alias("correction_indicator")
    )
    appendages = ["j1", "j2", "k1", *(["k2"] if "k2" in kept.columns else [])]
    records = kept.select(*BASE_FIELDS, *appendages)
    reported = kept.select(
        "loan_id", "digest", "account_status", "compliance_condition_code",
        "consumer_information_indicator", "correction_indicator",
    )  # fmt: skip
    excluded = frame.filter(pl.col("excluded").is_not_null()).select(
        "loan_id",
        pl.col("excluded").alias("reason"),
        pl.col("excluded").replace_strict({r: e.rule for r, e in BY_REASON.items()}).alias("rule"),
        pl.col("excluded").replace_strict({r: e.source for r, e in BY_REASON.items()})
        .alias("source"),
    )  # fmt: skip
    explained = frame.join(
        kept.select("loan_id", "digest", "correction_indicator"), on="loan_id", how="left"
    ).drop("social_security_number", "date_of_birth", "co_social_security_number",
           "co_date_of_birth", "j1", "j2")  # fmt: skip
    return Furnished(records, reported, excluded, explained)
