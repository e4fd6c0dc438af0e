"""Keyed random draws: a value depends only on (seed, stream, key, index)."""

from __future__ import annotations

import numpy as np

from arrears.simulation.draws import Draws


def test_a_draw_depends_on_its_key_not_on_the_batch_it_is_drawn_in() -> None:
    """Drawing key 37 alone or among 100 keys gives the same value (chunk-size independence)."""
    draws = Draws(42)
    batch = draws.uniform("test.stream", np.arange(100), 3)
    alone = draws.uniform("test.stream", np.array([37]), 3)
    assert batch[37] == alone[0]


def test_seed_stream_and_index_each_change_the_draws() -> None:
    """Different seeds, stream names or sub-indices give unrelated draws."""
    keys = np.arange(1_000)
    base = Draws(42).uniform("a", keys)
    assert not np.array_equal(base, Draws(43).uniform("a", keys))
    assert not np.array_equal(base, Draws(42).uniform("b", keys))
    assert not np.array_equal(base, Draws(42).uniform("a", keys, 1))


def test_uniforms_lie_in_the_unit_interval_and_look_uniform() -> None:
    """Uniforms are in [0, 1) with the mean and spread of a uniform distribution."""
    values = Draws(7).uniform("u", np.arange(200_000))
    assert values.min() >= 0.0
    assert values.max() < 1.0
    assert abs(values.mean() - 0.5) < 0.005
    assert abs(values.var() - 1 / 12) < 0.002


def test_integers_respect_per_key_bounds() -> None:
    """``integers`` stays within [low, high) when the bounds differ per key."""
    keys = np.arange(10_000)
    high = 1 + keys % 7
    values = Draws(1).integers("i", keys, low=0, high=high)
    assert (values >= 0).all()
    assert (values < high).all()
    assert set(values[high == 7]) == set(range(7))


def test_choice_follows_the_weights() -> None:
    """Categorical draws come out in proportion to their weights."""
    picks = Draws(3).choice("c", np.arange(100_000), (0.5, 0.3, 0.2))
    shares = np.bincount(picks, minlength=3) / len(picks)
    assert np.allclose(shares, (0.5, 0.3, 0.2), atol=0.01)


def test_normals_have_zero_mean_and_unit_variance() -> None:
    """Box–Muller normals have the moments of a standard normal."""
    values = Draws(5).normal("n", np.arange(200_000))
    assert abs(values.mean()) < 0.01
    assert abs(values.std() - 1) < 0.01
