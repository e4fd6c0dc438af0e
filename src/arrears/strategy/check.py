"""Checking a strategy file: every problem, with its line, before the file may be used.

On top of what the loader finds (unknown fields, wrong types, unknown treatments and values,
experiments whose shares do not add up), the check compares segments with each other: a segment
every account of which an earlier segment already takes is unreachable (an error: its rules
would never run); a segment that shares accounts with an earlier one overlaps (a warning: first
match wins); a rule whose conditions or days exclude every account of its segment is never due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

from arrears.domain.delinquency import DEFAULT_BUCKETS, BucketScheme
from arrears.strategy.catalogue import Catalogue, default_catalogue
from arrears.strategy.conditions import Condition, Flag, Range
from arrears.strategy.coverage import Box, Space, covered, intersects, is_empty
from arrears.strategy.loader import Include, read_strategy
from arrears.strategy.model import Segment, Strategy, TreatmentRule
from arrears.strategy.problems import (
    Severity,
    StrategyInvalid,
    StrategyProblem,
    sort_problems,
)

DEFAULT_STRATEGY_FILE = "default.yaml"


@dataclass(frozen=True, slots=True)
class StrategyCheck:
    """The outcome of checking one file: the strategy (if it could be read) and its problems."""

    source: str
    strategy: Strategy | None
    problems: list[StrategyProblem]

    @property
    def errors(self) -> list[StrategyProblem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[StrategyProblem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return self.strategy is not None and not self.errors


def check_strategy(
    text: str,
    *,
    source: str,
    catalogue: Catalogue | None = None,
    buckets: BucketScheme = DEFAULT_BUCKETS,
    include: Include | None = None,
) -> StrategyCheck:
    """Every problem in a strategy file's ``text`` (``source`` names it in the problems)."""
    loaded = read_strategy(
        text,
        source=source,
        catalogue=catalogue or default_catalogue(),
        buckets=buckets,
        include=include,
    )
    problems = list(loaded.problems)
    if loaded.strategy is not None:
        problems += compare_segments(loaded.strategy, complete=loaded.complete)
        for experiment in loaded.strategy.experiments:
            for arm in experiment.arms:
                if arm.strategy is not None:
                    problems += compare_segments(arm.strategy)
    return StrategyCheck(source, loaded.strategy, sort_problems(problems))


def load_strategy(
    text: str,
    *,
    source: str,
    catalogue: Catalogue | None = None,
    buckets: BucketScheme = DEFAULT_BUCKETS,
    include: Include | None = None,
) -> Strategy:
    """The strategy in ``text``; raises ``StrategyInvalid`` listing every error."""
    checked = check_strategy(
        text, source=source, catalogue=catalogue, buckets=buckets, include=include
    )
    if checked.strategy is None or checked.errors:
        raise StrategyInvalid(checked.errors)
    return checked.strategy


def default_strategy_text() -> str:
    """The YAML of the strategy shipped with arrears, as a starting point to edit."""
    data = files("arrears.strategy.data")
    return data.joinpath(DEFAULT_STRATEGY_FILE).read_text(encoding="utf-8")


@cache
def default_strategy() -> Strategy:
    """The strategy shipped with arrears (docs/strategy.md explains it)."""
    return load_strategy(default_strategy_text(), source=DEFAULT_STRATEGY_FILE)


def compare_segments(
    strategy: Strategy, *, complete: frozenset[str] | None = None
) -> list[StrategyProblem]:
    """Unreachable and overlapping segments, and rules never due, among ``complete`` segments."""
    segments = [s for s in strategy.segments if complete is None or s.name in complete]
    rule_sets = _rule_sets(strategy, segments)
    space = Space(
        [s.when for s in segments] + [_rule_conditions(s, r) for s, r, _ in rule_sets],
        strategy.buckets,
    )
    findings: list[tuple[int, str, str, Severity]] = []
    earlier: dict[str, Box] = {}
    reaching: dict[str, list[Box]] = {}  # the boxes of the segments before each segment
    for segment in segments:
        box = space.box(segment.when)
        found = _segment_findings(segment, box, earlier)
        findings += found
        reaching[segment.name] = list(earlier.values())
        if not any(severity is Severity.ERROR for *_, severity in found):
            earlier[segment.name] = box  # unreachable segments take no account from later ones
    for segment, rule, arm in rule_sets:
        rule_box = space.box(_rule_conditions(segment, rule))
        if is_empty(rule_box) or covered(rule_box, reaching[segment.name]):
            message = (
                f"rule '{rule.describe()}' is never due: its days or conditions exclude every "
                "account of the segment"
            )
            where = f"segment {segment.name}" + (f" (arm {arm})" if arm else "")
            findings.append((rule.line, where, message, Severity.WARNING))
    return [StrategyProblem(strategy.source, *finding) for finding in findings]


def _segment_findings(
    segment: Segment, box: Box, earlier: dict[str, Box]
) -> list[tuple[int, str, str, Severity]]:
    taken = ", ".join(repr(name) for name, other in earlier.items() if intersects(box, other))
    where = f"segment {segment.name}"
    if is_empty(box):
        message = "its conditions contradict each other: it matches no account"
        return [(segment.line, where, message, Severity.ERROR)]
    if covered(box, list(earlier.values())):
        message = f"unreachable: every account it matches goes to an earlier segment ({taken})"
        return [(segment.line, where, message, Severity.ERROR)]
    if taken:
        message = (
            f"overlaps earlier segment(s) {taken}: accounts matching both follow the earlier "
            "one (first match wins)"
        )
        return [(segment.line, where, message, Severity.WARNING)]
    return []


def _rule_sets(
    strategy: Strategy, segments: Sequence[Segment]
) -> list[tuple[Segment, TreatmentRule, str]]:
    """(segment, rule, arm) for every rule that can run: the segment's own and challengers'."""
    found = [(s, r, "") for s in segments for r in s.treatments]
    for experiment in strategy.experiments:
        for arm in experiment.arms:
            for segment in segments:
                if segment.name in experiment.segments:
                    found += [(segment, r, arm.name) for r in arm.treatments or ()]
    return found


def _rule_conditions(segment: Segment, rule: TreatmentRule) -> tuple[Condition, ...]:
    """The segment's conditions, the rule's own, its window of days past due, and for a
    first-contact notice that no validation notice has been sent yet."""
    start, until = rule.cadence.from_dpd, rule.cadence.until_dpd
    implied: tuple[Condition, ...] = ()
    if start is not None or until is not None:
        low = Decimal(start) if start is not None else None
        implied = (Range("dpd", low, Decimal(until) if until is not None else None),)
    if rule.cadence.before_first_contact:
        implied += (Flag("validation_sent", value=False),)
    return segment.when + rule.when + implied
