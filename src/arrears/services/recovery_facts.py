"""One account as the recovery workflows see it: balances by component, delinquency, holds,
the statute of limitations, collateral — read once, as of a date, from the ledger and events.

Settlement pricing, the legal cost/benefit view and agency placement all start from these
facts, so the three show the same balance and the same reasons an alternative is barred: a
hold's rule and source (``arrears.domain.holds.BLOCKS``), or a time-barred debt (12 CFR
1006.26(b) and the state's statute, ``arrears.compliance.sol``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from arrears.batch.delinquency import delinquency
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.compliance.sol import SolStatus
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy
from arrears.domain.holds import ActionCategory, Hold, blocking_holds
from arrears.domain.settlements.pricing import Balances, PricingFacts
from arrears.errors import NotFoundError
from arrears.services.compliance import limitation_status
from arrears.services.ports import LoanProfile, UnitOfWork

_MICROS = Decimal(1_000_000)
TIME_BARRED_SOURCE = "12 CFR 1006.26(b); 15 U.S.C. 1692e(5)"


@dataclass(frozen=True)
class AccountFacts:
    profile: LoanProfile
    as_of: date
    balances: Balances
    dpd: int
    dofd: date | None
    charged_off: bool
    annual_rate: Decimal
    collateral_value_minor: int | None
    holds: tuple[Hold, ...]
    sol: SolStatus | None

    @property
    def loan_id(self) -> int:
        return self.profile.loan_id

    def barred(self, category: ActionCategory) -> tuple[str, ...]:
        """Why an action of ``category`` cannot happen on ``as_of``: each blocking hold with its
        rule and source and, for legal action, a time-barred debt."""
        reasons = [
            f"{b.hold.kind.value} hold: {b.reason} [{b.source}]"
            for b in blocking_holds(self.holds, category, self.as_of)
        ]
        if category is ActionCategory.LEGAL and self.sol is not None and self.sol.time_barred:
            reasons.append(time_barred_reason(self.sol))
        return tuple(reasons)

    def pricing(self) -> PricingFacts:
        return PricingFacts(
            loan_id=self.loan_id,
            currency=self.profile.currency,
            as_of=self.as_of,
            balances=self.balances,
            dpd=self.dpd,
            charged_off=self.charged_off,
            annual_rate=self.annual_rate,
            collateral_value_minor=self.collateral_value_minor,
            legal_barred=self.barred(ActionCategory.LEGAL),
            agency_barred=self.barred(ActionCategory.AGENCY),
            collateral_barred=self.barred(ActionCategory.REPOSSESSION),
        )


def time_barred_reason(sol: SolStatus) -> str:
    return (
        f"time-barred: {sol.state} {sol.contract_type.value} contracts, {sol.years} years, "
        f"barred since {sol.expires_on} [{TIME_BARRED_SOURCE}; {sol.source}]"
    )


def account_facts(
    uow: UnitOfWork, loan_id: int, *, as_of: date, policy: WaterfallPolicy = DEFAULT_POLICY
) -> AccountFacts:
    profile = uow.gate.loan_profile(loan_id)
    if profile is None:
        raise NotFoundError(f"no loan with id {loan_id}")
    ids = [loan_id]
    reads = uow.reads
    loans = reads.loans(ids)
    items = due_items(
        installments_for(loans, reads.stored_installments(ids, due_by=as_of), due_by=as_of),
        reads.charges(ids),
        policy=policy,
    )
    state = delinquency(items, reads.payments(ids), loans, as_of=as_of, policy=policy).row(
        0, named=True
    )
    loan = loans.row(0, named=True)
    return AccountFacts(
        profile=profile,
        as_of=as_of,
        balances=component_balances(uow, loan_id, as_of=as_of),
        dpd=int(state["dpd"] or 0),
        dofd=state["dofd"],
        charged_off=loan["charge_off_date"] is not None and loan["charge_off_date"] <= as_of,
        annual_rate=Decimal(int(loan["annual_rate_micros"])) / _MICROS,
        collateral_value_minor=_collateral_value(uow, loan_id, as_of=as_of),
        holds=tuple(uow.holds.for_loan(loan_id)),
        sol=limitation_status(uow, profile, as_of=as_of),
    )


def component_balances(uow: UnitOfWork, loan_id: int, *, as_of: date) -> Balances:
    """What the borrower owes per component on ``as_of``, from the journal (entries effective
    on or before the date). Money held in suspense is set against principal."""
    lines = uow.ledger.lines_of([loan_id])
    entries = uow.ledger.entries_of([loan_id])
    if lines.height == 0:
        return Balances()
    dated = lines.join(
        entries.select("loan_id", "source", "version", "effective_date"),
        on=["loan_id", "source", "version"],
    ).filter(pl.col("effective_date") <= as_of)
    totals: dict[str, int] = defaultdict(int)
    for account, amount in dated.select("account", "amount_minor").iter_rows():
        totals[str(account)] += int(amount)
    return Balances(
        principal=totals["principal"] + totals["suspense"],
        interest=totals["interest"],
        fees=totals["fees"],
        penalties=totals["penalties"],
        costs=totals["costs"],
    )


def _collateral_value(uow: UnitOfWork, loan_id: int, *, as_of: date) -> int | None:
    values = uow.cycle.collateral_values(loan_id, loan_id, as_of=as_of).drop_nulls("value_minor")
    if values.height == 0:
        return None
    latest = values.sort("valued_on").row(-1, named=True)
    return int(latest["value_minor"])
