"""Rotating the keys that seal sensitive fields (SSN and date of birth) at rest.

A new key is added first in the key list (``arrears keys add``), so new values are sealed with
it at once; ``rotate`` then re-seals every older value with it, batch by batch, each batch in its
own transaction and audited. It is idempotent (values already on the newest key are left alone)
and resumable (a run that stops half way is finished by running it again). A value changed by
someone else while it was being re-sealed is skipped, never overwritten: the next run picks it
up if it still needs it. Once no value uses an old key, that key can be retired.

Blind indexes (keyed digests used to compare values without decrypting them) use their own
index key and are not affected by rotating the sealing keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

from arrears.domain.clock import Clock
from arrears.errors import ArrearsError
from arrears.services.ports import AuditLog


class Sealer(Protocol):
    """The field cipher as rotation needs it (``adapters.field_crypto.FieldCipher``)."""

    @property
    def current_key_id(self) -> str: ...
    def encrypt(self, plaintext: str) -> str: ...
    def decrypt(self, stored: str) -> str: ...
    def key_id_of(self, stored: str) -> str: ...


@dataclass(frozen=True)
class SealedRow:
    """One borrower's sealed values as stored (None where there is no value)."""

    id: int
    ssn: str | None
    dob: str | None


class SealedFields(Protocol):
    def values_by_key(self) -> dict[str, int]: ...
    def stale(self, *, current: str, after_id: int, limit: int) -> list[SealedRow]: ...
    def reseal(self, old: SealedRow, new: SealedRow) -> bool: ...


class KeysUnitOfWork(Protocol):
    @property
    def sealed(self) -> SealedFields: ...
    @property
    def audit(self) -> AuditLog: ...
    def __enter__(self) -> KeysUnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


@dataclass
class RotationReport:
    key_id: str
    resealed: int = 0
    skipped: int = 0  # changed by someone else meanwhile; left for the next run
    batches: int = 0
    values_by_key: dict[str, int] = field(default_factory=dict)


def rotate(
    *,
    uow_factory: Callable[[], KeysUnitOfWork],
    sealer: Sealer,
    clock: Clock,
    actor: str = "cli",
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> RotationReport:
    """Re-seal every value not sealed with the newest key; returns what was done."""
    if batch < 1:
        raise ArrearsError("the batch size must be at least 1")
    current = sealer.current_key_id
    report = RotationReport(key_id=current)
    after = 0
    while True:
        with uow_factory() as uow:
            rows = uow.sealed.stale(current=current, after_id=after, limit=batch)
            if not rows:
                break
            done, from_keys = _reseal_batch(uow, rows, sealer)
            uow.audit.record(
                at=clock.now(), actor=actor, action="keys.resealed", entity_type="borrowers",
                entity_id=f"{rows[0].id}-{rows[-1].id}",
                details={"to_key": current, "from_keys": sorted(from_keys), "borrowers": done,
                         "skipped": len(rows) - done},
            )  # fmt: skip
            uow.commit()
        report.resealed += done
        report.skipped += len(rows) - done
        report.batches += 1
        after = rows[-1].id
        if progress is not None:
            progress(len(rows))
    with uow_factory() as uow:
        report.values_by_key = uow.sealed.values_by_key()
        uow.audit.record(
            at=clock.now(), actor=actor, action="keys.rotated", entity_type="borrowers",
            entity_id="*",
            details={"to_key": current, "borrowers": report.resealed, "skipped": report.skipped,
                     "values_by_key": report.values_by_key},
        )  # fmt: skip
        uow.commit()
    return report


def _reseal_batch(
    uow: KeysUnitOfWork, rows: list[SealedRow], sealer: Sealer
) -> tuple[int, set[str]]:
    """Re-seal each row's values; returns (rows re-sealed, the keys they were sealed with)."""
    done = 0
    from_keys: set[str] = set()
    for row in rows:
        new = SealedRow(
            row.id, _again(row.ssn, sealer, from_keys), _again(row.dob, sealer, from_keys)
        )
        if uow.sealed.reseal(row, new):
            done += 1
    return done, from_keys


def _again(stored: str | None, sealer: Sealer, from_keys: set[str]) -> str | None:
    if stored is None or sealer.key_id_of(stored) == sealer.current_key_id:
        return stored
    from_keys.add(sealer.key_id_of(stored))
    return sealer.encrypt(sealer.decrypt(stored))


def values_by_key(*, uow_factory: Callable[[], KeysUnitOfWork]) -> dict[str, int]:
    """How many sealed values each key seals (a key with none can be retired)."""
    with uow_factory() as uow:
        return uow.sealed.values_by_key()


def check_retirable(key_id: str, *, sealer: Sealer, counts: dict[str, int]) -> None:
    """Refuse to retire the newest key or a key that still seals values."""
    if key_id == sealer.current_key_id:
        raise ArrearsError(f"{key_id} is the newest key: add another key before retiring it")
    if counts.get(key_id, 0):
        raise ArrearsError(
            f"{counts[key_id]} values are still sealed with {key_id}: run `arrears keys rotate`"
        )
