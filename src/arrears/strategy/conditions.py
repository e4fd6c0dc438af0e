"""Conditions on an account: numeric ranges, sets of values and flags, read from a ``when:``.

``when: {dpd: {min: 1, max: 29}, product: [auto, card], sms_consent: true}`` is a conjunction:
an account matches when every condition holds. Ranges are converted to the column's units
exactly (dollars to cents, LTV to basis points) and, for whole-number columns, to inclusive
bounds (``balance: {above: 1000}`` is ``balance_minor ≥ 100001``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from arrears.domain.delinquency import BucketScheme
from arrears.strategy.features import FIELDS, ConditionField, FieldKind, set_values
from arrears.strategy.yaml_reader import Node, Reader, suggest

_BOUNDS = ("min", "max", "above", "below")
_SYMBOLS = {"min": "≥", "max": "≤", "above": ">", "below": "<"}


@dataclass(frozen=True, slots=True)
class Range:
    """``low ≤ value ≤ high`` in column units (``<`` where open); None is unbounded."""

    field: str
    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False
    label: str = dataclasses.field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class OneOf:
    field: str
    values: frozenset[str]
    label: str = dataclasses.field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Flag:
    field: str
    value: bool
    label: str = dataclasses.field(default="", compare=False)


Condition = Range | OneOf | Flag


def describe(conditions: tuple[Condition, ...]) -> str:
    """``dpd 1–29 and balance ≥ $500.00``: the conditions as a person reads them."""
    return " and ".join(c.label for c in conditions)


def read_conditions(
    reader: Reader, node: Node, path: str, *, buckets: BucketScheme
) -> tuple[Condition, ...]:
    """The conditions of a ``when:`` mapping; each bad one is a problem and is left out."""
    entries = reader.mapping(node, path, allowed=FIELDS)
    conditions: list[Condition] = []
    for name, value in (entries or {}).items():
        spec = FIELDS[name]
        where = f"{path}.{name}"
        condition: Condition | None
        if spec.kind is FieldKind.RANGE:
            condition = _read_range(reader, value, where, spec)
        elif spec.kind is FieldKind.SET:
            condition = _read_set(reader, value, where, spec, buckets)
        else:
            flag = reader.flag(value, where)
            condition = None if flag is None else Flag(name, flag, name if flag else f"not {name}")
        if condition is not None:
            conditions.append(condition)
    return tuple(conditions)


def _read_range(reader: Reader, node: Node, path: str, spec: ConditionField) -> Range | None:
    entries = reader.mapping(node, path, allowed=_BOUNDS)
    if entries is None:
        return None
    if not entries:
        reader.error(node, path, "give at least one of min, max, above, below")
        return None
    for pair in (("min", "above"), ("max", "below")):
        if set(pair) <= entries.keys():
            reader.error(node, path, f"give {pair[0]} or {pair[1]}, not both")
            return None
    bounds: dict[str, Decimal] = {}
    for bound, value_node in entries.items():
        value = _scaled(reader, value_node, f"{path}.{bound}", spec)
        if value is not None:
            bounds[bound] = value
    if len(bounds) < len(entries):
        return None
    found = _range(spec, bounds, _range_label(spec, bounds))
    if _empty(found, spec):
        reader.error(node, path, f"{found.label} matches no account")
        return None
    return found


def _scaled(reader: Reader, node: Node, path: str, spec: ConditionField) -> Decimal | None:
    written = reader.number(node, path)
    if written is None:
        return None
    value = written * spec.scale
    if spec.integer and value != value.to_integral_value():
        unit = "a whole number of cents" if spec.money else "a whole number"
        unit = f"{unit} of basis points" if spec.scale == 10_000 else unit
        reader.error(node, path, f"{written} is not {unit}")
        return None
    return value


def _range(spec: ConditionField, bounds: dict[str, Decimal], label: str) -> Range:
    low = bounds.get("min", bounds.get("above"))
    high = bounds.get("max", bounds.get("below"))
    low_open, high_open = "above" in bounds, "below" in bounds
    if spec.integer:  # whole numbers: every bound becomes inclusive
        low = low + 1 if low is not None and low_open else low
        high = high - 1 if high is not None and high_open else high
        low_open = high_open = False
    return Range(spec.name, low, high, low_open, high_open, label)


def _range_label(spec: ConditionField, bounds: dict[str, Decimal]) -> str:
    if bounds.keys() == {"min", "max"}:
        return f"{spec.name} {spec.written(bounds['min'])}–{spec.written(bounds['max'])}"
    return " and ".join(f"{spec.name} {_SYMBOLS[b]} {spec.written(v)}" for b, v in bounds.items())


def _empty(found: Range, spec: ConditionField) -> bool:
    if found.high is not None and spec.floor is not None and found.high < spec.floor:
        return True
    if found.low is None or found.high is None:
        return False
    return found.low > found.high or (
        found.low == found.high and (found.low_open or found.high_open)
    )


def _read_set(
    reader: Reader, node: Node, path: str, spec: ConditionField, buckets: BucketScheme
) -> OneOf | None:
    words = reader.texts(node, path)
    if words is None:
        return None
    if not words:
        reader.error(node, path, "lists no value, so it matches no account")
        return None
    allowed = set_values(spec, buckets)
    good = True
    for word, word_node in words:
        if word not in allowed:
            hint = suggest(word, allowed) or _choices(allowed)
            reader.error(word_node, path, f"unknown {spec.name} {word!r}{hint}")
            good = False
    if not good:
        return None
    values = [w for w, _ in words]
    label = (
        f"{spec.name} {values[0]}" if len(values) == 1 else f"{spec.name} in {', '.join(values)}"
    )
    return OneOf(spec.name, frozenset(values), label)


def _choices(allowed: tuple[str, ...]) -> str:
    shown = ", ".join(allowed[:12])
    return f" (one of: {shown}{', …' if len(allowed) > 12 else ''})"
