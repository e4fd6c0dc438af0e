"""One partition of the daily cycle, pure: its input frames in, the rows to store out.

``PartitionFrames`` is everything the decision step reads about a partition of accounts;
``decide_rows`` decides it (``cycle_decide.decide``) and shapes the rows
(``cycle_rows.cycle_rows``). The database engine builds the frames from its tables, the
snapshot engine reads them from Parquet and the Spark engine receives them as Arrow batches;
all three call ``decide_rows``, so a step added between deciding and storing belongs here,
where every engine runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from arrears.batch.cycle_decide import decide
from arrears.batch.cycle_rows import CycleRows, cycle_rows
from arrears.compliance.model import ActorType
from arrears.strategy.model import Strategy


@dataclass(frozen=True)
class PartitionFrames:
    """A partition's inputs: ``features`` (``FEATURES`` with ``borrower_id`` and ``language``),
    ``history`` (``HISTORY``), ``holds`` in force (loan_id, hold_id, kind), compliance
    ``facts`` (``ACCOUNT_FACTS``) and recent ``contacts`` (``CONTACTS``)."""

    features: pl.DataFrame
    history: pl.DataFrame
    holds: pl.DataFrame
    facts: pl.DataFrame
    contacts: pl.DataFrame


def decide_rows(
    frames: PartitionFrames,
    *,
    strategy: Strategy,
    as_of: date,
    actor: ActorType,
    run_id: int,
    now: datetime,
) -> CycleRows:
    """Decide one partition and return the rows its decisions are stored as."""
    outcome = decide(
        features=frames.features,
        history=frames.history,
        holds=frames.holds,
        facts=frames.facts,
        contacts=frames.contacts,
        strategy=strategy,
        as_of=as_of,
        actor=actor,
    )
    return cycle_rows(frames.features, outcome, run_id=run_id, as_of=as_of, now=now)
