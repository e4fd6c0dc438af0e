"""The same seed, as_of and size give the same portfolio, whatever the chunk size or run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from arrears.simulation import write_portfolio

AS_OF = date(2026, 11, 27)
Collect = Callable[..., dict[str, Any]]


def test_same_seed_gives_identical_frames(collect_portfolio: Collect) -> None:
    """Two runs with the same seed produce equal frames for every kind."""
    first = collect_portfolio(700, seed=11, as_of=AS_OF, chunk_loans=700)
    second = collect_portfolio(700, seed=11, as_of=AS_OF, chunk_loans=700)
    for kind, frame in first.items():
        assert frame.equals(second[kind]), kind


def test_chunk_size_does_not_change_the_portfolio(collect_portfolio: Collect) -> None:
    """Streaming 700 loans in chunks of 123 gives the same rows as one chunk of 700."""
    whole = collect_portfolio(700, seed=11, as_of=AS_OF, chunk_loans=700)
    chunked = collect_portfolio(700, seed=11, as_of=AS_OF, chunk_loans=123)
    for kind, frame in whole.items():
        assert frame.equals(chunked[kind]), kind


def test_a_different_seed_gives_a_different_portfolio(collect_portfolio: Collect) -> None:
    """Changing the seed changes borrowers, loans and payments."""
    first = collect_portfolio(300, seed=11, as_of=AS_OF, chunk_loans=300)
    other = collect_portfolio(300, seed=12, as_of=AS_OF, chunk_loans=300)
    for kind in ("borrowers", "loans", "payments"):
        assert not first[kind].equals(other[kind]), kind


def test_a_larger_portfolio_starts_with_the_smaller_one(collect_portfolio: Collect) -> None:
    """Loans are numbered: the first 300 loans of a 600-loan book are the 300-loan book."""
    small = collect_portfolio(300, seed=11, as_of=AS_OF, chunk_loans=300)
    large = collect_portfolio(600, seed=11, as_of=AS_OF, chunk_loans=600)
    assert large["loans"].head(300).equals(small["loans"])


def test_written_csv_is_byte_identical_across_runs_and_chunk_sizes(tmp_path: Path) -> None:
    """CSV files are the same bytes for the same seed, whatever the chunk size."""
    one = write_portfolio(tmp_path / "one", loans=400, seed=5, as_of=AS_OF, chunk_loans=400)
    two = write_portfolio(tmp_path / "two", loans=400, seed=5, as_of=AS_OF, chunk_loans=97)
    assert one.keys() == two.keys()
    for kind, path in one.items():
        assert path.read_bytes() == two[kind].read_bytes(), kind
