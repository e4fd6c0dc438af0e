"""What the holds on an account say to the bureaus: disputes, bankruptcy, death, forbearance.

- Compliance Condition Code (§5.7; FCRA §623(a)(3), compliance.md §3.2): ``XB`` every month a
  dispute is open — from the month the dispute hold starts; when it ends, ``XH`` (resolved) or
  ``XC`` (completed, the consumer disagrees: hold outcome ``consumer_disagrees``). ``XH`` is
  sent in the month the dispute ended, or the next export if ``XB`` was the last code sent;
  ``XC`` is repeated while it applies; otherwise blank (the code on file stays).
- Consumer Information Indicator (§5.3 #38): a bankruptcy hold reports its petition (A-D by
  chapter, Z when unknown); ended with outcome ``discharged`` E-H; ended otherwise, ``Q``
  once to remove an indicator sent before.
- ECOA (§5.10): ``X`` for a borrower with a deceased hold.
- A hardship hold is a forbearance (special comment); a hold kind that blocks credit reporting
  (fraud, ``domain.holds.BLOCKS``) keeps the account out of the file.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.furnishing import codes
from arrears.domain.holds import BLOCKS, ActionCategory, HoldKind

#: Hold kinds that stop furnishing (15 U.S.C. 1681s-2(a)(6) for identity theft).
BLOCKING_KINDS = sorted(
    kind.value for kind, rule in BLOCKS.items() if ActionCategory.CREDIT_REPORTING in rule.blocks
)
_BANKRUPTCY_CODES = sorted(
    {*codes.BANKRUPTCY_PETITION.values(), *codes.BANKRUPTCY_DISCHARGED.values(),
     codes.BANKRUPTCY_UNKNOWN_CHAPTER}
)  # fmt: skip


def _active(as_of: date) -> pl.Expr:
    return (pl.col("starts_on") <= as_of) & (
        pl.col("ends_on").is_null() | (pl.col("ends_on") >= as_of)
    )


def _ended(as_of: date) -> pl.Expr:
    return pl.col("ends_on").is_not_null() & (pl.col("ends_on") < as_of)


def account_conditions(holds: pl.DataFrame, prior: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """Per loan with any hold: ``compliance_condition_code``, ``forbearance``, ``blocked_by``."""
    start = as_of.replace(day=1)
    disputes = holds.filter(
        (pl.col("kind") == HoldKind.DISPUTE.value) & (pl.col("starts_on") <= as_of)
    )
    open_dispute = disputes.filter(_active(as_of)).select("loan_id").unique()
    resolved = (
        disputes.filter(_ended(as_of))
        .sort("ends_on")
        .group_by("loan_id")
        .agg(pl.col("ends_on").last(), pl.col("outcome").last())
        .join(open_dispute, on="loan_id", how="anti")
        .join(prior.select("loan_id", "compliance_condition_code"), on="loan_id", how="left")
        .select(
            "loan_id",
            pl.when(pl.col("outcome") == "consumer_disagrees")
            .then(pl.lit(codes.DISPUTE_RESOLVED_DISAGREES))
            .when(
                (pl.col("ends_on") >= start)
                | (pl.col("compliance_condition_code") == codes.DISPUTED)
            )
            .then(pl.lit(codes.DISPUTE_RESOLVED))
            .otherwise(pl.lit(""))
            .alias("compliance_condition_code"),
        )
    )
    ccc = pl.concat(
        [open_dispute.with_columns(pl.lit(codes.DISPUTED).alias("compliance_condition_code")),
         resolved]
    )  # fmt: skip
    active = holds.filter(_active(as_of))
    forbearance = (
        active.filter(pl.col("kind") == HoldKind.HARDSHIP.value)
        .select("loan_id").unique().with_columns(pl.lit(True).alias("forbearance"))
    )  # fmt: skip
    blocked = (
        active.filter(pl.col("kind").is_in(BLOCKING_KINDS))
        .group_by("loan_id")
        .agg(pl.col("kind").unique().sort().str.join(",").alias("blocked_by"))
    )
    return (
        ccc.join(forbearance, on="loan_id", how="full", coalesce=True)
        .join(blocked, on="loan_id", how="full", coalesce=True)
        .select(
            "loan_id",
            pl.col("compliance_condition_code").fill_null(""),
            pl.col("forbearance").fill_null(False),
            "blocked_by",
        )
    )


def person_conditions(
    holds: pl.DataFrame, people: pl.DataFrame, prior: pl.DataFrame, *, as_of: date
) -> pl.DataFrame:
    """Per (loan, borrower) in ``people`` (columns ``loan_id``, ``borrower_id``, ``primary``):
    ``consumer_information_indicator`` and ``deceased``. A loan-level hold is the primary
    borrower's; a borrower hold is that person's."""
    started = holds.filter(pl.col("starts_on") <= as_of)
    owned = people.join(started, on="loan_id", how="inner").filter(
        pl.when(pl.col("borrower_id_right").is_null())
        .then(pl.col("primary"))
        .otherwise(pl.col("borrower_id_right") == pl.col("borrower_id"))
    )
    deceased = (
        owned.filter(pl.col("kind") == HoldKind.DECEASED.value)
        .select("loan_id", "borrower_id").unique()
        .with_columns(pl.lit(True).alias("deceased"))
    )  # fmt: skip
    bankruptcy = (
        owned.filter(pl.col("kind") == HoldKind.BANKRUPTCY.value)
        .sort("starts_on")
        .group_by("loan_id", "borrower_id")
        .agg(pl.col("chapter").last(), pl.col("ends_on").last(), pl.col("outcome").last())
        .join(
            prior.select("loan_id", pl.col("consumer_information_indicator").alias("before")),
            on="loan_id",
            how="left",
        )
        .join(people.select("loan_id", "borrower_id", "primary"), on=["loan_id", "borrower_id"])
        .select("loan_id", "borrower_id", _indicator(as_of).alias("consumer_information_indicator"))
    )
    return (
        people.select("loan_id", "borrower_id")
        .join(bankruptcy, on=["loan_id", "borrower_id"], how="left")
        .join(deceased, on=["loan_id", "borrower_id"], how="left")
        .with_columns(
            pl.col("consumer_information_indicator").fill_null(""),
            pl.col("deceased").fill_null(False),
        )
    )


def _indicator(as_of: date) -> pl.Expr:
    chapter = pl.col("chapter").fill_null("")
    petition = chapter.replace_strict(
        codes.BANKRUPTCY_PETITION, default=codes.BANKRUPTCY_UNKNOWN_CHAPTER
    )
    discharged = chapter.replace_strict(
        codes.BANKRUPTCY_DISCHARGED, default=codes.BANKRUPTCY_UNKNOWN_CHAPTER
    )
    open_case = pl.col("ends_on").is_null() | (pl.col("ends_on") >= as_of)
    reported = pl.col("primary") & pl.col("before").is_in(_BANKRUPTCY_CODES).fill_null(False)
    return (
        pl.when(open_case)
        .then(petition)
        .when(pl.col("outcome") == "discharged")
        .then(discharged)
        .when(reported)
        .then(pl.lit(codes.REMOVE_INDICATOR))
        .otherwise(pl.lit(""))
    )
