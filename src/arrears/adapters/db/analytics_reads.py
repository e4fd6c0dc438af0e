"""The analytics workflow in the database: the frames the metrics read, and the goals table.

Reads go partition by partition through ``bulk.lookup`` (one statement per table and
partition). The records of other workflows are read through ``SOURCE_QUERIES``: a source is
*available* when its tables exist with every column named there (checked at run time), so the
report computes its metrics as soon as that workflow lands, and says "no data yet" until then.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection, delete, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite

from arrears.adapters.db.bulk import frame_from_rows, lookup
from arrears.adapters.db.journal_columns import net_sum
from arrears.adapters.db.portfolio_reads import SqlPortfolioReads
from arrears.adapters.db.schema_analytics import goals
from arrears.adapters.db.strategy_store import SqlStrategies
from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.analytics.goals import Goal
from arrears.analytics.inputs import DECISIONS
from arrears.analytics.sources import SOURCES
from arrears.analytics.strategy_frames import experiment_arms
from arrears.domain.delinquency import BucketScheme
from arrears.ledger.accounts import BORROWER_SIDE
from arrears.services.analytics import Partition
from arrears.strategy.check import default_strategy_text, load_strategy

LOAN_COLUMNS = {
    "loans.id AS loan_id": pl.Int64,
    "loans.product": pl.Utf8,
    "loans.currency": pl.Utf8,
    "loans.principal_minor": pl.Int64,
    "loans.annual_rate_micros": pl.Int64,
    "loans.term_months": pl.Int32,
    "loans.origination_date": pl.Date,
    "loans.first_due_date": pl.Date,
    "loans.charge_off_date": pl.Date,
    "loans.charge_off_amount_minor": pl.Int64,
    "loans.status": pl.Utf8,
    "loans.schedule_source": pl.Utf8,
}


@dataclass(frozen=True, slots=True)
class SourceQuery:
    """How a source is read: the tables and columns it needs, and a query whose columns are
    the source frame's (``analytics.sources``). ``loan`` is the column partitions filter on."""

    needs: dict[str, tuple[str, ...]]
    select: str
    loan: str
    group_by: str = ""


SOURCE_QUERIES: dict[str, SourceQuery] = {
    "contacts": SourceQuery(
        {"contacts": ("loan_id", "at", "channel", "direction", "outcome", "actor")},
        "SELECT c.loan_id, c.at AS contacted_on, c.channel, c.direction, c.outcome, c.actor "
        "FROM contacts c WHERE 1 = 1",
        "c.loan_id",
    ),
    "promises": SourceQuery(
        {"promises": ("id", "loan_id", "made_on", "total_minor", "status"),
         "promise_installments": ("promise_id", "due_on")},
        "SELECT p.id AS promise_id, p.loan_id, p.made_on, MAX(i.due_on) AS due_date, "
        "p.total_minor AS amount_minor FROM promises p "
        "JOIN promise_installments i ON i.promise_id = p.id WHERE p.status <> 'cancelled'",
        "p.loan_id",
        "GROUP BY p.id, p.loan_id, p.made_on, p.total_minor",
    ),
    "plans": SourceQuery(
        {"plans": ("id", "loan_id", "starts_on", "status", "evaluated_on")},
        "SELECT p.id AS plan_id, p.loan_id, p.starts_on AS started_on, p.status, "
        "p.evaluated_on AS ended_on FROM plans p WHERE 1 = 1",
        "p.loan_id",
    ),
    "offers": SourceQuery(
        {"settlement_offers": ("id", "loan_id", "presented_on", "accepted_on", "balance_minor",
                               "amount_minor")},
        "SELECT o.id AS offer_id, o.loan_id, o.presented_on, o.accepted_on, o.balance_minor, "
        "o.amount_minor AS settlement_minor FROM settlement_offers o "
        "WHERE o.presented_on IS NOT NULL",
        "o.loan_id",
    ),
    "placements": SourceQuery(
        {"placements": ("id", "loan_id", "agency_id", "placed_on", "recalled_on",
                        "balance_minor"),
         "agencies": ("id", "name")},
        "SELECT p.id AS placement_id, p.loan_id, a.name AS agency, p.placed_on, p.recalled_on, "
        "p.balance_minor AS placed_balance_minor FROM placements p "
        "JOIN agencies a ON a.id = p.agency_id WHERE 1 = 1",
        "p.loan_id",
    ),
    "legal_cases": SourceQuery(
        {"legal_cases": ("id", "loan_id", "referred_on"),
         "legal_proceedings": ("id", "case_id"),
         "legal_costs": ("proceeding_id", "incurred_on", "amount_minor")},
        "SELECT c.id AS case_id, c.loan_id, c.referred_on, NULL AS closed_on, "
        "k.incurred_on AS cost_on, k.amount_minor AS cost_minor FROM legal_cases c "
        "LEFT JOIN legal_proceedings p ON p.case_id = c.id "
        "LEFT JOIN legal_costs k ON k.proceeding_id = p.id WHERE 1 = 1",
        "c.loan_id",
    ),
    "repossessions": SourceQuery(
        {"repossessions": ("loan_id", "repossessed_on", "sold_on", "proceeds_minor",
                           "costs_minor")},
        "SELECT r.loan_id, r.repossessed_on, r.sold_on, r.proceeds_minor, r.costs_minor "
        "FROM repossessions r WHERE 1 = 1",
        "r.loan_id",
    ),
    "portal_events": SourceQuery(
        {"funnel_events": ("borrower_id", "loan_id", "event", "at")},
        "SELECT f.borrower_id, f.loan_id, f.event, f.at AS happened_on "
        "FROM funnel_events f WHERE 1 = 1",
        "f.loan_id",
    ),
}  # fmt: skip
"""Per source: where the workflow that produces it keeps it. A source whose tables or columns
are missing is not available (its metrics show "no data yet"); timestamps become UTC dates."""

