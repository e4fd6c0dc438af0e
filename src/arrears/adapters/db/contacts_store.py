"""The contact log in the database, the borrower's contact points and stated preferences,
and the contact facts of a partition of loans for the daily cycle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Row, TextClause, and_, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import frame_from_rows
from arrears.adapters.db.prebuilt import Prebuilt, Read
from arrears.adapters.db.schema_negotiation import contact_preferences, contacts
from arrears.adapters.db.types import UTCDateTime
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.domain.contacts import ContactKind, ContactPoint, ContactStatus

# Read by every staff account page (its log and the compliance panel): built once.
_CONTACTS_OF_LOAN = Prebuilt(select(contacts).where(contacts.c.loan_id == bindparam("loan_id")))
_NEWEST_CONTACTS = Prebuilt(
    select(contacts)
    .where(contacts.c.loan_id == bindparam("loan_id"))
    .order_by(contacts.c.at.desc(), contacts.c.id.desc())
    .limit(bindparam("limit"))
)
_POINTS_OF = Prebuilt(
    select(schema.contact_points)
    .where(schema.contact_points.c.borrower_id == bindparam("borrower_id"))
    .order_by(schema.contact_points.c.id)
)
_HOURS = Prebuilt(
    select(contact_preferences.c.start_hour, contact_preferences.c.end_hour).where(
        contact_preferences.c.borrower_id == bindparam("borrower_id")
    )
)

_OPT_OUT_COLUMN = {
    Channel.CALL: "call_opted_out_at",
    Channel.VOICEMAIL: "call_opted_out_at",
    Channel.SMS: "sms_opted_out_at",
    Channel.EMAIL: "email_opted_out_at",
}

RECENT_SCHEMA = {
    "loan_id": pl.Int64,
    "borrower_id": pl.Int64,
    "channel": pl.Utf8,
    "direction": pl.Utf8,
    "at": pl.Datetime("us", "UTC"),
    "outcome": pl.Utf8,
    "contact_point_kind": pl.Utf8,
}


def log_of_loan(loan_id: int) -> Read:
    """The read of a loan's whole contact log (also what a collector's view prefetches)."""
    return _CONTACTS_OF_LOAN, {"loan_id": loan_id}


def hours_of(borrower_id: int) -> Read:
    """The read of a borrower's preferred hours (also what a collector's view prefetches)."""
    return _HOURS, {"borrower_id": borrower_id}


class SqlContactLog:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- the log ----------------------------------------------------------------------------

    def add(
        self, record: ContactRecord, *, created_at: datetime, details: dict[str, Any]
    ) -> int | None:
        """Insert a record; None when one with the same reference and outcome exists."""
        if record.reference is not None and self.find(record.reference, record.outcome):
            return None
        result = self.connection.execute(
            insert(contacts)
            .values(
                loan_id=record.loan_id,
                borrower_id=record.borrower_id,
                channel=record.channel.value,
                direction=record.direction.value,
                at=record.at,
                actor=record.actor,
                outcome=record.outcome.value,
                contact_point_id=record.contact_point_id,
                contact_point_kind=(
                    record.contact_point_kind.value if record.contact_point_kind else None
                ),
                template=record.template,
                notes=record.notes,
                reference=record.reference,
                details=json.dumps(details, sort_keys=True, default=str),
                created_at=created_at,
            )
            .returning(contacts.c.id)
        )
        return int(result.scalar_one())

    def find(self, reference: str, outcome: Outcome) -> int | None:
        found = self.connection.execute(
            select(contacts.c.id).where(
                contacts.c.reference == reference, contacts.c.outcome == outcome.value
            )
        ).scalar_one_or_none()
        return int(found) if found is not None else None

    def for_loan(self, loan_id: int, *, limit: int | None = None) -> list[ContactRecord]:
        """The loan's log, oldest first (the newest ``limit`` when given)."""
        if limit is None:
            read, parameters = log_of_loan(loan_id)
            rows = read.rows(self.connection, parameters)
        else:
            rows = _NEWEST_CONTACTS.rows(self.connection, {"loan_id": loan_id, "limit": limit})
        return sorted((_record(r) for r in rows), key=lambda r: (r.at, r.id or 0))

    # -- contact points and preferences -------------------------------------------------------

    def points_of(self, borrower_id: int) -> list[ContactPoint]:
        return [
            contact_point(r) for r in _POINTS_OF.rows(self.connection, {"borrower_id": borrower_id})
        ]

    def set_point_status(self, point_id: int, status: ContactStatus) -> None:
        cp = schema.contact_points
        self.connection.execute(update(cp).where(cp.c.id == point_id).values(status=status.value))

    def opt_out_point(self, point_id: int, channel: Channel, *, at: datetime) -> None:
        column = _OPT_OUT_COLUMN.get(channel)
        if column is None:
            return
        cp = schema.contact_points
        self.connection.execute(
            update(cp).where(and_(cp.c.id == point_id, cp.c[column].is_(None))).values({column: at})
        )

    def preferred_hours(self, borrower_id: int) -> tuple[int, int] | None:
        read, parameters = hours_of(borrower_id)
        found = read.tuples(self.connection, parameters)
        return (int(found[0][0]), int(found[0][1])) if found else None

    def set_preferred_hours(
        self, borrower_id: int, hours: tuple[int, int] | None, *, by: str, at: datetime
    ) -> None:
        """Record the hours the borrower chose (None forgets them)."""
        if hours is None:
            self.connection.execute(
                contact_preferences.delete().where(contact_preferences.c.borrower_id == borrower_id)
            )
            return
        values = {"start_hour": hours[0], "end_hour": hours[1], "set_by": by, "set_at": at}
        dialect_insert = (
            pg_insert if self.connection.dialect.name == "postgresql" else sqlite_insert
        )
        statement = dialect_insert(contact_preferences).values(borrower_id=borrower_id, **values)
        self.connection.execute(
            statement.on_conflict_do_update(index_elements=["borrower_id"], set_=values)
        )

    # -- partition frames for the cycle -------------------------------------------------------

    def recent_frame(
        self, first: int, last: int, *, since: datetime, before: datetime
    ) -> pl.DataFrame:
        """Contacts of loans ``first``..``last`` from ``since`` to before ``before``."""
        rows = self.connection.execute(
            _stamped(
                "SELECT loan_id, borrower_id, channel, direction, at, outcome, "
                "contact_point_kind FROM contacts WHERE loan_id BETWEEN :first AND :last "
                "AND at >= :since AND at < :before",
                ("since", "before"),
            ),
            {"first": first, "last": last, "since": since, "before": before},
        ).fetchall()
        return frame_from_rows([_utc_row(r, 4) for r in rows], RECENT_SCHEMA)

    def milestones_frame(self, first: int, last: int, *, before: datetime) -> pl.DataFrame:
        """Per loan: first telephone conversation, first letter or message sent that did not
        bounce, first validation notice sent, last outbound attempt, latest call consent, and
        the media the borrower opted out of (comma-separated)."""
        params = {"first": first, "last": last, "before": before}
        not_bounced = (
            "(reference IS NULL OR reference NOT IN (SELECT reference FROM contacts "
            "WHERE outcome = 'bounced' AND reference IS NOT NULL))"
        )
        sql = f"""
            SELECT loan_id,
              MIN(CASE WHEN channel = 'call' AND outcome IN (:conversations) THEN at END),
              MIN(CASE WHEN direction = 'outbound' AND channel IN ('letter', 'email', 'sms')
                   AND outcome IN ('sent', 'delivered') AND {not_bounced} THEN at END),
              MIN(CASE WHEN template = 'validation_notice' AND outcome IN ('sent', 'delivered')
                   AND {not_bounced} THEN at END),
              MAX(CASE WHEN direction = 'outbound' AND outcome <> 'not_connected' THEN at END),
              MAX(CASE WHEN outcome = 'callback_requested' THEN at END)
            FROM contacts WHERE loan_id BETWEEN :first AND :last AND at < :before
            GROUP BY loan_id
        """
        conversations = ", ".join(f"'{o.value}'" for o in Outcome if o.is_conversation)
        rows = self.connection.execute(
            _stamped(sql.replace(":conversations", conversations), ("before",)), params
        ).fetchall()
        stamps = pl.Datetime("us", "UTC")
        frame = frame_from_rows(
            [tuple(_utc(v) if i else v for i, v in enumerate(r)) for r in rows],
            {
                "loan_id": pl.Int64,
                "first_conversation_at": stamps,
                "first_written_at": stamps,
                "validation_sent_at": stamps,
                "last_contact_at": stamps,
                "call_consent_at": stamps,
            },
        )
        opted = self.connection.execute(
            _stamped(
                "SELECT DISTINCT c.loan_id, c.channel FROM contacts c "
                "WHERE c.loan_id BETWEEN :first AND :last AND c.outcome = 'opted_out' "
                "AND c.at < :before",
                ("before",),
            ),
            params,
        ).fetchall()
        opt_outs = frame_from_rows(opted, {"loan_id": pl.Int64, "channel": pl.Utf8})
        grouped = opt_outs.group_by("loan_id").agg(
            pl.col("channel").sort().str.join(",").alias("opted_out")
        )
        return frame.join(grouped, on="loan_id", how="full", coalesce=True)


