"""Every rule of every program as one small frame: what the rule is and what its treatment is.

Rules are numbered through the programs in order and, within a program, in the order their
candidates take (rules that must precede the first contact first, then as written), so sorting
an account's candidates by rule number puts them in order. The frame carries what the cadence
needs (``every``, ``max_times``), ``slot`` (the number of the program's first rule for the same
treatment, so a treatment listed twice is decided once, in its first place), the catalogue
entry each candidate row repeats, and the bits of the treatment's requirements (``needs``).
"""

from __future__ import annotations

import polars as pl

from arrears.batch.decisions.plan import Plan
from arrears.batch.decisions.requirements import needs
from arrears.strategy.catalogue import Catalogue


def treatment_type(catalogue: Catalogue) -> pl.Enum:
    return pl.Enum(list(catalogue))


def rule_table(plan: Plan, catalogue: Catalogue) -> pl.DataFrame:
    """One row per rule (``rule`` = its number) with its cadence and its treatment's entry."""
    rows: list[dict[str, object]] = []
    for program_number, program in enumerate(plan.programs):
        first: dict[str, int] = {}
        for rule in program.ranked:
            treatment = catalogue[rule.treatment]
            first.setdefault(rule.treatment, len(rows))
            rows.append(
                {
                    "rule": len(rows),
                    "program": program_number,
                    "slot": first[rule.treatment],
                    "segment": program.segment,
                    "treatment": rule.treatment,
                    "rule_text": rule.describe(),
                    "priority": rule.priority,
                    "every": rule.cadence.every_days,
                    "max_times": rule.cadence.max_times,
                    "kind": treatment.kind.value,
                    "channel": treatment.channel.value if treatment.channel else None,
                    "template": treatment.template,
                    "category": treatment.category.value,
                    "cost_minor": treatment.cost_minor,
                    "capacity_class": (
                        treatment.capacity_class.value if treatment.capacity_class else None
                    ),
                    "capacity_units": treatment.capacity_units,
                    "review_queue": treatment.review_queue.value
                    if treatment.review_queue
                    else None,
                    "needs": needs(treatment),
                }
            )
    return pl.DataFrame(rows, schema=_schema(catalogue), orient="row")


def _schema(catalogue: Catalogue) -> pl.Schema:
    text, whole = pl.String(), pl.Int32()
    columns: dict[str, pl.DataType] = {
        "rule": whole,
        "program": whole,
        "slot": whole,
        "segment": text,
        "treatment": treatment_type(catalogue),
        "rule_text": text,
        "priority": whole,
        "every": whole,
        "max_times": whole,
        "kind": text,
        "channel": text,
        "template": text,
        "category": text,
        "cost_minor": pl.Int64(),
        "capacity_class": text,
        "capacity_units": whole,
        "review_queue": text,
    }
    columns["needs"] = pl.UInt8()
    return pl.Schema(columns)
