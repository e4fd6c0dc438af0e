"""One appendage segment on its own (J1 … N1), as the public test fixtures hold them (§5.12).

Appendages have no descriptor word: the identifier says which layout applies and the layout
says how long the segment is. Line breaks are ignored (character data).
"""

from __future__ import annotations

import numpy as np

from arrears.formats.metro2.codec.records import decode_rows, encode_rows
from arrears.formats.metro2.framing.source import OffsetMap
from arrears.formats.metro2.model import APPENDAGE_CLASSES, Appendage
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem, printable
from arrears.formats.metro2.reading.locate import Located, locate
from arrears.formats.metro2.spec import APPENDAGE_BY_ID
from arrears.formats.metro2.validation.fields import check_segment, is_structural


def read_appendage(data: bytes) -> Appendage:
    """The typed segment; bytes that are not one raise :class:`Metro2FormatError`."""
    raw = data.replace(b"\r", b"").replace(b"\n", b"")
    identifier = raw[:2].decode("latin-1")
    layout = APPENDAGE_BY_ID.get(identifier)
    if layout is None:
        problem = Metro2Problem.in_file(
            "framing.unknown-segment",
            "not an appendage identifier",
            field="segment_identifier",
            position=0,
            value=printable(raw[:2]),
            record=1,
        )
        raise Metro2FormatError([problem])
    if len(raw) != layout.length:
        problem = Metro2Problem.in_file(
            "framing.truncated",
            f"a {layout.name} segment has {layout.length} bytes",
            segment=layout.name,
            position=0,
            value=str(len(raw)),
            record=1,
        )
        raise Metro2FormatError([problem])
    matrix = np.frombuffer(raw, dtype=np.uint8).reshape(1, -1)
    issues = [issue for issue in check_segment(layout, matrix).issues if is_structural(issue)]
    if issues:
        where = Located(matrix, np.array([1]), np.array([0]))
        raise Metro2FormatError(locate(issues, where, OffsetMap()))
    segment: Appendage = decode_rows(layout, matrix, APPENDAGE_CLASSES[identifier])[0]
    return segment


def write_appendage(segment: Appendage) -> bytes:
    """The segment's bytes; values that cannot be spelled raise with every problem."""
    matrix, issues = encode_rows(segment.LAYOUT, [segment])
    if issues:
        where = Located(matrix, np.array([1]), np.array([0]))
        raise Metro2FormatError(locate(issues, where, OffsetMap()))
    return matrix.tobytes()
