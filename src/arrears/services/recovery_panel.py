"""A loan's recovery cases as plain data: its legal cases, agency placements and collateral
(repossession and foreclosure) cases — what the account view's "Recovery" panel and the API's
loan detail show.

Read only, through the stores the legal, agency and collateral workflows write
(``docs/web.md``: the account view shows the loan's cases). Amounts are integer minor units in
the loan's currency; the only date that matters here (the next court date still to come) is
measured against the business date the caller passes, never the machine's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from arrears.domain.clock import Clock
from arrears.domain.repossession.stages import TERMINAL, Stage
from arrears.domain.repossession.timers import due
from arrears.services.ports import CaseRecord, UnitOfWork
from arrears.services.repossession_cases import KIND as REPOSSESSION
from arrears.services.repossession_cases import load_case


@dataclass(frozen=True, slots=True)
class ProceedingLine:
    kind: str
    status: str


@dataclass(frozen=True, slots=True)
class LegalCaseLine:
    """A legal case: its proceedings' status, the next court date to come, its costs."""

    case_id: int
    status: str
    referred_on: date
    firm: str
    case_number: str
    proceedings: tuple[ProceedingLine, ...]
    next_date_on: date | None
    next_date_kind: str
    costs_minor: int
    recoverable_costs_minor: int


@dataclass(frozen=True, slots=True)
class PlacementLine:
    """A placement with an agency, what the agency remitted on it so far."""

    placement_id: int
    agency_code: str
    agency_name: str
    status: str
    placed_on: date
    recall_due_on: date
    recalled_on: date | None
    collected_minor: int


@dataclass(frozen=True, slots=True)
class CollateralCaseLine:
    """A repossession or foreclosure case: where it stands, what its clocks make due next."""

    case_id: int
    kind: str
    stage: str
    state: str
    opened_on: date
    closed_on: date | None
    next_deadline_on: date | None
    next_deadline: str


@dataclass(frozen=True, slots=True)
class RecoveryPanel:
    legal: tuple[LegalCaseLine, ...]
    placements: tuple[PlacementLine, ...]
    collateral: tuple[CollateralCaseLine, ...]

    @property
    def empty(self) -> bool:
        return not (self.legal or self.placements or self.collateral)


def recovery_panel(
    loan_id: int, *, uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> RecoveryPanel:
    """Every recovery case of the loan, in one read transaction."""
    with uow_factory() as uow:
        return recovery_in(uow, loan_id, as_of=clock.today())


def recovery_in(uow: UnitOfWork, loan_id: int, *, as_of: date) -> RecoveryPanel:
    """The panel read in the caller's transaction (an account view reads it with the rest);
    only the kinds of record the loan has are read."""
    kinds = uow.accounts.recovery_kinds(loan_id)
    return RecoveryPanel(
        legal=legal_cases(uow, loan_id, as_of=as_of) if kinds.legal else (),
        placements=placements(uow, loan_id) if kinds.placements else (),
        collateral=collateral_cases(uow, loan_id) if kinds.collateral else (),
    )


def legal_cases(uow: UnitOfWork, loan_id: int, *, as_of: date) -> tuple[LegalCaseLine, ...]:
    """The loan's legal cases, oldest first; the next court date is the first on or after
    ``as_of`` of a proceeding still open."""
    found = []
    for case in sorted(uow.legal.cases_for_loan(loan_id), key=lambda c: c.id or 0):
        proceedings = uow.legal.proceedings_of(case.id or 0)
        open_ids = [p.id for p in proceedings if p.id is not None and not p.status.terminal]
        all_ids = [p.id for p in proceedings if p.id is not None]
        coming = sorted(
            (d for d in uow.legal.dates_of(open_ids) if d.on >= as_of), key=lambda d: d.on
        )
        costs = uow.legal.costs_of(all_ids)
        found.append(
            LegalCaseLine(
                case_id=case.id or 0,
                status=case.status.value,
                referred_on=case.referred_on,
                firm=case.firm,
                case_number=case.case_number,
                proceedings=tuple(
                    ProceedingLine(p.kind.value, p.status.value) for p in proceedings
                ),
                next_date_on=coming[0].on if coming else None,
                next_date_kind=coming[0].kind.value if coming else "",
                costs_minor=sum(c.amount_minor for c in costs),
                recoverable_costs_minor=sum(c.amount_minor for c in costs if c.recoverable),
            )
        )
    return tuple(found)


def placements(uow: UnitOfWork, loan_id: int) -> tuple[PlacementLine, ...]:
    """The loan's placements, oldest first, with the sum the agency remitted on each."""
    placed = sorted(uow.agencies.placements_of_loan(loan_id), key=lambda p: p.id or 0)
    collected = {c.placement_id: c.amount_minor for c in
                 uow.agencies.collections([p.id for p in placed if p.id is not None])}  # fmt: skip
    found = []
    for placement in placed:
        agency = uow.agencies.agency_by_id(placement.agency_id)
        found.append(
            PlacementLine(
                placement_id=placement.id or 0,
                agency_code=agency.code if agency else "",
                agency_name=agency.name if agency else "",
                status=placement.status.value,
                placed_on=placement.placed_on,
                recall_due_on=placement.recall_due_on,
                recalled_on=placement.recalled_on,
                collected_minor=collected.get(placement.id or 0, 0),
            )
        )
    return tuple(found)


def collateral_cases(uow: UnitOfWork, loan_id: int) -> tuple[CollateralCaseLine, ...]:
    """The loan's repossession and foreclosure cases, oldest first. A repossession case's next
    deadline is the earliest thing its clocks make due that is not done yet
    (``domain.repossession.timers``); a foreclosure case has no clock here (counsel's queue)."""
    records = sorted(uow.collateral.cases_of_loan(loan_id), key=lambda r: r.id)
    return tuple(_collateral_line(uow, record) for record in records)


def _collateral_line(uow: UnitOfWork, record: CaseRecord) -> CollateralCaseLine:
    on: date | None = None
    what = ""
    if record.kind == REPOSSESSION and Stage(record.stage) not in TERMINAL:
        pending = sorted(due(load_case(uow, record.id).state, as_of=date.max), key=lambda d: d.on)
        if pending:
            on, what = pending[0].on, pending[0].reason
    return CollateralCaseLine(
        case_id=record.id,
        kind=record.kind,
        stage=record.stage,
        state=record.state,
        opened_on=record.opened_on,
        closed_on=record.closed_on,
        next_deadline_on=on,
        next_deadline=what,
    )
