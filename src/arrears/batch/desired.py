"""What the journal of every loan should say on a date: entries and lines, not yet versioned.

``arrears.ledger.postings.desired_postings`` is the specification: the disbursement (``loan``),
one charge entry per installment or charge with non-principal items due by the date (receivable
debited, income credited), and one entry per good payment effective by the date with its
waterfall allocation (cash debited, receivables and suspense credited). Lines inside an entry
are in account-name order with zeros dropped, as ``entry_lines`` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from arrears.batch.allocation import COMPONENTS, ItemArrays, allocate_payments
from arrears.batch.arrays import Ints, day_number, days, ints, keyed, starts_of_runs
from arrears.batch.lines import Postings, concat, lines_of
from arrears.batch.sources import (
    CHARGE,
    INSTALLMENT,
    LOAN,
    PAYMENT,
    PREFIXES,
    ChargeRanks,
    text_rank,
)
from arrears.domain.components import Component
from arrears.domain.credits import CreditKind
from arrears.ledger.accounts import INCOME_FOR, RECEIVABLES, Account
from arrears.ledger.credits import COUNTER_ACCOUNT, ENTRY_KIND, MEMO
from arrears.ledger.entries import EntryKind

#: Entry kinds in a fixed order (an entry's ``entry`` code indexes it), and the memo each kind
#: of desired entry carries.
ENTRY_KINDS: list[EntryKind] = list(EntryKind)
MEMOS: list[str] = [
    {
        EntryKind.DISBURSEMENT: "principal advanced",
        EntryKind.CHARGE: "fell due",
        **{ENTRY_KIND[credit]: MEMO[credit] for credit in CreditKind},
    }.get(kind, "")
    for kind in ENTRY_KINDS
]
_CHARGEABLE = sorted((c for c in Component if c is not Component.PRINCIPAL), key=lambda c: c.value)
#: Accounts a charge entry may touch, in name order, with the (component, sign) feeding each.
_CHARGE_ACCOUNTS = sorted(
    [(RECEIVABLES[c], c, 1) for c in _CHARGEABLE] + [(INCOME_FOR[c], c, -1) for c in _CHARGEABLE],
    key=lambda account: account[0].value,
)
#: Accounts a credit entry may touch, in name order: its counter account (cash for a payment,
#: waived, written off or sale proceeds for other credits), the receivables, suspense.
_PAYMENT_ACCOUNTS = sorted(
    [*set(COUNTER_ACCOUNT.values()), Account.SUSPENSE, *(RECEIVABLES[c] for c in COMPONENTS)],
    key=lambda account: account.value,
)


def desired_postings(
    loans: pl.DataFrame,
    items: pl.DataFrame,
    payments: pl.DataFrame,
    *,
    as_of: date,
    charge_ranks: ChargeRanks,
) -> Postings:
    """The desired entries of every loan, sorted by (loan_id, source), with their lines.

    ``loans`` has ``loan_id``, ``principal_minor`` and ``origination_date``, sorted by id;
    ``items`` are all of the loans' items in fill order, grouped by ascending id; ``payments``
    are every payment (only good ones effective by ``as_of`` count).
    """
    loan_ids = ints(loans["loan_id"])
    arrays = ItemArrays.of(items, loan_ids)
    parts = [
        _disbursements(loans, as_of),
        *_charges(items, arrays, day_number(as_of), charge_ranks),
        _payments(arrays, payments, loan_ids, as_of),
    ]
    return concat(parts).ordered()


def _postings(
    *,
    loan: Ints,
    kind: int,
    rank: Ints,
    number: Ints,
    entry: EntryKind | Ints,
    day: Ints,
    amounts: Ints,
    accounts: list[Account],
) -> Postings:
    account, amount, count = lines_of(amounts, accounts)
    entry_codes = (
        np.full(loan.size, ENTRY_KINDS.index(entry), dtype=np.int64)
        if isinstance(entry, EntryKind)
        else entry
    )
    return Postings(
        loan=loan,
        kind=np.full(loan.size, kind, dtype=np.int64),
        rank=rank,
        number=number,
        entry=entry_codes,
        day=day,
        account=account,
        amount=amount,
        count=count,
    )


def _disbursements(loans: pl.DataFrame, as_of: date) -> Postings:
    advanced = (ints(loans["principal_minor"]) != 0) & (
        (loans["origination_date"] <= as_of).to_numpy()
    )
    rows = np.flatnonzero(advanced)
    principal = ints(loans["principal_minor"])[rows]
    zero = np.zeros(rows.size, dtype=np.int64)
    return _postings(
        loan=rows,
        kind=LOAN,
        rank=zero,
        number=zero,
        entry=EntryKind.DISBURSEMENT,
        day=days(loans["origination_date"])[rows],
        amounts=np.column_stack([-principal, principal]).reshape(-1, 2),
        accounts=[Account.FUNDING, Account.PRINCIPAL],
    )


def _charges(
    items: pl.DataFrame, arrays: ItemArrays, last: int, ranks: ChargeRanks
) -> list[Postings]:
    """One entry per installment or charge with non-principal items due by day ``last``."""
    due = (arrays.component != COMPONENTS.index(Component.PRINCIPAL)) & (arrays.day <= last)
    installments = _per_installment(arrays, np.flatnonzero(due & arrays.is_installment))
    charge_rows = np.flatnonzero(due & ~arrays.is_installment)
    charges = _per_charge(arrays, charge_rows, items["source"].gather(charge_rows))
    keys = charges.source.str.strip_prefix(PREFIXES[CHARGE])
    charge_rank = ranks.of(keys)
    accounts = [account for account, _, _ in _CHARGE_ACCOUNTS]
    return [
        _postings(
            loan=installments.loan,
            kind=INSTALLMENT,
            rank=text_rank(installments.number),
            number=installments.number,
            entry=EntryKind.CHARGE,
            day=installments.day,
            amounts=_charge_amounts(installments.amounts),
            accounts=accounts,
        ),
        _postings(
            loan=charges.loan,
            kind=CHARGE,
            rank=charge_rank,
            number=charge_rank,
            entry=EntryKind.CHARGE,
            day=charges.day,
            amounts=_charge_amounts(charges.amounts),
            accounts=accounts,
        ),
    ]


@dataclass(frozen=True, slots=True)
class _Due:
    """Per source: its loan, number (seq), first due day and amount per component."""

    loan: Ints
    number: Ints
    day: Ints
    amounts: Ints  # (sources × COMPONENTS)
    source: pl.Series


def _per_installment(arrays: ItemArrays, rows: Ints) -> _Due:
    """Due non-principal items summed per installment, dated by the first in fill order."""
    loan, seq = arrays.loan[rows], arrays.seq[rows]
    key = keyed(loan, seq)
    if np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        rows, loan, seq, key = rows[order], loan[order], seq[order], key[order]
    starts = starts_of_runs(key[1:] == key[:-1]) if rows.size else rows
    run = np.repeat(np.arange(starts.size), np.diff(np.append(starts, rows.size)))
    amounts = np.zeros(starts.size * len(COMPONENTS), dtype=np.int64)
    np.add.at(amounts, run * len(COMPONENTS) + arrays.component[rows], arrays.amount[rows])
    return _Due(
        loan[starts],
        seq[starts],
        arrays.day[rows[starts]],
        amounts.reshape(-1, len(COMPONENTS)),
        pl.Series("source", dtype=pl.String),
    )


def _per_charge(arrays: ItemArrays, rows: Ints, source: pl.Series) -> _Due:
    """Due items summed per charge source (charges are few: grouped by text)."""
    frame = pl.DataFrame(
        {
            "loan": arrays.loan[rows],
            "source": source,
            "day": arrays.day[rows],
            "component": arrays.component[rows],
            "amount": arrays.amount[rows],
        }
    )
    grouped = frame.group_by(["loan", "source"], maintain_order=True).agg(
        pl.col("day").first(),
        *(
            pl.col("amount").filter(pl.col("component") == code).sum().alias(str(code))
            for code in range(len(COMPONENTS))
        ),
    )
    amounts = np.column_stack([ints(grouped[str(code)]) for code in range(len(COMPONENTS))])
    return _Due(
        ints(grouped["loan"]),
        np.zeros(grouped.height, dtype=np.int64),
        ints(grouped["day"]),
        amounts.reshape(-1, len(COMPONENTS)),
        grouped["source"],
    )


def _charge_amounts(per_component: Ints) -> Ints:
    """Charge lines per source: each receivable debited, its income credited, in name order."""
    columns = [sign * per_component[:, COMPONENTS.index(c)] for _, c, sign in _CHARGE_ACCOUNTS]
    return np.column_stack(columns).reshape(-1, len(columns))


def _payments(items: ItemArrays, payments: pl.DataFrame, loan_ids: Ints, as_of: date) -> Postings:
    good = payments.filter(pl.col("good") & (pl.col("effective_date") <= as_of))
    allocation = allocate_payments(items, good, loan_ids)
    paid = allocation.payments
    kinds = (
        paid["credit_kind"].to_numpy()
        if "credit_kind" in paid.columns
        else np.full(paid.height, CreditKind.PAYMENT.value, dtype=object)
    )
    amount = ints(paid["amount_minor"])
    columns: dict[Account, Ints] = {
        counter: np.where(
            np.isin(kinds, [k.value for k, a in COUNTER_ACCOUNT.items() if a is counter]), amount, 0
        )
        for counter in set(COUNTER_ACCOUNT.values())
    }
    entry_codes = np.zeros(paid.height, dtype=np.int64)
    for credit in CreditKind:
        entry_codes[kinds == credit.value] = ENTRY_KINDS.index(ENTRY_KIND[credit])
    columns.update({Account.SUSPENSE: -allocation.suspense})
    for code, component in enumerate(COMPONENTS):
        columns[RECEIVABLES[component]] = -allocation.parts[:, code]
    payment_id = ints(paid["payment_id"])
    return _postings(
        loan=allocation.loan,
        kind=PAYMENT,
        rank=text_rank(payment_id),
        number=payment_id,
        entry=entry_codes,
        day=days(paid["effective_date"]),
        amounts=np.column_stack([columns[a] for a in _PAYMENT_ACCOUNTS]).reshape(-1, len(columns)),
        accounts=_PAYMENT_ACCOUNTS,
    )
