"""The optimised strategy's costly escalations go ahead only where they are worth their cost."""

from __future__ import annotations

from importlib.resources import files

import polars as pl

from arrears.batch.optimiser import optimise
from arrears.batch.optimiser.engine import menu_problem
from arrears.strategy.check import load_strategy

COSTLY = ("legal_referral_review", "repossession_review")


def _optimised():  # type: ignore[no-untyped-def]
    text = files("arrears.strategy.data").joinpath("optimised.yaml").read_text()
    return load_strategy(text, source="optimised.yaml").optimise


def test_legal_referrals_and_repossessions_are_on_the_menu() -> None:
    """The shipped optimised strategy leaves suits and repossessions to the optimiser (their
    court and recovery costs must be earned back) and agency placements to the rules."""
    optimise_block = _optimised()
    assert optimise_block is not None
    assert not set(COSTLY) & set(optimise_block.keep)
    assert "agency_placement_review" in optimise_block.keep


def test_an_escalation_worth_less_than_its_cost_is_not_chosen() -> None:
    """Values are net of cost: a referral expected to bring less than it costs is left undone
    even with capacity to spare, and one that brings more is chosen over a reminder."""
    valued = pl.DataFrame(
        {
            "loan_id": [1, 2, 2, 3],
            "treatment": ["legal_referral_review", "legal_referral_review", "reminder_sms",
                          "repossession_review"],
            "cost_minor": [2_500, 2_500, 3, 1_500],
            "capacity_class": ["legal_budget", "legal_budget", "sms", "reviews"],
            "capacity_units": [1, 1, 1, 1],
            "value": [-40_000.0, 30_000.0, 12.0, -1.0],
            "balance_minor": [500_000, 900_000, 900_000, 800_000],
        }
    )  # fmt: skip
    problem, placed = menu_problem(valued, {}, capacity={"legal_budget": 5, "reviews": 5})
    allocation = optimise(problem)
    rows = placed["_row"].to_numpy()
    slots = placed["_slot"].to_numpy()
    chosen = placed.filter(pl.Series(allocation.choice[rows] == slots))
    assert chosen.select("loan_id", "treatment").rows() == [(2, "legal_referral_review")]
