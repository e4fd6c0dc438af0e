"""Reading a file's batches one ahead keeps their order, raises a reading error where it
happened, and lets go of the reader (its thread and its file) when the caller stops early."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.adapters.files.read_ahead import read_ahead


@given(st.lists(st.integers(), max_size=50), st.integers(1, 4))
def test_every_item_comes_once_in_order(items: list[int], depth: int) -> None:
    assert list(read_ahead(iter(items), depth=depth)) == items


def test_an_error_in_reading_is_raised_after_the_items_before_it() -> None:
    def broken() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("truncated file")

    ahead = read_ahead(broken())
    assert [next(ahead), next(ahead)] == [1, 2]
    with pytest.raises(ValueError, match="truncated file"):
        next(ahead)


def test_stopping_early_ends_the_reader_and_closes_its_source() -> None:
    closed = threading.Event()
    reading = threading.Event()

    def source() -> Iterator[int]:
        try:
            for n in range(1_000):
                reading.set()
                yield n
        finally:
            closed.set()

    before = threading.active_count()
    ahead = read_ahead(source())
    assert next(ahead) == 0
    reading.wait(1)
    ahead.close()  # what a caller's break or error does to the generator
    assert closed.is_set()
    assert threading.active_count() == before


def test_the_reader_is_one_item_ahead_and_no_more() -> None:
    """With depth 1, while the caller holds item k the reader has read k+1 (handed over) and
    at most k+2 (waiting to be): never the whole source."""
    read: list[int] = []
    handed = threading.Event()

    def source() -> Iterator[int]:
        for n in range(100):
            read.append(n)
            if n == 2:
                handed.set()
            yield n

    ahead = read_ahead(source(), depth=1)
    assert next(ahead) == 0
    handed.wait(1)
    time.sleep(0.2)  # time enough for a reader that did not wait to read on
    assert max(read) == 2
    ahead.close()
