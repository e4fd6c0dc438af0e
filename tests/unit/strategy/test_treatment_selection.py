"""Candidate treatments, table-driven: what the default strategy decides for typical accounts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from arrears.batch.decisions import (
    CANDIDATES,
    assign_arms,
    assign_segments,
    candidate_treatments,
)
from arrears.strategy.check import default_strategy, load_strategy
from arrears.strategy.experiments import arm_for
from arrears.strategy.model import Strategy
from unit.strategy.accounts import AS_OF, account, days_ago, features, history


def _arm_loan(arm: str) -> int:
    """The first loan id the early-stage experiment puts in ``arm``."""
    experiment = default_strategy().experiments[0]
    return next(i for i in range(1, 10_000) if arm_for(experiment, i).arm == arm)


CHAMPION, SMS_DAY_1, HOLDOUT = (_arm_loan(a) for a in ("champion", "sms_day_1", "holdout"))


def decide(
    *rows: dict[str, Any],
    past: pl.DataFrame | None = None,
    strategy: Strategy | None = None,
    as_of: date = AS_OF,
) -> pl.DataFrame:
    strategy = strategy or default_strategy()
    frame = features(*rows)
    segments = assign_segments(frame, strategy)
    arms = assign_arms(frame, strategy, segments=segments)
    return candidate_treatments(
        frame, segments, arms, past if past is not None else history(), strategy, as_of=as_of
    )


def treatments(*rows: dict[str, Any], past: pl.DataFrame | None = None) -> list[str]:
    return decide(*rows, past=past)["treatment"].to_list()


# (case, account, history rows, the treatments due today in order)
CASES: list[tuple[str, dict[str, Any], list[tuple[str, int, int]], list[str]]] = [
    ("day 2: nothing yet", {"dpd": 2}, [], []),
    ("day 3: validation notice first, then the SMS", {"dpd": 3},
     [], ["validation_notice", "reminder_sms"]),
    ("day 3 again: nothing twice", {"dpd": 4, "validation_sent": True},
     [("reminder_sms", 1, 1)], []),
    ("missed day 3 (weekend): the SMS on day 4", {"dpd": 4, "validation_sent": True},
     [], ["reminder_sms"]),
    ("day 7, small balance: no call", {"dpd": 7, "validation_sent": True, "balance_minor": 40_000},
     [("reminder_sms", 4, 1), ("reminder_email", 2, 1)], []),
    ("day 7, balance above $500: call", {"dpd": 7, "validation_sent": True},
     [("reminder_sms", 4, 1), ("reminder_email", 2, 1)], ["agent_call"]),
    ("call 2 days ago, every 3: not yet", {"dpd": 12, "validation_sent": True},
     [("reminder_sms", 9, 1), ("reminder_email", 7, 1), ("reminder_letter", 2, 1),
      ("agent_call", 2, 2)], []),
    ("call 3 days ago, every 3: due", {"dpd": 12, "validation_sent": True},
     [("reminder_sms", 9, 1), ("reminder_email", 7, 1), ("reminder_letter", 2, 1),
      ("agent_call", 3, 2)], ["agent_call"]),
    ("history from the previous episode does not count", {"dpd": 3, "validation_sent": True},
     [("reminder_sms", 40, 1)], ["reminder_sms"]),
    ("mid stage day 30", {"dpd": 30, "validation_sent": True}, [],
     ["missed_payment_letter", "agent_call", "payment_plan_offer", "credit_bureau_update"]),
    ("auto at day 60 with equity", {"dpd": 60, "validation_sent": True, "product": "auto",
     "collateral": "vehicle", "ltv_bp": 11_000, "balance_minor": 900_000},
     [("missed_payment_letter", 30, 1), ("agent_call", 1, 15), ("payment_plan_offer", 20, 1),
      ("credit_bureau_update", 10, 1)],
     ["settlement_offer", "repossession_review"]),
    ("auto at day 60 under water: no repossession review", {"dpd": 60, "validation_sent": True,
     "product": "auto", "collateral": "vehicle", "ltv_bp": 12_000, "balance_minor": 100_000},
     [("missed_payment_letter", 30, 1), ("agent_call", 1, 15), ("payment_plan_offer", 20, 1),
      ("credit_bureau_update", 10, 1)], []),
    ("second plan offer 30 days after the first", {"dpd": 60, "validation_sent": True},
     [("missed_payment_letter", 30, 1), ("agent_call", 1, 15), ("payment_plan_offer", 30, 1),
      ("credit_bureau_update", 10, 1), ("settlement_offer", 1, 1)], ["payment_plan_offer"]),
    ("plan offer twice at most", {"dpd": 75, "validation_sent": True},
     [("missed_payment_letter", 45, 1), ("agent_call", 1, 20), ("payment_plan_offer", 31, 2),
      ("credit_bureau_update", 10, 2), ("settlement_offer", 15, 1)], []),
    ("mortgage past 120 days: foreclosure review", {"dpd": 121, "validation_sent": True,
     "product": "mortgage", "collateral": "property", "ltv_bp": 8_000},
     [("agent_call", 1, 10), ("hardship_review", 31, 1), ("settlement_offer", 1, 1),
      ("credit_bureau_update", 1, 1)], ["foreclosure_review"]),
    ("small card balance at 150: no legal review", {"dpd": 150, "validation_sent": True,
     "product": "card", "balance_minor": 40_000},
     [("agent_call", 1, 10), ("agency_placement_review", 30, 1), ("credit_bureau_update", 1, 1)],
     []),
    ("personal loan at 150: legal review", {"dpd": 150, "validation_sent": True},
     [("agent_call", 1, 10), ("agency_placement_review", 30, 1), ("charge_off_review", 30, 1),
      ("credit_bureau_update", 1, 1), ("settlement_offer", 1, 1)], ["legal_referral_review"]),
    ("active plan: reminders only", {"dpd": 12, "plan": "active"}, [("do_nothing", 10, 1)],
     ["plan_reminder_sms", "plan_reminder_email"]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "changes", "past", "expected"), CASES, ids=[c[0] for c in CASES])
def test_default_strategy_treatments(
    case: str, changes: dict[str, Any], past: list[tuple[str, int, int]], expected: list[str]
) -> None:
    """The treatments due today, in order, for a champion-arm account of the default strategy."""
    rows = [(CHAMPION, t, days_ago(ago), times) for t, ago, times in past]
    assert treatments(account(loan_id=CHAMPION, **changes), past=history(*rows)) == expected, case


def test_candidates_have_the_documented_columns_and_explanations() -> None:
    """Rows follow CANDIDATES: rule in words, order, catalogue entry, experiment and arm."""
    found = decide(account(loan_id=CHAMPION, dpd=3))
    assert found.schema == CANDIDATES
    first, second = found.to_dicts()
    assert first["rule"] == "validation_notice before the first collection contact from day 3"
    assert second["rule"] == "reminder_sms on day 3 of the episode"
    assert (first["order"], second["order"]) == (0, 1)
    assert second["segment"] == "early_stage"
    assert (second["experiment"], second["arm"], second["arm_probability"]) == (
        "early_sms_day_1", "champion", 0.5,
    )  # fmt: skip
    assert (second["kind"], second["channel"], second["category"]) == ("message", "sms", "contact")
    assert (second["cost_minor"], second["capacity_class"], second["capacity_units"]) == (
        3,
        "sms",
        1,
    )
    assert second["template"] == "payment_reminder"
    assert second["priority"] == 10


def test_accounts_outside_experiments_record_no_arm() -> None:
    """Decisions outside an experiment's segments have null experiment, arm and probability."""
    found = decide(account(dpd=30))
    assert found["experiment"].is_null().all()
    assert found["arm_probability"].is_null().all()