_POSTED_BY_EVENTS = (
    "source = 'loan' OR substr(source, 1, 12) = 'installment:' "
    "OR substr(source, 1, 7) = 'charge:' OR substr(source, 1, 8) = 'payment:'"
)
"""Sources the posting rules derive from loan events (``ledger.postings``), written without
``%`` (the PostgreSQL reads pass their keys as driver parameters)."""


class SqlAnalyticsReads:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.portfolio = SqlPortfolioReads(connection)

    def available_sources(self) -> frozenset[str]:
        inspector = inspect(self.connection)
        tables = set(inspector.get_table_names())

        def has(table: str, columns: tuple[str, ...]) -> bool:
            if table not in tables:
                return False
            return set(columns) <= {c["name"] for c in inspector.get_columns(table)}

        return frozenset(
            name
            for name, query in SOURCE_QUERIES.items()
            if all(has(table, columns) for table, columns in query.needs.items())
        )

    def currencies(self) -> dict[str, int]:
        rows = self.connection.execute(
            text("SELECT currency, COUNT(*) FROM loans GROUP BY currency")
        ).fetchall()
        return {str(currency): int(count) for currency, count in rows}

    def partitions(self, *, size: int) -> list[Partition]:
        ids = self.portfolio.loan_ids()
        return [
            Partition(number, ids[start : start + size])
            for number, start in enumerate(range(0, len(ids), size))
        ]

    def loans(self, partition: Partition) -> pl.DataFrame:
        return lookup(
            self.connection, table="loans", key="id", keys=partition.loan_ids, columns=LOAN_COLUMNS
        )

    def stored_installments(self, partition: Partition, *, due_by: date) -> pl.DataFrame:
        return self.portfolio.stored_installments(partition.loan_ids, due_by=due_by)

    def charges(self, partition: Partition) -> pl.DataFrame:
        return self.portfolio.charges(partition.loan_ids)

    def payments(self, partition: Partition) -> pl.DataFrame:
        return self.portfolio.payments(partition.loan_ids)

    def adjustments(self, partition: Partition) -> pl.DataFrame:
        """Borrower-side ledger lines of entries that loan events do not explain (waivers,
        write-offs, recoverable costs), summed per loan and effective date."""
        net = net_sum(BORROWER_SIDE, alias="ledger_entries")
        return (
            lookup(
                self.connection,
                table="ledger_entries",
                key="loan_id",
                keys=partition.loan_ids,
                columns={
                    "ledger_entries.loan_id": pl.Int64,
                    "ledger_entries.effective_date": pl.Date,
                    f"{net} AS amount_minor": pl.Int64,
                },
                condition=f"NOT ({_POSTED_BY_EVENTS})",
            )
            .group_by("loan_id", "effective_date")
            .agg(pl.col("amount_minor").sum())
        )

    def decisions(self, partition: Partition, *, segments: Sequence[str]) -> pl.DataFrame:
        """Decisions with an experiment arm made in ``segments`` (where experiments run): the
        only ones the metrics read — the cycle records an arm on every decision."""
        if not segments:
            return pl.DataFrame(schema=DECISIONS)
        return lookup(
            self.connection,
            table="decisions",
            key="loan_id",
            keys=partition.loan_ids,
            columns={
                "decisions.loan_id": pl.Int64,
                "decisions.as_of": pl.Date,
                "decisions.segment": pl.Utf8,
                "decisions.experiment": pl.Utf8,
                "decisions.arm": pl.Utf8,
                "decisions.arm_probability": pl.Float64,
            },
            condition="decisions.experiment IS NOT NULL AND decisions.segment IN ("
            + ", ".join(_quoted(segment) for segment in segments)
            + ")",
        )

    def actions(self, partition: Partition, *, after: date) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="actions",
            key="loan_id",
            keys=partition.loan_ids,
            columns={
                "actions.loan_id": pl.Int64,
                "actions.treatment": pl.Utf8,
                "actions.kind": pl.Utf8,
                "actions.category": pl.Utf8,
                "actions.status": pl.Utf8,
                "actions.due_on": pl.Date,
                "actions.assigned_to": pl.Utf8,
            },
            condition=f"actions.due_on > '{after.isoformat()}'",
        )

    def source(self, name: str, partition: Partition | None) -> pl.DataFrame:
        """The source's rows as ``analytics.sources`` frames (dates from timestamps: UTC)."""
        query = SOURCE_QUERIES[name]
        sql, params = query.select, dict[str, Any]()
        if partition is not None:
            if not partition.loan_ids:
                return pl.DataFrame(schema=SOURCES[name].schema)
            sql, params = _with_loans(self.connection, sql, query.loan, partition.loan_ids)
        rows = self.connection.execute(text(f"{sql} {query.group_by}"), params).fetchall()
        return frame_from_rows(rows, dict(SOURCES[name].schema))

    def experiment_arms(self, *, buckets: BucketScheme) -> pl.DataFrame:
        """The experiments of the strategy in force (the shipped default if none was
        activated), with their segments and arm roles."""
        stored = SqlStrategies(self.connection).active()
        if stored is None:
            strategy = load_strategy(
                default_strategy_text(), source="default.yaml", buckets=buckets
            )
        else:
            strategy = load_strategy(
                stored.text,
                source=stored.source,
                buckets=buckets,
                include=stored.included.__getitem__,
            )
        return experiment_arms(strategy)


