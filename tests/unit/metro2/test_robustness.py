"""Bad input never crashes the reader and never hangs it: truncated files, wrong descriptor
words, garbage, non-ASCII, unknown segments, the vendored crashers and fuzz seeds all give
problems with byte positions (or :class:`Metro2FormatError` from the typed readers)."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from typing import Any

import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    Format,
    K1Segment,
    Metro2FormatError,
    ReadOptions,
    loads,
    read_file,
    validate_bytes,
)


def _assert_clean_failure(data: bytes, options: ReadOptions | None = None) -> None:
    """Validation returns problems (with positions where bytes are concerned); the typed
    reader raises only the codec's own error."""
    report = validate_bytes(data, options=options)
    assert report.problems, "bad input must give at least one problem"
    for problem in report.problems:
        assert problem.rule
        assert problem.message
    try:
        read_file(data, options=options)
    except Metro2FormatError as error:
        refused = error.metro2_problems
    else:
        refused = ["accepted"]
    assert refused


def test_crashers_are_rejected_cleanly(crasher: bytes) -> None:
    """Each vendored crasher (garbled or truncated packed files) gives located problems."""
    _assert_clean_failure(crasher)
    positions = [p.position for p in validate_bytes(crasher).problems if p.position is not None]
    assert positions


def test_fuzz_seeds_are_rejected_as_metro2(fuzz_payload: bytes) -> None:
    """The fuzz seeds are JSON, not Metro 2: "does not start with a descriptor word"."""
    problems = validate_bytes(fuzz_payload).problems
    assert [(p.rule, p.position) for p in problems] == [("framing.not-metro2", 0)]


def test_fuzz_seeds_are_rejected_as_json(fuzz_payload: bytes) -> None:
    """As JSON they are truncated or in another schema: Metro2FormatError listing why."""
    with pytest.raises(Metro2FormatError) as raised:
        loads(fuzz_payload)
    assert all(p.rule == "json.schema" for p in raised.value.metro2_problems)


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"0426", b"04", b"\n\n\n"],
    ids=["empty", "nul", "rdw only", "half rdw", "line breaks"],
)
def test_tiny_inputs(data: bytes) -> None:
    """Inputs too short to hold a record are reported, never indexed out of range."""
    _assert_clean_failure(data)


def test_every_truncation_of_a_file_is_reported(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Cut a file (with appendages) at every byte: always problems, never an exception."""
    account = AccountRecord(
        base=base(), k1=K1Segment(original_creditor_name="B", creditor_classification="08")
    )
    data = build_file([account])
    for end in range(0, len(data) - 1, 7):
        _assert_clean_failure(data[:end])


def test_random_garbage_terminates_with_problems() -> None:
    """Random bytes, some starting like a descriptor word, in both formats."""
    rng = random.Random(20)
    for size in (5, 50, 427, 900, 5000):
        for prefix in (b"", b"0426", b"04300426", b"\x01\x72\x00\x00\x01\x6e\x00\x00"):
            data = prefix + rng.randbytes(size)
            _assert_clean_failure(data)
            _assert_clean_failure(data, ReadOptions(format=Format.PACKED))


def test_mutated_files_never_crash(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Single-byte mutations of a good file anywhere: problems or a clean read, nothing else."""
    data = bytearray(build_file([AccountRecord(base=base())] * 3))
    rng = random.Random(7)
    for _ in range(300):
        mutated = bytearray(data)
        mutated[rng.randrange(len(data))] = rng.randrange(256)
        report = validate_bytes(bytes(mutated))
        assert report.records >= 0
        with contextlib.suppress(Metro2FormatError):
            read_file(bytes(mutated))


def test_non_ascii_bytes_are_located(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """A UTF-8 name in a character record: field.ascii at the surname's byte."""
    data = patched(build_file(), 426 + 231, "É".encode())
    problems = validate_bytes(data).problems
    assert [(p.rule, p.field, p.position) for p in problems] == [("field.ascii", "surname", 657)]
