"""Which strategy the cycle runs: activating a checked file, reading the one in force.

A file with errors is refused with every problem listed and the strategy in force stays in
force. Activation stores the file's text and every file it names (challenger arms), so a run can
always say exactly what it ran (name, version and a digest of the texts).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from arrears.domain.clock import Clock
from arrears.domain.delinquency import BucketScheme
from arrears.errors import ArrearsError
from arrears.services.ports import StrategyRecord, UnitOfWork
from arrears.strategy.check import default_strategy_text, load_strategy
from arrears.strategy.model import Strategy

DEFAULT_SOURCE = "default.yaml (shipped with arrears)"


@dataclass(frozen=True)
class ActiveStrategy:
    strategy: Strategy
    digest: str
    source: str


def digest_of(text: str, included: dict[str, str]) -> str:
    payload = json.dumps({"text": text, "included": included}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _reader(base: Path, seen: dict[str, str]) -> Callable[[str], str]:
    def read(name: str) -> str:
        path = (base / name).resolve()
        if base.resolve() not in path.parents and path != base.resolve():
            raise ArrearsError(f"{name!r} is outside the strategy's directory")
        text = path.read_text(encoding="utf-8")
        seen[name] = text
        return text

    return read


def activate_strategy(
    path: Path,
    *,
    by: str,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    buckets: BucketScheme,
) -> ActiveStrategy:
    """Check ``path`` and, when it has no errors, make it the strategy in force."""
    text = path.read_text(encoding="utf-8")
    included: dict[str, str] = {}
    strategy = load_strategy(
        text, source=str(path), buckets=buckets, include=_reader(path.parent, included)
    )
    digest = digest_of(text, included)
    with uow_factory() as uow:
        uow.strategies.activate(
            StrategyRecord(
                name=strategy.name,
                version=strategy.version,
                digest=digest,
                source=str(path),
                text=text,
                included=included,
                activated_at=clock.now(),
                activated_by=by,
            )
        )
        uow.audit.record(
            at=clock.now(),
            actor=by,
            action="strategy.activated",
            entity_type="strategy",
            entity_id=strategy.name,
            details={"version": strategy.version, "digest": digest, "source": str(path)},
        )
        uow.commit()
    return ActiveStrategy(strategy, digest, str(path))


def active_strategy(uow: UnitOfWork, *, buckets: BucketScheme) -> ActiveStrategy:
    """The strategy in force: the last one activated, or the shipped default."""
    stored = uow.strategies.active()
    if stored is None:
        text = default_strategy_text()
        return ActiveStrategy(
            load_strategy(text, source=DEFAULT_SOURCE, buckets=buckets),
            digest_of(text, {}),
            DEFAULT_SOURCE,
        )
    strategy = load_strategy(
        stored.text, source=stored.source, buckets=buckets, include=stored.included.__getitem__
    )
    return ActiveStrategy(strategy, stored.digest, stored.source)
