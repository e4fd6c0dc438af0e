"""Typed Metro 2 records: frozen dataclasses named after the layout fields."""

from arrears.formats.metro2.model.appendages import (
    APPENDAGE_CLASSES,
    Appendage,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    N1Segment,
)
from arrears.formats.metro2.model.file import AccountRecord, Metro2File
from arrears.formats.metro2.model.segments import BaseSegment, HeaderRecord, TrailerRecord

Segment = HeaderRecord | BaseSegment | TrailerRecord | Appendage

__all__ = [
    "APPENDAGE_CLASSES",
    "AccountRecord",
    "Appendage",
    "BaseSegment",
    "HeaderRecord",
    "J1Segment",
    "J2Segment",
    "K1Segment",
    "K2Segment",
    "K3Segment",
    "K4Segment",
    "L1Segment",
    "Metro2File",
    "N1Segment",
    "Segment",
    "TrailerRecord",
]
