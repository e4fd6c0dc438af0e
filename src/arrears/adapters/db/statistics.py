"""Keeping PostgreSQL's planner statistics up to date after a bulk load.

The planner chooses between an index and a whole-table scan from ``pg_class`` and
``pg_statistic``. A table that was never analysed, or has grown much since, is planned for the
size it had: after a first import of 1,000,000 loans the cycle's per-partition read of the
journal's lines (then a table of 123M rows) became a parallel sequential scan, once per
partition. Autovacuum analyses only after the load commits (and may be off), so the import
analyses the tables it grew before it reads them back, with PostgreSQL's own rule for when
that is worth it: more than a tenth new since the last analysis
(``autovacuum_analyze_scale_factor``, 0.1 by default;
https://www.postgresql.org/docs/15/routine-vacuuming.html#VACUUM-FOR-STATISTICS).

Inside the loading transaction ``ANALYZE`` samples the rows that transaction inserted and its
statistics commit or roll back with them. SQLite's planner prefers an index without
statistics, so there is nothing to do there.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

GROWTH = 0.1  # autovacuum_analyze_scale_factor's default

_GROWN = text(
    """
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = to_regnamespace(current_schema())
      AND c.relname = ANY(:tables)
      AND (c.reltuples < 0
           OR pg_relation_size(c.oid) / current_setting('block_size')::int
              > (1 + :growth) * c.relpages)
    ORDER BY c.relname
    """
)


def refresh_statistics(connection: Connection, tables: Sequence[str]) -> list[str]:
    """``ANALYZE`` each of ``tables`` that was never analysed or grew by more than a tenth
    since; returns the tables analysed (none on SQLite)."""
    if connection.dialect.name != "postgresql":
        return []
    grown = connection.execute(_GROWN, {"tables": list(tables), "growth": GROWTH}).scalars()
    analysed = list(grown)
    for table in analysed:
        connection.exec_driver_sql(f'ANALYZE "{table}"')
    return analysed
