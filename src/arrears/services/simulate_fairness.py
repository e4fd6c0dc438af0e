"""The fairness report of a model trained on simulated history (``batch.scoring.fairness``).

Each training decision is put next to the borrower's age band (from the date of birth in the
portfolio) and ZIP-derived region — attributes the model never reads — with the model's chance
of a payment within 30 days, whether one came, and whether the account was treated that day.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.scoring.apply import score_accounts
from arrears.batch.scoring.fairness import age_band, disparity, region_of_zip
from arrears.batch.scoring.model import RecoveryModel
from arrears.batch.scoring.train import outcome_column
from arrears.simulation.behaviour_model.book import Opening


def fairness_report(
    model: RecoveryModel, history: pl.DataFrame, opening: Opening, *, on: date
) -> dict[str, pl.DataFrame]:
    """Disparity tables by ``age band`` and ``region`` over the decisions in ``history``."""
    position = history["loan_id"].to_numpy() - 1
    scores = score_accounts(model, history)
    days = model.horizons[0].days
    frame = pl.DataFrame(
        {
            "age band": pl.select(
                age_band(pl.lit(pl.Series(on.year - opening.birth_year[position])))
            ).to_series(),
            "region": region_of_zip(opening.zip.gather(pl.Series(position))),
            "predicted": scores["score"],
            "paid": (history[outcome_column(days)].fill_null(0) > 0).cast(pl.Float64),
            "treated": (history["treatment"] != "none").cast(pl.Float64),
        }
    )
    return {group: disparity(frame, group=group) for group in ("age band", "region")}
