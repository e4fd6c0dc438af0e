"""The economics of a suit, worked by hand (legal_policy.toml: 70% judgment, 45% of it
collected, 14 months, $450 filing costs recoverable, $750 attorney fees not, 12% a year)."""

from __future__ import annotations

from decimal import Decimal

from arrears.domain.legal.economics import litigation_alternative
from arrears.domain.legal.policy import default_legal_policy, parse_legal_policy
from arrears.domain.policy_data import package_text

POLICY = default_legal_policy()
RATE = Decimal("0.12")


def test_a_suit_on_ten_thousand_dollars() -> None:
    """(1,000,000 + 45,000) × 0.70 × 0.45 = 329,175 expected; 1.01**14 = 1.14947421;
    329,175 / 1.14947421 = 286,370.06 → less 120,000 of costs = 166,370 today."""
    suit = litigation_alternative(balance_minor=1_000_000, policy=POLICY, annual_rate=RATE)
    assert suit.available
    assert (suit.expected_gross_minor, suit.costs_minor, suit.months) == (329_175, 120_000, 14)
    assert suit.epv_minor == 166_370


def test_recoverable_attorney_fees_come_back_with_the_judgment() -> None:
    """With attorney fees recoverable the claim is 1,120,000: × 0.315 = 352,800 expected."""
    text = package_text("arrears.domain.legal", "legal_policy.toml").replace(
        '[costs.attorney_fee]\ncomponent = "fees"\nrecoverable = false',
        '[costs.attorney_fee]\ncomponent = "fees"\nrecoverable = true',
    )
    suit = litigation_alternative(balance_minor=1_000_000, policy=parse_legal_policy(text),
                                  annual_rate=RATE)  # fmt: skip
    assert suit.expected_gross_minor == 352_800


def test_a_suit_is_not_possible_when_barred_or_too_small() -> None:
    barred = litigation_alternative(balance_minor=1_000_000, policy=POLICY, annual_rate=RATE,
                                    barred=("time-barred [12 CFR 1006.26(b)]",))  # fmt: skip
    assert not barred.available
    assert "1006.26(b)" in barred.reason
    small = litigation_alternative(balance_minor=99_999, policy=POLICY, annual_rate=RATE)
    assert not small.available
    assert "minimum" in small.reason


def test_the_legal_policy_reads() -> None:
    assert POLICY.costs["filing_fee"].recoverable
    assert not POLICY.costs["attorney_fee"].recoverable
    assert POLICY.place_hold
    assert "referred" in {s.value for s in POLICY.hold_statuses}
