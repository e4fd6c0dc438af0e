"""What the scoring models read about an account, and the numbers they turn it into.

``SCORING_INPUTS`` is the FEATURES frame's account facts plus three behavioural facts the
cycle derives from payments and the contact log (days since the last payment, paid in the last
90 days, days since the last conversation). No protected attribute — age, sex, race, national
origin, marital status — and nothing standing in for place (state, ZIP) is an input: the
fairness report (``fairness.py``) looks at those only to measure outcomes.

``design`` turns the inputs into the model's columns, each in a named *group*; reason codes
name the groups that pull an account's score down the most. ``effect_terms`` are the few
columns a treatment's effect may vary with (stage, size, recent payments, conversations and
contacts, a broken promise, collateral), so the estimated effect of each treatment differs from
account: whether a call does more for an account not contacted this week than for one
contacted yesterday, or a reminder less where the borrower has just paid, is learnt from the
history rather than assumed.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

Matrix = NDArray[np.float64]

SCORING_INPUTS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "product": pl.String,
        "dpd": pl.Int32,
        "balance_minor": pl.Int64,
        "past_due_minor": pl.Int64,
        "charged_off": pl.Boolean,
        "days_since_contact": pl.Int32,
        "days_since_conversation": pl.Int32,
        "days_since_payment": pl.Int32,
        "paid_90d_minor": pl.Int64,
        "has_mobile": pl.Boolean,
        "sms_consent": pl.Boolean,
        "has_email": pl.Boolean,
        "has_phone": pl.Boolean,
        "ltv_bp": pl.Int32,
        "promise": pl.String,
        "plan": pl.String,
    }
)
"""One row per account. ``days_since_*`` are null when it never happened (in the window)."""

_DPD_BANDS = ((0, 0), (1, 6), (7, 14), (15, 29), (30, 59), (60, 89), (90, 119), (120, 179))
_PRODUCTS = ("personal", "auto", "mortgage", "card")
_STATUSES = {"promise": ("none", "active", "kept", "broken"),
             "plan": ("none", "active", "completed", "defaulted")}  # fmt: skip


def _recency(column: str, cuts: tuple[int, ...]) -> list[tuple[str, pl.Expr]]:
    days = pl.col(column)
    found = [(f"{column}:never", days.is_null())]
    low = 0
    for cut in cuts:
        found.append((f"{column}:{low}-{cut}", days.is_between(low, cut)))
        low = cut + 1
    found.append((f"{column}:{low}+", days >= low))
    return found


def _columns() -> list[tuple[str, str, pl.Expr]]:
    """(group, column name, expression) of every design column."""
    dpd = pl.col("dpd")
    dollars = pl.col("balance_minor").clip(lower_bound=0) / 100
    balance = pl.col("balance_minor").clip(lower_bound=1)
    size = (dollars + 1).log() / 10
    found: list[tuple[str, str, pl.Expr]] = [("intercept", "intercept", pl.lit(1.0))]
    found += [("days past due", f"dpd:{a}-{b}", dpd.is_between(a, b)) for a, b in _DPD_BANDS]
    found += [("days past due", "dpd:180+", dpd >= 180)]
    found += [("balance", "log_balance", size), ("balance", "log_balance^2", size * size)]
    found += [("arrears share", "arrears_share",
               (pl.col("past_due_minor") / balance).clip(0, 1))]  # fmt: skip
    found += [("product", f"product:{p}", pl.col("product") == p) for p in _PRODUCTS]
    found += [("charged off", "charged_off", pl.col("charged_off"))]
    for flag in ("has_mobile", "sms_consent", "has_email", "has_phone"):
        found.append(("contact points", flag, pl.col(flag)))
    found += [("last contact", n, e) for n, e in _recency("days_since_contact", (7, 30))]
    found += [("last conversation", n, e) for n, e in _recency("days_since_conversation", (30,))]
    found += [("last payment", n, e) for n, e in _recency("days_since_payment", (30, 90))]
    found += [("recent payments", "paid_90d_share",
               (pl.col("paid_90d_minor") / balance).clip(0, 1))]  # fmt: skip
    for column, values in _STATUSES.items():
        found += [(column, f"{column}:{v}", pl.col(column) == v) for v in values]
    ltv = pl.col("ltv_bp") / 10_000
    found += [("collateral", "has_collateral", ltv.is_not_null()),
              ("collateral", "ltv", ltv.clip(0, 2))]  # fmt: skip
    return found


COLUMNS: Final = tuple(name for _, name, _ in _columns())
GROUPS: Final = tuple(group for group, _, _ in _columns())


def _effect_columns() -> list[tuple[str, pl.Expr]]:
    dpd = pl.col("dpd")
    balance = pl.col("balance_minor").clip(lower_bound=1)
    ltv = pl.col("ltv_bp")
    return [
        ("early", dpd.is_between(1, 29) & ~pl.col("charged_off")),
        ("mid", dpd.is_between(30, 89) & ~pl.col("charged_off")),
        ("late", (dpd >= 90) & ~pl.col("charged_off")),
        ("charged_off", pl.col("charged_off")),
        ("log_balance", (pl.col("balance_minor").clip(lower_bound=0) / 100 + 1).log() / 10),
        ("paid_90d_share", (pl.col("paid_90d_minor") / balance).clip(0, 1)),
        ("talked_30d", pl.col("days_since_conversation").is_between(0, 30)),
        ("equity", ltv.is_not_null() & (ltv < 12_000)),
        ("has_phone", pl.col("has_phone")),
        ("sms_consent", pl.col("sms_consent")),
        ("contacted_7d", pl.col("days_since_contact").is_between(0, 7)),
        ("paid_30d", pl.col("days_since_payment").is_between(0, 30)),
        ("promise_broken", pl.col("promise") == "broken"),
        ("secured", pl.col("product").is_in(["auto", "mortgage"])),
    ]


EFFECT_TERMS: Final = tuple(name for name, _ in _effect_columns())


def conform_inputs(frame: pl.DataFrame) -> pl.DataFrame:
    """The inputs with the expected types (extra columns dropped, Booleans' nulls false)."""
    flags = [n for n, t in SCORING_INPUTS.items() if t == pl.Boolean]
    return frame.select(
        [
            (pl.col(n).cast(t).fill_null(value=False) if n in flags else pl.col(n).cast(t))
            for n, t in SCORING_INPUTS.items()
        ]
    ).with_columns(
        pl.col("promise").fill_null("none"),
        pl.col("plan").fill_null("none"),
        pl.col("paid_90d_minor").fill_null(0),
        pl.col("dpd").fill_null(0),
    )


def design(frame: pl.DataFrame) -> Matrix:
    """The model's columns (``COLUMNS`` order) for conformed inputs, as float64."""
    exprs = [e.fill_null(0).cast(pl.Float64).alias(n) for _, n, e in _columns()]
    return frame.select(exprs).to_numpy().astype(np.float64, copy=False)


def effect_terms(frame: pl.DataFrame) -> Matrix:
    """The columns a treatment's effect varies with (``EFFECT_TERMS`` order)."""
    exprs = [e.fill_null(False).cast(pl.Float64).alias(n) for n, e in _effect_columns()]
    return frame.select(exprs).to_numpy().astype(np.float64, copy=False)
