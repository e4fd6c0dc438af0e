"""The keys an import remembers to catch repeats: every earlier key found, no other."""

from __future__ import annotations

import polars as pl

from arrears.adapters.files.seen_keys import SeenKeys


def _keys(start: int, stop: int) -> pl.Series:
    return pl.Series([f"P{n:08d}" for n in range(start, stop)])


def test_keys_of_earlier_batches_are_found_in_the_order_asked() -> None:
    """Forty batches (the recent run joins the settled one several times): each answer is for
    the key at its own position, whatever order the hashes sort in."""
    seen = SeenKeys()
    for batch in range(40):
        fresh = _keys(batch * 100, batch * 100 + 100)
        assert not seen.seen_before(fresh).any()
        seen.add(fresh)
    assert len(seen) == 4000
    asked = pl.Series(["P00000007", "new-1", "P00003999", "new-2", "P00001234", "P00000007"])
    assert seen.seen_before(asked).to_list() == [True, False, True, False, True, True]


def test_a_batch_is_not_seen_before_it_is_added() -> None:
    seen = SeenKeys()
    seen.add(_keys(0, 10))
    batch = _keys(5, 15)
    assert seen.seen_before(batch).to_list() == [True] * 5 + [False] * 5
    seen.add(batch)
    assert seen.seen_before(_keys(10, 16)).to_list() == [True] * 5 + [False]
