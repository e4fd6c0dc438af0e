"""What the journal of one loan should say, and the entries that make it say so.

The ledger is derived from events (disbursement, installments falling due, charges, payments)
and never edited. ``desired_postings`` states, for each event, the lines it should contribute as of
a date; ``reconcile`` compares that with what is already posted and appends only the difference:
a reversal of the old lines (linked to the entry it undoes) and a new entry. Posting the same
history twice therefore appends nothing, and a backdated or returned payment re-derives every
allocation after it (DESIGN §2–3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from arrears.domain.allocation import DueItem, allocate
from arrears.domain.components import Component
from arrears.domain.credits import CreditKind
from arrears.ledger.accounts import INCOME_FOR, RECEIVABLES, Account
from arrears.ledger.credits import COUNTER_ACCOUNT, ENTRY_KIND, MEMO
from arrears.ledger.entries import Entry, EntryKind, Line, entry_lines, reversal_of


@dataclass(frozen=True, slots=True)
class PaymentFact:
    """A credit as the ledger sees it: id, date, amount, whether it still counts, and its kind
    (a payment, or a waiver, write-off or sale proceeds — booked against its own account)."""

    payment_id: int
    effective_date: date
    amount_minor: int
    good: bool
    note: str = ""  # why it no longer counts (e.g. "returned: NSF")
    kind: CreditKind = CreditKind.PAYMENT


@dataclass(frozen=True, slots=True)
class Desired:
    kind: EntryKind
    effective_date: date
    lines: tuple[Line, ...]
    memo: str = ""


def desired_postings(
    *,
    principal_minor: int,
    origination_date: date,
    items: Sequence[DueItem],
    payments: Sequence[PaymentFact],
    as_of: date,
) -> dict[str, Desired]:
    """Source → the lines that event should have contributed to the journal by ``as_of``."""
    desired: dict[str, Desired] = {}
    if principal_minor and origination_date <= as_of:
        desired["loan"] = Desired(
            EntryKind.DISBURSEMENT,
            origination_date,
            entry_lines({Account.PRINCIPAL: principal_minor, Account.FUNDING: -principal_minor}),
            "principal advanced",
        )
    charged: dict[str, tuple[date, dict[Account, int]]] = {}
    for item in items:
        if item.component is Component.PRINCIPAL or item.due_date > as_of:
            continue
        _, amounts = charged.setdefault(item.source, (item.due_date, defaultdict(int)))
        amounts[RECEIVABLES[item.component]] += item.amount_minor
        amounts[INCOME_FOR[item.component]] -= item.amount_minor
    for source, (due, amounts) in charged.items():
        desired[source] = Desired(EntryKind.CHARGE, due, entry_lines(amounts), "fell due")
    good = sorted(
        (p for p in payments if p.good and p.effective_date <= as_of),
        key=lambda p: (p.effective_date, p.payment_id),
    )
    allocations = allocate(items, [(str(p.payment_id), p.amount_minor) for p in good])
    for payment, allocation in zip(good, allocations, strict=True):
        paid: dict[Account, int] = {COUNTER_ACCOUNT[payment.kind]: payment.amount_minor}
        for component, part in allocation.parts.items():
            paid[RECEIVABLES[component]] = -part
        if allocation.suspense_minor:
            paid[Account.SUSPENSE] = -allocation.suspense_minor
        desired[f"payment:{payment.payment_id}"] = Desired(
            ENTRY_KIND[payment.kind], payment.effective_date, entry_lines(paid), MEMO[payment.kind]
        )
    return desired


def reconcile(
    *,
    loan_id: int,
    currency: str,
    desired: dict[str, Desired],
    existing: Sequence[Entry],
    notes: dict[str, str] | None = None,
) -> list[Entry]:
    """The entries to append so the journal says what ``desired`` says, and nothing more.

    Only sources the posting rules own (disbursement, charges, payments) are reconciled; entries
    from other workflows (waivers, commissions…) are left alone. ``notes`` explains, per source,
    why an event stopped counting (used as the reversal memo).
    """
    notes = notes or {}
    by_source: dict[str, list[Entry]] = defaultdict(list)
    for entry in existing:
        if _derived(entry.source):
            by_source[entry.source].append(entry)
    appended: list[Entry] = []
    for source in sorted(set(desired) | set(by_source)):
        posted = by_source.get(source, [])
        want = desired.get(source)
        net = _net(posted)
        live = _live(posted)
        if want is not None and dict(_as_map(want.lines)) == net and _same_date(want, live):
            continue
        if want is None and not net:
            continue
        version = len(posted)
        if live is not None and net:
            # Undo the live entry from the day it took effect, so balances on every date match
            # a journal posted from scratch (the new entry carries the event's date).
            effective = live.effective_date
            reason = notes.get(source) or (
                "re-derived: the history before it changed" if want else "event withdrawn"
            )
            appended.append(
                reversal_of(
                    live,
                    key=f"{loan_id}:{source}:{version + 1}",
                    effective_date=effective,
                    memo=reason,
                )
            )
            version += 1
        if want is not None:
            appended.append(
                Entry(
                    key=f"{loan_id}:{source}:{version + 1}",
                    loan_id=loan_id,
                    kind=want.kind,
                    effective_date=want.effective_date,
                    currency=currency,
                    lines=want.lines,
                    source=source,
                    memo=want.memo,
                )
            )
    return appended


def _same_date(want: Desired, live: Entry | None) -> bool:
    """Whether the posted entry is already dated as the event now is (a corrected date counts
    as a change even when the lines are the same)."""
    return live is None or live.effective_date == want.effective_date


def _derived(source: str) -> bool:
    return source == "loan" or source.startswith(("installment:", "charge:", "payment:"))


def _as_map(lines: Sequence[Line]) -> dict[Account, int]:
    totals: dict[Account, int] = defaultdict(int)
    for line in lines:
        totals[line.account] += line.amount_minor
    return {account: amount for account, amount in totals.items() if amount}


def _net(entries: Sequence[Entry]) -> dict[Account, int]:
    return _as_map([line for entry in entries for line in entry.lines])


def _live(entries: Sequence[Entry]) -> Entry | None:
    """The newest entry for a source that no later entry reverses."""
    reversed_keys = {e.reverses for e in entries if e.reverses}
    candidates = [e for e in entries if e.kind is not EntryKind.REVERSAL]
    candidates = [e for e in candidates if e.key not in reversed_keys]
    return candidates[-1] if candidates else None
