"""Concurrency on SQLite and PostgreSQL: the same payment posted twice at once, payments on one
loan at once, two agents making conflicting offers on one account, an offer accepted twice or
accepted while it is withdrawn, and a borrower paying while the daily cycle runs. Exactly one
of two conflicting requests wins, the other gets a clear conflict, and afterwards the ledger is
whole (every entry balances, balances equal a recomputation, posting again appends nothing).

Each race starts its threads at a barrier; on PostgreSQL they really overlap (READ COMMITTED),
on SQLite ``BEGIN IMMEDIATE`` makes writers take turns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.domain.money import Money
from arrears.domain.settlements.offers import OfferType, PresentedVia
from arrears.domain.settlements.pricing import OfferRequest
from arrears.errors import ArrearsError, ConflictError, RuleViolation
from arrears.services.cycle import run_cycle
from arrears.services.payments import pay_by_card, record_payment
from arrears.services.ports import CardDetails, GatewayResult
from arrears.services.settlement_offers import present_offer, propose_offer, withdraw_offer
from arrears.services.settlement_outcomes import accept_offer
from reliability.ledger_checks import assert_ledger_whole
from reliability.racing import race
from support.db import run_import
from support.portfolio import TODAY
from support.recovery import AGENT, MANAGER, SUPERVISOR, import_book, recovery_of

RACERS = 4


def unexpected(results: list[Any]) -> list[Any]:
    """Anything that is neither a result nor an expected refusal (an ``ArrearsError``)."""
    return [r for r in results if isinstance(r, Exception) and not isinstance(r, ArrearsError)]


def one_winner(results: list[Any]) -> bool:
    """Exactly one call succeeded and each other one was refused clearly: a conflict, or, when
    the transactions took turns, the refusal of a move that is no longer allowed."""
    refused = [r for r in results if isinstance(r, (ConflictError, RuleViolation))]
    return len(refused) == len(results) - 1 and not unexpected(results)


def count(container: Container, sql: str, **params: Any) -> int:
    with container.engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def _record(container: Container, external_id: str, amount: str = "50.00") -> Callable[[], Any]:
    return lambda: record_payment(
        "L1", external_id=external_id, amount=Money.parse(amount, "USD"), effective_date=TODAY,
        method="ach", actor="token:servicing", uow_factory=container.uow,
        clock=container.clock, settings=container.cycle_settings,
    )  # fmt: skip


def test_the_same_payment_posted_at_once_is_recorded_once(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Four systems report payment X-1 at the same moment: one records it, the others are told
    it is already on file (not an error: the same facts), and the loan is credited once."""
    run_import(container, portfolio_files)
    results = race(*(_record(container, "X-1") for _ in range(RACERS)))
    assert unexpected(results) == []
    assert [r.created for r in results].count(True) == 1
    assert count(container, "SELECT COUNT(*) FROM payments WHERE external_id = 'X-1'") == 1
    assert_ledger_whole(container)


