"""What posting a few loans reads, as plain values, in statements built once.

A card payment, a charge or a credit posts one loan. Read as frames (``portfolio_reads``,
``ledger_store``) its handful of rows cost more to shape than to fetch; here each of the
loans' terms, stored schedule, charges, payments and journal is one indexed statement built at
import time (``Prebuilt``: on PostgreSQL run on the driver's cursor), and the rows become the
domain's values directly (``services.ports.PostingFacts``).

The values are what the batch path reads for the same loans: a level schedule is not stored
(only imported ones are read), a payment that no longer counts carries the note that becomes
its reversal's memo (``payment returned: NSF``) and every credit its kind; of the journal only
the sources the posting rules own are kept, each source's entries by version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select

from arrears.adapters.db import schema as t
from arrears.adapters.db.journal_columns import ACCOUNTS
from arrears.adapters.db.journal_columns import COLUMNS as AMOUNT_COLUMNS
from arrears.adapters.db.prebuilt import Prebuilt
from arrears.domain.charges import Charge
from arrears.domain.components import Component
from arrears.domain.credits import CreditKind
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.ledger.entries import Entry, EntryKind, Line
from arrears.ledger.postings import PaymentFact
from arrears.services.ports import PostingFacts

_LOANS = Prebuilt(
    select(
        t.loans.c.id,
        t.loans.c.currency,
        t.loans.c.principal_minor,
        t.loans.c.annual_rate_micros,
        t.loans.c.term_months,
        t.loans.c.origination_date,
        t.loans.c.first_due_date,
        t.loans.c.schedule_source,
    ).where(t.loans.c.id.in_(bindparam("loan_ids", expanding=True)))
)
_INSTALLMENTS = Prebuilt(
    select(
        t.installments.c.loan_id,
        t.installments.c.seq,
        t.installments.c.due_date,
        t.installments.c.principal_minor,
        t.installments.c.interest_minor,
        t.installments.c.fees_minor,
    ).where(t.installments.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
)
_CHARGES = Prebuilt(
    select(
        t.charges.c.loan_id,
        t.charges.c.component,
        t.charges.c.amount_minor,
        t.charges.c.assessed_on,
        t.charges.c.reason,
        t.charges.c.key,
        t.charges.c.id,
    ).where(t.charges.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
)
_PAYMENTS = Prebuilt(
    select(
        t.payments.c.loan_id,
        t.payments.c.id,
        t.payments.c.effective_date,
        t.payments.c.amount_minor,
        t.payments.c.status,
        t.payments.c.return_reason,
        t.payments.c.credit_kind,
    ).where(t.payments.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
)
_entries = t.ledger_entries
_JOURNAL = Prebuilt(
    select(
        _entries.c.loan_id,
        _entries.c.source,
        _entries.c.version,
        _entries.c.kind,
        _entries.c.effective_date,
        _entries.c.currency,
        _entries.c.reverses_version,
        _entries.c.memo,
        *(_entries.c[name] for name in AMOUNT_COLUMNS),
    ).where(_entries.c.loan_id.in_(bindparam("loan_ids", expanding=True)))
)
_PREFIXES = ("installment:", "charge:", "payment:")
_KINDS = {kind.value: kind for kind in EntryKind}

Head = tuple[int, str, int, str, date, str, int | None, str]
"""An entry's columns: loan, source, version, kind, date, currency, version reversed, memo."""


