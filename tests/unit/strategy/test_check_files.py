"""``check_strategy`` on a set of bad files: every problem, at its line, with its severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.strategy.check import check_strategy, load_strategy
from arrears.strategy.problems import Severity, StrategyInvalid

FILES = Path(__file__).parent / "files"
E, W = Severity.ERROR, Severity.WARNING


def _check(name: str) -> list[tuple[int, Severity, str]]:
    checked = check_strategy(
        (FILES / name).read_text(),
        source=name,
        include=lambda other: (FILES / other).read_text(),
    )
    return [(p.line, p.severity, p.message) for p in checked.problems]


# (file, [(line, severity, a fragment of the message)]): the complete list, in order.
CASES = [
    ("unknown_fields.yaml", [
        (3, E, "unknown field 'colour'"),
        (8, E, "unknown field 'balence' (did you mean 'balance'?)"),
        (12, E, "unknown field 'evry' (did you mean 'every'?)"),
        (13, E, "unknown field 'notes'"),
    ]),
    ("wrong_types.yaml", [
        (1, E, "must be text, not a list"),
        (2, E, "must be a number, not 'one'"),
        (6, E, "must be a number, not 'one'"),
        (7, E, "must be true or false, not 'maybe'"),
        (8, E, "must be a list"),
        (11, E, "must be a whole number ≥ 0, not 2.5"),
        (12, E, "must be a whole number ≥ 0, not -1"),
        (14, E, "must be a mapping"),
        (15, E, "must be a list"),
    ]),
    ("unknown_values.yaml", [
        (6, E, "unknown product 'boat'"),
        (7, E, "unknown bucket '30-60' (did you mean '30-59'?)"),
        (8, E, "unknown state 'XX'"),
        (9, E, "unknown collateral 'yacht'"),
        (10, E, "unknown promise 'forgotten'"),
        (12, E, "unknown treatment 'reminder_smss' (did you mean 'reminder_sms'?)"),
        (14, E, "unknown treatment 'fax_blast'"),
    ]),
    ("unreachable.yaml", [
        (8, E, "unreachable: every account it matches goes to an earlier segment ('delinquent')"),
        (12, W, "overlaps earlier segment(s) 'delinquent'"),
        (17, E, "its conditions contradict each other"),
        (22, W, "overlaps earlier segment(s) 'big_cards'"),
        (26, E, "unreachable: every account it matches goes to an earlier segment "
                "('delinquent', 'big_cards', 'current')"),
    ]),
    ("overlapping.yaml", [
        (10, W, "overlaps earlier segment(s) 'broken_promises'"),
        (16, W, "rule 'settlement_offer on day 60 of the episode' is never due"),
        (18, W, "overlaps earlier segment(s) 'broken_promises'"),
        (23, W, "overlaps earlier segment(s) 'broken_promises'"),
    ]),
    ("cadence_conflicts.yaml", [
        (8, E, "give on_day (once) or from_day, not both"),
        (11, E, "on_day is once per episode; use from_day with every to repeat"),
        (14, E, "once: true contradicts every"),
        (17, E, "a repeating rule needs every"),
        (19, E, "until_day 10 comes before the first day 20"),
        (23, E, "max_times applies to repeating rules"),
        (26, E, "must be a whole number ≥ 1, not 0"),
    ]),
    ("experiments_bad.yaml", [
        (16, E, "unknown segment 'middle'"),
        (19, E, "shares add up to 0.85 (0.5 + 0.3 + holdout 0.05), not 1"),
        (24, E, "unknown treatment 'reminder_smz'"),
        (27, E, "segment 'early' is already in experiment 'first'"),
        (29, E, "arm name 'holdout' is reserved"),
        (37, E, "a champion alone compares nothing"),
        (40, E, "segment 'late' is already in experiment 'third'"),
        (41, E, "a hold-out share is at least 0 and below 1, not 1.5"),
        (47, E, "cannot read 'missing.yaml'"),
    ]),
    ("duplicate_keys.yaml", [
        (3, E, "'version' is given twice (line 2)"),
        (8, E, "'dpd' is given twice (line 7)"),
        (10, E, "segment 'early' is already defined on line 5"),
    ]),
    ("money.yaml", [
        (7, E, "10.005 is not a whole number of cents"),
        (8, E, "1.23456 is not a whole number of basis points"),
        (9, E, "1.5 is not a whole number"),
    ]),
    ("not_yaml.yaml", [(6, E, "not valid YAML")]),
    ("good_minimal.yaml", []),
    ("with_challenger_file.yaml", []),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_problem_is_listed_with_its_line(
    name: str, expected: list[tuple[int, Severity, str]]
) -> None:
    """The check lists exactly these problems, in line order, each with its severity."""
    found = _check(name)
    assert [(line, severity) for line, severity, _ in found] == [
        (line, severity) for line, severity, _ in expected
    ]
    for (_, _, message), (line, _, fragment) in zip(found, expected, strict=True):
        assert fragment in message, f"line {line}: {message!r} lacks {fragment!r}"


def test_problems_carry_the_dotted_field() -> None:
    """Each problem names the field to fix, not just the line."""
    checked = check_strategy((FILES / "unknown_values.yaml").read_text(), source="u.yaml")
    assert checked.problems[1].field == "segments[0].when.bucket"
    assert checked.problems[0].file == "u.yaml"
    assert str(checked.problems[0]).startswith("u.yaml:6: error: segments[0].when.product:")


def test_warnings_alone_do_not_refuse_a_file() -> None:
    """Overlaps are warnings: the strategy still loads, first match wins."""
    strategy = load_strategy((FILES / "overlapping.yaml").read_text(), source="o.yaml")
    assert strategy.segments[0].name == "broken_promises"


def test_errors_refuse_a_file_listing_every_one() -> None:
    """Loading a file with errors raises StrategyInvalid carrying all of them."""
    with pytest.raises(StrategyInvalid) as refused:
        load_strategy((FILES / "unknown_values.yaml").read_text(), source="u.yaml")
    assert len(refused.value.strategy_problems) == 7
    assert refused.value.total == 7


def test_a_minimal_strategy_reads_into_the_model() -> None:
    """Segments, rules, cadences and the experiment come out as written (money in cents)."""
    strategy = load_strategy((FILES / "good_minimal.yaml").read_text(), source="m.yaml")
    early = strategy.segment("early")
    call = early.treatments[1]
    assert (strategy.name, strategy.version) == ("minimal", 3)
    assert (call.cadence.from_dpd, call.cadence.every_days) == (7, 3)
    assert call.when[0].low == 50_000  # type: ignore[union-attr]
    assert call.describe() == "agent_call every 3 days from day 7 if balance ≥ $500.00"
    experiment = strategy.experiments[0]
    assert [a.name for a in experiment.arms] == ["champion", "day_one"]
    assert str(experiment.holdout) == "0.1"


def test_an_arm_can_point_to_another_strategy_file() -> None:
    """The challenger file is read through ``include`` and attached to its arm."""
    strategy = load_strategy(
        (FILES / "with_challenger_file.yaml").read_text(),
        source="w.yaml",
        include=lambda other: (FILES / other).read_text(),
    )
    arm = strategy.experiments[0].arms[1]
    assert arm.strategy is not None
    assert arm.strategy.name == "challenger"


def test_problems_in_an_included_file_name_that_file() -> None:
    """A broken challenger file is reported under its own name and lines."""
    checked = check_strategy(
        (FILES / "with_challenger_file.yaml").read_text(),
        source="w.yaml",
        include=lambda other: (FILES / "unknown_fields.yaml").read_text(),
    )
    assert {p.file for p in checked.problems} == {"challenger.yaml"}
    assert [p.line for p in checked.problems] == [3, 8, 12, 13]


def test_a_first_contact_notice_where_the_notice_was_sent_is_never_due() -> None:
    """The check knows a before-first-contact rule waits for a notice not yet sent."""
    text = (
        "strategy: t\nversion: 1\nsegments:\n  - name: s\n    when: {validation_sent: true}\n"
        "    treatments:\n      - {treatment: validation_notice, before_first_contact: true}\n"
    )
    checked = check_strategy(text, source="t.yaml")
    assert [(p.line, p.severity) for p in checked.problems] == [(7, W)]
    assert "never due" in checked.problems[0].message
