"""The ``optimise:`` block of a strategy file: read exactly, and refused with its line."""

from __future__ import annotations

from decimal import Decimal

from arrears.strategy.check import check_strategy, default_strategy_text

BLOCK = """
optimise:
  capacities:
    agent_minutes: 2_400
    letters: 600
    settlement_discount: 1_500.50
  horizon_days: 60
  annual_discount_rate: 0.1
  keep: [settlement_offer]
"""


def _checked(block: str):  # type: ignore[no-untyped-def]
    return check_strategy(default_strategy_text() + block, source="s.yaml")


def test_the_block_is_read_with_money_in_cents() -> None:
    """Capacities per class, the discount budget converted from dollars to cents exactly."""
    checked = _checked(BLOCK)
    assert checked.ok, checked.problems
    optimise = checked.strategy.optimise  # type: ignore[union-attr]
    assert optimise is not None
    assert dict(optimise.capacities) == {
        "agent_minutes": 2400, "letters": 600, "settlement_discount": 150_050,
    }  # fmt: skip
    assert optimise.horizon_days == 60
    assert optimise.annual_discount_rate == Decimal("0.1")
    assert optimise.model == "recovery"
    assert optimise.capacity("agency_slots") is None
    assert optimise.keep == ("settlement_offer",)


def test_without_the_block_the_strategy_is_not_optimised() -> None:
    """The shipped strategy keeps its rules: no optimiser."""
    assert _checked("").strategy.optimise is None  # type: ignore[union-attr]


def test_unknown_classes_and_bad_values_are_errors_with_lines() -> None:
    """A misspelt class is suggested, a fractional cent and a rate of 1 are refused."""
    checked = _checked(
        "\noptimise:\n  capacities:\n    agent_minute: 10\n    settlement_discount: 1.005\n"
        "  annual_discount_rate: 1\n"
    )
    messages = [p.message for p in checked.errors]
    assert any("agent_minutes" in m for m in messages)
    assert any("dollars and cents" in m for m in messages)
    assert any("below 1" in m for m in messages)
    assert all(p.line > 0 for p in checked.errors)


def test_kept_treatments_must_be_in_the_catalogue() -> None:
    """A misspelt treatment under keep is an error that suggests the right one."""
    checked = _checked("\noptimise:\n  capacities: {letters: 1}\n  keep: [settlement_offers]\n")
    assert any("settlement_offer" in p.message for p in checked.errors)


def test_capacities_are_required() -> None:
    """An optimise block without capacities says so."""
    checked = _checked("\noptimise:\n  horizon_days: 30\n")
    assert any("'capacities' is required" in p.message for p in checked.errors)
