"""What the staff side of the web app reads and writes: account locks, idempotency keys, work
and review queues, team activity and the facts an account view shows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import schema
from arrears.adapters.db.accounts_store import recovery_kinds_read
from arrears.adapters.db.contacts_store import contact_point, hours_of, log_of_loan
from arrears.adapters.db.cycle_store import latest_decisions
from arrears.adapters.db.holds_store import covering_loan
from arrears.adapters.db.journal_columns import COLUMN as AMOUNT_COLUMN
from arrears.adapters.db.plans_store import plans_of_loan
from arrears.adapters.db.portfolio_reads import history_reads
from arrears.adapters.db.prebuilt import Prebuilt, Read, dicts, prefetch
from arrears.adapters.db.promises_store import promises_of_loan
from arrears.adapters.db.schema_cycle import actions, cycle_runs, decisions
from arrears.adapters.db.schema_web import account_locks, idempotency_keys
from arrears.adapters.db.settlements_store import offers_of_loan
from arrears.ledger.accounts import BORROWER_SIDE
from arrears.services.ports import IdempotencyRecord, LockRecord

# The account view's reads, built once: a statement object used again skips building its
# clauses, its cache key and the adapting of its result columns to a new object, about half
# of SQLAlchemy's cost per statement (docs/benchmarks.md, "account view").
_LOCK_OF_LOAN = Prebuilt(
    select(account_locks).where(account_locks.c.loan_id == bindparam("loan_id"))
)
_LOAN_BY_REF = Prebuilt(select(schema.loans).where(schema.loans.c.external_id == bindparam("ref")))
_BORROWERS = Prebuilt(
    select(
        *(c for c in schema.borrowers.c if c.name not in {"dob_sealed", "ssn_sealed", "ssn_index"})
    ).where(schema.borrowers.c.id.in_(bindparam("ids", expanding=True)))
)
_CONTACT_POINTS = Prebuilt(
    select(schema.contact_points)
    .where(schema.contact_points.c.borrower_id.in_(bindparam("ids", expanding=True)))
    .order_by(schema.contact_points.c.id)
)
_PAYMENT_HISTORY = Prebuilt(
    select(schema.payments)
    .where(schema.payments.c.loan_id == bindparam("loan_id"))
    .order_by(schema.payments.c.effective_date.desc(), schema.payments.c.id.desc())
)
_COLLATERAL_OF_LOAN = Prebuilt(
    select(schema.collateral)
    .where(schema.collateral.c.loan_id == bindparam("loan_id"))
    .order_by(schema.collateral.c.id)
)
_VALUATIONS_OF = Prebuilt(
    select(
        schema.valuations.c.collateral_id, schema.valuations.c.valued_on,
        schema.valuations.c.amount_minor, schema.valuations.c.source,
    )
    .where(schema.valuations.c.collateral_id.in_(bindparam("ids", expanding=True)))
    .order_by(
        schema.valuations.c.collateral_id, schema.valuations.c.valued_on.desc(),
        schema.valuations.c.id.desc(),
    )
)  # fmt: skip
_BORROWER_SIDE = sorted(BORROWER_SIDE)
# Per account, the sum of the loan's lines on it, NULL when it has none (journal_columns).
_BALANCES = Prebuilt(
    select(
        *(
            func.sum(func.nullif(schema.ledger_entries.c[AMOUNT_COLUMN[a]], 0))
            for a in _BORROWER_SIDE
        )
    ).where(schema.ledger_entries.c.loan_id == bindparam("loan_id"))
)


class SqlWebStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- account locks --------------------------------------------------------------------------

    def lock(self, loan_id: int) -> LockRecord | None:
        row = _LOCK_OF_LOAN.one(self.connection, {"loan_id": loan_id})
        return _lock_of(row) if row else None

    def take_lock(
        self, *, loan_id: int, held_by: str, held_by_name: str, at: datetime, expires_at: datetime
    ) -> LockRecord:
        """Take or extend the lock unless someone else holds it unexpired; returns the holder."""
        values = {"held_by": held_by, "held_by_name": held_by_name, "expires_at": expires_at}
        taken = self.connection.execute(
            update(account_locks)
            .where(
                account_locks.c.loan_id == loan_id,
                or_(account_locks.c.held_by == held_by, account_locks.c.expires_at <= at),
            )
            .values(**values, taken_at=at)
        )
        if taken.rowcount == 0 and self.lock(loan_id) is None:
            try:
                with self.connection.begin_nested():
                    self.connection.execute(
                        insert(account_locks).values(loan_id=loan_id, taken_at=at, **values)
                    )
            except IntegrityError:
                pass  # another agent took it in the meantime
        held = self.lock(loan_id)
        assert held is not None
        return held

    def release_lock(self, loan_id: int, *, held_by: str) -> bool:
        result = self.connection.execute(
            delete(account_locks).where(
                account_locks.c.loan_id == loan_id, account_locks.c.held_by == held_by
            )
        )
        return result.rowcount > 0

    def locks_held_by(self, held_by: str, *, at: datetime) -> list[LockRecord]:
        loans = schema.loans
        rows = self.connection.execute(
            select(account_locks, loans.c.external_id.label("loan_ref"))
            .join(loans, loans.c.id == account_locks.c.loan_id)
            .where(account_locks.c.held_by == held_by, account_locks.c.expires_at > at)
            .order_by(account_locks.c.taken_at)
        ).all()
        return [_lock(r) for r in rows]

    # -- idempotency keys -----------------------------------------------------------------------

    def claim_key(
        self, *, principal: str, key: str, fingerprint: str, at: datetime, stale_before: datetime
    ) -> IdempotencyRecord | None:
        """Claim ``key`` for a new request (None) or return the request that already has it.

        A pending claim older than ``stale_before`` (its request died) is taken over."""
        mine = (idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
        try:
            with self.connection.begin_nested():
                self.connection.execute(
                    insert(idempotency_keys).values(
                        principal=principal, key=key, fingerprint=fingerprint, state="pending",
                        created_at=at,
                    )
                )  # fmt: skip
            return None
        except IntegrityError:
            pass
        retaken = self.connection.execute(
            update(idempotency_keys)
            .where(*mine, idempotency_keys.c.state == "pending")
            .where(idempotency_keys.c.created_at < stale_before)
            .where(idempotency_keys.c.fingerprint == fingerprint)
            .values(created_at=at)
        )
        if retaken.rowcount:
            return None
        row = self.connection.execute(select(idempotency_keys).where(*mine)).one()
        return IdempotencyRecord(
            principal=row.principal,
            key=row.key,
            fingerprint=row.fingerprint,
            state=row.state,
            status_code=row.status_code,
            response=row.response,
            created_at=row.created_at,
        )

    def complete_key(
        self, *, principal: str, key: str, status_code: int, response: str, at: datetime
    ) -> None:
        self.connection.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
            .values(state="done", status_code=status_code, response=response, completed_at=at)
        )

    def release_key(self, *, principal: str, key: str) -> None:
        self.connection.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.principal == principal,
                idempotency_keys.c.key == key,
                idempotency_keys.c.state == "pending",
            )
        )

    # -- work and review queues -----------------------------------------------------------------

    def call_tasks(
        self, *, on: date, queues: tuple[str, ...], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Pending call tasks of the latest completed cycle on or before ``on``, by priority."""
        latest = (
            select(cycle_runs.c.id)
            .where(cycle_runs.c.status == "completed", cycle_runs.c.as_of <= on)
            .order_by(cycle_runs.c.as_of.desc())
            .limit(1)
            .scalar_subquery()
        )
        conditions: list[Any] = [
            actions.c.kind == "call_task",
            actions.c.status == "pending",
            actions.c.run_id == latest,
        ]
        if queues:
            conditions.append(actions.c.queue.in_(queues))
        return self._page(_action_rows().where(*conditions), limit=limit, offset=offset)

    def actions_of(
        self, loan_id: int, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        mine = select(actions).where(actions.c.loan_id == loan_id)
        total = self.connection.execute(
            select(func.count()).select_from(mine.subquery())
        ).scalar_one()
        rows = self.connection.execute(
            mine.order_by(actions.c.due_on.desc(), actions.c.id.desc()).limit(limit).offset(offset)
        )
        return dicts(rows), int(total)

    def pending_review(self, loan_id: int, treatment: str) -> int | None:
        found = self.connection.execute(
            select(actions.c.id).where(
                actions.c.loan_id == loan_id,
                actions.c.treatment == treatment,
                actions.c.kind == "review",
                actions.c.status == "pending",
            )
        ).first()
        return int(found[0]) if found else None

    def add_review(
        self, *, loan_id: int, treatment: str, queue: str, category: str, due_on: date,
        at: datetime, details: dict[str, Any],
    ) -> int:  # fmt: skip
        """A review item raised by a person (no cycle run), for the approval queues."""
        borrower = self.connection.execute(
            select(schema.loans.c.borrower_id).where(schema.loans.c.id == loan_id)
        ).scalar_one()
        result = self.connection.execute(
            insert(actions)
            .values(
                run_id=None, loan_id=loan_id, borrower_id=borrower, treatment=treatment,
                kind="review", category=category, queue=queue, priority=0, status="pending",
                due_on=due_on, created_at=at, updated_at=at,
                details=json.dumps(details, sort_keys=True),
            )
            .returning(actions.c.id)
        )  # fmt: skip
        return int(result.scalar_one())

    def assign_tasks(self, loan_id: int, *, to: str | None, at: datetime) -> None:
        self.connection.execute(
            update(actions)
            .where(
                actions.c.loan_id == loan_id,
                actions.c.kind == "call_task",
                actions.c.status == "pending",
            )
            .values(assigned_to=to, updated_at=at)
        )

    def reviews(
        self, *, queue: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Pending review items, the latest per account and treatment, by priority."""
        latest = (
            select(func.max(actions.c.id))
            .where(actions.c.kind == "review", actions.c.status == "pending")
            .group_by(actions.c.loan_id, actions.c.treatment)
        )
        conditions: list[Any] = [actions.c.id.in_(latest)]
        if queue:
            conditions.append(actions.c.queue == queue)
        return self._page(_action_rows().where(*conditions), limit=limit, offset=offset)

    def _page(self, query: Any, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        total = self.connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(actions.c.priority.desc(), actions.c.id).limit(limit)
        return dicts(self.connection.execute(ordered.offset(offset))), int(total)

    def action(self, action_id: int) -> dict[str, Any] | None:
        row = self.connection.execute(_action_rows().where(actions.c.id == action_id)).one_or_none()
        return dict(row._mapping) if row else None

    def set_action_status(
        self, action_id: int, *, status: str, at: datetime, details: dict[str, Any]
    ) -> bool:
        """Move a pending action (and its pending repeats for the same account and treatment)
        to ``status``; False when it is no longer pending."""
        row = self.connection.execute(
            select(actions.c.loan_id, actions.c.treatment, actions.c.details).where(
                actions.c.id == action_id, actions.c.status == "pending"
            )
        ).one_or_none()
        if row is None:
            return False
        merged = json.dumps({**json.loads(row.details or "{}"), **details}, sort_keys=True)
        self.connection.execute(
            update(actions)
            .where(
                actions.c.loan_id == row.loan_id,
                actions.c.treatment == row.treatment,
                actions.c.status == "pending",
            )
            .values(status=status, updated_at=at, details=merged)
        )
        return True

    def activity(self, *, since: datetime) -> list[dict[str, Any]]:
        audit = schema.audit_log
        return dicts(
            self.connection.execute(
                select(audit.c.actor, audit.c.action, func.count().label("count"))
                .where(audit.c.at >= since)
                .group_by(audit.c.actor, audit.c.action)
                .order_by(audit.c.actor, audit.c.action)
            )
        )

    # -- the facts of an account ----------------------------------------------------------------

    def loan_header(self, loan_id: int) -> dict[str, Any] | None:
        loans = schema.loans
        row = self.connection.execute(select(loans).where(loans.c.id == loan_id)).one_or_none()
        return dict(row._mapping) if row else None

    def prefetch_view(
        self,
        loan: Mapping[str, Any],
        *,
        brief: bool,
        recovery: bool,
        collector: bool,
        page: bool,
        decisions: int,
    ) -> None:
        """Send the reads an account view of ``loan`` (its row) makes next in one round trip
        where the database can (PostgreSQL's pipeline mode; ``prebuilt.prefetch``, ADR 0016):
        its borrowers and their contact points, its history (``loan_state``), its payments (a
        page) or its payments' amounts (a brief view), its holds, its lock, its balances; with
        ``recovery``, which kinds of recovery case it has; for a ``collector``, the contact log,
        the borrower's preferred hours, the latest ``decisions`` and the collateral; for a ``page``,
        its plans and offers (and a collector's page, its promises). The view then reads them as
        before and gets these rows; one it does not make costs a read."""
        loan_id = int(loan["id"])
        borrower_ids = [
            int(b) for b in (loan["borrower_id"], loan["co_borrower_id"]) if b is not None
        ]
        wanted: list[Read] = [
            (_BORROWERS, {"ids": borrower_ids}),
            (_CONTACT_POINTS, {"ids": borrower_ids}),
            *history_reads(loan_id, loan, payments=brief),
            covering_loan(loan_id, borrower_ids),
            (_LOCK_OF_LOAN, {"loan_id": loan_id}),
            (_BALANCES, {"loan_id": loan_id}),
        ]
        if not brief:
            wanted.append((_PAYMENT_HISTORY, {"loan_id": loan_id}))
        if recovery:
            wanted.append(recovery_kinds_read(loan_id))
        if collector:
            wanted += [
                log_of_loan(loan_id),
                hours_of(int(loan["borrower_id"])),
                latest_decisions(loan_id, limit=decisions),
                (_COLLATERAL_OF_LOAN, {"loan_id": loan_id}),
            ]
        if page:
            wanted += [plans_of_loan(loan_id), offers_of_loan(loan_id)]
            if collector:
                wanted.append(promises_of_loan(loan_id))
        prefetch(self.connection, wanted)

    def loan_header_by_ref(self, ref: str) -> dict[str, Any] | None:
        """The loan row found by its external reference: one read where an id lookup and a
        header read would be two (an account view starts from the reference)."""
        return _LOAN_BY_REF.one(self.connection, {"ref": ref})

    def borrower(self, borrower_id: int) -> dict[str, Any] | None:
        return self.borrowers([borrower_id]).get(borrower_id)

    def borrowers(self, borrower_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Borrowers by id with their contact points, sensitive fields left sealed in the
        database: two reads for all of them (an account has a borrower and maybe a
        co-borrower)."""
        found: dict[int, dict[str, Any]] = {}
        for borrower in _BORROWERS.rows(self.connection, {"ids": borrower_ids}):
            borrower["has_dob"] = bool(borrower.pop("dob_index"))
            borrower["contact_points"] = []
            found[int(borrower["id"])] = borrower
        if found:
            for point in _CONTACT_POINTS.rows(self.connection, {"ids": list(found)}):
                found[int(point["borrower_id"])]["contact_points"].append(contact_point(point))
        return found

    def payment_history(self, loan_id: int) -> list[dict[str, Any]]:
        return _PAYMENT_HISTORY.rows(self.connection, {"loan_id": loan_id})

    def ledger_balances(self, loan_id: int) -> dict[str, int]:
        sums = _BALANCES.tuples(self.connection, {"loan_id": loan_id})[0]
        return {
            account.value: int(amount)
            for account, amount in zip(_BORROWER_SIDE, sums, strict=True)
            if amount is not None
        }

    def collateral(self, loan_id: int) -> list[dict[str, Any]]:
        """The loan's collateral, each with its latest valuation (``valued_on``, ``amount_minor``,
        ``source``) or None: two reads, however many items."""
        found = _COLLATERAL_OF_LOAN.rows(self.connection, {"loan_id": loan_id})
        latest: dict[int, dict[str, Any]] = {}
        if found:
            ids = [item["id"] for item in found]
            for valuation in _VALUATIONS_OF.rows(self.connection, {"ids": ids}):
                latest.setdefault(valuation.pop("collateral_id"), valuation)  # newest first
        for item in found:
            item["valuation"] = latest.get(item["id"])
        return found

    def loans_page(
        self, *, borrower_id: int | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        loans, b = schema.loans, schema.borrowers
        query = select(
            loans.c.id, loans.c.external_id, loans.c.product, loans.c.status, loans.c.currency,
            loans.c.principal_minor, loans.c.origination_date, loans.c.contract_state,
            b.c.external_id.label("borrower_ref"),
        ).join(b, b.c.id == loans.c.borrower_id)  # fmt: skip
        if borrower_id is not None:
            query = query.where(
                or_(loans.c.borrower_id == borrower_id, loans.c.co_borrower_id == borrower_id)
            )
        total = self.connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        rows = self.connection.execute(query.order_by(loans.c.id).limit(limit).offset(offset))
        return dicts(rows), int(total)


def _action_rows() -> Any:
    """Actions with their account: reference, borrower, the day's delinquency and any lock."""
    loans, b = schema.loans, schema.borrowers
    return (
        select(
            actions.c.id,
            actions.c.loan_id,
            actions.c.treatment,
            actions.c.kind,
            actions.c.queue,
            actions.c.priority,
            actions.c.status,
            actions.c.due_on,
            actions.c.assigned_to,
            actions.c.details,
            actions.c.category,
            loans.c.external_id.label("loan_ref"),
            loans.c.product,
            loans.c.currency,
            b.c.first_name,
            b.c.last_name,
            b.c.state,
            decisions.c.dpd,
            decisions.c.bucket,
            decisions.c.balance_minor,
            decisions.c.past_due_minor,
            decisions.c.segment,
            account_locks.c.held_by,
            account_locks.c.held_by_name,
            account_locks.c.expires_at.label("lock_expires_at"),
        )
        .join(loans, loans.c.id == actions.c.loan_id)
        .join(b, b.c.id == loans.c.borrower_id)
        .outerjoin(
            decisions,
            (decisions.c.run_id == actions.c.run_id) & (decisions.c.loan_id == actions.c.loan_id),
        )
        .outerjoin(account_locks, account_locks.c.loan_id == actions.c.loan_id)
    )


def _lock(row: Row[Any]) -> LockRecord:
    return _lock_of(dict(row._mapping))


def _lock_of(row: Mapping[str, Any]) -> LockRecord:
    return LockRecord(
        loan_id=int(row["loan_id"]),
        held_by=row["held_by"],
        held_by_name=row["held_by_name"],
        taken_at=row["taken_at"],
        expires_at=row["expires_at"],
        loan_ref=row.get("loan_ref", ""),
    )
