"""The snapshot engines' optimiser pieces that make one machine and a cluster agree: the price
sample drawn by a hash of the loan id, and prices that do not depend on the order the sample's
menus were gathered in."""

from __future__ import annotations

import numpy as np
import polars as pl

from arrears.services.snapshot_optimise import (
    SPACE,
    book_prices,
    sample_threshold,
    sampled,
)
from arrears.strategy.model import Optimise


def _menus(accounts: int, seed: int = 1) -> pl.DataFrame:
    """Two options per account: a call (6 agent minutes) and a text (1 sms), random values."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(1, accounts + 1, dtype=np.int64) * 7, 2)
    return pl.DataFrame({
        "loan_id": ids,
        "treatment": ["agent_call", "reminder_sms"] * accounts,
        "cost_minor": [300, 5] * accounts,
        "capacity_class": ["agent_minutes", "sms"] * accounts,
        "capacity_units": pl.Series([6, 1] * accounts, dtype=pl.Int32),
        "value": rng.normal(2_000, 900, ids.size),
        "balance_minor": np.repeat(rng.integers(10_000, 500_000, accounts), 2),
    })  # fmt: skip


def test_the_sample_is_every_account_of_a_small_book_and_a_share_of_a_large_one() -> None:
    """A book no larger than the sample is sampled whole; a book of 400,000 is sampled at about
    50,000 accounts, the same ids however often it is drawn."""
    assert sample_threshold(40_000) == SPACE
    ids = pl.DataFrame({"loan_id": np.arange(1, 400_001, dtype=np.int64)})
    picked = ids.filter(sampled(sample_threshold(400_000)))
    assert 48_000 < picked.height < 52_000
    assert picked.equals(ids.filter(sampled(sample_threshold(400_000))))


def test_prices_do_not_depend_on_the_order_the_menus_arrive_in() -> None:
    """Menus gathered by tasks in any order of accounts give the same prices; the capacities
    bind (both prices positive) and follow the sample's share of the book."""
    optimise = Optimise(capacities=(("agent_minutes", 6_000), ("sms", 2_000)))
    menus = _menus(3_000)
    accounts = menus.partition_by("loan_id", maintain_order=True)  # an account's rows in order
    order = np.random.default_rng(4).permutation(len(accounts))
    reordered = pl.concat([accounts[i] for i in order])
    assert not reordered.equals(menus)
    first = book_prices(menus, {}, optimise=optimise, sampled_accounts=3_000, accounts=10_000)
    again = book_prices(reordered, {}, optimise=optimise, sampled_accounts=3_000, accounts=10_000)
    assert first.as_dict() == again.as_dict()
    assert first.of("agent_minutes") > 0
    assert first.of("sms") > 0
    looser = book_prices(menus, {}, optimise=optimise, sampled_accounts=3_000, accounts=5_000)
    assert looser.of("agent_minutes") < first.of("agent_minutes")
