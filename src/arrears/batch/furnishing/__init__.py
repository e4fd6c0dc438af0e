"""Furnishing: account facts to the month's Metro 2 records (docs/metro2-furnishing.md).

Pure and vectorised over a partition of accounts (Polars in, Polars out), so the same
function runs on one machine or on a distributed engine partition by partition.
"""

from arrears.batch.furnishing.assemble import BASE_FIELDS, Furnished, furnish
from arrears.batch.furnishing.codes import FurnisherKind
from arrears.batch.furnishing.history import history_dates, previous_month_ends
from arrears.batch.furnishing.inputs import FurnishingSettings, PartitionFacts
from arrears.batch.furnishing.reporter import Reporter

__all__ = [
    "BASE_FIELDS",
    "Furnished",
    "FurnisherKind",
    "FurnishingSettings",
    "PartitionFacts",
    "Reporter",
    "furnish",
    "history_dates",
    "previous_month_ends",
]
