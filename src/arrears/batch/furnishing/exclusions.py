"""Why an account is left out of the month's file: each reason with its rule and source.

Checked in this order; the first that applies is the account's reason. Nothing is dropped
silently: the export counts every reason and ``arrears metro2 explain`` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl

from arrears.batch.furnishing.status import obsolete
from arrears.compliance.furnishing import RULE_ID as PRE_FURNISHING
from arrears.formats.metro2.spec.codes import PAID_STATUSES, STATUSES_REQUIRING_DOFD


@dataclass(frozen=True, slots=True)
class Exclusion:
    reason: str
    rule: str
    source: str
    summary: str


EXCLUSIONS: Final = (
    Exclusion("not_opened", "metro2.not_opened", "metro2.md §5.3 #10",
              "the account was opened after the as-of date"),
    Exclusion("currency", "metro2.currency", "metro2.md Facts (amounts in whole dollars)",
              "not a US-dollar account"),
    Exclusion("account_number", "base.account-number", "metro2.md §5.3 #7",
              "the loan id is not a Metro 2 account number (30 printable characters, no "
              "blanks)"),
    Exclusion("hold", "us.holds", "15 U.S.C. 1681s-2(a)(6); arrears.domain.holds",
              "a hold that stops credit reporting is in force (identity theft or fraud)"),
    Exclusion("not_contacted", PRE_FURNISHING, "12 CFR 1006.30(a); comment 30(a)-2",
              "the borrower has not been spoken to, nor sent a notice 14 days ago that did "
              "not come back"),
    Exclusion("paid_earlier", "metro2.paid_reported", "compliance.md §3.3",
              "paid before this period and already reported paid (or never reported)"),
    Exclusion("obsolete", "fcra.obsolescence", "15 U.S.C. 1681c(a)(4), (c)(1)",
              "past DOFD + 180 days + 7 years"),
    Exclusion("no_dofd", "metro2.dofd", "15 U.S.C. 1681s-2(a)(5); metro2.md §5.3 #25",
              "a derogatory status with no date of first delinquency: needs review"),
)  # fmt: skip
BY_REASON: Final = {exclusion.reason: exclusion for exclusion in EXCLUSIONS}


def _conditions(*, as_of: date, contact_first: bool) -> dict[str, pl.Expr]:
    start = as_of.replace(day=1)
    prior = pl.col("prior_status")
    reported_open = prior.is_not_null() & ~prior.is_in(sorted(PAID_STATUSES))
    paid = pl.col("account_status").is_in(sorted(PAID_STATUSES))
    contacted = (pl.col("furnishable_from") <= as_of).fill_null(False)
    return {
        "not_opened": pl.col("origination_date") > as_of,
        "currency": pl.col("currency") != "USD",
        "account_number": ~pl.col("account_number").str.contains(r"^[\x21-\x7E]{1,30}$"),
        "hold": pl.col("blocked_by").is_not_null(),
        "not_contacted": pl.lit(contact_first) & ~contacted,
        "paid_earlier": paid & (pl.col("paid_on") < start) & ~reported_open.fill_null(False),
        "obsolete": obsolete(as_of),
        "no_dofd": pl.col("account_status").is_in(sorted(STATUSES_REQUIRING_DOFD))
        & pl.col("date_of_first_delinquency").is_null(),
    }


def exclusion_reason(*, as_of: date, contact_first: bool) -> pl.Expr:
    """The first reason that applies to each account (null: it is furnished)."""
    conditions = _conditions(as_of=as_of, contact_first=contact_first)
    expression = pl.lit(None, dtype=pl.String)
    for exclusion in reversed(EXCLUSIONS):
        expression = (
            pl.when(conditions[exclusion.reason].fill_null(False))
            .then(pl.lit(exclusion.reason))
            .otherwise(expression)
        )
    return expression
