"""Which accounts a conjunction of conditions matches, as a box of cells, exactly.

Every condition field is a dimension. A numeric dimension is cut at every bound any condition
uses into cells: the bound values themselves and the open gaps between them (plus a cell for
"no value" where the column can be null). A whole-number range ``[a, b]`` is the real range
``[a, b + 1)``, so gaps never hide whole numbers. Set and flag dimensions have a cell per value.
A conjunction of conditions is then a box (a set of cells per dimension), and whether a box is
covered by earlier boxes is decided exactly by subtracting them from it one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from arrears.domain.delinquency import BucketScheme
from arrears.strategy.conditions import Condition, Flag, OneOf, Range
from arrears.strategy.features import FIELDS, ConditionField, FieldKind, Nulls, set_values

Box = tuple[frozenset[int], ...]
_MAX_PIECES = 200_000  # beyond this the answer is "not proven covered" (never a false error)


@dataclass(frozen=True, slots=True)
class _Interval:
    low: Decimal | None  # None: no lower bound
    low_closed: bool
    high: Decimal | None  # None: no upper bound
    high_closed: bool

    def holds_point(self, value: Decimal) -> bool:
        above = self.low is None or value > self.low or (value == self.low and self.low_closed)
        below = self.high is None or value < self.high or (value == self.high and self.high_closed)
        return above and below

    def holds_gap(self, low: Decimal | None, high: Decimal | None) -> bool:
        above = self.low is None or (low is not None and low >= self.low)
        below = self.high is None or (high is not None and high <= self.high)
        return above and below


@dataclass(frozen=True, slots=True)
class _Cell:
    low: Decimal | None  # a point cell has low == high
    high: Decimal | None
    point: bool = False
    null: bool = False


class Space:
    """The cells of every dimension that the given condition lists mention."""

    def __init__(self, condition_lists: Iterable[Sequence[Condition]], buckets: BucketScheme):
        self._buckets = buckets
        lists = [list(conditions) for conditions in condition_lists]
        names = sorted({self._dimension(c) for conditions in lists for c in conditions})
        self.dimensions = tuple(names)
        self._cells: dict[str, list[_Cell]] = {}
        for name in names:
            if FIELDS[name].kind is FieldKind.RANGE:
                intervals = [
                    interval
                    for conditions in lists
                    for condition in conditions
                    if self._dimension(condition) == name
                    for interval in self._intervals(condition)
                ]
                self._cells[name] = _numeric_cells(FIELDS[name], intervals)

    def box(self, conditions: Sequence[Condition]) -> Box:
        """The cells an account meeting every one of ``conditions`` may fall in."""
        return tuple(
            frozenset.intersection(
                self._universe(name),
                *(self._matching(c) for c in conditions if self._dimension(c) == name),
            )
            for name in self.dimensions
        )

    def _dimension(self, condition: Condition) -> str:
        return "dpd" if condition.field == "bucket" else condition.field

    def _universe(self, name: str) -> frozenset[int]:
        spec = FIELDS[name]
        if spec.kind is FieldKind.RANGE:
            return frozenset(range(len(self._cells[name])))
        if spec.kind is FieldKind.FLAG:
            return frozenset({0, 1})
        return frozenset(range(len(set_values(spec, self._buckets))))

    def _matching(self, condition: Condition) -> frozenset[int]:
        if isinstance(condition, Flag):
            return frozenset({int(condition.value)})
        if isinstance(condition, OneOf) and condition.field != "bucket":
            values = set_values(FIELDS[condition.field], self._buckets)
            return frozenset(i for i, v in enumerate(values) if v in condition.values)
        spec = FIELDS[self._dimension(condition)]
        return frozenset(
            index
            for index, cell in enumerate(self._cells[spec.name])
            if any(_holds(spec, interval, cell) for interval in self._intervals(condition))
        )

    def _intervals(self, condition: Condition) -> list[_Interval]:
        """The condition as real intervals (a bucket list is a union of DPD ranges)."""
        if isinstance(condition, Range):
            return [_interval(FIELDS[condition.field], condition)]
        if isinstance(condition, OneOf) and condition.field == "bucket":
            found = []
            for bucket in self._buckets.buckets:
                if bucket.name in condition.values:
                    high = None if bucket.max_dpd is None else Decimal(bucket.max_dpd)
                    found.append(
                        _interval(FIELDS["dpd"], Range("dpd", Decimal(bucket.min_dpd), high))
                    )
            return found
        return []


def _interval(spec: ConditionField, condition: Range) -> _Interval:
    if spec.integer:  # [a, b] of whole numbers is the real range [a, b + 1)
        high = None if condition.high is None else condition.high + 1
        return _Interval(condition.low, True, high, False)
    return _Interval(condition.low, not condition.low_open, condition.high, not condition.high_open)


def _numeric_cells(spec: ConditionField, intervals: list[_Interval]) -> list[_Cell]:
    bounds = {b for i in intervals for b in (i.low, i.high) if b is not None}
    if spec.floor is not None:
        bounds.add(Decimal(spec.floor))
    ordered = sorted(bounds)
    cells = [_Cell(None, ordered[0] if ordered else None)]
    for index, value in enumerate(ordered):
        cells.append(_Cell(value, value, point=True))
        cells.append(_Cell(value, ordered[index + 1] if index + 1 < len(ordered) else None))
    if spec.floor is not None:  # no account lies below the floor
        floor = Decimal(spec.floor)
        cells = [c for c in cells if c.low is not None and c.low >= floor]
    if spec.nullable:
        cells.append(_Cell(None, None, null=True))
    return cells


def _holds(spec: ConditionField, interval: _Interval, cell: _Cell) -> bool:
    if cell.null:  # no value: above every bound for "never contacted", else matches no range
        return spec.nulls is Nulls.HIGHEST and interval.high is None
    if cell.point:
        assert cell.low is not None
        return interval.holds_point(cell.low)
    return interval.holds_gap(cell.low, cell.high)


def is_empty(box: Box) -> bool:
    return any(not cells for cells in box)


def intersects(box: Box, other: Box) -> bool:
    return all(a & b for a, b in zip(box, other, strict=True))


def covered(box: Box, earlier: Sequence[Box]) -> bool:
    """Whether every account in ``box`` is in some box of ``earlier`` (exact)."""
    remaining = [] if is_empty(box) else [box]
    for other in earlier:
        remaining = [piece for part in remaining for piece in _subtract(part, other)]
        if not remaining:
            return True
        if len(remaining) > _MAX_PIECES:
            return False
    return not remaining


def _subtract(box: Box, other: Box) -> list[Box]:
    """``box`` minus ``other`` as disjoint boxes."""
    if not intersects(box, other):
        return [box]
    pieces: list[Box] = []
    current = list(box)
    for dimension, cells in enumerate(box):
        outside = cells - other[dimension]
        if outside:
            pieces.append((*current[:dimension], outside, *current[dimension + 1 :]))
        current[dimension] = cells & other[dimension]
    return pieces
