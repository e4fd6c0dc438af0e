"""The strategy applied to a partition of accounts: segments, experiment arms, candidates.

``assign_segments`` → ``assign_arms`` → ``candidate_treatments``: pure functions, Polars in and
out (frames in ``arrears.batch.decisions.frames``), so they run per partition on one machine or
on a distributed engine. The cycle stores each candidate as a decision (allowed, or blocked
with its reason) after holds, the optimiser and the compliance gate have had their say.
"""

from arrears.batch.decisions.arms import assign_arms
from arrears.batch.decisions.candidates import candidate_treatments
from arrears.batch.decisions.frames import ARMS, CANDIDATES, FEATURES, HISTORY, SEGMENTS
from arrears.batch.decisions.segments import assign_segments

__all__ = [
    "ARMS",
    "CANDIDATES",
    "FEATURES",
    "HISTORY",
    "SEGMENTS",
    "assign_arms",
    "assign_segments",
    "candidate_treatments",
]
