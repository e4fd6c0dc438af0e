"""Treatment requirements as bits, so "what does this account lack?" is one AND per candidate.

Requirement ``i`` (in ``REQUIREMENT_COLUMNS`` order) is bit ``1 << i``: a treatment's ``needs``
and an account's ``has`` are small integers, ``needs & ~has`` is what is missing, and the
32 possible answers are spelled out once.
"""

from __future__ import annotations

from itertools import compress
from typing import Final

import polars as pl

from arrears.strategy.catalogue import Requirement, Treatment
from arrears.strategy.features import REQUIREMENT_COLUMNS

ORDER: Final = tuple(REQUIREMENT_COLUMNS)


def needs(treatment: Treatment) -> int:
    """The bits of the requirements ``treatment`` has."""
    return sum(1 << i for i, r in enumerate(ORDER) if r in treatment.requires)


def has() -> pl.Expr:
    """The bits of the requirements each FEATURES row meets (a null flag is not met)."""
    return pl.sum_horizontal(
        pl.col(REQUIREMENT_COLUMNS[r]).fill_null(value=False).cast(pl.UInt8) * (1 << i)
        for i, r in enumerate(ORDER)
    ).cast(pl.UInt8)


def missing(needed: pl.Expr, met: pl.Expr) -> pl.Expr:
    """``sms_consent,email``-style list of what is needed and not met (null when nothing)."""
    combinations = range(1 << len(ORDER))
    return (needed & ~met).replace_strict(
        list(combinations), [_spelled(bits) for bits in combinations], return_dtype=pl.String
    )


def _spelled(bits: int) -> str | None:
    lacking: list[Requirement] = list(compress(ORDER, ((bits >> i) & 1 for i in range(len(ORDER)))))
    return ",".join(r.value for r in lacking) or None
