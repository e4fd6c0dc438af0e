"""The compliance gate's side of the database: the decisions it made, and the loan and
borrower facts it reads (one loan for a send, a partition of loans for the cycle)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, insert, select

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import query_frame
from arrears.adapters.db.prebuilt import Prebuilt
from arrears.adapters.db.schema_compliance import gate_decisions
from arrears.compliance.model import GateDecision, Proposal, RuleHit
from arrears.services.ports import LoanProfile


def _hits(hits: tuple[RuleHit, ...]) -> str:
    return json.dumps([{"rule": h.rule_id, "reason": h.reason, "source": h.source} for h in hits])


_loans, _borrowers = schema.loans, schema.borrowers
_LOAN_PROFILE = Prebuilt(
    select(
        _loans.c.id, _loans.c.external_id, _loans.c.borrower_id, _loans.c.currency,
        _loans.c.product, _loans.c.contract_state, _loans.c.contract_type, _borrowers.c.state,
        _borrowers.c.zip, _borrowers.c.address_time_zone,
    )
    .join(_borrowers, _borrowers.c.id == _loans.c.borrower_id)
    .where(_loans.c.id == bindparam("loan"))
)  # fmt: skip
"""What the gate knows of a loan, built once: every staff account page judges its contact."""


class SqlGateStore:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def record(
        self,
        proposal: Proposal,
        decision: GateDecision,
        *,
        borrower_id: int,
        at: datetime,
        stage: str,
        actor: str,
    ) -> int:
        return int(
            self.connection.execute(
                insert(gate_decisions)
                .values(
                    at=at,
                    stage=stage,
                    actor=actor,
                    loan_id=proposal.loan_id,
                    borrower_id=borrower_id,
                    channel=proposal.channel.value,
                    category=proposal.category.value,
                    template=proposal.template,
                    contact_point_id=proposal.contact_point_id,
                    treatment=proposal.treatment,
                    reference=proposal.reference,
                    allowed=decision.allowed,
                    rule_ids=",".join(decision.rule_ids)[:400],
                    blocked_by=_hits(decision.blocked_by),
                    disclosures=_hits(decision.disclosures),
                )
                .returning(gate_decisions.c.id)
            ).scalar_one()
        )

    def decisions_for(self, loan_id: int, *, limit: int = 50) -> list[dict[str, Any]]:
        """The latest recorded decisions on a loan, newest first."""
        rows = self.connection.execute(
            select(gate_decisions)
            .where(gate_decisions.c.loan_id == loan_id)
            .order_by(gate_decisions.c.at.desc(), gate_decisions.c.id.desc())
            .limit(limit)
        ).all()
        return [
            {
                **row._asdict(),
                "blocked_by": json.loads(row.blocked_by),
                "disclosures": json.loads(row.disclosures),
            }
            for row in rows
        ]

    def loan_profile(self, loan_id: int) -> LoanProfile | None:
        found = _LOAN_PROFILE.tuples(self.connection, {"loan": loan_id})
        return LoanProfile(*found[0]) if found else None

    def partition_profiles(self, first: int, last: int) -> pl.DataFrame:
        """Per loan of ``first``..``last``: contract type and the borrower's ZIP."""
        return query_frame(
            self.connection,
            "SELECT l.id, l.contract_type, b.zip FROM loans l "
            "JOIN borrowers b ON b.id = l.borrower_id WHERE l.id BETWEEN :first AND :last",
            {"first": first, "last": last},
            {"loan_id": pl.Int64, "contract_type": pl.Utf8, "zip": pl.Utf8},
        )
