"""What posting a few loans reads, as plain values, in statements built once.

A card payment, a charge or a credit posts one loan. Read as frames (``portfolio_reads``,
``ledger_store``) its handful of rows cost more to shape than to fetch; here each of the
loans' terms, stored schedule, charges, payments and journal is one indexed statement built at
import time, and the rows become the domain's values directly (``services.ports.PostingFacts``).

The values are what the batch path reads for the same loans: a level schedule is not stored
(only imported ones are read), a payment that no longer counts carries the note that becomes
its reversal's memo (``payment returned: NSF``) and every credit its kind; of the journal only
the sources the posting rules own are kept, each source's entries by version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from arrears.adapters.db import schema as t
from arrears.domain.charges import Charge
from arrears.domain.components import Component
from arrears.domain.credits import CreditKind
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.ledger.accounts import Account
from arrears.ledger.entries import Entry, EntryKind, Line
from arrears.ledger.postings import PaymentFact
from arrears.services.ports import PostingFacts

_LOANS = select(
    t.loans.c.id,
    t.loans.c.currency,
    t.loans.c.principal_minor,
    t.loans.c.annual_rate_micros,
    t.loans.c.term_months,
    t.loans.c.origination_date,
    t.loans.c.first_due_date,
    t.loans.c.schedule_source,
).where(t.loans.c.id.in_(bindparam("loan_ids", expanding=True)))
_INSTALLMENTS = select(
    t.installments.c.loan_id,
    t.installments.c.seq,
    t.installments.c.due_date,
    t.installments.c.principal_minor,
    t.installments.c.interest_minor,
    t.installments.c.fees_minor,
).where(t.installments.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
_CHARGES = select(
    t.charges.c.loan_id,
    t.charges.c.component,
    t.charges.c.amount_minor,
    t.charges.c.assessed_on,
    t.charges.c.reason,
    t.charges.c.key,
    t.charges.c.id,
).where(t.charges.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
_PAYMENTS = select(
    t.payments.c.loan_id,
    t.payments.c.id,
    t.payments.c.effective_date,
    t.payments.c.amount_minor,
    t.payments.c.status,
    t.payments.c.return_reason,
    t.payments.c.credit_kind,
).where(t.payments.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
_entries, _lines = t.ledger_entries, t.ledger_lines
# Both sides filtered by loan (each on its own index): the lines have no index on entry_id.
_JOURNAL = (
    select(
        _entries.c.loan_id,
        _entries.c.source,
        _entries.c.version,
        _entries.c.kind,
        _entries.c.effective_date,
        _entries.c.currency,
        _entries.c.reverses_version,
        _entries.c.memo,
        _lines.c.account,
        _lines.c.amount_minor,
    )
    .select_from(_entries.join(_lines, _lines.c.entry_id == _entries.c.id))
    .where(
        _entries.c.loan_id.in_(bindparam("loan_ids", expanding=True)),
        _lines.c.loan_id.in_(bindparam("loan_ids", expanding=True)),
    )
)
_PREFIXES = ("installment:", "charge:", "payment:")


class SqlPostingReads:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def facts(self, loan_ids: Sequence[int]) -> list[PostingFacts]:
        """The loans of ``loan_ids`` that exist, by ascending id, with their events and the
        posting rules' part of their journal."""
        params = {"loan_ids": sorted({int(i) for i in loan_ids})}
        loans = sorted(self.connection.execute(_LOANS, params).all(), key=lambda row: row.id)
        if not loans:
            return []
        imported = [row.id for row in loans if row.schedule_source == "imported"]
        currency = {row.id: row.currency for row in loans}
        installments = self._installments(imported, currency)
        charges = self._charges(params, currency)
        payments = self._payments(params)
        journal = self._journal(params)
        return [
            PostingFacts(
                loan_id=row.id,
                currency=row.currency,
                principal_minor=row.principal_minor,
                annual_rate_micros=row.annual_rate_micros,
                term_months=row.term_months,
                origination_date=row.origination_date,
                first_due_date=row.first_due_date,
                imported_schedule=row.schedule_source == "imported",
                installments=installments.get(row.id, []),
                charges=charges.get(row.id, []),
                payments=payments.get(row.id, []),
                journal=journal.get(row.id, []),
            )
            for row in loans
        ]

    def _installments(
        self, imported: list[int], currency: dict[int, str]
    ) -> dict[int, list[Installment]]:
        """Stored installments of the loans with imported schedules (no read when none)."""
        found: dict[int, list[Installment]] = defaultdict(list)
        if not imported:
            return found
        for row in self.connection.execute(_INSTALLMENTS, {"loan_ids": imported}):
            unit = currency[row.loan_id]
            found[row.loan_id].append(
                Installment(
                    row.seq,
                    row.due_date,
                    Money(row.principal_minor, unit),
                    Money(row.interest_minor, unit),
                    Money(row.fees_minor, unit),
                )
            )
        return found

    def _charges(self, params: dict[str, Any], currency: dict[int, str]) -> dict[int, list[Charge]]:
        found: dict[int, list[Charge]] = defaultdict(list)
        for row in self.connection.execute(_CHARGES, params):
            found[row.loan_id].append(
                Charge(
                    loan_id=row.loan_id,
                    component=Component(row.component),
                    amount=Money(row.amount_minor, currency[row.loan_id]),
                    assessed_on=row.assessed_on,
                    reason=row.reason,
                    key=row.key,
                    id=row.id,
                )
            )
        return found

    def _payments(self, params: dict[str, Any]) -> dict[int, list[PaymentFact]]:
        found: dict[int, list[PaymentFact]] = defaultdict(list)
        for row in self.connection.execute(_PAYMENTS, params):
            good = row.status == "posted"
            found[row.loan_id].append(
                PaymentFact(
                    payment_id=row.id,
                    effective_date=row.effective_date,
                    amount_minor=row.amount_minor,
                    good=good,
                    note="" if good else note_of(row.status, row.return_reason),
                    kind=CreditKind(row.credit_kind),
                )
            )
        return found

    def _journal(self, params: dict[str, Any]) -> dict[int, list[Entry]]:
        """Each loan's entries from the sources the posting rules own, by (source, version);
        an entry's lines in account order (as the rules write them)."""
        heads: dict[tuple[int, str, int], tuple[Any, ...]] = {}
        lines: dict[tuple[int, str, int], list[Line]] = defaultdict(list)
        for row in self.connection.execute(_JOURNAL, params):
            source = row.source
            if source != "loan" and not source.startswith(_PREFIXES):
                continue
            key = (row.loan_id, source, row.version)
            heads[key] = row
            lines[key].append(Line(Account(row.account), row.amount_minor))
        found: dict[int, list[Entry]] = defaultdict(list)
        for key in sorted(heads):
            found[key[0]].append(_entry(heads[key], lines[key]))
        return found


def note_of(status: str, return_reason: str | None) -> str:
    """Why a payment no longer counts, as the batch reads it (``portfolio_reads.payments``):
    ``payment <status>: <reason>`` without a trailing separator when there is no reason."""
    if return_reason is None:
        return ""
    return f"payment {status}: {return_reason}".strip(" :")


def _entry(head: Any, lines: list[Line]) -> Entry:
    loan_id, source = head.loan_id, head.source
    reverses = head.reverses_version
    return Entry(
        key=f"{loan_id}:{source}:{head.version}",
        loan_id=loan_id,
        kind=EntryKind(head.kind),
        effective_date=head.effective_date,
        currency=head.currency,
        lines=tuple(sorted(lines, key=lambda line: line.account.value)),
        source=source,
        reverses=None if reverses is None else f"{loan_id}:{source}:{reverses}",
        memo=head.memo,
    )
