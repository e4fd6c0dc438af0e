"""An account (base segment plus appendages) and a whole Metro 2 file, as typed values."""

from __future__ import annotations

from dataclasses import dataclass, field

from arrears.formats.metro2.model.appendages import (
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
from arrears.formats.metro2.model.segments import BaseSegment, HeaderRecord, TrailerRecord
from arrears.formats.metro2.options import Framing


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountRecord:
    """One base segment and the appendages that follow it (§5.1: J1* J2* K1 K2 K3 K4 L1 N1)."""

    base: BaseSegment
    j1: tuple[J1Segment, ...] = ()
    j2: tuple[J2Segment, ...] = ()
    k1: K1Segment | None = None
    k2: K2Segment | None = None
    k3: K3Segment | None = None
    k4: K4Segment | None = None
    l1: L1Segment | None = None
    n1: N1Segment | None = None

    def appendages(self) -> tuple[Appendage, ...]:
        """The appendage segments in file order."""
        single = (self.k1, self.k2, self.k3, self.k4, self.l1, self.n1)
        return (*self.j1, *self.j2, *(segment for segment in single if segment is not None))


@dataclass(frozen=True, slots=True, kw_only=True)
class Metro2File:
    """A file's records as read, or as they are to be written.

    ``header`` and ``trailer`` may be missing when a fragment is read (the test fixtures hold
    single records); validation reports their absence. Writers compute the trailer unless told
    to reproduce the one given.
    """

    header: HeaderRecord | None = None
    accounts: tuple[AccountRecord, ...] = ()
    trailer: TrailerRecord | None = None
    framing: Framing = field(default_factory=Framing)
