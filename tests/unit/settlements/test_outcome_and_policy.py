"""What a settlement leaves for tax and credit reporting; breakage; the policy file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from arrears.domain.policy_data import PolicyError, package_text
from arrears.domain.settlements.breakage import discount_kept
from arrears.domain.settlements.outcome import Forgiven, metro2_status, settlement_facts
from arrears.domain.settlements.policy import (
    BrokenSettlement,
    Furnisher,
    default_settlement_policy,
    parse_settlement_policy,
)

POLICY = default_settlement_policy()


def facts(principal: int, *, currency: str = "USD", charged_off: bool = False):  # type: ignore[no-untyped-def]
    return settlement_facts(loan_id=1, offer_id=2, settled_on=date(2026, 11, 27),
                            currency=currency, forgiven=Forgiven(principal, 1_000, 500),
                            charged_off=charged_off, policy=POLICY)  # fmt: skip


def test_form_1099c_from_600_dollars_of_principal_forgiven() -> None:
    """26 U.S.C. 6050P: $600 or more discharged; the policy counts principal."""
    assert facts(60_000).form_1099c
    assert not facts(59_999).form_1099c
    assert "1.6050P-1(b)(2)(i)(F)" in facts(60_000).identifiable_event
    assert not facts(1_000_000, currency="EUR").form_1099c  # a US rule, for US dollars


@pytest.mark.parametrize(
    ("charged_off", "furnisher", "status"),
    [(False, Furnisher.CREDITOR, "13"), (True, Furnisher.CREDITOR, "64"),
     (False, Furnisher.COLLECTOR, "62"), (True, Furnisher.COLLECTOR, "62")],
)  # fmt: skip
def test_metro2_status_for_a_settled_account(
    charged_off: bool, furnisher: Furnisher, status: str
) -> None:
    """Reference §3.3: 13 paid/closed, 64 paid charge-off, 62 paid collection — all with AU."""
    assert metro2_status(charged_off=charged_off, furnisher=furnisher) == status
    assert facts(1).special_comment == "AU"


def test_a_broken_settlement_keeps_only_what_was_earned() -> None:
    """$720.00 conditional discount on $1,680.00; $560.00 paid: keep_earned keeps
    72,000 × 56,000 / 168,000 = 24,000; restore_all keeps nothing."""
    kept = discount_kept(conditional_minor=72_000, paid_minor=56_000, amount_minor=168_000,
                         rule=BrokenSettlement.KEEP_EARNED)  # fmt: skip
    assert kept == 24_000
    assert discount_kept(conditional_minor=72_000, paid_minor=56_000, amount_minor=168_000,
                         rule=BrokenSettlement.RESTORE_ALL) == 0  # fmt: skip
    assert discount_kept(conditional_minor=100, paid_minor=1, amount_minor=3,
                         rule=BrokenSettlement.KEEP_EARNED) == 33  # rounded down  # fmt: skip


def test_the_shipped_policy_reads_and_its_ladder_rises() -> None:
    assert POLICY.ladder_for(dpd=59, charged_off=False).lump_sum == POLICY.ladder[0].lump_sum
    assert POLICY.ladder_for(dpd=10, charged_off=True) is POLICY.ladder_charged_off
    assert replace(POLICY.collateral).months == 4


def test_a_wrong_policy_is_refused_with_every_problem() -> None:
    text = package_text("arrears.domain.settlements", "settlement_policy.toml")
    text = text.replace('discount_rate = "0.12"', "discount_rate = 0.12")
    text = text.replace('on_broken = "restore_all"', 'on_broken = "forget"')
    text = text.replace('max_discount = "1"', 'max_discount = "0.9"')
    with pytest.raises(PolicyError) as refused:
        parse_settlement_policy(text)
    message = str(refused.value)
    assert "policy.discount_rate: write rates as strings" in message
    assert "structured.on_broken: 'forget' is not one of" in message
    assert "one role must be able to approve any discount" in message
