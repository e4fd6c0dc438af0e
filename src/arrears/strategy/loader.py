"""Reading a strategy file (YAML) into a ``Strategy``, with every problem and its line number.

The loader is pure: it gets the file's text, and for experiment arms that point to another
strategy file an ``include`` function that returns that file's text (the caller does the I/O).
Structure, types and vocabularies are checked here; ``arrears.strategy.check`` adds the
analysis across segments (unreachable and overlapping segments).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from arrears.domain.delinquency import DEFAULT_BUCKETS, BucketScheme
from arrears.errors import ArrearsError
from arrears.strategy.catalogue import Catalogue
from arrears.strategy.conditions import read_conditions
from arrears.strategy.experiment_file import read_experiments
from arrears.strategy.model import Experiment, Optimise, Segment, Strategy
from arrears.strategy.optimise_file import read_optimise
from arrears.strategy.problems import StrategyProblem
from arrears.strategy.rules import read_rules
from arrears.strategy.yaml_reader import Node, Reader, line_of

Include = Callable[[str], str]
"""Returns the text of a strategy file named by an experiment arm (relative to the strategy)."""

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
STRATEGY_FIELDS = (
    "strategy",
    "version",
    "description",
    "segments",
    "experiments",
    "optimise",
)
SEGMENT_FIELDS = ("name", "description", "when", "treatments")


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the file says (``None`` if it could not be read at all) and what is wrong with it.

    ``complete`` names the segments whose conditions were read without a problem: only those
    take part in the analysis across segments, so one typo does not cause false reports.
    """

    strategy: Strategy | None
    problems: list[StrategyProblem]
    complete: frozenset[str] = frozenset()


def read_strategy(
    text: str,
    *,
    source: str,
    catalogue: Catalogue,
    buckets: BucketScheme = DEFAULT_BUCKETS,
    include: Include | None = None,
    nested: bool = False,
) -> Loaded:
    """Read ``text``; ``nested`` strategies (named by an arm) may not run experiments."""
    reader = Reader(source)
    root = reader.compose(text)
    if root is None:
        return Loaded(None, reader.problems)
    top = reader.mapping(
        root, "", allowed=STRATEGY_FIELDS, required=("strategy", "version", "segments")
    )
    if top is None:
        return Loaded(None, reader.problems)
    name = reader.text(top["strategy"], "strategy") if "strategy" in top else None
    version = reader.whole(top["version"], "version", minimum=1) if "version" in top else None
    description = _description(reader, top, "description")
    segments, complete = _read_segments(reader, top.get("segments"), catalogue, buckets)
    experiments: tuple[Experiment, ...] = ()
    if "experiments" in top:
        if nested:
            message = "a strategy named by an arm cannot run experiments of its own"
            reader.error(top["experiments"], "experiments", message)
        else:
            experiments = read_experiments(
                reader,
                top["experiments"],
                segments=[s.name for s in segments],
                load=_nested_loader(catalogue, buckets, include, reader),
                catalogue=catalogue,
                buckets=buckets,
            )
    optimise: Optimise | None = None
    if "optimise" in top:
        if nested:
            message = "a strategy named by an arm follows its parent's optimiser settings"
            reader.error(top["optimise"], "optimise", message)
        else:
            optimise = read_optimise(reader, top["optimise"], catalogue=catalogue)
    strategy = Strategy(
        name=name or "unnamed",
        version=version or 0,
        segments=segments,
        experiments=experiments,
        description=description,
        buckets=buckets,
        source=source,
        optimise=optimise,
    )
    return Loaded(strategy, reader.problems, complete)


def _description(reader: Reader, entries: dict[str, Node], path: str) -> str:
    key = path.rsplit(".", 1)[-1]
    return (reader.text(entries[key], path) or "") if key in entries else ""


def _read_segments(
    reader: Reader, node: Node | None, catalogue: Catalogue, buckets: BucketScheme
) -> tuple[tuple[Segment, ...], frozenset[str]]:
    """The segments in order, and the names of those whose conditions read cleanly."""
    items = reader.sequence(node, "segments") if node is not None else None
    if node is not None and items == []:
        reader.error(node, "segments", "a strategy needs at least one segment")
    segments: list[Segment] = []
    complete: set[str] = set()
    for index, item in enumerate(items or []):
        before = len(reader.problems)
        segment = _read_segment(reader, item, f"segments[{index}]", catalogue, buckets)
        if segment is None:
            continue
        if any(s.name == segment.name for s in segments):
            first = next(s.line for s in segments if s.name == segment.name)
            message = f"segment {segment.name!r} is already defined on line {first}"
            reader.error(item, f"segments[{index}].name", message)
            continue
        segments.append(segment)
        if not any(p.field.startswith(f"segments[{index}].when") for p in reader.problems[before:]):
            complete.add(segment.name)
    return tuple(segments), frozenset(complete)


def _read_segment(
    reader: Reader, node: Node, path: str, catalogue: Catalogue, buckets: BucketScheme
) -> Segment | None:
    entries = reader.mapping(node, path, allowed=SEGMENT_FIELDS, required=("name", "treatments"))
    if entries is None or "name" not in entries:
        return None
    name = reader.text(entries["name"], f"{path}.name")
    if name is not None and not NAME.match(name):
        reader.error(entries["name"], f"{path}.name", "must be lower_snake_case")
    when = (
        read_conditions(reader, entries["when"], f"{path}.when", buckets=buckets)
        if "when" in entries
        else ()
    )
    rules = (
        read_rules(
            reader,
            entries["treatments"],
            f"{path}.treatments",
            catalogue=catalogue,
            buckets=buckets,
        )
        if "treatments" in entries
        else ()
    )
    description = _description(reader, entries, f"{path}.description")
    return None if name is None else Segment(name, when, rules, description, line_of(node))


def _nested_loader(
    catalogue: Catalogue, buckets: BucketScheme, include: Include | None, reader: Reader
) -> Callable[[str, Node, str], Strategy | None]:
    """Reads the strategy file an arm names; its problems are reported under its own name."""

    def load(file: str, node: Node, path: str) -> Strategy | None:
        if include is None:
            reader.error(node, path, f"cannot read {file!r}: no directory to read it from")
            return None
        try:
            text = include(file)
        except (OSError, ArrearsError) as failure:
            reader.error(node, path, f"cannot read {file!r}: {failure}")
            return None
        loaded = read_strategy(text, source=file, catalogue=catalogue, buckets=buckets, nested=True)
        reader.problems.extend(loaded.problems)
        return loaded.strategy if not any(p.severity == "error" for p in loaded.problems) else None

    return load
