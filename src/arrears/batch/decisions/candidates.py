"""Candidate treatments: for every account, the treatments its strategy says are due today.

Pure and per partition: the same frames in give the same frame out, and the rows of a partition
depend only on that partition's accounts (and their history), so the step runs unchanged on a
distributed engine partitioned by account. Steps: each account's program (segment, arm);
the rules whose days and conditions hold, evaluated per program; the cadence against history;
then the catalogue entry, the rule in words and what the account lacks for each treatment.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from arrears.batch.decisions.cadence import due_today
from arrears.batch.decisions.frames import ARMS, CANDIDATES, FEATURES, SEGMENTS
from arrears.batch.decisions.plan import (
    SEGMENT_INDEX,
    Plan,
    arm_column,
    build_plan,
    probability_column,
)
from arrears.batch.decisions.requirements import has, missing
from arrears.batch.decisions.rule_table import rule_table
from arrears.batch.frames import conform, empty
from arrears.strategy.catalogue import Catalogue, default_catalogue
from arrears.strategy.features import REQUIREMENT_COLUMNS
from arrears.strategy.model import Strategy

_ACCOUNT_FACTS = ("loan_id", "experiment", "arm", "arm_probability")


def candidate_treatments(
    features: pl.DataFrame,
    segments: pl.DataFrame,
    arms: pl.DataFrame,
    history: pl.DataFrame,
    strategy: Strategy,
    *,
    as_of: date,
    catalogue: Catalogue | None = None,
) -> pl.DataFrame:
    """``CANDIDATES``: one row per account and treatment due on ``as_of``, in strategy order.

    ``segments`` and ``arms`` are what ``assign_segments`` and ``assign_arms`` returned for
    these accounts; ``history`` is the ``HISTORY`` of the current episodes. An account of an
    experiment's segment without an arm row follows the champion and records no experiment.
    """
    catalogue = catalogue or default_catalogue()
    plan = build_plan(strategy, catalogue)
    rules = rule_table(plan, catalogue)
    accounts = _accounts(features, segments, arms, plan)
    applicable = _applicable(accounts, plan)
    if applicable.is_empty():
        return empty(CANDIDATES)
    due = due_today(applicable, accounts=accounts, history=history, rules=rules, as_of=as_of)
    return _described(due, accounts, rules)


def _accounts(
    features: pl.DataFrame, segments: pl.DataFrame, arms: pl.DataFrame, plan: Plan
) -> pl.DataFrame:
    """The FEATURES columns needed, with segment, arms, program and experiment per account."""
    needed = plan.columns() | set(REQUIREMENT_COLUMNS.values())
    frame = conform(
        features, FEATURES, name="features", columns=[c for c in FEATURES.names() if c in needed]
    )
    frame = _beside(
        frame, conform(segments, SEGMENTS, name="segments", columns=["loan_id", SEGMENT_INDEX])
    )
    assigned = conform(arms, ARMS, name="arms")
    for experiment in plan.strategy.experiments:
        frame = _beside(
            frame,
            assigned.filter(pl.col("experiment") == experiment.id).select(
                pl.col("loan_id"),
                pl.col("arm").alias(arm_column(experiment.id)),
                pl.col("arm_probability").alias(probability_column(experiment.id)),
            ),
        )
    return frame.with_columns(
        has().alias("has"),
        plan.program().alias("program"),
        *plan.experiment_columns(),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
    )


def _beside(frame: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """``extra``'s columns next to ``frame``'s rows, by ``loan_id``.

    Aligned frames are put side by side; frames sorted by loan (the usual case) are merged,
    which is several times faster than a hash join at ten million rows.
    """
    ids, extra_ids = frame["loan_id"], extra["loan_id"]
    if extra.height == frame.height and extra_ids.equals(ids):
        return frame.hstack(extra.drop("loan_id"))
    keys = frame.select("loan_id")
    if ids.is_sorted() and extra_ids.is_sorted():
        keys = keys.with_columns(ids.set_sorted())
        extra = extra.with_columns(extra_ids.set_sorted())
    aligned = keys.join(extra, on="loan_id", how="left", maintain_order="left")
    return frame.hstack(aligned.drop("loan_id"))  # joins the keys only: no copy of ``frame``


def _applicable(accounts: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """``(row, rule)`` for every rule whose days and conditions hold, ordered by rule."""
    read = ["row", "program", *sorted(plan.mask_columns())]
    parts = (
        accounts.select(read)
        .filter(pl.col("program").is_not_null())
        .partition_by("program", as_dict=True)
    )
    queries: list[pl.LazyFrame] = []
    number = 0
    for program_number, program in enumerate(plan.programs):
        part = parts.get((program_number,))
        for rule in program.ranked:
            if part is not None:
                queries.append(
                    part.lazy()
                    .filter(plan.rule_mask(rule, program))
                    .select(pl.col("row"), pl.lit(number, dtype=pl.Int32).alias("rule"))
                )
            number += 1
    if not queries:
        return pl.DataFrame(schema={"row": pl.UInt32, "rule": pl.Int32})
    return pl.concat(pl.collect_all(queries))


def _described(due: pl.DataFrame, accounts: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Due pairs as ``CANDIDATES`` rows: one per account and treatment, in order."""
    kept = _in_order(due, rules)
    facts = accounts.select(*_ACCOUNT_FACTS, "has")[kept["row"]]
    described = rules[kept["rule"]].hstack(facts).with_columns(_order(kept["row"]))
    return described.select(
        pl.col("loan_id"),
        pl.col("segment"),
        pl.col("experiment"),
        pl.col("arm"),
        pl.col("arm_probability"),
        pl.col("treatment").cast(pl.String),
        pl.col("rule_text").alias("rule"),
        pl.col("order"),
        pl.col("priority"),
        *(pl.col(c) for c in ("kind", "channel", "template", "category", "cost_minor")),
        *(pl.col(c) for c in ("capacity_class", "capacity_units", "review_queue")),
        missing(pl.col("needs"), pl.col("has")).alias("missing"),
    ).cast(CANDIDATES)


def _in_order(due: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Due pairs by account, then rule number; a treatment listed twice kept once.

    Sorting by (row, slot, rule) puts the rules of one treatment side by side, so keeping the
    first of each (row, slot) decides the treatment once, by its first due rule.
    """
    width = rules.height + 1
    row = pl.col("row").cast(pl.UInt64) * width
    if (rules["slot"] == rules["rule"]).all():
        return due.sort(row + pl.col("rule").cast(pl.UInt64))
    place = row + pl.col("slot").cast(pl.UInt64)
    return (
        due.join(rules.select("rule", "slot"), on="rule", how="left")
        .with_columns(place.alias("place"))
        .sort(pl.col("place") * width + pl.col("rule").cast(pl.UInt64))
        .filter(pl.col("place").ne_missing(pl.col("place").shift(1)))
    )


def _order(rows: pl.Series) -> pl.Series:
    """0, 1, 2… within each run of equal ``rows`` (the rows are grouped by account)."""
    row = rows.to_numpy()
    index = np.arange(row.size)
    starts = np.ones(row.size, dtype=bool)
    starts[1:] = row[1:] != row[:-1]
    first = np.maximum.accumulate(np.where(starts, index, 0))
    return pl.Series("order", index - first, dtype=pl.Int32)
