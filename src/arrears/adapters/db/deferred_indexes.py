"""A bulk table's secondary indexes built once, after it is loaded, instead of row by row.

Every row written into a table adds an entry to each of its indexes: a descent of the B-tree
and, on PostgreSQL, a record in the write-ahead log, per row and per index. Into a table that is
empty, it is cheaper to drop its secondary indexes and unique constraints, load, and create them
again: each is then built from one sort of the whole table (docs/adr/0013). So with a foreign
key on PostgreSQL: checked row by row it is a query per row (a trigger); added after the load,
one join of the two tables.

Only a table that is empty when its indexes are dropped is treated so: the drop locks the table
(ACCESS EXCLUSIVE) until the transaction ends, which on a live book would stop its readers for
the whole import. Everything happens in the caller's transaction (DDL is transactional on both
PostgreSQL and SQLite), so a failed or refused import leaves the indexes as they were, and a
unique index that finds a duplicate when it is built fails the transaction.

The definitions are the SQLAlchemy metadata's (``schema``), which the migrations produce
(``tests/integration/test_import_indexes.py`` compares the schema after an import with a
migrated one). Primary keys stay: ids are assigned in ascending order, so a key is only ever
appended to, and the journal's next ids are read from its key. On SQLite a UNIQUE constraint is
part of the table's definition (an automatic index that cannot be dropped without rewriting the
table), so only the declared indexes are deferred there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, ForeignKeyConstraint, Index, Table, UniqueConstraint, text
from sqlalchemy.schema import (
    AddConstraint,
    CreateIndex,
    DropConstraint,
    DropIndex,
    ExecutableDDLElement,
)

BUILD_MEMORY = "1GB"
"""``maintenance_work_mem`` while building (PostgreSQL; 64 MB by default): the more of a table's
sort fits in memory, the fewer passes through temporary files (a million loans' journal still
takes some). 4 GB built the journal's unique index of the imported 1,000,000-loan book faster
on its own (26.6 s against 33.1 s), but not within the import (25.2 and 27.5 s against
20.9–23.5 s): left at 1 GB."""

Secondary = Index | UniqueConstraint | ForeignKeyConstraint
_PENDING = "arrears.deferred_indexes"


@dataclass
class _Pending:
    """What this transaction dropped and has still to build, by table (kept on the connection,
    for the transaction it was dropped in)."""

    transaction: object
    tables: dict[str, list[Secondary]] = field(default_factory=dict)


def defer(
    connection: Connection, tables: Sequence[Table], *, keep: Collection[str] = ()
) -> list[str]:
    """Drop the secondary indexes, unique constraints and foreign keys of each of ``tables``
    that is empty, but those named in ``keep`` (what the load itself reads through), to be
    built by ``build``; returns the tables whose indexes now wait.

    A table is looked at before anything is dropped (no lock is taken on one that has rows) and
    again once the drop holds it, in a savepoint: a table another transaction wrote to meanwhile
    keeps its indexes (the savepoint is rolled back, and its lock let go)."""
    if connection.get_transaction() is None:  # begin now, so the drops have one to belong to
        connection.begin()
    pending = _pending(connection)
    deferred = []
    for table in tables:
        if table.name in pending.tables or not is_empty(connection, table):
            continue
        secondary = [item for item in _secondary(connection, table) if item.name not in keep]
        if not secondary:
            continue
        savepoint = connection.begin_nested()
        for item in secondary:
            connection.execute(_drop(item))
        if is_empty(connection, table):
            savepoint.commit()
            pending.tables[table.name] = secondary
            deferred.append(table.name)
        else:
            savepoint.rollback()
    return deferred


def build(connection: Connection, tables: Sequence[Table] | None = None) -> list[str]:
    """Create again what ``defer`` dropped on ``tables`` (every deferred table when None), in the
    same transaction; returns the names built. A unique index that finds a duplicate raises,
    and the transaction must then roll back."""
    if _PENDING not in connection.info:
        return []  # this connection never deferred anything: every commit asks, cheaply
    pending = _pending(connection)
    names = list(pending.tables) if tables is None else [table.name for table in tables]
    items = [item for name in names for item in pending.tables.pop(name, [])]
    if not items:
        return []
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
    # foreign keys last: each is checked by one join, which the indexes built first may serve
    items.sort(key=lambda item: isinstance(item, ForeignKeyConstraint))
    for item in items:
        connection.execute(_create(item))
    return [str(item.name) for item in items]


def waiting(connection: Connection) -> list[str]:
    """The tables of this transaction whose indexes are dropped and not yet built again."""
    return list(_pending(connection).tables)


def is_empty(connection: Connection, table: Table) -> bool:
    return connection.execute(text(f"SELECT 1 FROM {table.name} LIMIT 1")).first() is None


def _secondary(connection: Connection, table: Table) -> list[Secondary]:
    """The table's indexes and (on PostgreSQL) unique constraints and foreign keys that the
    database has, by name: only what is there is dropped, so only what was there is built
    again. (SQLite keeps a table's constraints in its definition: they cannot be dropped.)"""
    declared: list[Secondary] = sorted(table.indexes, key=lambda index: str(index.name))
    present = set(_index_names(connection, table.name))
    if connection.dialect.name == "postgresql":
        for kind in (UniqueConstraint, ForeignKeyConstraint):
            constraints = [c for c in table.constraints if isinstance(c, kind)]
            declared += sorted(constraints, key=lambda constraint: str(constraint.name))
        present |= set(_foreign_key_names(connection, table.name))
    return [item for item in declared if str(item.name) in present]


def _foreign_key_names(connection: Connection, table: str) -> list[str]:
    sql = (
        "SELECT conname FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(:table))"
    )
    return [str(name) for name in connection.execute(text(sql), {"table": table}).scalars()]


def _index_names(connection: Connection, table: str) -> list[str]:
    """Names of the table's indexes (on PostgreSQL a unique constraint's index has its name)."""
    if connection.dialect.name == "postgresql":
        sql = (
            "SELECT indexname FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = :table"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
    return [str(name) for name in connection.execute(text(sql), {"table": table}).scalars()]


def _drop(item: Secondary) -> ExecutableDDLElement:
    return DropIndex(item) if isinstance(item, Index) else DropConstraint(item)


def _create(item: Secondary) -> ExecutableDDLElement:
    return CreateIndex(item) if isinstance(item, Index) else AddConstraint(item)


def _pending(connection: Connection) -> _Pending:
    """This transaction's: what an earlier one dropped was built or rolled back with it."""
    transaction = connection.get_transaction()
    pending = connection.info.get(_PENDING)
    if not isinstance(pending, _Pending) or pending.transaction is not transaction:
        pending = _Pending(transaction)
        connection.info[_PENDING] = pending
    return pending