def test_missing_requirements_are_candidates_with_the_reason() -> None:
    """A treatment the account lacks consent or contact points for is kept, saying what's missing."""
    found = decide(account(loan_id=CHAMPION, dpd=3, sms_consent=False, has_postal_address=None))
    assert dict(zip(found["treatment"], found["missing"], strict=True)) == {
        "validation_notice": "postal_address",
        "reminder_sms": "sms_consent",
    }
    both = decide(account(loan_id=CHAMPION, dpd=3, has_mobile=False, sms_consent=False))
    assert both.filter(pl.col("treatment") == "reminder_sms")["missing"].to_list() == [
        "mobile_phone,sms_consent"
    ]


def test_the_challenger_arm_replaces_the_segments_rules() -> None:
    """The SMS-on-day-1 challenger gets the SMS (and the notice before it) on day 1."""
    found = decide(account(loan_id=SMS_DAY_1, dpd=1))
    assert found["treatment"].to_list() == ["validation_notice", "reminder_sms"]
    assert found["arm"].to_list() == ["sms_day_1", "sms_day_1"]
    assert found["arm_probability"].to_list() == [0.45, 0.45]
    assert decide(account(loan_id=CHAMPION, dpd=1)).height == 0


def test_the_holdout_gets_only_what_the_law_requires() -> None:
    """Hold-out accounts get the validation notice but no reminders or calls."""
    found = decide(account(loan_id=HOLDOUT, dpd=8))
    assert found["treatment"].to_list() == ["validation_notice"]
    assert found["arm"].to_list() == ["holdout"]
    assert found["arm_probability"].to_list() == [0.05]