def _quoted(value: str) -> str:
    """A SQL text literal (quotes doubled): segment names come from the strategy file."""
    return "'" + value.replace("'", "''") + "'"


def _with_loans(
    connection: Connection, sql: str, column: str, loan_ids: list[int]
) -> tuple[str, dict[str, Any]]:
    """``sql`` restricted to ``column`` in ``loan_ids`` (an array on PostgreSQL, JSON on SQLite)."""
    if connection.dialect.name == "postgresql":
        return f"{sql} AND {column} = ANY(:ids)", {"ids": loan_ids}
    return f"{sql} AND {column} IN (SELECT value FROM json_each(:ids))", {
        "ids": json.dumps(loan_ids)
    }


class SqlGoalStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def all(self) -> list[Goal]:
        rows = self.connection.execute(select(goals).order_by(goals.c.deadline, goals.c.key))
        return [_goal(row._asdict()) for row in rows]

    def put(self, goal: Goal, *, at: datetime, by: str) -> None:
        values = {
            "metric": goal.metric,
            "segment": goal.segment,
            "target": str(goal.target),
            "deadline": goal.deadline,
            "owner": goal.owner,
            "starts_on": goal.starts_on,
            "description": goal.description,
            "set_by": by,
            "updated_at": at,
        }
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(goals).values(key=goal.id, created_at=at, **values)
        self.connection.execute(
            statement.on_conflict_do_update(index_elements=[goals.c.key], set_=values)
        )

    def remove(self, goal_id: str) -> bool:
        result = self.connection.execute(delete(goals).where(goals.c.key == goal_id))
        return bool(result.rowcount)


def _goal(row: dict[str, Any]) -> Goal:
    return Goal(
        id=row["key"],
        metric=row["metric"],
        segment=row["segment"],
        target=Decimal(row["target"]),
        deadline=row["deadline"],
        owner=row["owner"],
        starts_on=row["starts_on"],
        description=row["description"] or "",
    )


class SqlAnalyticsUnitOfWork(SqlUnitOfWork):
    """The unit of work with the analytics stores (reads for the report, the goals table)."""

    def __enter__(self) -> SqlAnalyticsUnitOfWork:
        super().__enter__()
        return self

    @property
    def analytics(self) -> SqlAnalyticsReads:
        return SqlAnalyticsReads(self.connection)

    @property
    def goals(self) -> SqlGoalStore:
        return SqlGoalStore(self.connection)
