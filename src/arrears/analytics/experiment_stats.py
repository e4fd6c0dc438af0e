"""The statistics of champion/challenger: weighted means, differences, intervals, sample sizes.

Each account in an arm is weighted by the inverse of its recorded assignment probability
(``w = 1/p``), so arms whose shares changed during the experiment still estimate the whole
segment's outcome. The arm's mean is the Hájek (ratio) estimator ``Σwy / Σw`` with the
linearised variance ``Σw²(y − ȳ)² / (Σw)²``; with equal weights these are the sample mean and
``Σ(y − ȳ)²/n²`` (for a rate, ``p(1 − p)/n``: the Wald interval). Arms are independent samples,
so a difference's variance is the sum of the two. Normal quantiles come from
``statistics.NormalDist``.

Sample size: to detect a difference ``Δ`` between champion (variance ``σc²``) and challenger
(``σt²``) with a two-sided test at level ``α`` and power ``1 − β``, with ``k`` challenger
accounts per champion account, the champion needs
``n = (z₁₋α/₂ + z₁₋β)² (σc² + σt²/k) / Δ²`` accounts and the challenger ``k·n``
(Chow, Shao & Wang, *Sample Size Calculations in Clinical Research*, 2nd ed., §4.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True, slots=True)
class Estimate:
    n: int
    mean: float
    se: float

    @property
    def variance(self) -> float:
        """Per-account variance implied by the standard error (``se² · n``)."""
        return self.se * self.se * self.n


def hajek(*, n: int, sw: float, swy: float, sw2: float, sw2y: float, sw2y2: float) -> Estimate:
    """The weighted mean of an arm and its standard error from its sums."""
    if n == 0 or sw == 0:
        return Estimate(n, math.nan, math.nan)
    mean = swy / sw
    spread = max(sw2y2 - 2 * mean * sw2y + mean * mean * sw2, 0.0)
    return Estimate(n, mean, math.sqrt(spread) / sw)


@dataclass(frozen=True, slots=True)
class Difference:
    """Challenger minus champion, with a two-sided interval and p-value."""

    value: float
    se: float
    low: float
    high: float
    p_value: float

    @property
    def significant(self) -> bool:
        return not (self.low <= 0.0 <= self.high)


def difference(challenger: Estimate, champion: Estimate, *, confidence: float) -> Difference:
    value = challenger.mean - champion.mean
    se = math.sqrt(challenger.se**2 + champion.se**2)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    if not se > 0:
        return Difference(value, se, value, value, math.nan if math.isnan(se) else 1.0)
    p_value = 2 * (1 - NormalDist().cdf(abs(value) / se))
    return Difference(value, se, value - z * se, value + z * se, p_value)


def sample_size(
    *,
    champion_variance: float,
    challenger_variance: float,
    effect: float,
    alpha: float,
    power: float,
    ratio: float = 1.0,
) -> tuple[int, int] | None:
    """(champion, challenger) accounts needed to detect ``effect`` (None if it is zero)."""
    if not effect or math.isnan(effect) or ratio <= 0:
        return None
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    variance = champion_variance + challenger_variance / ratio
    champion = math.ceil(z * z * variance / (effect * effect))
    return champion, math.ceil(champion * ratio)
