"""Settlement offers in the database: offers with their pricing, every lifecycle move, and the
settlement facts a fulfilled offer leaves for tax and credit reporting."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text, update

from arrears.adapters.db import schema
from arrears.adapters.db.prebuilt import Prebuilt, Read
from arrears.adapters.db.schema_settlements import settlement_events, settlement_offers, settlements
from arrears.domain.settlements.offers import OfferRecord, OfferStatus, OfferType, PresentedVia
from arrears.domain.settlements.outcome import SettlementFacts

_MICROS = Decimal(1_000_000)

#: Fields a lifecycle move may set besides the status.
MOVE_FIELDS = frozenset(
    {"approved_by", "presented_via", "presented_on", "accepted_on", "decided_on", "plan_id",
     "conditional_credit_id", "note"}
)  # fmt: skip


#: Advisory lock class serialising offers per loan on PostgreSQL (the key is the loan id).
_OFFERS_LOCK = 0x5E771E


_OFFERS_OF_LOAN = Prebuilt(
    select(settlement_offers)
    .where(settlement_offers.c.loan_id == bindparam("loan_id"))
    .order_by(settlement_offers.c.id)
)
"""Every account page, the agent's and the borrower's, lists the loan's offers: built once."""


def offers_of_loan(loan_id: int) -> Read:
    """The read of a loan's settlement offers (also what an account page prefetches)."""
    return _OFFERS_OF_LOAN, {"loan_id": loan_id}