def test_an_arm_can_hand_accounts_to_another_strategy() -> None:
    """Accounts in a strategy-file arm follow that strategy, its segment recorded by name."""
    files = Path(__file__).parent / "files"
    strategy = load_strategy(
        (files / "with_challenger_file.yaml").read_text(),
        source="w.yaml",
        include=lambda other: (files / other).read_text(),
    )
    experiment = strategy.experiments[0]
    by_arm = {arm_for(experiment, i).arm: i for i in range(1, 100)}
    found = decide(
        account(loan_id=by_arm["calls"], dpd=3),
        account(loan_id=by_arm["champion"], dpd=3),
        strategy=strategy,
    )
    assert found.select("loan_id", "segment", "treatment", "arm").rows() == [
        (by_arm["calls"], "challenger/early_calls", "agent_call", "calls"),
        (by_arm["champion"], "early", "reminder_sms", "champion"),
    ]


def test_a_treatment_listed_twice_is_decided_once_in_its_first_place() -> None:
    """Two rules for one treatment that both hold give one candidate, from the first rule."""
    text = """\
strategy: t
version: 1
segments:
  - name: s
    when: {dpd: {min: 1}}
    treatments:
      - {treatment: agent_call, from_day: 1, every: 3}
      - {treatment: reminder_sms, on_day: 1}
      - {treatment: agent_call, from_day: 1, every: 1, when: {balance: {min: 1}}}
"""
    found = decide(account(dpd=5), strategy=load_strategy(text, source="t.yaml"))
    assert found.select("treatment", "order", "rule").rows() == [
        ("agent_call", 0, "agent_call every 3 days from day 1"),
        ("reminder_sms", 1, "reminder_sms on day 1 of the episode"),
    ]


def test_a_first_contact_notice_goes_first_wherever_it_is_listed() -> None:
    """A before-first-contact rule listed last still comes first; each rule keeps its own text."""
    text = """\
strategy: t
version: 1
segments:
  - name: s
    when: {dpd: {min: 1}}
    treatments:
      - {treatment: reminder_sms, on_day: 1, when: {sms_consent: true}}
      - {treatment: agent_call, from_day: 1, every: 2}
      - {treatment: validation_notice, before_first_contact: true}
"""
    strategy = load_strategy(text, source="t.yaml")
    found = decide(account(dpd=5), account(dpd=5, sms_consent=False), strategy=strategy)
    assert found.select("loan_id", "treatment", "order", "rule").rows() == [
        (1, "validation_notice", 0, "validation_notice before the first collection contact"),
        (1, "reminder_sms", 1, "reminder_sms on day 1 of the episode if sms_consent"),
        (1, "agent_call", 2, "agent_call every 2 days from day 1"),
        (2, "validation_notice", 0, "validation_notice before the first collection contact"),
        (2, "agent_call", 1, "agent_call every 2 days from day 1"),
    ]
    called = history((1, "agent_call", days_ago(1), 1), (1, "validation_notice", days_ago(1), 1))
    assert decide(account(dpd=5), past=called, strategy=strategy)["treatment"].to_list() == [
        "reminder_sms"
    ]


def test_history_quirks_do_not_change_the_answer() -> None:
    """Unknown treatments, other loans, categorical text and repeated rows in history are safe."""
    account_row = account(loan_id=CHAMPION, dpd=12, validation_sent=True)
    clean = history(
        (CHAMPION, "reminder_sms", days_ago(9), 1),
        (CHAMPION, "reminder_email", days_ago(7), 1),
        (CHAMPION, "reminder_letter", days_ago(2), 1),
        (CHAMPION, "agent_call", days_ago(1), 2),
    )
    noisy = pl.concat(
        [
            clean,
            history(
                (CHAMPION, "carrier_pigeon", days_ago(1), 1),
                (999_999, "agent_call", days_ago(9), 1),
                (CHAMPION, "agent_call", days_ago(5), 1),  # an older duplicate: the latest wins
            ),
        ]
    ).with_columns(pl.col("treatment").cast(pl.Categorical))
    assert treatments(account_row, past=clean) == []
    assert treatments(account_row, past=noisy) == []


def test_accounts_without_a_segment_row_get_nothing() -> None:
    """Accounts absent from the segments frame (or in no segment) get no candidates."""
    strategy = default_strategy()
    frame = features(account(loan_id=1, dpd=30), account(loan_id=2, dpd=30))
    segments = assign_segments(frame, strategy).filter(pl.col("loan_id") == 2)
    found = candidate_treatments(
        frame, segments, assign_arms(frame, strategy), history(), strategy, as_of=AS_OF
    )
    assert set(found["loan_id"]) == {2}


def test_no_accounts_give_an_empty_candidates_frame() -> None:
    """An empty partition gives an empty CANDIDATES frame."""
    assert decide().schema == CANDIDATES