class SqlPostingReads:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def facts(self, loan_ids: Sequence[int]) -> list[PostingFacts]:
        """The loans of ``loan_ids`` that exist, by ascending id, with their events and the
        posting rules' part of their journal."""
        params = {"loan_ids": sorted({int(i) for i in loan_ids})}
        loans = sorted(_LOANS.tuples(self.connection, params))
        imported = [loan[0] for loan in loans if loan[7] == "imported"]
        currency = {loan[0]: loan[1] for loan in loans}
        installments = self._installments(imported, currency)
        charges = self._charges(params, currency)
        payments = self._payments(params)
        journal = self._journal(params)
        _check_known(currency, charges=charges, payments=payments, journal=journal)
        return [
            PostingFacts(
                loan_id=loan_id,
                currency=unit,
                principal_minor=principal,
                annual_rate_micros=rate,
                term_months=term,
                origination_date=originated,
                first_due_date=first_due,
                imported_schedule=schedule == "imported",
                installments=installments.get(loan_id, []),
                charges=charges.get(loan_id, []),
                payments=payments.get(loan_id, []),
                journal=journal.get(loan_id, []),
            )
            for loan_id, unit, principal, rate, term, originated, first_due, schedule in loans
        ]

    def _installments(
        self, imported: list[int], currency: dict[int, str]
    ) -> dict[int, list[Installment]]:
        """Stored installments of the loans with imported schedules (no read when none)."""
        found: dict[int, list[Installment]] = defaultdict(list)
        if not imported:
            return found
        rows = _INSTALLMENTS.tuples(self.connection, {"loan_ids": imported})
        for loan_id, seq, due, principal, interest, fees in rows:
            unit = currency[loan_id]
            found[loan_id].append(
                Installment(
                    seq, due, Money(principal, unit), Money(interest, unit), Money(fees, unit)
                )
            )
        return found

    def _charges(self, params: dict[str, Any], currency: dict[int, str]) -> dict[int, list[Charge]]:
        found: dict[int, list[Charge]] = defaultdict(list)
        for loan_id, component, amount, assessed_on, reason, key, charge_id in _CHARGES.tuples(
            self.connection, params
        ):
            if loan_id not in currency:  # no such loan: kept empty, for _check_known to refuse
                found.setdefault(loan_id, [])
                continue
            found[loan_id].append(
                Charge(
                    loan_id=loan_id,
                    component=Component(component),
                    amount=Money(amount, currency[loan_id]),
                    assessed_on=assessed_on,
                    reason=reason,
                    key=key,
                    id=charge_id,
                )
            )
        return found

    def _payments(self, params: dict[str, Any]) -> dict[int, list[PaymentFact]]:
        found: dict[int, list[PaymentFact]] = defaultdict(list)
        for loan_id, payment_id, effective, amount, status, reason, kind in _PAYMENTS.tuples(
            self.connection, params
        ):
            good = status == "posted"
            found[loan_id].append(
                PaymentFact(
                    payment_id=payment_id,
                    effective_date=effective,
                    amount_minor=amount,
                    good=good,
                    note="" if good else note_of(status, reason),
                    kind=CreditKind(kind),
                )
            )
        return found

    def _journal(self, params: dict[str, Any]) -> dict[int, list[Entry]]:
        """Each loan's entries from the sources the posting rules own, by (source, version);
        an entry's lines in account order (as the rules write them)."""
        found: dict[int, list[Entry]] = defaultdict(list)
        for row in sorted(_JOURNAL.tuples(self.connection, params), key=lambda r: r[:3]):
            source = row[1]
            if source != "loan" and not source.startswith(_PREFIXES):
                continue
            lines = [
                Line(account, amount)
                for account, amount in zip(ACCOUNTS, row[8:], strict=True)
                if amount  # neither NULL nor 0: a line (journal_columns)
            ]
            found[row[0]].append(_entry(row[:8], lines))
        return found


def _check_known(loans: dict[int, str], **events: dict[int, Any]) -> None:
    """Refuse events of a loan that does not exist, as the batch path does (its frames name
    every loan of a partition), rather than leave them unposted."""
    for what, found in events.items():
        unknown = sorted(set(found) - set(loans))
        if unknown:
            raise ValueError(f"{what} name loans that do not exist, e.g. {unknown[:5]}")


def note_of(status: str, return_reason: str | None) -> str:
    """Why a payment no longer counts, as the batch reads it (``portfolio_reads.payments``):
    ``payment <status>: <reason>`` without a trailing separator when there is no reason."""
    if return_reason is None:
        return ""
    return f"payment {status}: {return_reason}".strip(" :")


def _entry(head: Head, lines: list[Line]) -> Entry:
    loan_id, source, version, kind, effective, currency, reverses, memo = head
    return Entry(
        key=f"{loan_id}:{source}:{version}",
        loan_id=loan_id,
        kind=_KINDS.get(kind) or EntryKind(kind),
        effective_date=effective,
        currency=currency,
        lines=tuple(lines),
        source=source,
        reverses=None if reverses is None else f"{loan_id}:{source}:{reverses}",
        memo=memo,
    )
