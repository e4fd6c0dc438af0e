"""Whatever frame binary COPY is given comes back from PostgreSQL equal: generated frames of
every type it writes, columns in any order, NULLs anywhere, any text but NUL, dates and
timestamps from year 1 to 9999 in any time zone, integers to their columns' limits."""

from __future__ import annotations

from datetime import UTC, date

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from arrears.bootstrap import Container
from support.copy_frames import POSTGRES_ONLY, ROUND_TRIP, expected, wall, written_and_read


def _maybe(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | values


LETTERS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
ROW = st.fixed_dictionaries(
    {
        "big": _maybe(st.integers(-(2**63), 2**63 - 1)),
        "whole": _maybe(st.integers(-(2**31), 2**31 - 1)),
        "small": _maybe(st.integers(-(2**15), 2**15 - 1)),
        "flag": _maybe(st.booleans()),
        "day": _maybe(st.dates(date(1, 1, 1), date(9999, 12, 31))),
        # a day inside the ends, so the instant has a date in every zone
        "at": _maybe(st.datetimes(wall(1, 1, 2), wall(9999, 12, 30), timezones=st.just(UTC))),
        "wall": _maybe(st.datetimes(wall(1, 1, 1), wall(9999, 12, 31, 23, 59, 59, 999_999))),
        "code": _maybe(st.text(LETTERS, max_size=20)),
        "note": _maybe(st.text(LETTERS)),
    }
)
SCHEMA = {
    "n": pl.Int64,
    "big": pl.Int64,
    "whole": pl.Int64,  # written as 4 bytes (an INTEGER column)
    "small": pl.Int16,
    "flag": pl.Boolean,
    "day": pl.Date,
    "at": pl.Datetime("us", "UTC"),
    "wall": pl.Datetime("us"),
    "code": pl.String,
    "note": pl.String,
}
ZONES = st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])


@POSTGRES_ONLY
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(ROW, min_size=1, max_size=25),
    order=st.permutations(list(SCHEMA)),
    zone=ZONES,
)
def test_generated_frames_come_back_equal(
    container: Container, rows: list[dict[str, object]], order: list[str], zone: str
) -> None:
    frame = pl.DataFrame([{"n": n, **row} for n, row in enumerate(rows)], schema=SCHEMA)
    frame = frame.with_columns(pl.col("at").dt.convert_time_zone(zone)).select(order)
    with container.engine.connect() as connection:
        ROUND_TRIP.create(connection, checkfirst=True)
        connection.commit()
        with connection.begin():
            got = written_and_read(connection, ROUND_TRIP, frame)
            connection.execute(delete(ROUND_TRIP))
    assert got == expected(frame, ROUND_TRIP)
