"""The account fields of the Base Segment (metro2.md §5.3 #8-#27) from a classified state.

Amounts are whole dollars truncated from integer minor units (Metro 2 carries no cents; a
credit balance is reported as zero). Paid accounts report a zero balance and their payoff date
as Date of Account Information and Date Closed (compliance.md §3.3); a discharged bankruptcy
reports zero owed; charge-offs keep the Original Charge-off Amount fixed (the loan's own, or the
ledger balance on the charge-off day).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.furnishing import codes
from arrears.batch.furnishing.codes import COLLECTION_CODES, PRODUCTS, FurnisherKind
from arrears.formats.metro2.spec.codes import CHARGE_OFF_STATUSES, PAID_STATUSES

_DEROGATORY = sorted({codes.COLLECTION, codes.FORECLOSURE, codes.VOLUNTARY_SURRENDER,
                      codes.REPOSSESSION, codes.CHARGE_OFF})  # fmt: skip
_DISCHARGED = sorted(codes.BANKRUPTCY_DISCHARGED.values())


def dollars(minor: pl.Expr) -> pl.Expr:
    """Whole dollars, cents truncated; negative (credit) balances are zero."""
    return pl.max_horizontal(minor.fill_null(0), pl.lit(0, dtype=pl.Int64)) // 100


def _product_codes(furnisher: FurnisherKind) -> dict[str, codes.ProductCodes]:
    if furnisher.collects:
        chosen = COLLECTION_CODES[furnisher]
        return dict.fromkeys(PRODUCTS, chosen)
    return dict(PRODUCTS)


def _code(furnisher: FurnisherKind, attribute: str) -> pl.Expr:
    table = {product: getattr(c, attribute) for product, c in _product_codes(furnisher).items()}
    fallback = getattr(_product_codes(furnisher)["personal"], attribute)
    return pl.col("product").replace_strict(table, default=fallback, return_dtype=pl.String)


def terms_duration(furnisher: FurnisherKind) -> pl.Expr:
    """§5.3 #13: months for installment loans, years for mortgages, REV, or 001."""
    kind = _code(furnisher, "terms")
    months = pl.min_horizontal(pl.col("term_months").cast(pl.Int64), pl.lit(999))
    years = pl.min_horizontal((pl.col("term_months").cast(pl.Int64) + 11) // 12, pl.lit(999))
    return (
        pl.when(kind == "months")
        .then(months.cast(pl.String).str.zfill(3))
        .when(kind == "years")
        .then(years.cast(pl.String).str.zfill(3))
        .otherwise(kind)
    )


def account_fields(furnisher: FurnisherKind, *, as_of: date) -> list[pl.Expr]:
    """Portfolio and account type, terms, amounts and dates of each classified account."""
    status = pl.col("account_status")
    paid = status.is_in(sorted(PAID_STATUSES))
    discharged = pl.col("consumer_information_indicator").is_in(_DISCHARGED)
    balance = pl.when(paid | discharged).then(0).otherwise(dollars(pl.col("balance_minor")))
    past_due = (
        pl.when(paid | discharged | (status == codes.CURRENT))
        .then(0)
        .when(status.is_in(_DEROGATORY))
        .then(balance)
        .otherwise(pl.min_horizontal(dollars(pl.col("amount_past_due_minor")), balance))
    )
    charge_off = pl.coalesce("charge_off_amount_minor", "charge_off_balance_minor")
    portfolio = _code(furnisher, "portfolio_type")
    no_payment_due = paid | discharged | status.is_in(_DEROGATORY) | (portfolio == "O")
    return [
        portfolio.alias("portfolio_type"),
        _code(furnisher, "account_type").alias("account_type"),
        pl.col("origination_date").alias("date_opened"),
        pl.when(portfolio.is_in(["R", "C"]))
        .then(dollars(pl.col("credit_limit_minor")))
        .otherwise(0)
        .alias("credit_limit"),
        dollars(pl.col("principal_minor")).alias("highest_credit"),
        terms_duration(furnisher).alias("terms_duration"),
        pl.when(portfolio == "O").then(pl.lit("P")).otherwise(pl.lit("M")).alias(
            "terms_frequency"
        ),
        pl.when(no_payment_due).then(0).otherwise(dollars(pl.col("scheduled_minor")))
        .alias("scheduled_monthly_payment"),
        dollars(pl.col("actual_payment_minor")).alias("actual_payment"),
        balance.alias("current_balance"),
        past_due.alias("amount_past_due"),
        pl.when(status.is_in(sorted(CHARGE_OFF_STATUSES))).then(dollars(charge_off)).otherwise(0)
        .alias("original_charge_off_amount"),
        pl.when(paid).then(pl.col("paid_on")).otherwise(pl.lit(as_of))
        .alias("date_of_account_information"),
        pl.when(pl.col("charged_off")).then(pl.col("charge_off_date"))
        .when(paid).then(pl.col("paid_on"))
        .alias("date_closed"),
        pl.col("last_payment_on").alias("date_of_last_payment"),
        pl.lit("F").alias("interest_type_indicator"),
        special_comment().alias("special_comment"),
    ]  # fmt: skip


def special_comment() -> pl.Expr:
    """§5.6: AU on a paid account settled for less; AC under a payment plan; CP in
    forbearance (a hardship hold)."""
    paid = pl.col("account_status").is_in(sorted(PAID_STATUSES))
    settled = pl.when(pl.col("settlement_comment").fill_null("") != "").then(
        pl.col("settlement_comment")
    )
    return (
        pl.when(paid & pl.col("settled_for_less"))
        .then(pl.coalesce(settled, pl.lit(codes.SETTLED)))
        .when(~paid & pl.col("plan_in_force"))
        .then(pl.lit(codes.PARTIAL_PAYMENT_AGREEMENT))
        .when(~paid & pl.col("forbearance"))
        .then(pl.lit(codes.FORBEARANCE))
        .otherwise(pl.lit(""))
    )
