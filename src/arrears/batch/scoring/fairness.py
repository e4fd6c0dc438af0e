"""Outcome disparity by age band and ZIP-derived region: measured, never used as an input.

The model reads no protected attribute and nothing that stands in for place. This report puts
age (from the date of birth) and region (the Census region of the ZIP code's state) next to
the model's predictions and what happened, so a reviewer can see whether predicted and actual
rates of payment, calibration, and how often each group is chosen for a treatment differ
between groups — and by how much relative to the best-served group (the "four-fifths" ratio
for selection rates, as used in adverse-impact analysis).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from arrears.domain.geo import zip_info

AGE_BANDS: Final = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 120))
REGIONS: Final = {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE DC FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
}
_REGION_OF = {state: region for region, states in REGIONS.items() for state in states.split()}


def age_band(age: pl.Expr) -> pl.Expr:
    expr = pl.lit("unknown")
    for low, high in reversed(AGE_BANDS):
        label = f"{low}-{high}" if high < 120 else f"{low}+"
        expr = pl.when(age.is_between(low, high)).then(pl.lit(label)).otherwise(expr)
    return expr


def region_of_zip(zips: pl.Series) -> pl.Series:
    """The Census region of each ZIP code's state (``unknown`` when the ZIP is not known)."""
    regions = {}
    for code in zips.drop_nulls().unique().to_list():
        info = zip_info(str(code)[:5])
        regions[code] = _REGION_OF.get(info.state, "unknown") if info else "unknown"
    return zips.replace_strict(regions, default="unknown", return_dtype=pl.String)


def disparity(frame: pl.DataFrame, *, group: str) -> pl.DataFrame:
    """Per group: decisions, mean predicted and actual rate of paying, the gap between them,
    the share treated, and the actual and treated rates relative to the highest group.

    ``frame`` has ``group``, ``predicted`` (a chance), ``paid`` (0/1) and ``treated`` (0/1).
    """
    table = (
        frame.group_by(group)
        .agg(
            pl.len().alias("decisions"),
            pl.col("predicted").mean().alias("predicted"),
            pl.col("paid").mean().alias("actual"),
            pl.col("treated").mean().alias("treated"),
        )
        .with_columns((pl.col("predicted") - pl.col("actual")).alias("gap"))
        .sort(group)
    )
    return table.with_columns(
        (pl.col("actual") / pl.col("actual").max()).alias("actual_ratio"),
        (pl.col("treated") / pl.col("treated").max()).alias("treated_ratio"),
    )
