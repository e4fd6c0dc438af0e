"""What the journal of every loan should say on a date: entries and lines, not yet versioned.

``arrears.ledger.postings.desired_postings`` is the specification: the disbursement (``loan``),
one charge entry per installment or charge with non-principal items due by the date (receivable
debited, income credited), and one entry per good payment effective by the date with its
waterfall allocation (cash debited, receivables and suspense credited). Lines inside an entry
are in account-name order with zeros dropped, as ``entry_lines`` makes them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from arrears.batch.allocation import COMPONENTS, allocate_payments
from arrears.batch.arrays import Ints, days, ints, starts_of_runs
from arrears.batch.lines import Postings, concat, lines_of
from arrears.batch.sources import CHARGE, INSTALLMENT, LOAN, PAYMENT, ChargeRanks, text_rank
from arrears.domain.components import Component
from arrears.ledger.accounts import INCOME_FOR, RECEIVABLES, Account
from arrears.ledger.entries import EntryKind

#: Entry kinds in a fixed order (an entry's ``entry`` code indexes it), and the memo each kind
#: of desired entry carries.
ENTRY_KINDS: list[EntryKind] = list(EntryKind)
MEMOS: list[str] = [
    {
        EntryKind.DISBURSEMENT: "principal advanced",
        EntryKind.CHARGE: "fell due",
        EntryKind.PAYMENT: "payment received",
    }.get(kind, "")
    for kind in ENTRY_KINDS
]
_CHARGEABLE = sorted((c for c in Component if c is not Component.PRINCIPAL), key=lambda c: c.value)
#: Accounts a charge entry may touch, in name order, with the (component, sign) feeding each.
_CHARGE_ACCOUNTS = sorted(
    [(RECEIVABLES[c], c, 1) for c in _CHARGEABLE] + [(INCOME_FOR[c], c, -1) for c in _CHARGEABLE],
    key=lambda account: account[0].value,
)
#: Accounts a payment entry may touch, in name order: cash, the receivables, suspense.
_PAYMENT_ACCOUNTS = sorted(
    [Account.CASH, Account.SUSPENSE, *(RECEIVABLES[c] for c in COMPONENTS)],
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
    parts = [
        _disbursements(loans, as_of),
        *_charges(items, loan_ids, as_of, charge_ranks),
        _payments(items, payments, loan_ids, as_of),
    ]
    return concat(parts).ordered()


def _postings(
    *,
    loan: Ints,
    kind: int,
    rank: Ints,
    number: Ints,
    entry: EntryKind,
    day: Ints,
    amounts: Ints,
    accounts: list[Account],
) -> Postings:
    account, amount, count = lines_of(amounts, accounts)
    return Postings(
        loan=loan,
        kind=np.full(loan.size, kind, dtype=np.int64),
        rank=rank,
        number=number,
        entry=np.full(loan.size, ENTRY_KINDS.index(entry), dtype=np.int64),
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
    items: pl.DataFrame, loan_ids: Ints, as_of: date, ranks: ChargeRanks
) -> list[Postings]:
    """One entry per installment or charge with non-principal items due by ``as_of``."""
    due = items.filter(
        (pl.col("component") != Component.PRINCIPAL.value) & (pl.col("due_date") <= as_of)
    )
    is_installment = pl.col("installment_seq").is_not_null()
    installments = _per_installment(due.filter(is_installment))
    charges = _per_source(due.filter(~is_installment), ["loan_id", "source"])
    seq = ints(installments["installment_seq"])
    charge_rank = ranks.of(charges["source"].str.strip_prefix("charge:"))
    accounts = [account for account, _, _ in _CHARGE_ACCOUNTS]
    return [
        _postings(
            loan=np.searchsorted(loan_ids, ints(installments["loan_id"])),
            kind=INSTALLMENT,
            rank=text_rank(seq),
            number=seq,
            entry=EntryKind.CHARGE,
            day=days(installments["effective_date"]),
            amounts=_charge_amounts(installments),
            accounts=accounts,
        ),
        _postings(
            loan=np.searchsorted(loan_ids, ints(charges["loan_id"])),
            kind=CHARGE,
            rank=charge_rank,
            number=charge_rank,
            entry=EntryKind.CHARGE,
            day=days(charges["effective_date"]),
            amounts=_charge_amounts(charges),
            accounts=accounts,
        ),
    ]


def _per_source(due: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Per source: the first due date (fill order) and the amount of each chargeable component."""
    return due.group_by(by, maintain_order=True).agg(
        pl.col("due_date").first().alias("effective_date"),
        *(
            pl.col("amount_minor").filter(pl.col("component") == c.value).sum().alias(c.value)
            for c in _CHARGEABLE
        ),
    )


def _per_installment(due: pl.DataFrame) -> pl.DataFrame:
    """``_per_source`` for installment items, which are consecutive in the usual case."""
    loan, seq = ints(due["loan_id"]), ints(due["installment_seq"])
    if loan.size == 0:
        return _per_source(due, ["loan_id", "installment_seq"])
    starts = starts_of_runs((loan[1:] == loan[:-1]) & (seq[1:] == seq[:-1]))
    run_loan, run_seq = loan[starts], seq[starts]
    rising = (run_loan[1:] > run_loan[:-1]) | (
        (run_loan[1:] == run_loan[:-1]) & (run_seq[1:] > run_seq[:-1])
    )
    if not rising.all():
        return _per_source(due, ["loan_id", "installment_seq"])
    names = [c.value for c in _CHARGEABLE]
    component = ints(due["component"].cast(pl.Enum(names)).to_physical())
    run = np.repeat(np.arange(starts.size), np.diff(np.append(starts, loan.size)))
    amounts = np.zeros(starts.size * len(names), dtype=np.int64)
    np.add.at(amounts, run * len(names) + component, ints(due["amount_minor"]))
    per_component = amounts.reshape(-1, len(names))
    return pl.DataFrame(
        {
            "loan_id": run_loan,
            "installment_seq": run_seq,
            "effective_date": due["due_date"].gather(starts),
            **{name: per_component[:, code] for code, name in enumerate(names)},
        }
    )


def _charge_amounts(per_source: pl.DataFrame) -> Ints:
    columns = [sign * ints(per_source[c.value]) for _, c, sign in _CHARGE_ACCOUNTS]
    return np.column_stack(columns).reshape(-1, len(columns))


def _payments(items: pl.DataFrame, payments: pl.DataFrame, loan_ids: Ints, as_of: date) -> Postings:
    good = payments.filter(pl.col("good") & (pl.col("effective_date") <= as_of))
    allocation = allocate_payments(items, good, loan_ids)
    paid = allocation.payments
    columns = {
        Account.CASH: ints(paid["amount_minor"]),
        Account.SUSPENSE: -allocation.suspense,
    }
    for code, component in enumerate(COMPONENTS):
        columns[RECEIVABLES[component]] = -allocation.parts[:, code]
    payment_id = ints(paid["payment_id"])
    return _postings(
        loan=allocation.loan,
        kind=PAYMENT,
        rank=text_rank(payment_id),
        number=payment_id,
        entry=EntryKind.PAYMENT,
        day=days(paid["effective_date"]),
        amounts=np.column_stack([columns[a] for a in _PAYMENT_ACCOUNTS]).reshape(-1, len(columns)),
        accounts=_PAYMENT_ACCOUNTS,
    )
