"""Random loan histories (``unit.batch.histories``) stored in a real database, and its journal
read back row for row: what the posting paths are compared on.

A stored history adds what the frames leave out: whether a loan's schedule is imported (its
installments are stored either way: a level schedule's stored rows must be ignored), each
payment's status and return reason (the reversal's memo) and its credit kind (payment, agency,
waiver, write-off, sale proceeds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Connection, insert, update

from arrears.adapters.db import schema as t
from arrears.domain.credits import CreditKind
from unit.batch.histories import History, day, histories

AT = datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
STATUSES = ["returned", "reversed"]
REASONS = ["NSF", "", "R01: insufficient funds "]
KINDS = [kind.value for kind in CreditKind]


@dataclass(frozen=True)
class Payment:
    """A payment as stored: the frame's row with its status, reason and kind."""

    loan_id: int
    payment_id: int
    effective_date: date
    amount_minor: int
    status: str
    return_reason: str
    credit_kind: str


@dataclass(frozen=True)
class Stored:
    """A history as the database holds it."""

    history: History
    imported: frozenset[int]
    payments: list[Payment] = field(default_factory=list)

    @property
    def loan_ids(self) -> list[int]:
        return sorted(self.history.loan_ids)


@st.composite
def stored_histories(draw: st.DrawFn, *, max_loans: int) -> Stored:
    history = draw(histories(max_loans=max_loans))
    imported = frozenset(i for i in history.loan_ids if draw(st.booleans()))
    payments = [
        Payment(
            row["loan_id"], row["payment_id"], row["effective_date"], row["amount_minor"],
            "posted" if row["good"] else draw(st.sampled_from(STATUSES)),
            "" if row["good"] else draw(st.sampled_from(REASONS)),
            draw(st.sampled_from(KINDS[:1] * 4 + KINDS)),
        )
        for row in history.payments.iter_rows(named=True)
    ]  # fmt: skip
    return Stored(history, imported, payments)


@dataclass(frozen=True)
class Changes:
    flipped: set[int]  # rows of ``Stored.payments`` whose status flips
    moved: set[int]  # rows re-dated nine days earlier
    added: list[Payment]
    reason: str


@st.composite
def changes(draw: st.DrawFn, stored: Stored) -> Changes:
    """Payments returned (or re-presented), re-dated, and late credits of any kind added."""
    count = len(stored.payments)
    rows = st.integers(0, max(count - 1, 0))
    late = draw(st.lists(st.tuples(st.integers(0, 420), st.integers(1, 90_000)), max_size=4))
    loans = stored.loan_ids
    added = [
        Payment(loans[n % len(loans)], 10**9 + n, day(offset), amount, "posted", "",
                draw(st.sampled_from(KINDS)))
        for n, (offset, amount) in enumerate(late)
    ]  # fmt: skip
    return Changes(
        flipped=draw(st.sets(rows, max_size=3)) if count else set(),
        moved=draw(st.sets(rows, max_size=3)) if count else set(),
        added=added,
        reason=draw(st.sampled_from(REASONS)),
    )


def store(connection: Connection, stored: Stored) -> None:
    """Insert the history's borrower, loans, installments, charges and payments."""
    history = stored.history
    borrower = connection.execute(
        insert(t.borrowers).values(
            external_id="B-posting", first_name="Ada", last_name="Lovelace",
            address_line1="1 Main St", city="Austin", state="TX", zip="73301",
            address_time_zone="America/Chicago", content_hash="x", created_at=AT, updated_at=AT,
        )
    ).inserted_primary_key[0]  # fmt: skip
    loans = [
        {
            "id": row["loan_id"], "external_id": f"L{row['loan_id']}", "borrower_id": borrower,
            "product": "personal", "currency": row["currency"],
            "principal_minor": row["principal_minor"],
            "annual_rate_micros": row["annual_rate_micros"], "term_months": row["term_months"],
            "origination_date": row["origination_date"], "first_due_date": row["first_due_date"],
            "contract_state": "TX", "contract_type": "installment", "status": "open",
            "charge_off_date": row["charge_off_date"],
            "schedule_source": "imported" if row["loan_id"] in stored.imported else "generated",
            "content_hash": "x", "created_at": AT, "updated_at": AT,
        }
        for row in history.loans.iter_rows(named=True)
    ]  # fmt: skip
    connection.execute(insert(t.loans), loans)
    _insert(connection, t.installments, history.installments.to_dicts())
    charges = [
        {**row, "reason": "late fee", "created_at": AT} for row in history.charges.to_dicts()
    ]
    _insert(connection, t.charges, charges)
    add_payments(connection, stored.payments)


def add_payments(connection: Connection, payments: list[Payment]) -> None:
    _insert(
        connection,
        t.payments,
        [
            {
                "id": p.payment_id, "external_id": f"P{p.payment_id}", "loan_id": p.loan_id,
                "amount_minor": p.amount_minor, "effective_date": p.effective_date,
                "method": "ach", "status": p.status, "return_reason": p.return_reason,
                "source": "test", "credit_kind": p.credit_kind, "received_at": AT,
            }
            for p in payments
        ],
    )  # fmt: skip


def apply(connection: Connection, stored: Stored, change: Changes) -> None:
    """Flip, re-date and add payments as ``change`` says."""
    for row, payment in enumerate(stored.payments):
        values: dict[str, Any] = {}
        if row in change.flipped:
            good = payment.status != "posted"
            values["status"] = "posted" if good else "returned"
            values["return_reason"] = "" if good else change.reason
        if row in change.moved:
            values["effective_date"] = date.fromordinal(payment.effective_date.toordinal() - 9)
        if values:
            connection.execute(
                update(t.payments).where(t.payments.c.id == payment.payment_id).values(values)
            )
    add_payments(connection, change.added)


def journal_rows(connection: Connection) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every entry (by id) and line (by entry, then account) as the driver reads them: on
    SQLite the stored text itself (dates, timestamps), not what SQLAlchemy parses it into."""
    entries = connection.exec_driver_sql("SELECT * FROM ledger_entries ORDER BY id").all()
    lines = connection.exec_driver_sql(
        "SELECT * FROM ledger_lines ORDER BY entry_id, account"
    ).all()
    return [tuple(row) for row in entries], [tuple(row) for row in lines]


def _insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(table), rows)
