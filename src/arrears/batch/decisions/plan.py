"""A strategy compiled for frames: the rule lists accounts can follow, and how they are chosen.

A *program* is one list of rules: a segment's own (the champion's), a challenger's replacement
for a segment, a hold-out's (the segment's legally required treatments only), or a segment of
another strategy an arm hands its accounts to. Every account follows at most one program; its
number is computed once, so each rule is then evaluated only over the accounts that follow it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from arrears.batch.decisions.conditions import columns, matches
from arrears.batch.decisions.segments import segment_index
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.experiments import ArmRole, slices
from arrears.strategy.model import Experiment, Strategy, TreatmentRule

SEGMENT_INDEX = "segment_index"


def arm_column(experiment: str) -> str:
    return f"arm:{experiment}"


def probability_column(experiment: str) -> str:
    return f"arm_probability:{experiment}"


@dataclass(frozen=True, slots=True)
class Program:
    segment: str  # the segment recorded with the decision
    rules: tuple[TreatmentRule, ...]
    buckets_from: Strategy  # whose bucket scheme the rules' conditions use

    @property
    def ranked(self) -> tuple[TreatmentRule, ...]:
        """The rules in the order their candidates take: first-contact notices first.

        Rules are numbered through the programs in this order, everywhere.
        """
        return tuple(sorted(self.rules, key=lambda r: not r.cadence.before_first_contact))


@dataclass(frozen=True, slots=True)
class Route:
    """Accounts of ``experiment``'s segments in ``arm`` follow other programs than the champion."""

    experiment: str
    arm: str
    segments: tuple[int, ...]  # positions of the experiment's segments in the base strategy
    programs: tuple[tuple[int, int], ...] = ()  # (base segment position, program)
    nested: Strategy | None = None  # the arm's own strategy: program = offset + its segment
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    strategy: Strategy
    programs: tuple[Program, ...]
    routes: tuple[Route, ...]

    def program(self) -> pl.Expr:
        """The program each account follows (null: none), from its segment and arms."""
        chosen = pl.col(SEGMENT_INDEX)
        for route in reversed(self.routes):
            in_arm = pl.col(SEGMENT_INDEX).is_in(route.segments) & (
                pl.col(arm_column(route.experiment)) == route.arm
            )
            chosen = pl.when(in_arm).then(_routed(route)).otherwise(chosen)
        return chosen.cast(pl.Int32)

    def experiment_columns(self) -> list[pl.Expr]:
        """``experiment``, ``arm`` and ``arm_probability`` of accounts inside an experiment."""
        recorded: dict[str, list[pl.Expr]] = {"experiment": [], "arm": [], "arm_probability": []}
        for experiment in self.strategy.experiments:
            positions = [self.position(s) for s in experiment.segments]
            arm = pl.col(arm_column(experiment.id))
            inside = pl.col(SEGMENT_INDEX).is_in(positions) & arm.is_not_null()
            recorded["experiment"].append(pl.when(inside).then(pl.lit(experiment.id)))
            recorded["arm"].append(pl.when(inside).then(arm))
            recorded["arm_probability"].append(
                pl.when(inside).then(pl.col(probability_column(experiment.id)))
            )
        return [
            (pl.coalesce(exprs) if exprs else pl.lit(None)).cast(dtype).alias(name)
            for (name, exprs), dtype in zip(
                recorded.items(), (pl.String, pl.String, pl.Float64), strict=True
            )
        ]

    def position(self, segment: str) -> int:
        return next(i for i, s in enumerate(self.strategy.segments) if s.name == segment)

    def rule_mask(self, rule: TreatmentRule, program: Program) -> pl.Expr:
        """Where the rule's days, conditions and first-contact gate hold (history aside)."""
        dpd = pl.col("dpd")
        parts = [matches(rule.when, program.buckets_from.buckets)]
        if rule.cadence.from_dpd is not None:
            parts.append(dpd >= rule.cadence.from_dpd)
        if rule.cadence.until_dpd is not None:
            parts.append(dpd <= rule.cadence.until_dpd)
        if rule.cadence.before_first_contact:
            parts.append(~pl.col("validation_sent").fill_null(value=False))
        return pl.all_horizontal(parts).fill_null(value=False)

    def mask_columns(self) -> set[str]:
        """The FEATURES columns ``rule_mask`` reads."""
        return {"dpd", "validation_sent"} | {
            c for p in self.programs for r in p.rules for c in columns(r.when)
        }

    def columns(self) -> set[str]:
        """Every FEATURES column the programs' rules and nested segmentations read."""
        used = {"loan_id", "episode_start"} | self.mask_columns()
        for route in self.routes:
            if route.nested is not None:
                used |= {c for s in route.nested.segments for c in columns(s.when)}
        return used


def _routed(route: Route) -> pl.Expr:
    if route.nested is not None:
        return segment_index(route.nested) + route.offset
    positions, programs = zip(*route.programs, strict=True)
    return pl.col(SEGMENT_INDEX).replace_strict(positions, programs, default=None)


def build_plan(strategy: Strategy, catalogue: Catalogue) -> Plan:
    """Programs: the segments' own first (program i is segment i), then the experiments'."""
    programs = [Program(s.name, s.treatments, strategy) for s in strategy.segments]
    routes: list[Route] = []
    for experiment in strategy.experiments:
        covered = tuple(i for i, s in enumerate(strategy.segments) if s.name in experiment.segments)
        for part in slices(experiment):
            if part.role is not ArmRole.CHAMPION:
                route, added = _route(
                    strategy, experiment, part.arm, covered, catalogue, first=len(programs)
                )
                routes.append(route)
                programs += added
    return Plan(strategy, tuple(programs), tuple(routes))


def _route(
    strategy: Strategy,
    experiment: Experiment,
    arm_name: str,
    covered: tuple[int, ...],
    catalogue: Catalogue,
    *,
    first: int,
) -> tuple[Route, list[Program]]:
    """Where a challenger or the hold-out sends accounts, and the programs that adds."""
    arm = next((a for a in experiment.arms if a.name == arm_name), None)  # None: the hold-out
    if arm is not None and arm.strategy is not None:
        nested = arm.strategy
        added = [Program(f"{nested.name}/{s.name}", s.treatments, nested) for s in nested.segments]
        return Route(experiment.id, arm_name, covered, nested=nested, offset=first), added
    programs = []
    for position in covered:
        segment = strategy.segments[position]
        rules = (
            arm.treatments or ()
            if arm is not None
            else tuple(r for r in segment.treatments if catalogue[r.treatment].legally_required)
        )
        programs.append(Program(segment.name, rules, strategy))
    mapping = tuple((position, first + i) for i, position in enumerate(covered))
    return Route(experiment.id, arm_name, covered, mapping), programs
