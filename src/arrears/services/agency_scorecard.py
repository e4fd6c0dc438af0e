"""Agency scorecards and the champion/challenger comparison (``domain.agencies.scorecard``)."""

from __future__ import annotations

from collections.abc import Callable

from arrears.domain.agencies.scorecard import ScoreRow, scorecard
from arrears.services.ports import UnitOfWork


def agency_scorecards(
    *, uow_factory: Callable[[], UnitOfWork], by: str = "agency"
) -> list[ScoreRow]:
    """Per agency (``by="agency"``) or per arm within each tier (``by="arm"``) and vintage:
    placements, balance placed, collected, commission, complaints and the rates."""
    if by not in {"agency", "arm"}:
        raise ValueError("a scorecard is by agency or by arm")
    with uow_factory() as uow:
        agencies = {a.id: a for a in uow.agencies.agencies()}
        placements = uow.agencies.placements()
        ids = [p.id for p in placements if p.id is not None]
        collections = uow.agencies.collections(ids)
        complaints = uow.agencies.complaints(ids)
    groups: dict[int, str] = {}
    for p in placements:
        agency = agencies.get(p.agency_id)
        code = agency.code if agency else str(p.agency_id)
        groups[p.id or 0] = code if by == "agency" else f"tier {p.tier} {p.experiment_arm or '-'}"
    return scorecard(placements, collections, complaints, group_of=groups)
