"""An account's page as the agent and as the borrower see it: the account view and what the
page lists beside it, read in one transaction.

Each part read on its own took a transaction of its own (a connection checked, begun and
committed), found the loan by its reference again and read its payments again; the agent's page
took six transactions and 35 statements. Here the view's reads serve the rest: its loan id, and
its good payments for the promises' and the plans' standing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from arrears.domain.clock import Clock
from arrears.domain.contact_log import ContactRecord
from arrears.domain.money import Money
from arrears.domain.plans import PlanEvaluation, PlanRecord
from arrears.domain.promises import Paid, PromiseEvaluation, PromiseRecord
from arrears.domain.settlements.offers import OfferRecord
from arrears.services.account_view import AccountView, account_view_in
from arrears.services.cycle import CycleSettings
from arrears.services.payments import VISIBLE_OFFERS
from arrears.services.plans import plans_with
from arrears.services.ports import WebUnitOfWork
from arrears.services.promises import promises_with

#: Contacts an agent's page lists, newest last.
RECENT_CONTACTS = 20


@dataclass(frozen=True)
class AgentPage:
    view: AccountView
    contacts: list[ContactRecord]  # the latest, oldest first
    promises: list[tuple[PromiseRecord, PromiseEvaluation]]
    plans: list[tuple[PlanRecord, PlanEvaluation]]
    offers: list[OfferRecord]


@dataclass(frozen=True)
class PortalPage:
    view: AccountView
    plans: list[tuple[PlanRecord, PlanEvaluation]]
    offers: list[OfferRecord]  # those a borrower sees (``VISIBLE_OFFERS``)


def agent_page(
    ref: str,
    *,
    viewer: str,
    uow_factory: Callable[[], WebUnitOfWork],
    clock: Clock,
    settings: CycleSettings,
) -> AgentPage:
    """The collector's account page: the full view with its recovery panel, the latest
    contacts, promises and plans with their standing today, and the settlement offers."""
    with uow_factory() as uow:
        view = account_view_in(
            uow, ref, viewer=viewer, clock=clock, settings=settings, recovery=True, page=True
        )
        loan_id, paid = view.loan_id, paid_of(view)
        page = AgentPage(
            view=view,
            contacts=list(reversed(view.contacts[-RECENT_CONTACTS:])),
            promises=promises_with(uow.promises.for_loan(loan_id), paid, as_of=view.as_of),
            plans=plans_with(uow.plans.for_loan(loan_id), paid, as_of=view.as_of),
            offers=uow.settlements.for_loan(loan_id),
        )
        uow.commit(durable=False)  # a view (ADR 0014)
    return page


def portal_page(
    borrower_id: int,
    ref: str,
    *,
    uow_factory: Callable[[], WebUnitOfWork],
    clock: Clock,
    settings: CycleSettings,
) -> PortalPage:
    """The borrower's own account (any other does not exist for them), its plans and the
    offers they may see; the visit is counted in the portal's funnel."""
    with uow_factory() as uow:
        view = account_view_in(
            uow, ref, viewer=f"borrower:{borrower_id}", clock=clock, settings=settings,
            borrower=borrower_id, page=True,
        )  # fmt: skip
        offers = uow.settlements.for_loan(view.loan_id)
        page = PortalPage(
            view=view,
            plans=plans_with(uow.plans.for_loan(view.loan_id), paid_of(view), as_of=view.as_of),
            offers=[offer for offer in offers if offer.status in VISIBLE_OFFERS],
        )
        # read before it writes: the reads above were sent with the view's (ADR 0016)
        uow.portal.record_event(
            borrower_id=borrower_id, loan_id=view.loan_id, event="visit", at=clock.now(),
            details={},
        )  # fmt: skip
        uow.commit(durable=False)  # a view and its funnel event (ADR 0014)
    return page


def paid_of(view: AccountView) -> list[Paid]:
    """The loan's good payments as promises and plans count them."""
    return [Paid(day, Money(amount, view.currency)) for day, amount in view.good_payments]
