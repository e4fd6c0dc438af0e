"""Goals: set them from a file or one by one, list them; the report tracks them daily.

A goal is data (``analytics.goals.Goal``) kept in the ``goals`` table; setting a goal with an
id that exists replaces it. Every change is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from arrears.analytics.goals import Goal, goal_from, goal_problems, parse_goals
from arrears.domain.clock import Clock
from arrears.domain.delinquency import BucketScheme
from arrears.errors import ArrearsError, NotFoundError, ValidationFailed
from arrears.services.ports import AuditLog


class GoalStore(Protocol):
    def all(self) -> list[Goal]: ...
    def put(self, goal: Goal, *, at: datetime, by: str) -> None: ...
    def remove(self, goal_id: str) -> bool: ...


class GoalsUnitOfWork(Protocol):
    def __enter__(self) -> GoalsUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    @property
    def goals(self) -> GoalStore: ...
    @property
    def audit(self) -> AuditLog: ...


def read_goal_file(path: Path, *, buckets: BucketScheme) -> list[Goal]:
    """The goals in a TOML file; every problem at once (``ValidationFailed``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ArrearsError(f"cannot read {path}: {error.strerror}") from None
    return parse_goals(text, source=str(path), bucket_names=buckets.names)


def goal_from_values(values: dict[str, Any], *, buckets: BucketScheme) -> Goal:
    """A goal from the command line's options, checked like a file's."""
    given = {key: value for key, value in values.items() if value is not None}
    problems = goal_problems(given, source="options", row=0, bucket_names=buckets.names)
    if problems:
        raise ValidationFailed(problems)
    return goal_from(given)


def set_goals(
    goals: Sequence[Goal],
    *,
    uow_factory: Callable[[], GoalsUnitOfWork],
    clock: Clock,
    by: str,
) -> list[Goal]:
    """Store the goals (replacing any with the same id) in one transaction."""
    with uow_factory() as uow:
        for goal in goals:
            uow.goals.put(goal, at=clock.now(), by=by)
            uow.audit.record(
                at=clock.now(),
                actor=by,
                action="goal.set",
                entity_type="goal",
                entity_id=goal.id,
                details=goal.to_dict(),
            )
        uow.commit()
    return list(goals)


def list_goals(*, uow_factory: Callable[[], GoalsUnitOfWork]) -> list[Goal]:
    with uow_factory() as uow:
        return uow.goals.all()


def remove_goal(
    goal_id: str, *, uow_factory: Callable[[], GoalsUnitOfWork], clock: Clock, by: str
) -> None:
    with uow_factory() as uow:
        if not uow.goals.remove(goal_id):
            raise NotFoundError(f"no goal {goal_id!r}")
        uow.audit.record(
            at=clock.now(),
            actor=by,
            action="goal.removed",
            entity_type="goal",
            entity_id=goal_id,
        )
        uow.commit()
