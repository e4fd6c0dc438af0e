"""The treatment catalogue: the shipped data is complete and sound; bad files name their lines."""

from __future__ import annotations

import pytest

from arrears.domain.holds import ActionCategory
from arrears.strategy.catalogue import (
    CapacityClass,
    Channel,
    Requirement,
    TreatmentKind,
    default_catalogue,
    parse_catalogue,
)
from arrears.strategy.problems import StrategyInvalid

REQUIRED_TREATMENTS = [
    "reminder_sms", "reminder_email", "reminder_letter", "missed_payment_letter", "agent_call",
    "validation_notice", "promise_followup_call", "promise_reminder_sms", "payment_plan_offer",
    "settlement_offer", "hardship_review", "agency_placement_review", "legal_referral_review",
    "repossession_review", "foreclosure_review", "charge_off_review", "credit_bureau_update",
    "do_nothing",
]  # fmt: skip

GOOD = """\
[[treatment]]
id = "reminder_sms"
label = "Reminder"
kind = "message"
channel = "sms"
template = "payment_reminder"
category = "contact"
cost_minor = 3
capacity_class = "sms"
capacity_units = 1
requires = ["mobile_phone", "sms_consent"]
"""


def test_the_default_catalogue_has_every_treatment_the_cycle_needs() -> None:
    """Each treatment the strategy layer promises is in the shipped catalogue."""
    catalogue = default_catalogue()
    assert [t for t in REQUIRED_TREATMENTS if t not in catalogue] == []


def test_default_treatments_are_consistent() -> None:
    """Kinds, channels, queues and capacities of the shipped treatments fit together."""
    for treatment in default_catalogue().treatments:
        if treatment.kind is TreatmentKind.CALL_TASK:
            assert treatment.channel is Channel.CALL, treatment.id
            assert treatment.capacity_class is CapacityClass.AGENT_MINUTES, treatment.id
        if treatment.kind is TreatmentKind.REVIEW:
            assert treatment.review_queue is not None, treatment.id
        else:
            assert treatment.review_queue is None, treatment.id
        assert (treatment.capacity_class is None) == (treatment.capacity_units == 0), treatment.id
        assert treatment.cost_minor >= 0, treatment.id


@pytest.mark.parametrize(
    ("treatment", "field", "expected"),
    [
        ("agent_call", "capacity_units", 6),
        ("agent_call", "requires", (Requirement.PHONE,)),
        ("reminder_sms", "requires", (Requirement.MOBILE_PHONE, Requirement.SMS_CONSENT)),
        ("validation_notice", "category", ActionCategory.VALIDATION),
        ("credit_bureau_update", "category", ActionCategory.CREDIT_REPORTING),
        ("foreclosure_review", "category", ActionCategory.FORECLOSURE),
        ("settlement_offer", "category", ActionCategory.OFFER),
        ("early_intervention_notice", "category", ActionCategory.NOTICE),
        ("do_nothing", "kind", TreatmentKind.NONE),
    ],
)
def test_catalogue_entries(treatment: str, field: str, expected: object) -> None:
    """Entries the holds, the gate and the optimiser rely on have the documented values."""
    assert getattr(default_catalogue()[treatment], field) == expected


def test_legally_required_treatments_cite_their_rule() -> None:
    """Treatments kept for experiment hold-outs say which rule requires them."""
    required = {t.id: t.required_by for t in default_catalogue().treatments if t.legally_required}
    assert "1006.34" in required["validation_notice"]
    assert "1024.39" in required["early_intervention_notice"]
    assert "reminder_sms" not in required


def test_a_good_file_parses() -> None:
    """A minimal, consistent table becomes a treatment."""
    catalogue = parse_catalogue(GOOD, source="t.toml")
    assert catalogue["reminder_sms"].requires == (Requirement.MOBILE_PHONE, Requirement.SMS_CONSENT)


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(StrategyInvalid) as refused:
        parse_catalogue(text, source="t.toml")
    return [(p.line, p.message) for p in refused.value.strategy_problems]


def test_unknown_keys_and_bad_values_are_refused_with_their_lines() -> None:
    """Every bad key and value is reported on its own line, all at once."""
    text = GOOD.replace("cost_minor = 3", 'cost_minor = "3"').replace(
        'channel = "sms"', 'channel = "pigeon"\ncolour = "red"'
    )
    problems = _problems(text)
    assert [line for line, _ in problems] == [5, 6, 9]
    assert "unknown value 'pigeon'" in problems[0][1]
    assert problems[1][1] == "unknown key"
    assert "whole number" in problems[2][1]


def test_duplicate_ids_are_refused_with_both_lines() -> None:
    """A second table with the same id is refused, naming the first one's line."""
    problems = _problems(GOOD + "\n" + GOOD)
    assert problems == [(14, "duplicate id 'reminder_sms' (first on line 2)")]


def test_missing_required_keys_point_at_the_table() -> None:
    """A table without a label or cost is refused at its header line."""
    text = GOOD.replace('label = "Reminder"\n', "").replace("cost_minor = 3\n", "")
    assert [(line, message) for line, message in _problems(text)] == [
        (1, "is required"),
        (1, "is required"),
    ]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('kind = "message"', 'kind = "call_task"'), "channel"),
        (('channel = "sms"\n', ""), "channel"),
        (('template = "payment_reminder"\n', ""), "kind"),
        (("capacity_units = 1\n", ""), "capacity_units"),
        (('requires = ["mobile_phone", "sms_consent"]', 'requires = ["sms_consent"]'), "requires"),
        (('kind = "message"', 'kind = "review"'), "review_queue"),
    ],
)
def test_inconsistent_treatments_are_refused(change: tuple[str, str], key: str) -> None:
    """Combinations that cannot describe a real action are refused on the offending key."""
    with pytest.raises(StrategyInvalid) as refused:
        parse_catalogue(GOOD.replace(*change), source="t.toml")
    assert [p.field.rsplit(".", 1)[-1] for p in refused.value.strategy_problems] == [key]


def test_toml_syntax_errors_carry_the_line() -> None:
    """A file tomllib cannot read is refused with the line it stopped at."""
    assert _problems(GOOD + "\nid = = 3\n")[0][0] == 13
