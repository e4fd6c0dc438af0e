"""The simulation against a real database, through the ports real data uses.

The portfolio is generated as import files and loaded by the real importer (the caller does
that, and activates the strategy); then, day by day, the real daily cycle decides
(``run_cycle``) and the simulated borrowers answer through the same use cases real events go
through: money as credits (``record_credit``: payments, agency remittances, sale proceeds,
settlement waivers), contact attempts and their outcomes in the contact log (``log_contact``,
which also places the holds a dispute or a cease request calls for), and disputes raised in
writing as holds (``place_hold``). It is slower than the in-memory path, so it is the
end-to-end check, not the what-if engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import numpy as np

from arrears.domain.contact_log import Channel, Outcome
from arrears.domain.credits import CreditKind
from arrears.domain.holds import HoldKind
from arrears.errors import ArrearsError
from arrears.services.contacts import ContactEntry, log_contact
from arrears.services.credits import record_credit
from arrears.services.cycle import CycleSettings, run_cycle
from arrears.services.holds import HoldRequest, place_hold
from arrears.services.ports import UnitOfWork
from arrears.simulation.behaviour_model.book import Opening
from arrears.simulation.behaviour_model.dynamics import advance
from arrears.simulation.behaviour_model.params import BehaviourParams, default_params
from arrears.simulation.behaviour_model.respond import respond
from arrears.simulation.behaviour_model.state import Events, State
from arrears.simulation.behaviour_model.traits import draw_traits
from arrears.simulation.draws import Draws

ACTOR = "simulator"
_KINDS = {"agency": CreditKind.AGENCY, "sale_proceeds": CreditKind.SALE_PROCEEDS,
          "waiver": CreditKind.WAIVER}  # fmt: skip


class MovableClock(Protocol):
    def now(self) -> datetime: ...
    def today(self) -> date: ...
    def set(self, instant: datetime) -> None: ...


@dataclass
class DatabaseRun:
    days: int
    cycles: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    credits: Counter[str] = field(default_factory=Counter)  # kind -> minor units recorded
    contacts: int = 0
    holds: int = 0
    refused: list[str] = field(default_factory=list)  # what a use case refused, and why


def simulate_on_database(
    *,
    opening: Opening,
    uow_factory: Callable[[], UnitOfWork],
    clock: MovableClock,
    settings: CycleSettings,
    seed: int,
    days: int,
    start: date,
    params: BehaviourParams | None = None,
) -> DatabaseRun:
    """Play ``days`` days from ``start`` on the imported portfolio ``opening`` describes."""
    params = params or default_params()
    draws = Draws(seed)
    first = start.toordinal()
    dpd0 = np.where(opening.oldest_unpaid > 0, np.maximum(first - opening.oldest_unpaid, 0), 0)
    traits = draw_traits(draws, opening.loan_id, dpd=dpd0, params=params)
    state = State.open(opening, traits, start=first, days=days)
    position = {str(e): i for i, e in enumerate(opening.external_id.to_list())}
    run = DatabaseRun(days)
    for offset in range(days):
        day = start + timedelta(days=offset)
        clock.set(datetime(day.year, day.month, day.day, 15, tzinfo=UTC))
        events = Events()
        if day.weekday() < 5:
            actions = _cycle(run, uow_factory=uow_factory, clock=clock, settings=settings,
                             day=day, position=position)  # fmt: skip
            respond(state, actions, day=day.toordinal(), draws=draws, params=params,
                    events=events)  # fmt: skip
        advance(state, day=day.toordinal(), draws=draws, params=params, events=events)
        _answer(run, events, opening=opening, uow_factory=uow_factory, clock=clock,
                settings=settings, seed=seed, day=day)  # fmt: skip
    return run


def _cycle(
    run: DatabaseRun,
    *,
    uow_factory: Callable[[], UnitOfWork],
    clock: MovableClock,
    settings: CycleSettings,
    day: date,
    position: dict[str, int],
) -> dict[str, np.ndarray]:
    report = run_cycle(as_of=day, uow_factory=uow_factory, clock=clock, settings=settings,
                       actor=ACTOR)  # fmt: skip
    run.cycles += 1
    with uow_factory() as uow:
        planned = uow.decision_engine.planned_actions(report.run_id)
    found: dict[str, list[int]] = {}
    for external, treatment in planned.select("external_id", "treatment").iter_rows():
        if external in position:
            found.setdefault(treatment, []).append(position[external])
            run.actions[treatment] += 1
    return {t: np.array(loans, dtype=np.int64) for t, loans in found.items()}


def _answer(
    run: DatabaseRun,
    events: Events,
    *,
    opening: Opening,
    uow_factory: Callable[[], UnitOfWork],
    clock: MovableClock,
    settings: CycleSettings,
    seed: int,
    day: date,
) -> None:
    """The day's money, contacts and holds, through the use cases."""
    external = opening.external_id.to_list()
    with uow_factory() as uow:
        for loans, amounts, kind in events.payments:
            credit = _KINDS.get(kind, CreditKind.PAYMENT)
            for loan, amount in zip(loans.tolist(), amounts.tolist(), strict=True):
                loan_id = uow.accounts.loan_id(external[loan])
                if loan_id is None:
                    continue
                try:
                    record_credit(
                        uow, loan_id=loan_id, kind=credit, amount_minor=int(amount),
                        effective_date=day, reason=f"simulated {kind}",
                        key=f"sim-{seed}-{day.isoformat()}-{kind}-{loan}", actor=ACTOR,
                        at=clock.now(), as_of=day, policy=settings.policy,
                    )  # fmt: skip
                    run.credits[credit.value] += int(amount)
                except ArrearsError as refused:
                    run.refused.append(f"{external[loan]} {kind}: {refused}")
        uow.commit()
    for loans, channel, outcome in events.contacts:
        for loan in loans.tolist():
            entry = ContactEntry(loan=external[loan], channel=Channel(channel),
                                 outcome=Outcome(outcome), actor=ACTOR, at=clock.now())  # fmt: skip
            log_contact(entry, uow_factory=uow_factory, clock=clock,
                        settings=settings.compliance)  # fmt: skip
            run.contacts += 1
    for loans, kind in events.holds:
        for loan in loans.tolist():
            request = HoldRequest(kind=HoldKind(kind), reason=f"simulated {kind}",
                                  set_by=ACTOR, loan=external[loan])  # fmt: skip
            try:
                place_hold(request, uow_factory=uow_factory, clock=clock)
                run.holds += 1
            except ArrearsError as refused:
                run.refused.append(f"{external[loan]} {kind} hold: {refused}")
