"""Experiment statistics against values from textbooks and tables."""

from __future__ import annotations

import math

import pytest

from arrears.analytics.experiment_stats import Estimate, difference, hajek, sample_size
from arrears.analytics.forecast import t_quantile


def _rate_sums(successes: int, n: int, weight: float = 1.0) -> dict[str, float]:
    """Weighted sums of n accounts, ``successes`` of them with outcome 1."""
    return {
        "n": n,
        "sw": n * weight,
        "swy": successes * weight,
        "sw2": n * weight**2,
        "sw2y": successes * weight**2,
        "sw2y2": successes * weight**2,
    }


def test_equal_weights_give_the_sample_rate_and_the_wald_standard_error() -> None:
    """300 cures of 1 000: rate 0.30, SE = √(0.3 · 0.7 / 1000) = 0.014491."""
    found = hajek(**_rate_sums(300, 1000))  # type: ignore[arg-type]
    assert found.mean == pytest.approx(0.30)
    assert found.se == pytest.approx(math.sqrt(0.3 * 0.7 / 1000))


def test_a_constant_weight_changes_nothing() -> None:
    """Weights 1/0.45 on every account of an arm: the same mean and standard error."""
    plain = hajek(**_rate_sums(300, 1000))  # type: ignore[arg-type]
    weighted = hajek(**_rate_sums(300, 1000, weight=1 / 0.45))  # type: ignore[arg-type]
    assert weighted.mean == pytest.approx(plain.mean)
    assert weighted.se == pytest.approx(plain.se)


def test_weights_correct_for_shares_that_changed() -> None:
    """Two accounts: y=1 assigned with p=0.5 (w=2), y=0 with p=0.25 (w=4): the Hájek mean is
    Σwy/Σw = 2/6 = 1/3, not the unweighted 1/2. Variance: Σw²(y−ȳ)²/(Σw)² =
    (4·(2/3)² + 16·(1/3)²)/36 = (16/9 + 16/9)/36 = 8/81, so SE = √8/9."""
    found = hajek(n=2, sw=6, swy=2, sw2=20, sw2y=4, sw2y2=4)
    assert found.mean == pytest.approx(1 / 3)
    assert found.se == pytest.approx(math.sqrt(8) / 9)


def test_difference_of_two_rates_with_its_95_percent_interval() -> None:
    """0.30 of 1 000 against 0.25 of 1 000: difference 0.05, SE = √(0.00021 + 0.0001875) =
    0.019937, interval 0.05 ± 1.959964 × 0.019937 = [0.010924, 0.089076]; z = 2.5079, two-sided
    p = 0.01214."""
    challenger = Estimate(1000, 0.30, math.sqrt(0.3 * 0.7 / 1000))
    champion = Estimate(1000, 0.25, math.sqrt(0.25 * 0.75 / 1000))
    found = difference(challenger, champion, confidence=0.95)
    assert found.value == pytest.approx(0.05)
    assert found.se == pytest.approx(0.0199374, rel=1e-5)
    assert (found.low, found.high) == (
        pytest.approx(0.010924, abs=1e-6),
        pytest.approx(0.089076, abs=1e-6),
    )
    assert found.p_value == pytest.approx(0.01214, abs=2e-5)
    assert found.significant


def test_sample_size_matches_chow_shao_wang() -> None:
    """Chow, Shao & Wang §4.2.4: p = 0.65 against 0.85, α = 0.05, power 80%, equal arms:
    n = (1.96 + 0.84)² (0.65·0.35 + 0.85·0.15) / 0.2² ≈ 69.7 → 70 per arm."""
    assert sample_size(
        champion_variance=0.85 * 0.15,
        challenger_variance=0.65 * 0.35,
        effect=0.2,
        alpha=0.05,
        power=0.8,
    ) == (70, 70)


def test_sample_size_with_unequal_arms() -> None:
    """Two challenger accounts per champion account: n_c = 7.8489 (0.1275 + 0.2275/2) / 0.04 =
    47.34 → 48, and 96 challengers."""
    assert sample_size(
        champion_variance=0.85 * 0.15,
        challenger_variance=0.65 * 0.35,
        effect=-0.2,
        alpha=0.05,
        power=0.8,
        ratio=2.0,
    ) == (48, 96)


def test_no_sample_size_for_no_difference() -> None:
    assert (
        sample_size(
            champion_variance=0.2, challenger_variance=0.2, effect=0.0, alpha=0.05, power=0.8
        )
        is None
    )


@pytest.mark.parametrize(
    ("degrees", "table"),
    [(1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228), (28, 2.048), (120, 1.980)],
)
def test_t_quantiles_match_the_tables(degrees: int, table: float) -> None:
    """Two-sided 95% critical values of Student's t (the forecast's interval)."""
    assert t_quantile(0.975, degrees) == pytest.approx(table, abs=4e-3 if degrees == 3 else 1e-3)
