"""A file's next batch read on a thread of its own while the caller works on this one.

The import checks batch k and writes batch k-1 while it reads nothing: the reading of batch
k+1 (Arrow's CSV or Parquet reader, which lets go of the GIL) then waited for both. Read one
ahead, it overlaps them; one batch more is held at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from queue import Empty, Full, Queue
from typing import TypeVar

Item = TypeVar("Item")

_POLL_SECONDS = 0.1
"""How often a reader waiting to hand over a batch looks whether the caller has stopped."""


class _End:
    """What the reader hands over last: nothing more, or the error that stopped it."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def read_ahead(items: Iterator[Item], *, depth: int = 1) -> Iterator[Item]:
    """``items`` in order, up to ``depth`` of them read before they are asked for. An error in
    reading is raised here, at the item it stopped; a caller that stops early stops the
    reader too (its thread ends, and nothing it read is kept)."""
    handed: Queue[Item | _End] = Queue(maxsize=depth)
    stopped = threading.Event()

    def hand(value: Item | _End) -> bool:
        while not stopped.is_set():
            try:
                handed.put(value, timeout=_POLL_SECONDS)
                return True
            except Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not hand(item):
                    return
        except BaseException as error:  # handed to the caller, which raises it
            hand(_End(error))
            return
        hand(_End())

    reader = threading.Thread(target=read, name="arrears-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = handed.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stopped.set()
        _drain(handed)
        reader.join()
        close = getattr(items, "close", None)  # a generator left part way: its file closed now
        if close is not None:
            close()


def _drain(handed: Queue[Item | _End]) -> None:
    while True:
        try:
            handed.get_nowait()
        except Empty:
            return
