"""What runs on Spark's executors: a partition of accounts, as Arrow batches, decided by the
same pure call as on one machine.

Each input row is one account: its FEATURES columns, its compliance facts as a struct and its
history, holds and recent contacts as lists of structs (``assemble.accounts``). The batches of
one Spark partition are gathered into chunks of at most ``partition_accounts`` accounts, turned
back into the snapshot's frames, decided by ``batch.cycle_partition.decide_rows`` and returned
one row per account: the decision's columns with its items and actions nested, so the driver
splits them into the three tables without another pass over the inputs.

For a strategy that optimises (``services.snapshot_optimise``) rows also carry their block
and payment facts: ``sample_batches`` values the price sample's menus for the driver, and
``decide_blocks`` decides whole blocks at the broadcast prices, the first row of each block
carrying the block's optimiser figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
import pyarrow as pa

from arrears.adapters.snapshot.layout import EXTRAS, INPUTS
from arrears.batch.cycle_partition import PartitionFrames, decide_rows
from arrears.batch.cycle_rows import ACTION_ROWS, DECISION_ROWS, ITEM_ROWS, CycleRows, blocked_why
from arrears.batch.frames import conform
from arrears.compliance.model import ActorType
from arrears.domain.delinquency import BucketScheme
from arrears.services.snapshot_optimise import OptimiseRun, decide_block, sample_menu
from arrears.services.snapshot_ports import StrategyBundle
from arrears.strategy.model import Strategy

NESTED = ("history", "holds", "contacts")
FACTS = "facts"
PAID = "paid"
BLOCK = "block"
BLOCK_SUMMARY = "block_optimiser"
WHY = "why"
_RUN_KEYS = ("run_id", "loan_id")
ITEM_FIELDS = [c for c in ITEM_ROWS.names() if c not in _RUN_KEYS]
ACTION_FIELDS = [c for c in ACTION_ROWS.names() if c not in _RUN_KEYS]
OUTPUT_BATCH = 20_000


@dataclass(frozen=True)
class RunInputs:
    """What every partition of a run shares (sent to each task with the function)."""

    as_of: date
    actor: str
    run_id: int
    now: datetime
    strategy: StrategyBundle
    buckets: tuple[tuple[str, int], ...]
    partition_accounts: int
    optimise: OptimiseRun | None = None


VALUED = pa.schema(
    [
        pa.field("loan_id", pa.int64()),
        pa.field("treatment", pa.string()),
        pa.field("cost_minor", pa.int64()),
        pa.field("capacity_class", pa.string()),
        pa.field("capacity_units", pa.int32()),
        pa.field("value", pa.float64()),
        pa.field("balance_minor", pa.int64()),
        pa.field("fixed_use", pa.string()),
    ]
)
"""The price sample's valued menu rows; one extra row per chunk (no ``loan_id``) carries, as
JSON, the capacity its fixed treatments use."""


def output_schema() -> pa.Schema:
    """One row per account: the ``decisions`` columns, then ``items`` (with the summary's
    ``why``) and ``actions`` as lists of structs."""
    decision = pl.DataFrame(schema=DECISION_ROWS).to_arrow().schema
    item_columns = [(c, ITEM_ROWS[c]) for c in ITEM_FIELDS] + [(WHY, pl.String())]
    item = pl.DataFrame(schema=pl.Schema(item_columns)).to_arrow().schema
    action = pl.DataFrame(schema={c: ACTION_ROWS[c] for c in ACTION_FIELDS}).to_arrow().schema
    fields = [*_plain(decision), pa.field("items", pa.list_(pa.struct(_plain(item)))),
              pa.field("actions", pa.list_(pa.struct(_plain(action)))),
              pa.field(BLOCK_SUMMARY, pa.string())]  # fmt: skip
    return pa.schema(fields)


def _plain(schema: pa.Schema) -> list[pa.Field]:
    """Fields with Spark's Arrow types (``string``, not the large or view strings Polars uses)."""
    plain = {pa.large_string(): pa.string(), pa.string_view(): pa.string()}
    return [pa.field(f.name, plain.get(f.type, f.type)) for f in schema]


_LOADED: dict[tuple[str, tuple[tuple[str, int], ...]], Strategy] = {}


def _strategy(bundle: StrategyBundle, buckets: tuple[tuple[str, int], ...]) -> Strategy:
    """The run's strategy, loaded once per Python worker."""
    key = (bundle.digest, buckets)
    if key not in _LOADED:
        _LOADED[key] = bundle.load(BucketScheme.from_bounds(list(buckets)))
    return _LOADED[key]


