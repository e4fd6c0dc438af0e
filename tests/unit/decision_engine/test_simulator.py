"""The borrower-behaviour simulator: seeded, deterministic, and on common random numbers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from arrears.errors import ArrearsError
from arrears.services.simulate import open_book, run_policy
from arrears.services.simulate_day import Policy
from arrears.simulation.behaviour_model.params import default_params, parse_params
from arrears.simulation.behaviour_model.traits import draw_traits
from arrears.simulation.draws import Draws
from arrears.strategy.check import default_strategy, load_strategy

START = date(2026, 3, 2)
NOTHING = """
strategy: nothing
version: 1
segments:
  - name: everyone
    treatments: []
"""


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return open_book(accounts=300, seed=11, start=START)


def test_the_opening_book_has_arrears_and_charged_off_loans(book) -> None:  # type: ignore[no-untyped-def]
    """A generated portfolio opens with some loans behind, some charged off, none negative."""
    assert book.size == 300
    assert (book.past_due > 0).sum() > 30
    assert book.charged_off.any()
    assert (book.balance >= 0).all()
    assert (book.past_due <= np.maximum(book.balance, 0)).all()


def test_the_same_seed_gives_the_same_run(book) -> None:  # type: ignore[no-untyped-def]
    """Two runs of one strategy on one seed agree to the cent, action for action."""
    policy = Policy("default", default_strategy())
    first = run_policy(policy, opening=book, seed=11, days=25, start=START)
    second = run_policy(policy, opening=book, seed=11, days=25, start=START)
    assert first.net_minor == second.net_minor
    assert first.actions == second.actions
    assert first.curve == second.curve
    assert first.complaints == second.complaints


def test_another_seed_gives_another_run(book) -> None:  # type: ignore[no-untyped-def]
    """The seed matters: the same book under another seed's luck collects differently."""
    policy = Policy("default", default_strategy())
    one = run_policy(policy, opening=book, seed=11, days=25, start=START)
    other = run_policy(policy, opening=book, seed=12, days=25, start=START)
    assert one.collected_minor != other.collected_minor


def test_a_borrowers_luck_does_not_depend_on_the_strategy(book) -> None:  # type: ignore[no-untyped-def]
    """Common random numbers: traits are drawn from (seed, borrower) alone, and a borrower who
    was never acted on pays exactly the same under two strategies."""
    draws = Draws(11)
    dpd = np.zeros(book.size, dtype=np.int64)
    a = draw_traits(draws, book.loan_id, dpd=dpd, params=default_params())
    b = draw_traits(Draws(11), book.loan_id, dpd=dpd, params=default_params())
    assert np.array_equal(a.ability, b.ability)
    assert np.array_equal(a.reach["call"], b.reach["call"])
    nothing = load_strategy(NOTHING, source="nothing.yaml")
    idle = run_policy(Policy("nothing", nothing), opening=book, seed=11, days=20, start=START)
    again = run_policy(Policy("nothing", nothing), opening=book, seed=11, days=20, start=START)
    assert idle.collected_minor == again.collected_minor
    assert idle.treatment_cost_minor == 0
    assert idle.actions.total() == 0


def test_parameters_are_data_and_checked() -> None:
    """The shipped file reads; a misspelt key is refused, naming its table and the key."""
    from importlib.resources import files

    text = files("arrears.simulation.behaviour_model.data").joinpath("behaviour.toml").read_text()
    assert parse_params(text) == default_params()
    with pytest.raises(ArrearsError, match=r"\[roll\] unknown \['miss_logits'\]"):
        parse_params(text.replace("miss_logit =", "miss_logits ="))
