"""One partition's input frames as read, and their slices by loan-id range.

A source fixes its own partitions (a Parquet export keeps those it was written with), but what
the report derives from a partition — every loan's standing on some seventy dates — is many
times larger than what was read. Deriving a slice of at most ``size`` loans at a time bounds
that memory by the slice, whatever the size of the source's partitions; the metrics are sums
(``partials``), so the figures do not depend on the slicing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class PartitionInputs:
    """The rows of one partition's loans (each frame has a ``loan_id`` column)."""

    loans: pl.DataFrame  # inputs.LOANS plus the batch loan columns and schedule_source
    installments: pl.DataFrame  # stored installments (imported schedules)
    charges: pl.DataFrame
    payments: pl.DataFrame  # inputs.PAYMENTS
    adjustments: pl.DataFrame
    decisions: pl.DataFrame
    actions: pl.DataFrame
    sources: dict[str, pl.DataFrame] = field(default_factory=dict)

    def slices(self, size: int) -> Iterator[PartitionInputs]:
        """The inputs of at most ``size`` loans at a time, by ascending loan-id ranges."""
        if size < 1:
            raise ValueError("a slice holds at least one loan")
        if self.loans.height <= size:
            yield self
            return
        ids = self.loans["loan_id"].sort()
        lows = ids.gather(list(range(0, ids.len(), size))).to_list()
        for low, high in zip(lows, [*lows[1:], None], strict=True):
            yield self._between(low, high)

    def _between(self, low: int, high: int | None) -> PartitionInputs:
        """The rows of loans with ``low <= loan_id < high`` (no upper bound when ``None``)."""
        within = pl.col("loan_id") >= low
        if high is not None:
            within &= pl.col("loan_id") < high

        def rows(frame: pl.DataFrame) -> pl.DataFrame:
            return frame.filter(within)

        return PartitionInputs(
            loans=rows(self.loans),
            installments=rows(self.installments),
            charges=rows(self.charges),
            payments=rows(self.payments),
            adjustments=rows(self.adjustments),
            decisions=rows(self.decisions),
            actions=rows(self.actions),
            sources={name: rows(frame) for name, frame in self.sources.items()},
        )
