"""Small helpers the recovery use cases share: finding a loan by its reference, the money a
borrower paid since a date, and the components a credit was allocated to."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import polars as pl

from arrears.domain.credits import CreditKind
from arrears.errors import NotFoundError
from arrears.ledger.accounts import BORROWER_SIDE
from arrears.services.ports import UnitOfWork

CASH_KINDS = [kind.value for kind in CreditKind if kind.cash]


def loan_id_for(uow: UnitOfWork, ref: str) -> int:
    """The internal id of the loan the lender calls ``ref``."""
    loan_id = uow.accounts.loan_id(ref)
    if loan_id is None:
        raise NotFoundError(f"no loan {ref!r}")
    return loan_id


def cash_paid(uow: UnitOfWork, loan_id: int, *, since: date, until: date) -> int:
    """Money received on the loan (payments, agency collections, sale proceeds — not waivers
    or write-offs) effective from ``since`` to ``until``, in minor units."""
    payments = uow.reads.payments([loan_id])
    if payments.height == 0:
        return 0
    kind = pl.col("credit_kind") if "credit_kind" in payments.columns else pl.lit("payment")
    counted = payments.filter(
        pl.col("good")
        & kind.fill_null("payment").is_in(CASH_KINDS)
        & pl.col("effective_date").is_between(since, until)
    )
    return int(counted.get_column("amount_minor").sum())


def credit_components(uow: UnitOfWork, loan_id: int, credit_ids: list[int]) -> dict[str, int]:
    """What the credits were allocated to, per borrower-side account, as the journal says now
    (minor units, positive = reduced): the net of every version of each credit's entry; the
    counter account (waived, cash…) is left out."""
    sources = {f"payment:{credit_id}" for credit_id in credit_ids}
    borrower_side = [account.value for account in BORROWER_SIDE]
    lines = uow.ledger.lines_of([loan_id]).filter(
        pl.col("source").is_in(sources) & pl.col("account").is_in(borrower_side)
    )
    found: dict[str, int] = defaultdict(int)
    for account, amount in lines.select("account", "amount_minor").iter_rows():
        found[str(account)] -= int(amount)
    return dict(found)
