"""The check's unreachable and overlap verdicts agree with the compiled conditions on accounts.

Random small strategies are checked, then run over random accounts: no account ever lands in a
segment the check called unreachable (or contradictory), every account one of those segments
would match is matched by an earlier segment, and two segments the check found disjoint never
match the same account.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from arrears.batch.decisions import assign_segments
from arrears.batch.decisions.conditions import matches
from arrears.strategy.check import check_strategy
from arrears.strategy.problems import Severity
from unit.strategy.accounts import account, features

CONDITIONS = {
    "dpd": st.sampled_from(["{min: 1, max: 29}", "{min: 30}", "{max: 0}", "{min: 30, max: 89}",
                            "{above: 29}", "{below: 90}"]),
    "bucket": st.sampled_from(["[1-29]", "[30-59, 60-89]", "[current, 180+]"]),
    "balance": st.sampled_from(["{min: 500}", "{below: 500}", "{above: 1000}", "{max: 1000}"]),
    "score": st.sampled_from(["{min: 0.3}", "{below: 0.3}", "{max: 0.3}", "{above: 0.5}"]),
    "days_since_contact": st.sampled_from(["{min: 3}", "{max: 3}", "{min: 4, max: 10}"]),
    "ltv": st.sampled_from(["{below: 1.2}", "{min: 1.2}"]),
    "product": st.sampled_from(["[auto]", "[card, personal]", "[mortgage, auto]"]),
    "collateral": st.sampled_from(["[none]", "[vehicle]", "[vehicle, property]"]),
    "charged_off": st.sampled_from(["true", "false"]),
    "sms_consent": st.sampled_from(["true", "false"]),
}  # fmt: skip


@st.composite
def strategy_texts(draw: st.DrawFn) -> str:
    lines = ["strategy: random", "version: 1", "segments:"]
    for index in range(draw(st.integers(1, 6))):
        fields = draw(st.lists(st.sampled_from(sorted(CONDITIONS)), max_size=3, unique=True))
        when = ", ".join(f"{f}: {draw(CONDITIONS[f])}" for f in fields)
        lines += [f"  - name: s{index}", f"    when: {{{when}}}", "    treatments: []"]
    return "\n".join(lines) + "\n"


@st.composite
def account_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for loan_id in range(1, draw(st.integers(1, 40)) + 1):
        product = draw(st.sampled_from(["personal", "auto", "mortgage", "card"]))
        secured = product in {"auto", "mortgage"}
        rows.append(
            account(
                loan_id=loan_id,
                product=product,
                dpd=draw(st.sampled_from([0, 1, 29, 30, 31, 59, 60, 89, 90, 179, 180, 500])),
                balance_minor=draw(st.sampled_from([-100, 0, 49_999, 50_000, 100_000, 100_001])),
                score=draw(st.sampled_from([None, 0.0, 0.2999, 0.3, 0.30001, 0.5, 0.51, 1.0])),
                days_since_contact=draw(st.sampled_from([None, 0, 3, 4, 10, 11])),
                ltv_bp=draw(st.sampled_from([None, 11_999, 12_000])) if secured else None,
                collateral=("vehicle" if product == "auto" else "property") if secured else None,
                charged_off=draw(st.booleans()),
                sms_consent=draw(st.sampled_from([None, False, True])),
            )
        )
    return rows


def _segments(*whens: str) -> str:
    body = "".join(
        f"  - name: s{i}\n    when: {{{when}}}\n    treatments: []\n"
        for i, when in enumerate(whens)
    )
    return f"strategy: edge\nversion: 1\nsegments:\n{body}"


EDGE_ACCOUNTS = [
    account(loan_id=1, score=None, days_since_contact=None),
    account(loan_id=2, score=0.3, days_since_contact=3, dpd=30),
    account(loan_id=3, score=0.2999, days_since_contact=0, dpd=29, balance_minor=-100),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=strategy_texts(), rows=account_rows())
@example(
    text=_segments("score: {below: 0.3}", "score: {min: 0.3}", "charged_off: false"),
    rows=EDGE_ACCOUNTS,
)
@example(
    text=_segments(
        "days_since_contact: {max: 3}", "days_since_contact: {min: 4, max: 10}", "sms_consent: true"
    ),
    rows=EDGE_ACCOUNTS,
)
@example(
    text=_segments("dpd: {max: 29}", "dpd: {above: 29}", "balance: {max: 1000}"), rows=EDGE_ACCOUNTS
)
@example(text=_segments("balance: {min: 0}", "dpd: {min: 0}"), rows=EDGE_ACCOUNTS)
def test_unreachable_and_disjoint_verdicts_hold_for_accounts(
    text: str, rows: list[dict[str, Any]]
) -> None:
    """What the check proves about segments is true of every account the cycle could see."""
    checked = check_strategy(text, source="random.yaml")
    assert checked.strategy is not None
    strategy = checked.strategy
    frame = features(*rows)
    lines = {s.line: i for i, s in enumerate(strategy.segments)}
    dead = {lines[p.line] for p in checked.problems if p.severity is Severity.ERROR}
    overlapping = {lines[p.line] for p in checked.problems if "overlaps" in p.message}
    names = [str(i) for i in range(len(strategy.segments))]
    matched = frame.with_columns(
        matches(s.when, strategy.buckets).alias(name)
        for name, s in zip(names, strategy.segments, strict=True)
    ).select(names)
    assigned = set(assign_segments(frame, strategy)["segment_index"].drop_nulls())
    assert not assigned & dead
    for index in range(len(strategy.segments)):
        mine = matched[str(index)]
        earlier = (
            matched.select(pl.any_horizontal(names[:index])).to_series()
            if index
            else pl.Series([False] * frame.height)
        )
        if index in dead:
            assert (~mine | earlier).all(), f"segment {index} was called unreachable"
        elif index not in overlapping:
            assert not (mine & earlier).any(), f"segment {index} was called disjoint"
