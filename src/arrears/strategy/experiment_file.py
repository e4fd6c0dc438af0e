"""Reading the ``experiments:`` of a strategy file: champion/challenger arms and a hold-out.

```yaml
experiments:
  - id: early_sms_day_1          # part of every account's assignment hash: never reuse an id
    segments: [early_stage]
    holdout: 0.05                # only what the law requires
    arms:
      - name: champion           # no treatments: the segment's own rules
        share: 0.55
      - name: sms_day_1
        share: 0.40
        treatments: [...]        # replaces the segment's rules
      # or  strategy: other.yaml # the account follows another strategy file
```
Shares and the hold-out add up to exactly 1 (read as decimals, so 0.1 + 0.2 is 0.3).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from arrears.domain.delinquency import BucketScheme
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.model import HOLDOUT, Arm, Experiment, Strategy
from arrears.strategy.rules import read_rules
from arrears.strategy.yaml_reader import Node, Reader, line_of, suggest

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXPERIMENT_FIELDS = ("id", "description", "segments", "holdout", "arms")
ARM_FIELDS = ("name", "description", "share", "treatments", "strategy")

LoadStrategy = Callable[[str, Node, str], Strategy | None]


def read_experiments(
    reader: Reader,
    node: Node,
    *,
    segments: Sequence[str],
    load: LoadStrategy,
    catalogue: Catalogue,
    buckets: BucketScheme,
) -> tuple[Experiment, ...]:
    experiments: list[Experiment] = []
    claimed: dict[str, str] = {}  # segment -> experiment id
    for index, item in enumerate(reader.sequence(node, "experiments") or []):
        path = f"experiments[{index}]"
        entries = reader.mapping(
            item, path, allowed=EXPERIMENT_FIELDS, required=("id", "segments", "arms")
        )
        if entries is None or not {"id", "segments", "arms"} <= entries.keys():
            continue
        before = len(reader.problems)
        experiment_id = _name(reader, entries["id"], f"{path}.id")
        if experiment_id in {e.id for e in experiments}:
            reader.error(
                entries["id"], f"{path}.id", f"experiment {experiment_id!r} is defined twice"
            )
        covered = _segments(reader, entries["segments"], f"{path}.segments", segments, claimed)
        holdout = _holdout(reader, entries.get("holdout"), f"{path}.holdout")
        arms, all_read = _arms(
            reader, entries["arms"], f"{path}.arms", load=load, catalogue=catalogue, buckets=buckets
        )
        if all_read and holdout is not None:
            _check_shares(reader, entries["arms"], f"{path}.arms", arms, holdout)
        for segment in covered:
            claimed[segment] = experiment_id or "?"
        if len(reader.problems) > before or experiment_id is None or holdout is None:
            continue
        description = (
            reader.text(entries["description"], f"{path}.description")
            if "description" in entries
            else ""
        )
        experiments.append(
            Experiment(experiment_id, covered, arms, holdout, description or "", line_of(item))
        )
    return tuple(experiments)


def _name(reader: Reader, node: Node, path: str) -> str | None:
    name = reader.text(node, path)
    if name is not None and not NAME.match(name):
        reader.error(node, path, "must be lower_snake_case")
        return None
    return name


def _segments(
    reader: Reader, node: Node, path: str, known: Sequence[str], claimed: dict[str, str]
) -> tuple[str, ...]:
    names: list[str] = []
    for name, name_node in reader.texts(node, path) or []:
        if name not in known:
            reader.error(name_node, path, f"unknown segment {name!r}{suggest(name, known)}")
        elif name in claimed:
            other = claimed[name]
            message = f"segment {name!r} is already in experiment {other!r} (one at a time)"
            reader.error(name_node, path, message)
        else:
            names.append(name)
    return tuple(names)


def _holdout(reader: Reader, node: Node | None, path: str) -> Decimal | None:
    if node is None:
        return Decimal(0)
    share = reader.number(node, path)
    if share is not None and not Decimal(0) <= share < 1:
        reader.error(node, path, f"a hold-out share is at least 0 and below 1, not {share}")
        return None
    return share


def _arms(
    reader: Reader,
    node: Node,
    path: str,
    *,
    load: LoadStrategy,
    catalogue: Catalogue,
    buckets: BucketScheme,
) -> tuple[tuple[Arm, ...], bool]:
    """The arms, and whether every arm's name and share could be read."""
    arms: list[Arm] = []
    items = reader.sequence(node, path) or []
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        entries = reader.mapping(item, where, allowed=ARM_FIELDS, required=("name", "share"))
        if entries is None or not {"name", "share"} <= entries.keys():
            continue
        name = _name(reader, entries["name"], f"{where}.name")
        if name == HOLDOUT or name in {a.name for a in arms}:
            taken = "reserved for the hold-out" if name == HOLDOUT else "taken"
            reader.error(entries["name"], f"{where}.name", f"arm name {name!r} is {taken}")
        share = reader.number(entries["share"], f"{where}.share")
        if share is not None and not Decimal(0) < share <= 1:
            reader.error(
                entries["share"], f"{where}.share", f"a share is above 0 and at most 1, not {share}"
            )
            share = None
        if {"treatments", "strategy"} <= entries.keys():
            reader.error(item, where, "an arm has treatments or a strategy, not both")
            continue
        treatments = None
        if "treatments" in entries:
            treatments = read_rules(
                reader,
                entries["treatments"],
                f"{where}.treatments",
                catalogue=catalogue,
                buckets=buckets,
            )
        file = (
            reader.text(entries["strategy"], f"{where}.strategy") if "strategy" in entries else None
        )
        nested = load(file, entries["strategy"], f"{where}.strategy") if file else None
        if name is not None and share is not None:
            arms.append(Arm(name, share, treatments, file, nested, line_of(item)))
    return tuple(arms), bool(items) and len(arms) == len(items)


def _check_shares(
    reader: Reader, node: Node, path: str, arms: tuple[Arm, ...], holdout: Decimal
) -> None:
    champions = sum(arm.champion for arm in arms)
    if champions != 1:
        message = f"needs one champion arm (no treatments or strategy), found {champions}"
        reader.error(node, path, message)
    elif len(arms) == 1 and not holdout:
        reader.error(node, path, "a champion alone compares nothing: add a challenger or a holdout")
    total = sum((arm.share for arm in arms), holdout)
    if total != 1:
        shown = f"{' + '.join(str(a.share) for a in arms)}" + (
            f" + holdout {holdout}" if holdout else ""
        )
        reader.error(node, path, f"shares add up to {total} ({shown}), not 1")
