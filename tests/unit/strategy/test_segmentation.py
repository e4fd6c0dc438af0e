"""Segment assignment: the default strategy, table-driven, and what each condition means."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from arrears.batch.decisions import assign_segments
from arrears.strategy.check import default_strategy, load_strategy
from unit.strategy.accounts import account, features

# (what the account is, its features, the segment the default strategy gives it)
DEFAULT_CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("current account", {}, None),
    ("1 day late", {"dpd": 1}, "early_stage"),
    ("29 days late", {"dpd": 29}, "early_stage"),
    ("30 days late", {"dpd": 30}, "mid_stage"),
    ("89 days late", {"dpd": 89}, "mid_stage"),
    ("90 days late", {"dpd": 90}, "late_stage"),
    ("179 days late", {"dpd": 179}, "late_stage"),
    ("180 days late", {"dpd": 180}, "pre_charge_off"),
    ("charged off", {"dpd": 400, "charged_off": True}, "charged_off"),
    ("charged off, paying a plan", {"dpd": 400, "charged_off": True, "plan": "active"},
     "active_plan"),
    ("paying a plan while current", {"plan": "active"}, "active_plan"),
    ("defaulted plan, 40 days late", {"dpd": 40, "plan": "defaulted"}, "mid_stage"),
    ("promise due, 10 days late", {"dpd": 10, "promise": "active"}, "active_promise"),
    ("broken promise, 45 days late", {"dpd": 45, "promise": "broken"}, "broken_promise"),
    ("broken promise, 100 days late", {"dpd": 100, "promise": "broken"}, "late_stage"),
    ("kept promise, 5 days late", {"dpd": 5, "promise": "kept"}, "early_stage"),
    ("null promise reads as none", {"dpd": 5, "promise": None}, "early_stage"),
    ("null plan reads as none", {"dpd": 95, "plan": None}, "late_stage"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "changes", "segment"), DEFAULT_CASES, ids=[c[0] for c in DEFAULT_CASES]
)
def test_default_strategy_segments(case: str, changes: dict[str, Any], segment: str | None) -> None:
    """The default strategy puts each kind of account in the segment docs/strategy.md says."""
    found = assign_segments(features(account(**changes)), default_strategy())
    assert found["segment"].to_list() == [segment], case
    index = found["segment_index"][0]
    names = [s.name for s in default_strategy().segments]
    assert (names[index] if index is not None else None) == segment


def test_assignment_keeps_the_row_order_and_ids() -> None:
    """One output row per input row, in the same order, with the same loan ids."""
    frame = features(*(account(loan_id=i * 10, dpd=i) for i in (50, 0, 3)))
    found = assign_segments(frame, default_strategy())
    assert found.columns == ["loan_id", "segment", "segment_index"]
    assert found["loan_id"].to_list() == [500, 0, 30]
    assert found["segment"].to_list() == ["mid_stage", None, "early_stage"]


def _first_match(when: str, rows: list[dict[str, Any]]) -> list[bool]:
    """Whether each account matches one segment with the given ``when`` block."""
    text = (
        f"strategy: t\nversion: 1\nsegments:\n  - name: s\n    when: {when}\n    treatments: []\n"
    )
    found = assign_segments(features(*rows), load_strategy(text, source="t.yaml"))
    return [s == "s" for s in found["segment"].to_list()]


CONDITION_CASES: list[tuple[str, list[tuple[dict[str, Any], bool]]]] = [
    ("{balance: {min: 500}}", [
        ({"balance_minor": 49_999}, False), ({"balance_minor": 50_000}, True),
    ]),
    ("{balance: {above: 1000}}", [
        ({"balance_minor": 100_000}, False), ({"balance_minor": 100_001}, True),
    ]),
    ("{ltv: {below: 1.2}}", [
        ({"ltv_bp": 11_999}, True), ({"ltv_bp": 12_000}, False), ({"ltv_bp": None}, False),
    ]),
    ("{score: {min: 0.3}}", [
        ({"score": 0.3}, True), ({"score": 0.2999}, False), ({"score": None}, False),
    ]),
    ("{score: {above: 0.3}}", [({"score": 0.3}, False), ({"score": 0.30001}, True)]),
    ("{days_since_contact: {min: 3}}", [
        ({"days_since_contact": 2}, False), ({"days_since_contact": 3}, True),
        ({"days_since_contact": None}, True),
    ]),
    ("{days_since_contact: {max: 3}}", [
        ({"days_since_contact": 3}, True), ({"days_since_contact": None}, False),
    ]),
    ("{collateral: [none]}", [({"collateral": None}, True), ({"collateral": "vehicle"}, False)]),
    ("{bucket: [30-59, 90-119]}", [
        ({"dpd": 29}, False), ({"dpd": 30}, True), ({"dpd": 60}, False), ({"dpd": 119}, True),
    ]),
    ("{sms_consent: true}", [({"sms_consent": None}, False), ({"sms_consent": True}, True)]),
    ("{sms_consent: false}", [({"sms_consent": None}, True), ({"sms_consent": True}, False)]),
    ("{state: [CA, NY]}", [({"borrower_state": "NY"}, True), ({"borrower_state": "NJ"}, False)]),
    ("{contract_state: CA}", [({"contract_state": "CA", "borrower_state": "NV"}, True)]),
    ("{product: [auto, card], past_due: {min: 100}}", [
        ({"product": "auto", "past_due_minor": 10_000}, True),
        ({"product": "auto", "past_due_minor": 9_999}, False),
        ({"product": "mortgage", "past_due_minor": 10_000}, False),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("when", "cases"), CONDITION_CASES, ids=[c[0] for c in CONDITION_CASES])
def test_condition_semantics(when: str, cases: list[tuple[dict[str, Any], bool]]) -> None:
    """Bounds, exclusive bounds, nulls and buckets mean what docs/strategy.md says."""
    rows = [account(**changes) for changes, _ in cases]
    assert _first_match(when, rows) == [expected for _, expected in cases]


def test_first_matching_segment_wins() -> None:
    """An account matching two segments goes to the earlier one."""
    text = (
        "strategy: t\nversion: 1\nsegments:\n"
        "  - {name: big, when: {balance: {min: 1000}}, treatments: []}\n"
        "  - {name: late, when: {dpd: {min: 1}}, treatments: []}\n"
    )
    strategy = load_strategy(text, source="t.yaml")
    found = assign_segments(
        features(account(dpd=5, balance_minor=200_000), account(dpd=5, balance_minor=100)),
        strategy,
    )
    assert found["segment"].to_list() == ["big", "late"]


def test_extra_columns_and_categoricals_are_accepted() -> None:
    """Columns beyond FEATURES are ignored and categorical text reads as text."""
    frame = features(account(dpd=40)).with_columns(
        pl.col("product").cast(pl.Categorical), pl.lit("x").alias("branch")
    )
    assert assign_segments(frame, default_strategy())["segment"].to_list() == ["mid_stage"]


def test_an_empty_partition_gives_an_empty_frame() -> None:
    """No accounts, no rows, the same columns."""
    found = assign_segments(features(), default_strategy())
    assert found.height == 0
    assert found.schema["segment_index"] == pl.Int32
