"""The simulated book on the first day: each loan's arrears, balance and contact points.

Derived from a generated portfolio (``arrears.simulation.generate_portfolio``) — the same rows
the import path loads — with a simplified servicing arithmetic: good payments pay whole
installments in order, so ``k = paid // installment`` installments are paid, the oldest unpaid
one is due ``k`` months after the first due date, the arrears are what was due less what was
paid, and the balance is the amortised principal after ``k`` installments. Charged-off loans
owe their charge-off amount less what was recovered since. (The database path of
``arrears simulate`` uses the real importer and delinquency instead.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.simulation.amortisation import LevelPayments
from arrears.simulation.portfolio import PortfolioChunk

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
Floats = NDArray[np.float64]
NEVER = -(10**9)
"""A day number meaning "no such day" (no unpaid installment, no event yet)."""

PRODUCTS = ("personal", "auto", "mortgage", "card")


@dataclass(frozen=True, slots=True)
class Opening:
    """Per loan, in loan order (``loan_id`` 1..N): what the servicer knows on day one."""

    loan_id: Ints
    external_id: pl.Series
    product: Ints  # position in PRODUCTS
    contract_state: pl.Series
    borrower_state: pl.Series
    zip: pl.Series
    birth_year: Ints
    installment: Ints
    balance: Ints
    past_due: Ints
    oldest_unpaid: Ints  # day number (date.toordinal), NEVER when nothing is past due
    next_due: Ints  # day number of the next installment
    charged_off: Flags
    closed: Flags  # paid off
    collateral_value: Ints  # 0 without collateral
    has_mobile: Flags
    sms_consent: Flags
    has_email: Flags
    has_phone: Flags

    @property
    def size(self) -> int:
        return int(self.loan_id.size)


def _minor(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Decimal(18, 2)) * 100).cast(pl.Int64)


def opening_book(chunks: list[PortfolioChunk], *, as_of: date) -> Opening:
    loans = pl.concat([c.loans for c in chunks])
    borrowers = pl.concat([c.borrowers for c in chunks]).unique("borrower_id", keep="first")
    payments = pl.concat([c.payments for c in chunks])
    collateral = pl.concat([c.collateral for c in chunks])
    valuations = pl.concat([c.valuations for c in chunks])
    frame = _loans(loans, payments, as_of=as_of)
    frame = frame.join(_people(borrowers), on="borrower_id", how="left")
    frame = frame.join(_collateral(collateral, valuations), on="loan_id", how="left")
    installment = LevelPayments()(
        principal=frame["principal"].to_numpy(),
        rate_ppm=frame["rate_ppm"].to_numpy(),
        term_months=frame["term_months"].to_numpy(),
    )
    frame = frame.with_columns(pl.Series("installment", np.maximum(installment, 1)))
    frame = _arrears(frame, as_of=as_of)
    ordinal = date(1970, 1, 1).toordinal()

    def day(column: str) -> Ints:
        days = frame[column].cast(pl.Int64).to_numpy()
        return np.where(frame[column].is_null().to_numpy(), NEVER, days + ordinal)

    def flag(column: str) -> Flags:
        return frame[column].fill_null(value=False).to_numpy().astype(bool)

    return Opening(
        loan_id=np.arange(1, frame.height + 1, dtype=np.int64),
        external_id=frame["loan_id"],
        product=frame["product"]
        .replace_strict(list(PRODUCTS), list(range(4)), return_dtype=pl.Int64)
        .to_numpy(),
        contract_state=frame["contract_state"],
        borrower_state=frame["state"].fill_null(frame["contract_state"]),
        zip=frame["zip"].fill_null("00000"),
        birth_year=frame["birth_year"].fill_null(1980).to_numpy(),
        installment=frame["installment"].to_numpy(),
        balance=frame["balance"].to_numpy(),
        past_due=frame["past_due"].to_numpy(),
        oldest_unpaid=day("oldest_unpaid"),
        next_due=day("next_due"),
        charged_off=flag("charged_off"),
        closed=frame["balance"].to_numpy() <= 0,
        collateral_value=frame["collateral_value"].fill_null(0).to_numpy(),
        has_mobile=flag("has_mobile"),
        sms_consent=flag("sms_consent"),
        has_email=flag("has_email"),
        has_phone=flag("has_phone"),
    )


def _loans(loans: pl.DataFrame, payments: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    good = payments.filter(pl.col("status").fill_null("posted") != "returned").select(
        "loan_id", "effective_date", _minor("amount").alias("amount")
    )
    paid = good.group_by("loan_id").agg(pl.col("amount").sum().alias("paid"))
    after = (
        good.join(loans.select("loan_id", "charge_off_date"), on="loan_id")
        .filter(pl.col("effective_date") > pl.col("charge_off_date"))
        .group_by("loan_id")
        .agg(pl.col("amount").sum().alias("recovered"))
    )
    return (
        loans.select(
            "loan_id", "borrower_id", "product", "contract_state", "term_months",
            "first_due_date", "charge_off_date",
            _minor("principal").alias("principal"),
            (pl.col("annual_rate").cast(pl.Decimal(18, 6)) * 1_000_000).cast(pl.Int64)
            .alias("rate_ppm"),
            _minor("charge_off_amount").alias("charge_off_amount"),
            (pl.col("status") == "charged_off").alias("charged_off"),
        )
        .join(paid, on="loan_id", how="left")
        .join(after, on="loan_id", how="left")
        .with_columns(pl.col("paid", "recovered").fill_null(0))
    )  # fmt: skip


def _people(borrowers: pl.DataFrame) -> pl.DataFrame:
    return borrowers.select(
        "borrower_id",
        "state",
        pl.col("zip").str.slice(0, 5),
        pl.col("date_of_birth").dt.year().cast(pl.Int64).alias("birth_year"),
        pl.col("mobile_phone").is_not_null().alias("has_mobile"),
        (pl.col("mobile_phone").is_not_null() & (pl.col("sms_consent") == "true")).alias(
            "sms_consent"
        ),
        (pl.col("email").is_not_null() & (pl.col("email_opt_out").fill_null("false") != "true"))
        .alias("has_email"),
        pl.any_horizontal(pl.col(c).is_not_null() for c in ("mobile_phone", "home_phone"))
        .alias("has_phone"),
    )  # fmt: skip


def _collateral(collateral: pl.DataFrame, valuations: pl.DataFrame) -> pl.DataFrame:
    latest = (
        valuations.sort("valued_on")
        .group_by("collateral_id")
        .agg(_minor("amount").last().alias("revalued"))
    )
    return (
        collateral.join(latest, on="collateral_id", how="left")
        .select("loan_id", pl.coalesce("revalued", _minor("value")).alias("collateral_value"))
        .group_by("loan_id")
        .agg(pl.col("collateral_value").sum())
    )


def _arrears(frame: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """Installments due and paid, arrears, the oldest unpaid due date and the balance."""
    first = pl.col("first_due_date")
    months = (pl.lit(as_of).dt.year() - first.dt.year()) * 12 + (
        pl.lit(as_of).dt.month() - first.dt.month()
    )
    due = (
        pl.when(first > as_of)
        .then(0)
        .otherwise(months + pl.when(pl.lit(as_of).dt.day() >= first.dt.day()).then(1).otherwise(0))
    )
    frame = frame.with_columns(
        due.clip(upper_bound=pl.col("term_months")).cast(pl.Int64).alias("due")
    )
    frame = frame.with_columns(
        (pl.col("paid") // pl.col("installment")).clip(upper_bound=pl.col("due")).alias("k")
    )
    rate = pl.col("rate_ppm") / 12_000_000
    grown = (1 + rate).pow(pl.col("k"))
    amortised = (
        pl.when(rate > 0)
        .then(pl.col("principal") * grown - pl.col("installment") * (grown - 1) / rate)
        .otherwise(pl.col("principal") - pl.col("installment") * pl.col("k"))
    )
    return frame.with_columns(
        (pl.col("due") * pl.col("installment") - pl.col("paid")).clip(lower_bound=0)
        .alias("past_due"),
        pl.when(pl.col("k") < pl.col("due"))
        .then(first.dt.offset_by(pl.format("{}mo", pl.col("k"))))
        .alias("oldest_unpaid"),
        first.dt.offset_by(pl.format("{}mo", pl.col("due"))).alias("next_due"),
        pl.when(pl.col("charged_off"))
        .then((pl.col("charge_off_amount").fill_null(0) - pl.col("recovered")).clip(lower_bound=0))
        .otherwise(amortised.round(0).cast(pl.Int64).clip(lower_bound=0))
        .alias("balance"),
    ).with_columns(
        pl.when(pl.col("charged_off")).then(pl.col("balance"))
        .otherwise(pl.min_horizontal("past_due", "balance")).alias("past_due")
    )  # fmt: skip