class SqlSettlements:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def lock_offers_of(self, loan_id: int) -> None:
        """Until this transaction ends, no one else may make an offer on the loan: "one offer in
        play" is checked and then written, and two agents at once would both pass the check
        (PostgreSQL runs READ COMMITTED; SQLite has one writer anyway)."""
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:kind, :loan)"),
                {"kind": _OFFERS_LOCK, "loan": int(loan_id) % 2**31},
            )

    def add(self, offer: OfferRecord, *, at: datetime) -> int:
        values = {
            "loan_id": offer.loan_id, "offer_type": offer.offer_type.value,
            "status": offer.status.value, "currency": offer.currency,
            "balance_minor": offer.balance_minor, "amount_minor": offer.amount_minor,
            "installments": offer.installments, "floor_minor": offer.floor_minor,
            "discount_micros": int(offer.discount * _MICROS),
            "required_role": offer.required_role, "expires_on": offer.expires_on,
            "proposed_by": offer.proposed_by, "proposed_on": offer.proposed_on,
            "policy_version": offer.policy_version,
            "pricing": json.dumps(offer.pricing, sort_keys=True),
            "approved_by": offer.approved_by, "review_action_id": offer.review_action_id,
            "note": offer.note[:300], "created_at": at, "updated_at": at,
        }  # fmt: skip
        offer_id = int(
            self.connection.execute(
                insert(settlement_offers).values(**values).returning(settlement_offers.c.id)
            ).scalar_one()
        )
        self._event(offer_id, None, offer.status, on=offer.proposed_on, actor=offer.proposed_by,
                    note=offer.note, at=at)  # fmt: skip
        return offer_id

    def get(self, offer_id: int) -> OfferRecord | None:
        row = self.connection.execute(
            select(settlement_offers).where(settlement_offers.c.id == offer_id)
        ).one_or_none()
        return _offer(row._mapping) if row else None

    def for_loan(self, loan_id: int) -> list[OfferRecord]:
        read, parameters = offers_of_loan(loan_id)
        return [_offer(r) for r in read.rows(self.connection, parameters)]

    def listing(
        self, *, statuses: tuple[OfferStatus, ...] = (), role: str | None = None, limit: int = 100
    ) -> list[OfferRecord]:
        query = select(settlement_offers).order_by(settlement_offers.c.id.desc()).limit(limit)
        if statuses:
            query = query.where(settlement_offers.c.status.in_([s.value for s in statuses]))
        if role is not None:
            query = query.where(settlement_offers.c.required_role == role)
        return [_offer(r._mapping) for r in self.connection.execute(query).all()]

    def move(
        self, offer_id: int, *, from_status: OfferStatus, to: OfferStatus, on: date, actor: str,
        at: datetime, **fields: Any,
    ) -> bool:  # fmt: skip
        """Move the offer if it is still ``from_status`` (False when someone moved it first)."""
        unknown = set(fields) - MOVE_FIELDS
        if unknown:
            raise ValueError(f"cannot set {sorted(unknown)} on a move")
        values = {k: (v.value if isinstance(v, PresentedVia) else v) for k, v in fields.items()}
        if "note" in values:
            values["note"] = str(values["note"])[:300]
        result = self.connection.execute(
            update(settlement_offers)
            .where(settlement_offers.c.id == offer_id)
            .where(settlement_offers.c.status == from_status.value)
            .values(status=to.value, updated_at=at, **values)
        )
        if result.rowcount != 1:
            return False
        self._event(offer_id, from_status, to, on=on, actor=actor,
                    note=str(fields.get("note", "")), at=at)  # fmt: skip
        return True

    def _event(
        self, offer_id: int, from_status: OfferStatus | None, to: OfferStatus, *, on: date,
        actor: str, note: str, at: datetime,
    ) -> None:  # fmt: skip
        self.connection.execute(
            insert(settlement_events).values(
                offer_id=offer_id,
                from_status=from_status.value if from_status else None,
                to_status=to.value,
                effective_on=on,
                actor=actor,
                note=note[:300],
                at=at,
            )
        )

    def events(self, offer_id: int) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            select(settlement_events)
            .where(settlement_events.c.offer_id == offer_id)
            .order_by(settlement_events.c.id)
        ).all()
        return [dict(r._mapping) for r in rows]

    def add_settlement(self, facts: SettlementFacts, *, at: datetime) -> None:
        self.connection.execute(
            insert(settlements).values(
                offer_id=facts.offer_id,
                loan_id=facts.loan_id,
                settled_on=facts.settled_on,
                currency=facts.currency,
                forgiven_minor=facts.forgiven.total,
                principal_forgiven_minor=facts.forgiven.principal,
                interest_forgiven_minor=facts.forgiven.interest,
                fees_forgiven_minor=facts.forgiven.fees,
                metro2_status=facts.metro2_status,
                special_comment=facts.special_comment,
                form_1099c=facts.form_1099c,
                form_1099c_issuer=facts.form_1099c_issuer,
                identifiable_event=facts.identifiable_event[:120],
                created_at=at,
            )
        )

    def settlement(self, offer_id: int) -> dict[str, Any] | None:
        row = self.connection.execute(
            select(settlements).where(settlements.c.offer_id == offer_id)
        ).one_or_none()
        return dict(row._mapping) if row else None

    def mark_loan_settled(self, loan_id: int, *, at: datetime) -> None:
        """The loan's status becomes ``settled`` (arrears.domain.loans.LoanStatus)."""
        self.connection.execute(
            update(schema.loans)
            .where(schema.loans.c.id == loan_id)
            .values(status="settled", updated_at=at)
        )

    def reverse_credit(self, credit_id: int, *, on: date, reason: str) -> None:
        """Take back a credit (a conditional waiver): it stops counting and the next posting
        reverses its entry from the day it took effect (docs/adr/0002)."""
        self.connection.execute(
            update(schema.payments)
            .where(schema.payments.c.id == credit_id)
            .values(status="reversed", returned_date=on, return_reason=reason[:100])
        )


def _offer(row: Mapping[Any, Any]) -> OfferRecord:
    return OfferRecord(
        id=row["id"], loan_id=row["loan_id"], offer_type=OfferType(row["offer_type"]),
        status=OfferStatus(row["status"]), currency=row["currency"],
        balance_minor=row["balance_minor"], amount_minor=row["amount_minor"],
        installments=row["installments"],
        floor_minor=row["floor_minor"], discount=Decimal(row["discount_micros"]) / _MICROS,
        required_role=row["required_role"], expires_on=_date(row["expires_on"]),
        proposed_by=row["proposed_by"], proposed_on=_date(row["proposed_on"]),
        policy_version=row["policy_version"], pricing=json.loads(row["pricing"]),
        approved_by=row["approved_by"],
        presented_via=PresentedVia(row["presented_via"]) if row["presented_via"] else None,
        presented_on=_opt_date(row["presented_on"]), accepted_on=_opt_date(row["accepted_on"]),
        decided_on=_opt_date(row["decided_on"]), plan_id=row["plan_id"],
        conditional_credit_id=row["conditional_credit_id"],
        review_action_id=row["review_action_id"], note=row["note"], created_at=row["created_at"],
    )  # fmt: skip


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _opt_date(value: object) -> date | None:
    return None if value is None else _date(value)
