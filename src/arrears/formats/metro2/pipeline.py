"""Running chunk jobs on worker threads while results come back in order.

Most of the codec's time is spent inside NumPy, PyArrow and the operating system, which release
the GIL: checking chunk ``k`` on a worker while the caller frames chunk ``k + 1`` or writes chunk
``k - 1`` uses a second core. At most ``depth`` jobs are in flight, so memory stays bounded;
``workers=0`` runs every job inline (same results, one core).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")


class OrderedPipeline(Generic[T]):
    """Submit jobs; results are returned in submission order."""

    def __init__(self, *, workers: int, depth: int | None = None) -> None:
        self._executor = (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="metro2")
            if workers > 0
            else None
        )
        self._depth = depth if depth is not None else max(workers, 1) + 1
        self._pending: deque[Future[T]] = deque()

    def submit(self, job: Callable[[], T]) -> Iterator[T]:
        """Start ``job``; yields the results of earlier jobs that must be taken now."""
        if self._executor is None:
            yield job()
            return
        self._pending.append(self._executor.submit(job))
        while len(self._pending) > self._depth:
            yield self._pending.popleft().result()

    def drain(self) -> Iterator[T]:
        """The results of every job still in flight, in order."""
        while self._pending:
            yield self._pending.popleft().result()

    def close(self) -> None:
        """Forget unfinished jobs and stop the workers."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
