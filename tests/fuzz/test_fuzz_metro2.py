"""Hostile Metro 2 input (issue 12): the codec's readers and validator on mutated valid files —
the vendored fixtures (``tests/golden/metro2``, and ``shared/testdata/metro2`` when present),
their crashers, and files the writer makes in every framing (character, blocked, CRLF lines,
packed) — with bytes changed, ranges removed or repeated, the frame cut short, and wrong
Block and Record Descriptor Words; and the JSON form with its text garbled.

Only the codec's own types come out: ``validate_bytes`` returns problems that each name a
rule, the typed reader raises only ``Metro2FormatError``, the streaming reader yields chunks
or raises only ``Metro2FormatError``; nothing hangs (each test has a time-out far above its
run time). Seeded; 150 to 300 examples per test in CI, thousands under ``-m slow``.
(``tests/property/test_metro2_roundtrip.py`` covers random bytes and one blocked file.)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arrears.formats.metro2 import (
    AccountRecord,
    BaseSegment,
    Format,
    Framing,
    HeaderRecord,
    Metro2File,
    Metro2FormatError,
    ReadOptions,
    TrailerRecord,
    dumps,
    iter_chunks,
    loads,
    read_file,
    validate_bytes,
    write_records,
)
from fuzz.conftest import examples

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = [ROOT / "tests" / "golden" / "metro2", ROOT.parent / "shared" / "testdata" / "metro2"]


def _vendored() -> list[bytes]:
    found: dict[bytes, None] = {}
    for folder in FOLDERS:
        if folder.is_dir():
            for path in sorted(folder.glob("*.dat")) + sorted((folder / "crashers").glob("*")):
                found[path.read_bytes()] = None
    return list(found)


def _written() -> list[bytes]:
    """A small good file with appendage-free accounts in every framing the writer offers."""
    file = Metro2File(
        header=HeaderRecord(
            activity_date=dt.date(2025, 6, 30), reporter_name="L", reporter_address="A"
        ),
        accounts=tuple(
            AccountRecord(base=BaseSegment(consumer_account_number=str(n), account_status="11"))
            for n in range(1, 4)
        ),
        trailer=TrailerRecord(total_base_records=3),
    )
    framings = [Framing(), Framing(blocked=True), Framing(line_separator=b"\r\n"), Framing.packed()]
    return [write_records(file, framing=framing) for framing in framings]


SEEDS = _vendored() + _written()
OPTIONS = [
    None,
    ReadOptions(workers=0, chunk_records=1),
    ReadOptions(format=Format.CHARACTER, workers=0),
    ReadOptions(format=Format.PACKED, workers=0),
]


def _codec_error(read: Callable[[], object]) -> None:
    """Run ``read``: it returns, or raises ``Metro2FormatError`` listing its problems."""
    refused: Metro2FormatError | None = None
    try:
        read()
    except Metro2FormatError as error:
        refused = error
    assert refused is None or refused.metro2_problems, "the codec's error lists its problems"


def _only_codec_errors(data: bytes, options: ReadOptions | None) -> None:
    """Every reader of the codec on ``data``: problems or ``Metro2FormatError``, nothing else."""
    report = validate_bytes(data, options=options)
    for problem in report.problems:
        assert problem.rule, problem
        assert problem.message, problem
    _codec_error(lambda: read_file(io.BytesIO(data), options=options))
    chunks = lambda: [c.problems for c in iter_chunks(io.BytesIO(data), options=options)]  # noqa: E731
    _codec_error(chunks)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["byte", "cut", "remove", "repeat", "descriptor"]))
        where = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "byte" and data:
            data[where] = draw(st.sampled_from([*b"0123456789 AZaz\n\r\x00\x80\xff", 0x40]))
        elif action == "cut":
            del data[where:]
        elif action == "remove":
            del data[where : where + draw(st.integers(1, 500))]
        elif action == "repeat":
            piece = data[where : where + draw(st.integers(1, 800))]
            data[where:where] = piece
        else:  # a wrong Block or Record Descriptor Word at the start of the frame
            word = draw(
                st.sampled_from([b"0000", b"9999", b"0426", b"1268", b"\x00\x00\x00\x00"])
                | st.binary(min_size=4, max_size=4)
            )
            at = draw(st.sampled_from([0, 4, 5, where]))
            data[at : at + 4] = word
    return bytes(data)


@pytest.mark.timeout(300)
@given(data=mutated(), options=st.sampled_from(OPTIONS))
@example(data=b"9999" + b"1" * 40, options=None)
@example(data=b"\x00\x00\x00\x00" * 3, options=OPTIONS[3])
@examples(ci=300, slow=5000)
def test_mutated_files_give_only_the_codecs_problems(
    data: bytes, options: ReadOptions | None
) -> None:
    """Vendored and written files with bytes changed, ranges removed or repeated, cut short,
    and wrong descriptor words, read as detected, character or packed."""
    _only_codec_errors(data, options)


@pytest.mark.timeout(300)
@given(seed=st.sampled_from(SEEDS), cut=st.integers(0, 2000))
@examples(ci=150, slow=2000)
def test_truncated_frames_give_only_the_codecs_problems(seed: bytes, cut: int) -> None:
    """A good file cut anywhere: inside a descriptor word, a segment or the trailer."""
    _only_codec_errors(seed[: min(cut, len(seed))], None)


_JSON = dumps(read_file(io.BytesIO(SEEDS[-4])))


@pytest.mark.timeout(300)
@given(
    cut=st.integers(0, len(_JSON)),
    edits=st.lists(st.tuples(st.integers(0, len(_JSON)), st.text(max_size=4)), max_size=4),
)
@examples(ci=150, slow=2000)
def test_garbled_json_gives_only_the_codecs_error(cut: int, edits: list[tuple[int, str]]) -> None:
    """The JSON form of a good file cut short and with characters changed."""
    text = _JSON[:cut]
    for place, insert in edits:
        at = min(place, len(text))
        text = text[:at] + insert + text[at + 1 :]
    _codec_error(lambda: loads(text))