def _stamped(sql: str, names: tuple[str, ...]) -> TextClause:
    """SQL text whose timestamp parameters are bound the way ``UTCDateTime`` stores them."""
    return text(sql).bindparams(*(bindparam(n, type_=UTCDateTime()) for n in names))


def _utc(value: Any) -> datetime | None:
    """A timestamp read through plain SQL text (naive text on SQLite) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_row(row: Row[Any], index: int) -> tuple[Any, ...]:
    values = list(row)
    values[index] = _utc(values[index])
    return tuple(values)


def _record(row: Mapping[Any, Any]) -> ContactRecord:
    return ContactRecord(
        loan_id=row["loan_id"],
        borrower_id=row["borrower_id"],
        channel=Channel(row["channel"]),
        direction=Direction(row["direction"]),
        at=row["at"],
        actor=row["actor"],
        outcome=Outcome(row["outcome"]),
        contact_point_id=row["contact_point_id"],
        contact_point_kind=ContactKind(row["contact_point_kind"])
        if row["contact_point_kind"]
        else None,
        template=row["template"],
        notes=row["notes"],
        reference=row["reference"],
        id=row["id"],
    )


def contact_point(row: Mapping[Any, Any]) -> ContactPoint:
    """A ``contact_points`` row as the domain sees it (the gate, an account view)."""
    return ContactPoint(
        kind=ContactKind(row["kind"]),
        value=row["value"],
        id=row["id"],
        status=ContactStatus(row["status"]),
        time_zones=tuple(z for z in row["time_zones"].split(",") if z),
        sms_consent_at=row["sms_consent_at"],
        call_opted_out_at=row["call_opted_out_at"],
        sms_opted_out_at=row["sms_opted_out_at"],
        email_opted_out_at=row["email_opted_out_at"],
    )
