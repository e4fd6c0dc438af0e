"""Running another workflow's use case inside the caller's transaction.

Use cases open their own unit of work and commit it. When one workflow's step must be atomic
with another's — accepting a settlement creates its plan, referring to legal places a hold —
the caller lends its open unit of work: ``joined(uow)`` is a factory whose units of work are
the caller's, where entering, leaving and committing do nothing, so everything commits (or
rolls back) once, with the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, cast

from arrears.services.ports import UnitOfWork


class _Joined:
    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer

    def __enter__(self) -> _Joined:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def commit(self, *, durable: bool = True) -> None:
        return None  # the owner commits, durably or not

    def rollback(self) -> None:
        raise RuntimeError("a joined unit of work is rolled back by its owner")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outer, name)


def joined(uow: UnitOfWork) -> Callable[[], UnitOfWork]:
    """A unit-of-work factory that hands out ``uow`` itself, committed only by its owner."""
    return lambda: cast(UnitOfWork, _Joined(uow))
