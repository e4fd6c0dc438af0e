"""What Spark's executors run for the Metro 2 export: a range of accounts' facts in, the
records of those accounts as Metro 2 bytes and their trailer counters out.

Rows arrive one per account with every furnishing frame nested (``metro2.accounts``); chunks
of at most ``partition_accounts`` accounts are furnished by the one-machine path
(``batch.furnishing.furnish``) and written by ``services.furnishing.write_partition`` (records
only, validated). The bytes leave in pieces of at most ``PIECE`` bytes, in order; the first
piece of a chunk carries the chunk's counters, from which the driver sums the trailer.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import polars as pl
import pyarrow as pa

from arrears.adapters.field_crypto import FieldCipher
from arrears.adapters.snapshot.furnishing import FRAMES, SEALED
from arrears.batch.frames import conform
from arrears.batch.furnishing import FurnishingSettings, PartitionFacts, furnish
from arrears.formats.metro2 import Framing, HeaderRecord
from arrears.services.furnishing import write_partition

PIECE = 8 << 20
CHILDREN = [name for name in FRAMES if name != "accounts"]
OUTPUT = pa.schema(
    [
        pa.field("first_loan_id", pa.int64()),
        pa.field("piece", pa.int32()),
        pa.field("data", pa.binary()),
        pa.field("counters", pa.string()),
    ]
)
"""Per piece of a chunk's bytes; ``counters`` (JSON: the chunk's trailer counters, records,
accounts left out by reason) only on its first piece."""


@dataclass(frozen=True)
class Metro2Inputs:
    as_of: date
    header: HeaderRecord
    framing: Framing
    settings: FurnishingSettings
    cipher: FieldCipher
    partition_accounts: int


def furnish_batches(
    batches: Iterable[pa.RecordBatch], run: Metro2Inputs
) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function (see the module docstring)."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        if held >= run.partition_accounts:
            yield from _furnished(pending, run)
            pending, held = [], 0
    if held:
        yield from _furnished(pending, run)


def _furnished(batches: list[pa.RecordBatch], run: Metro2Inputs) -> Iterator[pa.RecordBatch]:
    accounts = pl.from_arrow(pa.Table.from_batches(batches))
    assert isinstance(accounts, pl.DataFrame)
    facts = facts_of(accounts, cipher=run.cipher)
    furnished = furnish(facts, as_of=run.as_of, settings=run.settings)
    out = io.BytesIO()
    trailer = write_partition(furnished, header=run.header, framing=run.framing, out=out)
    data = out.getvalue()
    excluded = Counter(furnished.excluded.get_column("reason").to_list())
    counters = json.dumps({"trailer": asdict(trailer), "excluded": dict(excluded)})
    first = int(accounts.get_column("loan_id").min())  # type: ignore[arg-type]
    pieces = [data[i : i + PIECE] for i in range(0, len(data), PIECE)] or [b""]
    yield pa.RecordBatch.from_pydict(
        {
            "first_loan_id": [first] * len(pieces),
            "piece": list(range(len(pieces))),
            "data": pieces,
            "counters": [counters] + [None] * (len(pieces) - 1),
        },
        schema=OUTPUT,
    )


def facts_of(accounts: pl.DataFrame, *, cipher: FieldCipher) -> PartitionFacts:
    """The furnishing frames back from one row per account, identifiers opened."""
    found: dict[str, pl.DataFrame] = {
        "accounts": conform(accounts, FRAMES["accounts"], name="accounts")
    }
    for name in CHILDREN:
        exploded = (
            accounts.select(pl.col(name))
            .explode(name, empty_as_null=False)
            .filter(pl.col(name).is_not_null())
            .select(pl.col(name).struct.unnest())
        )
        found[name] = conform(exploded, FRAMES[name], name=name)
    found["people"] = _opened(found["people"].unique("borrower_id", keep="first"), cipher)
    return PartitionFacts(**found)


def _opened(people: pl.DataFrame, cipher: FieldCipher) -> pl.DataFrame:
    """``ssn`` and ``dob`` from the sealed values, the sealed columns dropped."""

    def opened(values: list[Any]) -> list[str | None]:
        return [cipher.decrypt(v) if v else None for v in values]

    return people.with_columns(
        pl.Series("ssn", opened(people["ssn_sealed"].to_list()), dtype=pl.String),
        pl.Series("dob", opened(people["dob_sealed"].to_list()), dtype=pl.String).str.to_date(
            "%Y-%m-%d", strict=False
        ),
    ).drop(*SEALED)
