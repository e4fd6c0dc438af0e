"""The outbox in the database: messages and their events, the facts a message may state, and
the contact-point changes delivery causes (bounces, opt-outs).

Every state change is a conditional ``UPDATE`` inside the caller's transaction; ``claim`` only
succeeds for a message still ``queued``, so two senders never take the same message.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, exists, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from arrears.adapters.db import schema
from arrears.adapters.db.schema_cycle import actions
from arrears.adapters.db.schema_outbox import outbox_events, outbox_messages
from arrears.domain.contacts import ContactKind, ContactPoint, ContactStatus
from arrears.domain.itemization import DEBT_ACCOUNTS, DebtLine
from arrears.services.ports import (
    MessageAction,
    MessageFacts,
    NewOutboxMessage,
    OutboxRecord,
    RenderedMessage,
)

#: Journal sources whose entries charge interest, fees, penalties or costs (ledger.postings).
_CHARGE_SOURCES = ("installment:", "charge:")
_LIVE = ("queued", "sending", "sent", "delivered")
_SEALED = ("ssn", "dob")  # never read into a message
_M = outbox_messages.c


class SqlOutboxStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # -- what the cycle planned ---------------------------------------------------------------

    def pending_actions(
        self, *, run_id: int | None, action_ids: list[int] | None
    ) -> list[MessageAction]:
        """Message actions still pending and not yet in the outbox (of a run, or by id)."""
        query = select(actions).where(
            actions.c.kind == "message",
            actions.c.status == "pending",
            ~exists().where(_M.action_id == actions.c.id),
        )
        if run_id is not None:
            query = query.where(actions.c.run_id == run_id)
        if action_ids is not None:
            query = query.where(actions.c.id.in_(action_ids))
        rows = self.connection.execute(query.order_by(actions.c.id)).all()
        return [
            MessageAction(
                id=r.id, loan_id=r.loan_id, borrower_id=r.borrower_id, treatment=r.treatment,
                channel=r.channel or "", template=r.template or "", category=r.category,
                due_on=r.due_on,
            )
            for r in rows
        ]  # fmt: skip

    def set_action_status(self, action_id: int, *, status: str, at: datetime) -> None:
        self.connection.execute(
            update(actions).where(actions.c.id == action_id).values(status=status, updated_at=at)
        )

    # -- messages -------------------------------------------------------------------------------

    def add(self, message: NewOutboxMessage, *, at: datetime) -> tuple[int, bool]:
        """Insert a message (not yet due) or find the one with the same key: (id, created)."""
        existing = self.by_key(message.idempotency_key)
        if existing is not None:
            return existing.id, False
        try:
            with self.connection.begin_nested():
                new_id = self.connection.execute(
                    insert(outbox_messages)
                    .values(
                        idempotency_key=message.idempotency_key, action_id=message.action_id,
                        token=secrets.token_urlsafe(18),
                        loan_id=message.loan_id, borrower_id=message.borrower_id,
                        channel=message.channel, category=message.category,
                        treatment=message.treatment, template=message.template,
                        language=message.language, context=_json(message.context),
                        status="queued", attempts=0, created_at=at, updated_at=at,
                    )
                    .returning(_M.id)
                ).scalar_one()  # fmt: skip
        except IntegrityError:
            found = self.by_key(message.idempotency_key)
            if found is None:
                raise
            return found.id, False
        return int(new_id), True

    def get(self, message_id: int) -> OutboxRecord | None:
        return self._one(_M.id == message_id)

    def by_key(self, idempotency_key: str) -> OutboxRecord | None:
        return self._one(_M.idempotency_key == idempotency_key)

    def by_token(self, token: str) -> OutboxRecord | None:
        return self._one(_M.token == token)

    def by_provider_id(self, channel: str, provider_message_id: str) -> OutboxRecord | None:
        return self._one(_M.channel == channel, _M.provider_message_id == provider_message_id)

    def _one(self, *conditions: Any) -> OutboxRecord | None:
        row = self.connection.execute(select(outbox_messages).where(*conditions)).first()
        return _record(row) if row else None

    def set_content(
        self, message_id: int, *, rendered: RenderedMessage, recipient: str,
        contact_point_id: int | None, context: dict[str, Any], at: datetime,
    ) -> None:  # fmt: skip
        self._set(
            message_id, at=at, template_version=rendered.version, language=rendered.language,
            subject=rendered.subject[:300], body_text=rendered.text, body_html=rendered.html,
            recipient=recipient, contact_point_id=contact_point_id, context=_json(context),
        )  # fmt: skip

    def add_decision(self, message_id: int, decision: str) -> None:
        current = self.connection.execute(
            select(_M.gate_decisions).where(_M.id == message_id)
        ).scalar_one()
        self.connection.execute(
            update(outbox_messages)
            .where(_M.id == message_id)
            .values(gate_decisions=json.dumps([*json.loads(current), decision]))
        )

    def queue(self, message_id: int, *, at: datetime, print_date: date | None) -> None:
        self._set(
            message_id, at=at, status="queued", next_attempt_at=at, print_date=print_date,
            claimed_at=None,
        )  # fmt: skip

    def block(self, message_id: int, *, at: datetime, rules: list[str], reasons: list[str]) -> None:
        self._set(
            message_id, at=at, status="blocked", next_attempt_at=None, claimed_at=None,
            blocked_rules=json.dumps(rules), blocked_reasons=json.dumps(reasons),
            last_error="; ".join(reasons)[:500],
        )  # fmt: skip

    def due(self, *, now: datetime, channels: list[str], limit: int) -> list[int]:
        rows = self.connection.execute(
            select(_M.id)
            .where(_M.status == "queued", _M.next_attempt_at <= now, _M.channel.in_(channels))
            .order_by(_M.next_attempt_at, _M.id)
            .limit(limit)
        ).scalars()
        return [int(r) for r in rows]

    def claim(self, message_id: int, *, at: datetime) -> bool:
        """queued → sending, only if still queued (the one transition that takes a message)."""
        result = self.connection.execute(
            update(outbox_messages)
            .where(_M.id == message_id, _M.status == "queued")
            .values(status="sending", attempts=_M.attempts + 1, claimed_at=at, updated_at=at)
        )
        return result.rowcount == 1

    def stale(self, *, claimed_before: datetime) -> list[int]:
        rows = self.connection.execute(
            select(_M.id).where(_M.status == "sending", _M.claimed_at < claimed_before)
        ).scalars()
        return [int(r) for r in rows]

    def requeue(
        self, message_id: int, *, at: datetime, next_attempt_at: datetime, error: str
    ) -> None:
        self._set(
            message_id, at=at, status="queued", next_attempt_at=next_attempt_at,
            claimed_at=None, last_error=error[:500],
        )  # fmt: skip

    def finish(
        self, message_id: int, *, status: str, at: datetime, error: str = "",
        provider_message_id: str | None = None, details: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        values: dict[str, Any] = {"status": status, "claimed_at": None, "next_attempt_at": None}
        if error:
            values["last_error"] = error[:500]
        if provider_message_id is not None:
            values["provider_message_id"] = provider_message_id
        if status == "sent":
            values["sent_at"] = at
        for key in ("pdf_path", "pages", "pdf_sha256", "print_date"):
            if details and key in details:
                values[key] = details[key]
        self._set(message_id, at=at, **values)

    def listing(self, *, statuses: list[str], limit: int) -> list[OutboxRecord]:
        query = select(outbox_messages).order_by(_M.id.desc()).limit(limit)
        if statuses:
            query = query.where(_M.status.in_(statuses))
        return [_record(row) for row in self.connection.execute(query)]

    def letters_printed(self, print_date: date) -> list[OutboxRecord]:
        rows = self.connection.execute(
            select(outbox_messages)
            .where(
                _M.channel == "letter",
                _M.print_date == print_date,
                _M.status.in_(["sent", "delivered", "bounced"]),
            )
            .order_by(_M.id)
        )
        return [_record(row) for row in rows]

    def add_event(
        self, *, message_id: int | None, kind: str, at: datetime, details: dict[str, Any],
        provider_event_id: str | None = None,
    ) -> bool:  # fmt: skip
        """Record an event; False when a provider event with the same id was already recorded."""
        try:
            with self.connection.begin_nested():
                self.connection.execute(
                    insert(outbox_events).values(
                        message_id=message_id, kind=kind, at=at, details=_json(details),
                        provider_event_id=provider_event_id,
                    )
                )  # fmt: skip
        except IntegrityError:
            return False
        return True

    def _set(self, message_id: int, *, at: datetime, **values: Any) -> None:
        self.connection.execute(
            update(outbox_messages).where(_M.id == message_id).values(updated_at=at, **values)
        )

    # -- facts a message may state ----------------------------------------------------------------

    def facts(self, *, loan_id: int, borrower_id: int, as_of: date) -> MessageFacts | None:
        loans, borrowers = schema.loans, schema.borrowers
        loan = self.connection.execute(select(loans).where(loans.c.id == loan_id)).first()
        person = self.connection.execute(
            select(borrowers).where(borrowers.c.id == borrower_id)
        ).first()
        if loan is None or person is None:
            return None
        lines = self._debt_lines(loan_id)
        state = self._scalar(
            "SELECT dpd, past_due_minor FROM decisions WHERE loan_id = :loan AND as_of <= :as_of "
            "ORDER BY as_of DESC LIMIT 1",
            loan=loan_id, as_of=as_of, row=True,
        )  # fmt: skip
        paid = self._scalar(
            "SELECT MAX(effective_date) FROM payments WHERE loan_id = :loan "
            "AND status = 'posted' AND effective_date <= :as_of",
            loan=loan_id, as_of=as_of,
        )  # fmt: skip
        return MessageFacts(
            loan=loan._asdict(),
            borrower={k: v for k, v in person._asdict().items() if not k.startswith(_SEALED)},
            contact_points=tuple(self._points(schema.contact_points.c.borrower_id == borrower_id)),
            balance_minor=sum(ln.amount_minor for ln in lines if ln.effective_date <= as_of),
            past_due_minor=int(state[1]) if state else 0,
            days_past_due=int(state[0]) if state else 0,
            last_payment_on=_date(paid),
            debt_lines=tuple(lines),
            previous_itemization=self._previous_basis(loan_id),
        )

    def _debt_lines(self, loan_id: int) -> list[DebtLine]:
        accounts = ", ".join(f"'{a}'" for a in sorted(DEBT_ACCOUNTS))
        rows = self.connection.execute(
            text(
                "SELECT l.effective_date, l.account, l.amount_minor, e.source FROM ledger_lines l "
                "JOIN ledger_entries e ON e.id = l.entry_id "
                f"WHERE l.loan_id = :loan AND l.account IN ({accounts}) ORDER BY e.id, l.account"
            ),
            {"loan": loan_id},
        ).all()
        return [
            DebtLine(_date(r[0]) or date.min, r[1], int(r[2]), r[3].startswith(_CHARGE_SOURCES))
            for r in rows
        ]

    def _previous_basis(self, loan_id: int) -> str | None:
        row = self.connection.execute(
            select(_M.context)
            .where(_M.loan_id == loan_id, _M.template == "validation_notice", _M.status.in_(_LIVE))
            .order_by(_M.id)
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            return None
        basis = json.loads(row).get("itemization", {}).get("basis")
        return str(basis) if basis else None

    def _scalar(self, sql: str, *, row: bool = False, **params: Any) -> Any:
        result = self.connection.execute(text(sql), params)
        return result.first() if row else result.scalar()

    # -- contact points ---------------------------------------------------------------------------

    def phone_points(self, number: str) -> list[ContactPoint]:
        points = schema.contact_points.c
        return self._points(points.value == number, points.kind.like("%_phone"))

    def set_point(
        self, point_id: int, *, at: datetime, status: str | None = None,
        sms_opted_out: bool = False, email_opted_out: bool = False,
    ) -> None:  # fmt: skip
        points = schema.contact_points
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = status
        if sms_opted_out:
            values["sms_opted_out_at"] = at
        if email_opted_out:
            values["email_opted_out_at"] = at
        if values:
            self.connection.execute(update(points).where(points.c.id == point_id).values(**values))

    def queued_to_point(self, point_id: int, *, channel: str) -> list[int]:
        rows = self.connection.execute(
            select(_M.id).where(
                _M.contact_point_id == point_id, _M.channel == channel, _M.status == "queued"
            )
        ).scalars()
        return [int(r) for r in rows]

    def point_borrower(self, point_id: int) -> int:
        points = schema.contact_points
        found = self.connection.execute(
            select(points.c.borrower_id).where(points.c.id == point_id)
        ).scalar_one()
        return int(found)

    def loans_of(self, borrower_id: int) -> list[int]:
        """The loans a borrower owes, as borrower or co-borrower."""
        loans = schema.loans
        rows = self.connection.execute(
            select(loans.c.id)
            .where((loans.c.borrower_id == borrower_id) | (loans.c.co_borrower_id == borrower_id))
            .order_by(loans.c.id)
        ).scalars()
        return [int(r) for r in rows]

    def gate_decision_id(self, reference: str) -> int | None:
        """The latest decision the compliance gate recorded for ``reference``
        (``gate_decisions``, written by ``arrears.services.compliance.check_contact``)."""
        found = self._scalar(
            "SELECT MAX(id) FROM gate_decisions WHERE reference = :reference", reference=reference
        )
        return int(found) if found is not None else None

    def _points(self, *conditions: Any) -> list[ContactPoint]:
        points = schema.contact_points
        rows = self.connection.execute(
            select(points).where(*conditions).order_by(points.c.id)
        ).all()
        return [
            ContactPoint(
                kind=ContactKind(r.kind), value=r.value, id=r.id, status=ContactStatus(r.status),
                time_zones=tuple(z for z in r.time_zones.split(",") if z),
                sms_consent_at=r.sms_consent_at, call_opted_out_at=r.call_opted_out_at,
                sms_opted_out_at=r.sms_opted_out_at, email_opted_out_at=r.email_opted_out_at,
            )
            for r in rows
        ]  # fmt: skip


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _record(row: Row[Any]) -> OutboxRecord:
    values = row._asdict()
    values.pop("claimed_at", None)
    for key in ("gate_decisions", "blocked_rules", "blocked_reasons"):
        values[key] = tuple(json.loads(values[key]))
    values["context"] = json.loads(values["context"])
    values["print_date"] = _date(values["print_date"])
    return OutboxRecord(**values)
