"""Polars frames to and from segment columns: the columnar boundary of the codec.

A frame has one column per base field (the ``FieldSpec`` names): ``String`` for text, an integer
type for numbers (whole dollars; floats are refused), ``Date`` for dates and naive ``Datetime``
for the time stamp; nulls mean "not available". Appendages are optional columns ``j1`` and
``j2`` (lists of structs) and ``k1``, ``k2``, ``k3``, ``k4``, ``l1``, ``n1`` (structs, null
when absent), with the appendage's field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import polars as pl

from arrears.formats.metro2.codec.columns import ColumnValues, decode_field
from arrears.formats.metro2.codec.digits import I64Array
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem
from arrears.formats.metro2.spec import (
    APPENDAGES,
    BASE,
    REPEATABLE,
    FieldSpec,
    Kind,
    Presence,
    SegmentLayout,
)

if TYPE_CHECKING:
    from arrears.formats.metro2.reading.chunk import BaseChunk

#: Appendage column names in a frame, in §5.1 order.
APPENDAGE_COLUMNS: Final = tuple(layout.name.lower() for layout in APPENDAGES)


def polars_type(spec: FieldSpec) -> pl.DataType:
    """The Polars type of a field's column."""
    if spec.kind is Kind.NUMBER:
        return pl.Int64()
    if spec.kind is Kind.DATE:
        return pl.Date()
    if spec.kind is Kind.TIMESTAMP:
        return pl.Datetime("us")
    return pl.String()


def segment_schema(layout: SegmentLayout) -> pl.Schema:
    return pl.Schema({spec.name: polars_type(spec) for spec in layout.value_fields})


def frame_schema() -> pl.Schema:
    """The full frame schema: base fields, then the appendage columns."""
    schema = dict(segment_schema(BASE))
    for layout in APPENDAGES:
        struct = pl.Struct(segment_schema(layout))
        schema[layout.name.lower()] = pl.List(struct) if layout.name in REPEATABLE else struct
    return pl.Schema(schema)


# -- frame -> columns ---------------------------------------------------------------------------


def _problem(field: str, message: str) -> Metro2Problem:
    return Metro2Problem.in_file("field.type", message, segment="frame", field=field)


def segment_columns(
    frame: pl.DataFrame, layout: SegmentLayout, *, require: bool
) -> dict[str, ColumnValues]:
    """Typed columns of one layout from a frame; a wrong or missing column raises with all."""
    problems: list[Metro2Problem] = []
    columns: dict[str, ColumnValues] = {}
    present = set(frame.columns)
    for spec in layout.value_fields:
        if spec.name not in present:
            if require and spec.presence is Presence.REQUIRED and spec.default is None:
                problems.append(_problem(spec.name, "required column is missing"))
            continue
        converted = _column(frame.get_column(spec.name), spec)
        if isinstance(converted, str):
            problems.append(_problem(spec.name, converted))
        else:
            columns[spec.name] = converted
    if problems:
        raise Metro2FormatError(problems)
    return columns


def check_frame_columns(frame: pl.DataFrame) -> None:
    """Refuse columns that are neither base fields nor appendages (typos would be lost)."""
    known = {spec.name for spec in BASE.value_fields} | set(APPENDAGE_COLUMNS)
    unknown = [name for name in frame.columns if name not in known]
    if unknown:
        raise Metro2FormatError([_problem(name, "unknown column") for name in unknown])


_EXPECTED: Final = {
    Kind.TEXT: "a text column",
    Kind.NUMBER: "an integer column (whole dollars, never floats)",
    Kind.DATE: "a date column",
    Kind.TIMESTAMP: "a naive datetime column",
}


def _accepts(dtype: pl.DataType, kind: Kind) -> bool:
    if dtype == pl.Null:
        return True
    if kind is Kind.TEXT:
        return dtype in (pl.String, pl.Categorical, pl.Enum)
    if kind is Kind.NUMBER:
        return dtype.is_integer()
    if kind is Kind.DATE:
        return dtype == pl.Date
    return isinstance(dtype, pl.Datetime) and dtype.time_zone is None