def test_the_same_payment_id_with_other_facts_at_once_is_a_conflict(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Two reports of payment X-2 with different amounts race: one is recorded, the other is a
    conflict (payments cannot be changed), never a second payment."""
    run_import(container, portfolio_files)
    results = race(_record(container, "X-2", "50.00"), _record(container, "X-2", "60.00"))
    assert unexpected(results) == []
    assert sum(isinstance(r, ConflictError) for r in results) == 1
    assert count(container, "SELECT COUNT(*) FROM payments WHERE external_id = 'X-2'") == 1
    assert_ledger_whole(container)


def test_payments_on_one_loan_at_once_are_allocated_as_if_one_after_the_other(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Four different payments on L1 at once: each is recorded, and the journal is exactly what
    posting them one after the other would give (no payment allocated against a stale view)."""
    run_import(container, portfolio_files)
    results = race(*(_record(container, f"Y-{n}", "40.00") for n in range(RACERS)))
    assert unexpected(results) == []
    assert all(not isinstance(r, Exception) and r.created for r in results)
    assert_ledger_whole(container)


def _offer(container: Container, ref: str, actor: Any = AGENT) -> Callable[[], Any]:
    return lambda: propose_offer(
        ref, OfferRequest(OfferType.LUMP_SUM, 1, None), actor=actor, uow_factory=container.uow,
        clock=container.clock, recovery=recovery_of(container),
    )  # fmt: skip


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    """The recovery book (never-paid loans whose schedules have run out)."""
    import_book(container, tmp_path / "book")
    return container


def test_two_agents_offering_on_one_account_at_once_make_one_offer(book: Container) -> None:
    """Two agents propose settlements on R1 at the same moment: one offer is made, the other
    agent is told the account already has an offer in play."""
    results = race(_offer(book, "R1", AGENT), _offer(book, "R1", SUPERVISOR))
    assert unexpected(results) == []
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    in_play = "SELECT COUNT(*) FROM settlement_offers WHERE status NOT IN ('rejected', 'withdrawn')"
    assert count(book, in_play) == 1


def _presented(book: Container, ref: str, offer_type: OfferType) -> int:
    recovery = recovery_of(book)
    offer = propose_offer(
        ref, OfferRequest(offer_type, 1 if offer_type is OfferType.LUMP_SUM else 3, None),
        actor=MANAGER, uow_factory=book.uow, clock=book.clock, recovery=recovery,
    )  # fmt: skip
    assert offer.id is not None
    present_offer(offer.id, via=PresentedVia.PORTAL, actor=MANAGER, uow_factory=book.uow,
                  clock=book.clock, recovery=recovery)  # fmt: skip
    return offer.id


def _accept(book: Container, offer_id: int, actor: Any) -> Callable[[], Any]:
    return lambda: accept_offer(
        offer_id, actor=actor, uow_factory=book.uow, clock=book.clock,
        recovery=recovery_of(book),
    )  # fmt: skip


def test_an_offer_accepted_twice_at_once_is_accepted_once(book: Container) -> None:
    """A structured offer (its discount is posted on acceptance) accepted by two agents at the
    same moment: one acceptance, one plan, one conditional waiver; the other is a conflict."""
    offer_id = _presented(book, "R2", OfferType.STRUCTURED)
    results = race(_accept(book, offer_id, AGENT), _accept(book, offer_id, SUPERVISOR))
    assert one_winner(results), results
    assert count(book, "SELECT COUNT(*) FROM plans WHERE status = 'active'") == 1
    assert count(book, "SELECT COUNT(*) FROM settlement_events WHERE to_status = 'accepted'") == 1
    assert_ledger_whole(book)


def test_an_offer_accepted_while_it_is_withdrawn_ends_one_way(book: Container) -> None:
    """The borrower accepts while a supervisor withdraws the same offer: exactly one of them
    wins and the offer's history has that one move."""
    offer_id = _presented(book, "R6", OfferType.LUMP_SUM)
    withdraw = lambda: withdraw_offer(  # noqa: E731
        offer_id, actor=SUPERVISOR, reason="policy change", uow_factory=book.uow,
        clock=book.clock,
    )  # fmt: skip
    results = race(_accept(book, offer_id, AGENT), withdraw)
    assert one_winner(results), results
    moves = count(
        book, "SELECT COUNT(*) FROM settlement_events WHERE to_status IN ('accepted', 'withdrawn')"
    )
    assert moves == 1
    assert_ledger_whole(book)


class _Approving:
    """A gateway that approves every charge once per idempotency key (as a real one does)."""

    name = "test"

    def __init__(self) -> None:
        self.charged: dict[str, str] = {}
        self.lock = threading.Lock()

    def charge(self, *, amount_minor: int, currency: str, card: CardDetails,
               idempotency_key: str, description: str) -> Any:  # fmt: skip
        with self.lock:
            reference = self.charged.setdefault(idempotency_key, f"ch_{len(self.charged) + 1}")
        return GatewayResult(approved=True, reference=reference)


def test_a_borrower_paying_while_the_cycle_runs(
    container: Container, portfolio_files: list[Path]
) -> None:
    """The daily cycle runs partition by partition (one loan each) while a borrower makes card
    payments: both finish, each payment is recorded and posted once, the cycle completes, and
    the ledger is whole."""
    run_import(container, portfolio_files)
    gateway = _Approving()
    card = CardDetails("4242424242424242", 12, TODAY.year + 2, "123")
    settings = container.cycle_settings
    from dataclasses import replace

    small = replace(settings, partition_loans=1)
    cycle = lambda: run_cycle(  # noqa: E731
        as_of=TODAY, uow_factory=container.uow, clock=container.clock, settings=small
    )

    def pay() -> list[Any]:
        return [
            pay_by_card(
                "L1",
                amount=Money.parse("10.00", "USD"),
                card=card,
                idempotency_key=f"k{n}",
                actor="borrower:1",
                gateway=gateway,
                uow_factory=container.uow,
                clock=container.clock,
                settings=settings,
            )
            for n in range(3)
        ]

    report, receipts = race(cycle, pay)
    assert not isinstance(report, Exception), report
    assert not isinstance(receipts, Exception), receipts
    assert report.status == "completed"
    assert all(r.approved for r in receipts)
    assert count(container, "SELECT COUNT(*) FROM payments WHERE source = 'portal'") == 3
    assert count(container, "SELECT COUNT(*) FROM cycle_runs WHERE status = 'completed'") == 1
    assert_ledger_whole(container)
