"""Settlements on a real database keep the ledger whole: every entry balances, the journal is
what the events say (posting again appends nothing), what is owed per the database equals a
recomputation from the lines, and a settled account owes nothing with cash + waived = balance."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.bootstrap import Container
from arrears.domain.credits import CreditKind
from arrears.domain.settlements.offers import OfferType, PresentedVia
from arrears.domain.settlements.policy import BrokenSettlement
from arrears.domain.settlements.pricing import OfferRequest
from arrears.services.credits import record_credit
from arrears.services.settlement_offers import present_offer, propose_offer
from arrears.services.settlement_outcomes import accept_offer, break_offer, fulfil_offer
from support.recovery import (
    MANAGER,
    entries_balance,
    journal,
    loan_id,
    new_loan,
    owed,
    recomputed_owed,
    recovery_of,
    reposting_appends_nothing,
)

FLOW = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


def _accept(c: Container, ref: str, request: OfferRequest, rule: BrokenSettlement | None = None):
    recovery = recovery_of(c)
    if rule is not None:
        recovery = replace(recovery, policies=replace(
            recovery.policies, settlement=replace(recovery.policies.settlement, on_broken=rule)))  # fmt: skip
    offer = propose_offer(ref, request, actor=MANAGER, uow_factory=c.uow, clock=c.clock,
                          recovery=recovery)  # fmt: skip
    offer = present_offer(offer.id, via=PresentedVia.PORTAL, actor=MANAGER, uow_factory=c.uow,
                          clock=c.clock, recovery=recovery)  # fmt: skip
    return accept_offer(offer.id, actor=MANAGER, uow_factory=c.uow, clock=c.clock,
                        recovery=recovery), recovery  # fmt: skip


def _pay(c: Container, ref: str, amount: int, key: str) -> None:
    target = loan_id(c, ref)
    with c.uow() as uow:
        record_credit(uow, loan_id=target, kind=CreditKind.PAYMENT, amount_minor=amount,
                      effective_date=c.clock.today(), reason="paid", key=key, actor="test",
                      at=c.clock.now(), as_of=c.clock.today())  # fmt: skip
        uow.commit()


def _whole(c: Container, ref: str) -> None:
    assert entries_balance(c, ref)
    assert reposting_appends_nothing(c, ref)
    assert owed(c, ref) == recomputed_owed(c, ref)


@FLOW
@given(principal=st.integers(min_value=50_000, max_value=5_000_000),
       installments=st.integers(min_value=1, max_value=6), overpay=st.integers(0, 5_000))  # fmt: skip
def test_a_fulfilled_settlement_leaves_a_whole_ledger_and_nothing_owed(
    container: Container, tmp_path: Path, principal: int, installments: int, overpay: int
) -> None:
    ref = new_loan(container, tmp_path, principal_minor=principal)
    kind = OfferType.LUMP_SUM if installments == 1 else OfferType.STRUCTURED
    offer, recovery = _accept(container, ref, OfferRequest(kind, installments=installments))
    _whole(container, ref)
    _pay(container, ref, offer.amount_minor + overpay, f"{ref}-pay")
    facts = fulfil_offer(offer.id, actor=MANAGER, uow_factory=container.uow,
                         clock=container.clock, recovery=recovery)  # fmt: skip
    _whole(container, ref)
    lines = journal(container, ref)
    paid = offer.amount_minor + overpay
    if kind is OfferType.LUMP_SUM:  # what is still owed is forgiven: paying more forgives less
        forgiven = max(0, principal - paid)
    else:  # the discount was posted on acceptance: paying more than agreed is held in suspense
        forgiven = principal - offer.amount_minor
    assert owed(container, ref) == principal - paid - forgiven
    assert lines.get("cash", 0) == paid
    assert facts.forgiven.total == lines.get("waived", 0) == forgiven
    assert facts.form_1099c == (facts.forgiven.principal >= 60_000)


@FLOW
@given(principal=st.integers(min_value=200_000, max_value=5_000_000),
       installments=st.integers(min_value=2, max_value=6), paid_parts=st.integers(0, 1),
       rule=st.sampled_from(list(BrokenSettlement)))  # fmt: skip
def test_a_broken_structured_settlement_restores_per_policy(
    container: Container, tmp_path: Path, principal: int, installments: int, paid_parts: int,
    rule: BrokenSettlement,
) -> None:  # fmt: skip
    ref = new_loan(container, tmp_path, principal_minor=principal)
    offer, recovery = _accept(container, ref, OfferRequest(OfferType.STRUCTURED,
                                                           installments=installments), rule)  # fmt: skip
    discount = principal - offer.amount_minor
    assert journal(container, ref).get("waived", 0) == discount
    paid = offer.amount_minor // installments * paid_parts
    if paid:
        _pay(container, ref, paid, f"{ref}-part")
    break_offer(offer.id, actor=MANAGER, reason="missed", uow_factory=container.uow,
                clock=container.clock, recovery=recovery)  # fmt: skip
    _whole(container, ref)
    kept = discount * paid // offer.amount_minor if rule is BrokenSettlement.KEEP_EARNED else 0
    assert journal(container, ref).get("waived", 0) == kept
    assert owed(container, ref) == principal - paid - kept
