"""Holds never let a forbidden action through, whatever the candidates and holds."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.batch.hold_gate import apply_holds
from arrears.domain.holds import BLOCKS, ActionCategory, HoldKind

kinds = st.sampled_from([k.value for k in HoldKind])
categories = st.sampled_from([c.value for c in ActionCategory])


@st.composite
def day(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    loans = draw(st.integers(min_value=1, max_value=8))
    candidate_rows = draw(
        st.lists(
            st.tuples(st.integers(1, loans), categories, st.booleans()), min_size=0, max_size=40
        )
    )
    hold_rows = draw(st.lists(st.tuples(st.integers(1, loans), kinds), max_size=10))
    candidates = pl.DataFrame(
        {
            "loan_id": [r[0] for r in candidate_rows],
            "treatment": [f"t{i}" for i in range(len(candidate_rows))],
            "category": [r[1] for r in candidate_rows],
            "missing": [("sms_consent" if r[2] else None) for r in candidate_rows],
        },
        schema={"loan_id": pl.Int64, "treatment": pl.Utf8, "category": pl.Utf8, "missing": pl.Utf8},
    )
    holds = pl.DataFrame(
        {
            "loan_id": [r[0] for r in hold_rows],
            "hold_id": list(range(1, len(hold_rows) + 1)),
            "kind": [r[1] for r in hold_rows],
        },
        schema={"loan_id": pl.Int64, "hold_id": pl.Int64, "kind": pl.Utf8},
    )
    return candidates, holds


@settings(max_examples=200)
@given(day())
def test_no_planned_action_is_forbidden_by_a_hold_in_force(
    case: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    candidates, holds = case
    decided = apply_holds(candidates, holds)
    assert decided.height == candidates.height, "nothing is dropped"
    forbidden = {
        (loan, category.value)
        for loan, kind in holds.select("loan_id", "kind").iter_rows()
        for category in BLOCKS[HoldKind(kind)].blocks
    }
    for row in decided.iter_rows(named=True):
        if (row["loan_id"], row["category"]) in forbidden:
            assert row["status"] == "blocked"
            assert row["blocked_by"] in {"hold"}
        if row["missing"] is not None:
            assert row["status"] == "blocked"
        if row["status"] == "blocked":
            assert row["reason"]
