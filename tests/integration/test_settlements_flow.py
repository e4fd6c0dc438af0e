"""Settlement offers on a real database: pricing, authority, the lifecycle, the waivers in the
ledger (hand-checked), settlement facts for tax and credit reporting, breakage and expiry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.domain.clock import FixedClock
from arrears.domain.credits import CreditKind
from arrears.domain.settlements.offers import OfferStatus, OfferType, PresentedVia
from arrears.domain.settlements.pricing import OfferRequest
from arrears.errors import ConflictError, RuleViolation
from arrears.services.credits import record_credit
from arrears.services.settlement_offers import (
    approve_offer,
    present_offer,
    price,
    propose_offer,
)
from arrears.services.settlement_outcomes import (
    accept_offer,
    break_offer,
    fulfil_offer,
    review_offers,
)
from support.recovery import (
    AGENT,
    MANAGER,
    SUPERVISOR,
    entries_balance,
    import_book,
    journal,
    loan_id,
    recovery_of,
)

LUMP = OfferRequest(OfferType.LUMP_SUM)


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_book(container, tmp_path / "book")
    return container


def _propose(c: Container, ref: str, request: OfferRequest = LUMP, actor=MANAGER):
    return propose_offer(ref, request, actor=actor, uow_factory=c.uow, clock=c.clock,
                         recovery=recovery_of(c))  # fmt: skip


def _to_accepted(c: Container, ref: str, request: OfferRequest = LUMP):
    offer = _propose(c, ref, request)
    offer = present_offer(offer.id, via=PresentedVia.PORTAL, actor=AGENT, uow_factory=c.uow,
                          clock=c.clock, recovery=recovery_of(c))  # fmt: skip
    return accept_offer(offer.id, actor=AGENT, uow_factory=c.uow, clock=c.clock,
                        recovery=recovery_of(c))  # fmt: skip


def _pay(c: Container, ref: str, amount_minor: int, key: str) -> None:
    target = loan_id(c, ref)
    with c.uow() as uow:
        record_credit(uow, loan_id=target, kind=CreditKind.PAYMENT,
                      amount_minor=amount_minor, effective_date=c.clock.today(), reason="paid",
                      key=key, actor="test", at=c.clock.now(), as_of=c.clock.today())  # fmt: skip
        uow.commit()


def test_pricing_shows_the_alternatives_and_offers_the_ladder_above_the_floor(
    book: Container,
) -> None:
    """R1 owes $5,000.00 at 879 days past due. The policy floor (40% = $2,000.00) is above the
    best alternative (a suit, worth $293.51 today); the ladder allows 40% off at 180+ days:
    offer $3,000.00, which a manager must approve."""
    pricing = price("R1", LUMP, uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book))
    assert pricing.balance_minor == 500_000
    assert pricing.best is not None
    assert pricing.best.kind.value == "legal"
    assert pricing.best.epv_minor == 29_351
    assert (pricing.floor_minor, pricing.ladder_minor, pricing.amount_minor) == (
        200_000, 300_000, 300_000,
    )  # fmt: skip
    assert pricing.required_role == "manager"
    assert {a.kind.value for a in pricing.alternatives} == {
        "in_house", "agency", "legal", "collateral",
    }  # fmt: skip


def test_collateral_sets_the_floor_of_a_secured_loan(book: Container) -> None:
    """R4 (auto, $10,000.00 owed) has a car valued at $12,000.00: sold at 80% less $950.00 of
    costs it nets $8,650.00 in 4 months: 865,000 / 1.01**4 = 831,247.55 → 831,248 today. That
    beats the policy floor ($4,000.00) and the ladder ($6,000.00): the offer is $8,313.00
    (rounded up to whole dollars), 16.87% off, for a supervisor to approve."""
    pricing = price("R4", LUMP, uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book))
    assert pricing.best is not None
    assert pricing.best.kind.value == "collateral"
    assert pricing.best.epv_minor == 831_248
    assert pricing.floor_minor == 831_248
    assert pricing.amount_minor == 831_300
    assert pricing.required_role == "supervisor"


def test_an_offer_below_the_floor_is_refused_with_why(book: Container) -> None:
    with pytest.raises(RuleViolation) as refused:
        _propose(book, "R4", OfferRequest(OfferType.LUMP_SUM, amount_minor=700_000))
    assert refused.value.rule == "settlement.floor"
    assert "below the floor $8,312.48" in str(refused.value)
    assert "repossess and sell the collateral" in str(refused.value)


def test_an_offer_beyond_the_ladder_is_refused(book: Container) -> None:
    with pytest.raises(RuleViolation) as refused:
        _propose(book, "R1", OfferRequest(OfferType.LUMP_SUM, amount_minor=250_000))
    assert refused.value.rule == "settlement.ladder"
    assert "at most 40% off" in str(refused.value)


def test_beyond_the_proposers_authority_the_offer_waits_and_approval_is_checked(
    book: Container,
) -> None:
    """An agent proposing 40% off drafts it for a manager; a supervisor may not approve it (30%
    is their limit), a manager may."""
    offer = _propose(book, "R1", actor=AGENT)
    assert offer.status is OfferStatus.DRAFTED
    assert offer.required_role == "manager"
    with pytest.raises(RuleViolation) as refused:
        approve_offer(offer.id, actor=SUPERVISOR, uow_factory=book.uow, clock=book.clock,
                      recovery=recovery_of(book))  # fmt: skip
    assert refused.value.rule == "settlement.authority"
    assert "a manager must approve it" in str(refused.value)
    approved = approve_offer(offer.id, actor=MANAGER, uow_factory=book.uow, clock=book.clock,
                             recovery=recovery_of(book))  # fmt: skip
    assert approved.status is OfferStatus.APPROVED
    assert approved.approved_by == MANAGER.name


def test_a_lump_sum_settlement_posts_the_waiver_and_leaves_the_facts(book: Container) -> None:
    """R1: $3,000.00 paid, $2,000.00 waived. Journal (hand-checked): funding −500,000;
    principal +500,000 −300,000 −200,000 = 0; cash +300,000; waived +200,000. $2,000.00 of
    principal forgiven ≥ $600: Form 1099-C flagged; Metro 2 status 13 with comment AU."""
    offer = _to_accepted(book, "R1")
    assert offer.status is OfferStatus.ACCEPTED
    assert offer.plan_id is not None
    with pytest.raises(RuleViolation) as unpaid:
        fulfil_offer(offer.id, actor=AGENT, uow_factory=book.uow, clock=book.clock,
                     recovery=recovery_of(book))  # fmt: skip
    assert unpaid.value.rule == "settlement.unpaid"
    _pay(book, "R1", 300_000, "R1-pay")
    facts = fulfil_offer(offer.id, actor=AGENT, uow_factory=book.uow, clock=book.clock,
                         recovery=recovery_of(book))  # fmt: skip
    assert journal(book, "R1") == {"funding": -500_000, "cash": 300_000, "waived": 200_000}
    assert entries_balance(book, "R1")
    assert (facts.forgiven.principal, facts.forgiven.total) == (200_000, 200_000)
    assert facts.form_1099c
    assert facts.metro2_status == "13"
    assert facts.special_comment == "AU"
    with book.engine.connect() as connection:
        status = connection.execute(text("SELECT status FROM loans WHERE external_id = 'R1'"))
        assert status.scalar_one() == "settled"


def test_a_structured_settlement_posts_a_conditional_waiver_that_a_break_reverses(
    book: Container,
) -> None:
    """R2 owes $2,400.00; 3 installments of $560.00 = $1,680.00 (30% off, the structured
    ladder). On acceptance $720.00 is waived conditionally: the borrower owes $1,680.00. The
    plan breaks after one payment: restore_all reverses the $720.00, so $2,400.00 − $560.00 =
    $1,840.00 is owed again."""
    offer = _to_accepted(book, "R2", OfferRequest(OfferType.STRUCTURED, installments=3))
    assert offer.amount_minor == 168_000
    assert journal(book, "R2")["waived"] == 72_000
    assert journal(book, "R2")["principal"] == 168_000
    _pay(book, "R2", 56_000, "R2-pay-1")
    broken = break_offer(offer.id, actor=AGENT, reason="missed the second installment",
                         uow_factory=book.uow, clock=book.clock, recovery=recovery_of(book))  # fmt: skip
    assert broken.status is OfferStatus.BROKEN
    after = journal(book, "R2")
    assert after.get("waived", 0) == 0
    assert after["principal"] == 184_000
    assert entries_balance(book, "R2")


def test_expired_offers_cannot_be_accepted(book: Container, clock: FixedClock) -> None:
    offer = _propose(book, "R1")
    offer = present_offer(offer.id, via=PresentedVia.PORTAL, actor=AGENT, uow_factory=book.uow,
                          clock=clock, recovery=recovery_of(book))  # fmt: skip
    clock.advance(timedelta(days=31))
    with pytest.raises(RuleViolation) as refused:
        accept_offer(offer.id, actor=AGENT, uow_factory=book.uow, clock=clock,
                     recovery=recovery_of(book))  # fmt: skip
    assert refused.value.rule == "settlement.expired"
    with book.uow() as uow:
        assert uow.settlements.get(offer.id).status is OfferStatus.EXPIRED


def test_illegal_moves_are_refused_and_one_offer_is_in_play_at_a_time(book: Container) -> None:
    offer = _propose(book, "R1")
    with pytest.raises(RuleViolation) as refused:
        accept_offer(offer.id, actor=AGENT, uow_factory=book.uow, clock=book.clock,
                     recovery=recovery_of(book))  # fmt: skip
    assert refused.value.rule == "settlement.transition"
    with pytest.raises(ConflictError):
        _propose(book, "R1")


def test_presenting_by_letter_queues_the_offer_through_the_gate(book: Container) -> None:
    offer = _propose(book, "R1")
    present_offer(offer.id, via=PresentedVia.LETTER, actor=AGENT, uow_factory=book.uow,
                  clock=book.clock, recovery=recovery_of(book))  # fmt: skip
    with book.engine.connect() as connection:
        row = connection.execute(
            text("SELECT template, status, gate_decisions FROM outbox_messages "
                 "WHERE idempotency_key = :key"), {"key": f"offer:{offer.id}:letter"},
        ).one()  # fmt: skip
    assert row.template == "settlement_offer"
    assert row.status == "queued"
    assert "gate_decisions" in row.gate_decisions


def test_the_daily_review_settles_what_was_paid_and_breaks_what_was_not(
    book: Container, clock: FixedClock
) -> None:
    paid = _to_accepted(book, "R1")
    unpaid = _to_accepted(book, "R6")
    _pay(book, "R1", paid.amount_minor, "R1-paid")
    clock.advance(timedelta(days=20))  # the lump sum was due in 14 days (+3 days grace)
    report = review_offers(uow_factory=book.uow, clock=clock, recovery=recovery_of(book))
    assert (report.fulfilled, report.broken) == (1, 1)
    with book.uow() as uow:
        assert uow.settlements.get(paid.id).status is OfferStatus.FULFILLED
        assert uow.settlements.get(unpaid.id).status is OfferStatus.BROKEN
    again = review_offers(uow_factory=book.uow, clock=clock, recovery=recovery_of(book))
    assert (again.fulfilled, again.broken, again.expired) == (0, 0, 0)