def decide_batches(batches: Iterable[pa.RecordBatch], run: RunInputs) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: accounts in, decided accounts out, chunk by chunk."""
    schema = output_schema()
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        if held >= run.partition_accounts:
            yield from _decided(pending, run, schema)
            pending, held = [], 0
    if held:
        yield from _decided(pending, run, schema)


def _decided(
    batches: list[pa.RecordBatch], run: RunInputs, schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    accounts = pl.from_arrow(pa.Table.from_batches(batches))
    assert isinstance(accounts, pl.DataFrame)
    rows = decide_rows(
        frames_of(accounts), strategy=_strategy(run.strategy, run.buckets), as_of=run.as_of,
        actor=ActorType(run.actor), run_id=run.run_id, now=run.now,
    )  # fmt: skip
    nested = nest(rows).with_columns(pl.lit(None, pl.String).alias(BLOCK_SUMMARY))
    yield from nested.to_arrow().cast(schema).to_batches(max_chunksize=OUTPUT_BATCH)


def _strategy_of(run: RunInputs) -> Strategy:
    return _strategy(run.strategy, run.buckets)


def sample_batches(batches: Iterable[pa.RecordBatch], run: RunInputs) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function of the price sample: accounts in, valued menus out."""
    assert run.optimise is not None
    for accounts in _chunks(batches, run.partition_accounts):
        valued, fixed_use = sample_menu(
            frames_of(accounts), paid_of(accounts), model=run.optimise.model,
            strategy=_strategy_of(run), as_of=run.as_of, actor=ActorType(run.actor),
        )  # fmt: skip
        names = [f.name for f in VALUED if f.name != "fixed_use"]
        rows = valued.select(names).with_columns(pl.lit(None, pl.String).alias("fixed_use"))
        marker = pl.DataFrame({"fixed_use": [json.dumps(fixed_use)]})
        out = pl.concat([rows, marker], how="diagonal_relaxed").select([f.name for f in VALUED])
        yield from out.to_arrow().cast(VALUED).to_batches(max_chunksize=OUTPUT_BATCH)


def decide_blocks(batches: Iterable[pa.RecordBatch], run: RunInputs) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function of an optimised run: rows sorted by block and loan id, each
    block decided whole (``services.snapshot_optimise.decide_block``)."""
    assert run.optimise is not None
    schema = output_schema()
    held: list[pl.DataFrame] = []
    current: int | None = None
    for batch in batches:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        for part in frame.partition_by(BLOCK, maintain_order=True):
            block = int(part.get_column(BLOCK)[0])
            if current is not None and block != current:
                yield from _decided_block(pl.concat(held), run, schema)
                held = []
            current = block
            held.append(part)
    if held:
        yield from _decided_block(pl.concat(held), run, schema)


def _decided_block(
    accounts: pl.DataFrame, run: RunInputs, schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    assert run.optimise is not None
    block = decide_block(
        frames_of(accounts), paid_of(accounts), strategy=_strategy_of(run), as_of=run.as_of,
        actor=ActorType(run.actor), run_id=run.run_id, now=run.now, run=run.optimise,
    )  # fmt: skip
    first = pl.int_range(pl.len()) == 0
    nested = nest(block.rows).with_columns(
        pl.when(first).then(pl.lit(json.dumps(block.optimiser))).alias(BLOCK_SUMMARY)
    )
    yield from nested.to_arrow().cast(schema).to_batches(max_chunksize=OUTPUT_BATCH)


def _chunks(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pl.DataFrame]:
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        pending.append(batch)
        held += batch.num_rows
        if held >= size:
            yield _frame(pending)
            pending, held = [], 0
    if held:
        yield _frame(pending)


def _frame(batches: list[pa.RecordBatch]) -> pl.DataFrame:
    frame = pl.from_arrow(pa.Table.from_batches(batches))
    assert isinstance(frame, pl.DataFrame)
    return frame


def paid_of(accounts: pl.DataFrame) -> pl.DataFrame:
    """The accounts' ``PAYMENT_FACTS`` back from the ``paid`` struct (absent: no payment)."""
    facts = accounts.filter(pl.col(PAID).is_not_null()).select(
        "loan_id", pl.col(PAID).struct.unnest()
    )
    return conform(facts, EXTRAS[PAID], name=PAID)


def frames_of(accounts: pl.DataFrame) -> PartitionFrames:
    """The snapshot's frames back from one row per account."""
    found = {"features": conform(accounts, INPUTS["features"], name="features")}
    facts = accounts.filter(pl.col(FACTS).is_not_null()).select(
        "loan_id", pl.col(FACTS).struct.unnest()
    )
    found[FACTS] = conform(facts, INPUTS[FACTS], name=FACTS)
    for name in NESTED:
        exploded = (
            accounts.select("loan_id", pl.col(name))
            .explode(name, empty_as_null=False)
            .filter(pl.col(name).is_not_null())
            .select("loan_id", pl.col(name).struct.unnest())
        )
        found[name] = conform(exploded, INPUTS[name], name=name)
    return PartitionFrames(**found)


def nest(rows: CycleRows) -> pl.DataFrame:
    """One row per decided account with its items and actions as lists."""
    items = rows.items.with_columns(blocked_why().alias(WHY)).select(
        "loan_id", pl.struct(*ITEM_FIELDS, WHY).alias("item")
    )
    actions = rows.actions.select("loan_id", pl.struct(*ACTION_FIELDS).alias("action"))
    nested_items = items.group_by("loan_id", maintain_order=True).agg(pl.col("item").alias("items"))
    nested_actions = actions.group_by("loan_id", maintain_order=True).agg(
        pl.col("action").alias("actions")
    )
    return rows.decisions.join(nested_items, on="loan_id", how="left", maintain_order="left").join(
        nested_actions, on="loan_id", how="left", maintain_order="left"
    )
