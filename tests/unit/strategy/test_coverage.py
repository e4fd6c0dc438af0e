"""The exact coverage analysis behind "unreachable" and "overlaps": edges, gaps and nulls."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arrears.domain.delinquency import DEFAULT_BUCKETS
from arrears.strategy.conditions import Condition, Flag, OneOf, Range
from arrears.strategy.coverage import Space, covered, intersects, is_empty

D = Decimal


def _covered(later: list[Condition], *earlier: list[Condition]) -> bool:
    space = Space([later, *earlier], DEFAULT_BUCKETS)
    return covered(space.box(later), [space.box(e) for e in earlier])


CASES: list[tuple[str, list[Condition], list[list[Condition]], bool]] = [
    ("whole numbers leave no gap between 29 and 30",
     [Range("dpd", D(0))], [[Range("dpd", D(0), D(29))], [Range("dpd", D(30))]], True),
    ("a missing day is a gap",
     [Range("dpd", D(0))], [[Range("dpd", D(0), D(29))], [Range("dpd", D(31))]], False),
    ("DPD is never negative, so ≥ 0 takes every account", [], [[Range("dpd", D(0))]], True),
    ("balances can be negative (credits)", [], [[Range("balance", D(0))]], False),
    ("scores just above 0.3 are not covered by ≤ 0.3 and ≥ 0.31",
     [Range("score", D("0"))], [[Range("score", None, D("0.3"))], [Range("score", D("0.31"))]],
     False),
    ("< 0.3 and ≥ 0.3 cover every score",
     [Range("score", D("0"))],
     [[Range("score", None, D("0.3"), high_open=True)], [Range("score", D("0.3"))]], True),
    ("an unscored account is not covered by score ranges",
     [Flag("charged_off", False)],
     [[Range("score", None, D("0.3"), high_open=True), Flag("charged_off", False)],
      [Range("score", D("0.3")), Flag("charged_off", False)]], False),
    ("never contacted is covered by an open-ended minimum",
     [Range("days_since_contact", D(10))], [[Range("days_since_contact", D(3))]], True),
    ("never contacted falls in the open-ended range",
     [], [[Range("days_since_contact", None, D(30))], [Range("days_since_contact", D(31))]],
     True),
    ("and in no closed range",
     [], [[Range("days_since_contact", None, D(30))], [Range("days_since_contact", D(31), D(99))]],
     False),
    ("buckets are DPD ranges",
     [OneOf("bucket", frozenset({"30-59"}))], [[Range("dpd", D(30), D(59))]], True),
    ("a bucket list is a union",
     [Range("dpd", D(30), D(119))], [[OneOf("bucket", frozenset({"30-59", "60-89"}))],
                                     [OneOf("bucket", frozenset({"90-119"}))]], True),
    ("flags split in two",
     [Range("dpd", D(1))], [[Flag("sms_consent", True)], [Flag("sms_consent", False)]], True),
    ("sets are covered value by value",
     [OneOf("product", frozenset({"auto", "card"}))],
     [[OneOf("product", frozenset({"auto"}))], [OneOf("product", frozenset({"card", "personal"}))]],
     True),
    ("a missing value is not covered",
     [OneOf("product", frozenset({"auto", "card"}))],
     [[OneOf("product", frozenset({"auto"}))]], False),
]  # fmt: skip


@pytest.mark.parametrize(("case", "later", "earlier", "expected"), CASES, ids=[c[0] for c in CASES])
def test_coverage(
    case: str, later: list[Condition], earlier: list[list[Condition]], expected: bool
) -> None:
    """Whether the earlier boxes take every account of the later one, exactly."""
    assert _covered(later, *earlier) is expected, case


def test_contradictions_are_empty_and_disjoint_boxes_do_not_intersect() -> None:
    """A bucket and a DPD range that do not meet match nobody; disjoint ranges never meet."""
    conditions: list[Condition] = [OneOf("bucket", frozenset({"1-29"})), Range("dpd", D(40))]
    low, high = [Range("dpd", D(1), D(29))], [Range("dpd", D(30))]
    space = Space([conditions, low, high], DEFAULT_BUCKETS)
    assert is_empty(space.box(conditions))
    assert not intersects(space.box(low), space.box(high))
    assert intersects(space.box(low), space.box([]))
