"""Decisions are deterministic, independent of row order and partitioning, and keep cadence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrears.batch.decisions import assign_arms, assign_segments, candidate_treatments
from arrears.strategy.catalogue import default_catalogue
from arrears.strategy.check import default_strategy, load_strategy
from arrears.strategy.model import Strategy
from unit.strategy.accounts import AS_OF, account, features, history

TREATMENTS = [*default_catalogue(), "not_a_treatment"]
flags = st.one_of(st.none(), st.booleans())


@st.composite
def accounts(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.integers(1, 10**12), max_size=14, unique=True))
    rows = []
    for loan_id in ids:
        product = draw(st.sampled_from(["personal", "auto", "mortgage", "card"]))
        secured = product in {"auto", "mortgage"}
        rows.append(
            account(
                loan_id=loan_id,
                product=product,
                dpd=draw(st.integers(0, 400)),
                balance_minor=draw(st.integers(-5_000, 5_000_000)),
                charged_off=draw(st.booleans()),
                days_since_contact=draw(st.one_of(st.none(), st.integers(0, 90))),
                has_mobile=draw(flags),
                sms_consent=draw(flags),
                has_email=draw(flags),
                has_phone=draw(flags),
                has_postal_address=draw(flags),
                collateral=("vehicle" if product == "auto" else "property") if secured else None,
                ltv_bp=draw(st.one_of(st.none(), st.integers(1_000, 20_000))) if secured else None,
                score=draw(st.one_of(st.none(), st.floats(0, 1))),
                promise=draw(st.sampled_from(["none", "active", "kept", "broken"])),
                plan=draw(st.sampled_from(["none", "active", "completed", "defaulted"])),
                validation_sent=draw(flags),
            )
        )
    return rows


@st.composite
def past(draw: st.DrawFn, rows: list[dict[str, Any]]) -> pl.DataFrame:
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from([r["loan_id"] for r in rows] or [1]),
                      st.sampled_from(TREATMENTS)),
            max_size=30, unique=True,
        )
    )  # fmt: skip
    return history(
        *(
            (
                loan,
                treatment,
                AS_OF - timedelta(days=draw(st.integers(0, 60))),
                draw(st.integers(1, 4)),
            )
            for loan, treatment in pairs
        )
    )


def run(frame: pl.DataFrame, history_frame: pl.DataFrame, strategy: Strategy) -> pl.DataFrame:
    segments = assign_segments(frame, strategy)
    arms = assign_arms(frame, strategy, segments=segments)
    return candidate_treatments(frame, segments, arms, history_frame, strategy, as_of=AS_OF)


def canonical(candidates: pl.DataFrame) -> pl.DataFrame:
    return candidates.sort("loan_id", "order")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decisions_do_not_depend_on_row_order_or_partitions(data: st.DataObject) -> None:
    """Shuffled rows, or the portfolio cut into partitions, give the same decisions."""
    rows = data.draw(accounts())
    history_frame = data.draw(past(rows))
    strategy = default_strategy()
    whole = run(features(*rows), history_frame, strategy)
    assert run(features(*rows), history_frame, strategy).equals(whole)  # re-run: identical
    shuffled = data.draw(st.permutations(rows))
    reversed_history = history_frame.reverse()
    assert canonical(run(features(*shuffled), reversed_history, strategy)).equals(canonical(whole))
    part_of = {r["loan_id"]: data.draw(st.integers(0, 2)) for r in rows}
    pieces = [
        run(
            features(*(r for r in rows if part_of[r["loan_id"]] == part)),
            history_frame.filter(
                pl.col("loan_id").is_in([i for i, p in part_of.items() if p == part])
            ),
            strategy,
        )
        for part in range(3)
    ]
    assert canonical(pl.concat(pieces)).equals(canonical(whole))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_assignment_is_a_function_of_the_account_alone(data: st.DataObject) -> None:
    """An account's segment and arm are the same alone as among any other accounts."""
    rows = data.draw(accounts())
    strategy = default_strategy()
    frame = features(*rows)
    segments = assign_segments(frame, strategy)
    arms = assign_arms(frame, strategy)
    for row in rows:
        alone = features(row)
        assert (
            assign_segments(alone, strategy).rows()
            == segments.filter(pl.col("loan_id") == row["loan_id"]).rows()
        )
        assert (
            assign_arms(alone, strategy).rows()
            == arms.filter(pl.col("loan_id") == row["loan_id"]).rows()
        )


def _one_rule(cadence: str) -> Strategy:
    text = (
        "strategy: t\nversion: 1\nsegments:\n  - name: s\n    when: {dpd: {min: 1}}\n"
        f"    treatments:\n      - {{treatment: agent_call, {cadence}}}\n"
    )
    return load_strategy(text, source="t.yaml")


@settings(max_examples=80, deadline=None)
@given(
    start=st.integers(1, 40),
    every=st.one_of(st.none(), st.integers(1, 10)),
    max_times=st.one_of(st.none(), st.integers(1, 4)),
    late_by=st.integers(0, 30),
    days=st.integers(1, 25),
)
def test_a_treatment_decided_today_is_due_again_only_when_its_cadence_says(
    start: int, every: int | None, max_times: int | None, late_by: int, days: int
) -> None:
    """Decide today, record it; ``days`` later it is due again iff ``every`` days passed."""
    cadence = f"from_day: {start}" + (f", every: {every}" if every else "")
    cadence += f", max_times: {max_times}" if every and max_times else ""
    strategy = _one_rule(cadence)
    dpd = start + late_by
    today = run(features(account(dpd=dpd)), history(), strategy)
    assert today["treatment"].to_list() == ["agent_call"]  # never decided, in its window
    decided = history((1, "agent_call", AS_OF, 1))
    later_frame = features(account(dpd=dpd + days, episode_start=AS_OF - timedelta(days=dpd)))
    segments = assign_segments(later_frame, strategy)
    later = candidate_treatments(
        later_frame, segments, assign_arms(later_frame, strategy), decided, strategy,
        as_of=AS_OF + timedelta(days=days),
    )  # fmt: skip
    expected = every is not None and days >= every and (max_times is None or max_times > 1)
    assert (later.height == 1) is expected
    same_day = run(features(account(dpd=dpd)), decided, strategy)
    assert same_day.height == 0  # re-running today, after recording it, proposes nothing twice
