"""Journal entries: balanced, keyed for idempotency, corrected only by reversal."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from arrears.errors import ArrearsError
from arrears.ledger.accounts import Account


class UnbalancedBatch(ArrearsError):
    """A batch of entries whose debits and credits differ: nothing of it may be written."""


class EntryKind(StrEnum):
    DISBURSEMENT = "disbursement"
    CHARGE = "charge"
    PAYMENT = "payment"
    REVERSAL = "reversal"
    WAIVER = "waiver"
    WRITE_OFF = "write_off"
    REFUND = "refund"
    COMMISSION = "commission"
    PROCEEDS = "proceeds"
    ADJUSTMENT = "adjustment"


@dataclass(frozen=True, slots=True)
class Line:
    account: Account
    amount_minor: int  # + debit, − credit


@dataclass(frozen=True, slots=True)
class Entry:
    """One balanced journal entry on one loan.

    ``key`` is unique across the journal (idempotency: posting the same key twice is a no-op);
    ``source`` names the event the entry accounts for (``payment:17``, ``installment:3``) so a
    corrected event can be re-derived; ``reverses`` is the key of the entry this one undoes.
    """

    key: str
    loan_id: int
    kind: EntryKind
    effective_date: date
    currency: str
    lines: tuple[Line, ...]
    source: str
    reverses: str | None = None
    memo: str = ""

    def net(self) -> dict[Account, int]:
        totals: dict[Account, int] = defaultdict(int)
        for line in self.lines:
            totals[line.account] += line.amount_minor
        return {account: amount for account, amount in totals.items() if amount}

    @property
    def balanced(self) -> bool:
        return sum(line.amount_minor for line in self.lines) == 0


def entry_lines(amounts: Mapping[Account, int]) -> tuple[Line, ...]:
    """Lines from account → signed amount, dropping zeros, in a stable order."""
    return tuple(
        Line(account, amount)
        for account, amount in sorted(amounts.items(), key=lambda kv: kv[0].value)
        if amount
    )


def check_batch(entries: Sequence[Entry]) -> None:
    """The invariant run before anything is written (DESIGN §3).

    Every entry balances (so the batch balances per currency), has at least two lines, no zero
    line and no account on two lines (an entry is an amount per account: the journal stores it
    so, docs/adr/0017), and no key appears twice. Raises ``UnbalancedBatch`` listing every
    offender.
    """
    problems: list[str] = []
    for entry in entries:
        if len(entry.lines) < 2:
            problems.append(f"{entry.key}: an entry needs a debit and a credit")
        if any(line.amount_minor == 0 for line in entry.lines):
            problems.append(f"{entry.key}: zero-amount line")
        if len({line.account for line in entry.lines}) != len(entry.lines):
            problems.append(f"{entry.key}: an account on two lines")
        if not entry.balanced:
            debits = sum(li.amount_minor for li in entry.lines if li.amount_minor > 0)
            credits = -sum(li.amount_minor for li in entry.lines if li.amount_minor < 0)
            problems.append(f"{entry.key}: debits {debits} != credits {credits}")
    duplicates = [key for key, count in Counter(e.key for e in entries).items() if count > 1]
    problems += [f"{key}: key used twice in one batch" for key in duplicates]
    if problems:
        raise UnbalancedBatch("; ".join(problems[:20]))


def reversal_of(entry: Entry, *, key: str, effective_date: date, memo: str) -> Entry:
    """The entry that undoes ``entry`` line by line, linked to it."""
    return Entry(
        key=key,
        loan_id=entry.loan_id,
        kind=EntryKind.REVERSAL,
        effective_date=effective_date,
        currency=entry.currency,
        lines=tuple(Line(line.account, -line.amount_minor) for line in entry.lines),
        source=entry.source,
        reverses=entry.key,
        memo=memo,
    )


def balances(entries: Iterable[Entry], *, as_of: date | None = None) -> dict[Account, int]:
    """Signed balance per account over entries effective on or before ``as_of`` (all if None)."""
    totals: dict[Account, int] = defaultdict(int)
    for entry in entries:
        if as_of is None or entry.effective_date <= as_of:
            for line in entry.lines:
                totals[line.account] += line.amount_minor
    return dict(totals)