def _convert(series: pl.Series, kind: Kind) -> ColumnValues:
    if kind is Kind.TEXT:
        strings = series if series.dtype == pl.String else series.cast(pl.String)
        return strings.to_arrow(compat_level=pl.CompatLevel.newest())
    if kind is Kind.NUMBER:
        if series.null_count():
            series = series.fill_null(0)
        numbers: I64Array = series.to_numpy().astype(np.int64, copy=False)
        return numbers
    if kind is Kind.DATE:
        return series.cast(pl.Date).to_numpy().astype("datetime64[D]", copy=False)
    if not isinstance(series.dtype, pl.Datetime):  # a null column
        series = series.cast(pl.Datetime("us"))
    return series.to_numpy().astype("datetime64[s]")


def _column(series: pl.Series, spec: FieldSpec) -> ColumnValues | str:
    """The field's typed column, or why the Polars column cannot be one."""
    if not _accepts(series.dtype, spec.kind):
        return f"{_EXPECTED[spec.kind]} expected, got {series.dtype}"
    return _convert(series, spec.kind)


@dataclass(frozen=True, slots=True)
class AppendageColumns:
    """One appendage kind taken from a frame: owning row of each segment, and its columns."""

    owners: I64Array
    columns: Mapping[str, ColumnValues]

    def __len__(self) -> int:
        return int(self.owners.size)


def appendage_columns(frame: pl.DataFrame) -> dict[str, AppendageColumns]:
    """The appendages present in the frame, by segment identifier."""
    found: dict[str, AppendageColumns] = {}
    for layout in APPENDAGES:
        name = layout.name.lower()
        if name not in frame.columns:
            continue
        rows = frame.select(pl.col(name)).with_row_index("__owner")
        if layout.name in REPEATABLE:
            rows = rows.explode(name, empty_as_null=False)
        rows = rows.filter(pl.col(name).is_not_null())
        if rows.height == 0:
            continue
        owners = rows.get_column("__owner").cast(pl.Int64).to_numpy()
        segments = rows.get_column(name).struct.unnest()
        columns = segment_columns(segments, layout, require=False)
        found[layout.name] = AppendageColumns(owners, columns)
    return found


# -- chunk -> frame -----------------------------------------------------------------------------


def _series(name: str, values: ColumnValues, spec: FieldSpec) -> pl.Series:
    if spec.kind is Kind.TEXT:
        series = pl.Series(name, values).str.strip_chars_end(" ")
        return series
    if spec.kind is Kind.TIMESTAMP:
        values = values.astype("datetime64[us]")
    return pl.Series(name, values).cast(polars_type(spec))


def _segment_frame(layout: SegmentLayout, matrix: Any) -> pl.DataFrame:
    return pl.DataFrame(
        [_series(spec.name, decode_field(matrix, spec), spec) for spec in layout.value_fields],
        schema=segment_schema(layout),
    )


def chunk_to_frame(chunk: BaseChunk) -> pl.DataFrame:
    """A chunk as a frame (schema :func:`frame_schema`); refuses undecodable bytes.

    J1 and J2 are lists (empty when the account has none); K1 … N1 are structs or null.
    """
    structural = [problem for problem in chunk.problems if problem.structural]
    if structural:
        raise Metro2FormatError(structural)
    frame = _segment_frame(BASE, chunk.rows)
    schema = frame_schema()
    for layout in APPENDAGES:
        name = layout.name.lower()
        segments = chunk.appendages.get(layout.name)
        column = (
            _appendage_column(layout, segments.matrix, segments.owners, len(chunk))
            if segments is not None and len(segments)
            else pl.lit(None, dtype=schema[name])
        )
        frame = frame.with_columns(column.cast(schema[name]).alias(name))
    for layout in APPENDAGES:
        if layout.name in REPEATABLE:
            name = layout.name.lower()
            frame = frame.with_columns(pl.col(name).fill_null(pl.lit([], dtype=schema[name])))
    return frame


def _appendage_column(
    layout: SegmentLayout, matrix: Any, owners: I64Array, count: int
) -> pl.Series:
    """One struct (or list of structs) per base row, null where the account has none."""
    name = layout.name.lower()
    structs = _segment_frame(layout, matrix).select(pl.struct(pl.all()).alias(name))
    structs = structs.with_columns(pl.Series("__owner", owners))
    if layout.name in REPEATABLE:
        structs = structs.group_by("__owner", maintain_order=True).agg(pl.col(name))
    index = pl.DataFrame({"__owner": np.arange(count, dtype=np.int64)})
    joined = index.join(structs, on="__owner", how="left", maintain_order="left")
    return joined.get_column(name)
