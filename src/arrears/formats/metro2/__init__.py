"""Metro 2 (CDIA) credit reporting format: a pure, table-driven, streaming codec.

Layouts, code tables and rules are data (``spec``); one codec reads, writes and validates from
them. Reading is streamed in columnar chunks (``iter_chunks``), writing accepts Polars frames
or typed records (``Metro2Writer``), validation reports every problem with its byte position.
See docs/metro2-format.md.
"""

from arrears.formats.metro2.api import (
    ValidationReport,
    iter_chunks,
    iter_problems,
    read_file,
    validate_bytes,
    validate_stream,
    write_file,
    write_records,
)
from arrears.formats.metro2.jsonio import dumps, file_from_json, file_to_json, loads
from arrears.formats.metro2.model import (
    AccountRecord,
    BaseSegment,
    HeaderRecord,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    Metro2File,
    N1Segment,
    TrailerRecord,
)
from arrears.formats.metro2.options import Format, Framing, ReadOptions
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem
from arrears.formats.metro2.reading.chunk import BaseChunk, SegmentRows
from arrears.formats.metro2.reading.reader import Metro2Reader
from arrears.formats.metro2.segments import read_appendage, write_appendage
from arrears.formats.metro2.writing.writer import Metro2Writer

__all__ = [
    "AccountRecord",
    "BaseChunk",
    "BaseSegment",
    "Format",
    "Framing",
    "HeaderRecord",
    "J1Segment",
    "J2Segment",
    "K1Segment",
    "K2Segment",
    "K3Segment",
    "K4Segment",
    "L1Segment",
    "Metro2File",
    "Metro2FormatError",
    "Metro2Problem",
    "Metro2Reader",
    "Metro2Writer",
    "N1Segment",
    "ReadOptions",
    "SegmentRows",
    "TrailerRecord",
    "ValidationReport",
    "dumps",
    "file_from_json",
    "file_to_json",
    "iter_chunks",
    "iter_problems",
    "loads",
    "read_appendage",
    "read_file",
    "validate_bytes",
    "validate_stream",
    "write_appendage",
    "write_file",
    "write_records",
]
