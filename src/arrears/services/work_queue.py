"""The agents' work: prioritised call tasks from the daily cycle, follow-ups, taking an account
(a lock other agents see, with an expiry), and the review items supervisors approve or reject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from arrears.domain.clock import Clock
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.account_view import loan_id_of
from arrears.services.auth import Principal
from arrears.services.ports import LockRecord, WebUnitOfWork
from arrears.services.recovery_reviews import (
    RECOVERY_TREATMENTS,
    ReviewUnitOfWork,
    decide_recovery_review,
)
from arrears.services.recovery_settings import Actor, Recovery
from arrears.strategy.catalogue import default_catalogue

UowFactory = Callable[[], WebUnitOfWork]
DECISIONS = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _live(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Drop a lock that has expired from a queue row."""
    expires = item.get("lock_expires_at")
    if expires is None or expires <= now:
        item.update(held_by=None, held_by_name=None, lock_expires_at=None)
    return item


def call_queue(
    principal: Principal,
    *,
    page: int,
    per_page: int,
    uow_factory: UowFactory,
    clock: Clock,
    queues: tuple[str, ...] | None = None,
) -> Page:
    """The agent's call tasks from the latest cycle, most urgent first, in the agent's queues."""
    wanted = queues if queues is not None else principal.queues
    with uow_factory() as uow:
        items, total = uow.web.call_tasks(
            on=clock.today(), queues=wanted, limit=per_page, offset=(page - 1) * per_page
        )
    now = clock.now()
    return Page([_live(i, now) for i in items], total, page, per_page)


def my_locks(principal: Principal, *, uow_factory: UowFactory, clock: Clock) -> list[LockRecord]:
    """Accounts this agent has taken and still holds (their follow-ups)."""
    with uow_factory() as uow:
        return uow.web.locks_held_by(principal.name, at=clock.now())


def take_account(
    ref: str, principal: Principal, *, uow_factory: UowFactory, clock: Clock, minutes: int
) -> LockRecord:
    """Lock account ``ref`` for this agent for ``minutes`` (extending their own lock);
    ConflictError naming the holder when another agent has it."""
    now = clock.now()
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        held = uow.web.take_lock(
            loan_id=loan_id,
            held_by=principal.name,
            held_by_name=principal.display_name,
            at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        if held.held_by != principal.name:
            raise ConflictError(_held_message(ref, held))
        uow.web.assign_tasks(loan_id, to=principal.name, at=now)
        uow.audit.record(
            at=now, actor=principal.actor, action="account.taken", entity_type="loan",
            entity_id=str(loan_id), details={"ref": ref, "until": held.expires_at.isoformat()},
        )  # fmt: skip
        uow.commit()
    return held


def release_account(
    ref: str, principal: Principal, *, uow_factory: UowFactory, clock: Clock
) -> None:
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        if uow.web.release_lock(loan_id, held_by=principal.name):
            uow.web.assign_tasks(loan_id, to=None, at=clock.now())
            uow.audit.record(
                at=clock.now(), actor=principal.actor, action="account.released",
                entity_type="loan", entity_id=str(loan_id), details={"ref": ref},
            )  # fmt: skip
        uow.commit()


def ensure_free_for(
    ref: str, principal: Principal, *, uow_factory: UowFactory, clock: Clock
) -> None:
    """Refuse to act on an account another agent is working (their lock has not expired)."""
    with uow_factory() as uow:
        held = uow.web.lock(loan_id_of(uow, ref))
    if held is not None and held.expires_at > clock.now() and held.held_by != principal.name:
        raise ConflictError(_held_message(ref, held))


def _held_message(ref: str, held: LockRecord) -> str:
    return (
        f"{held.held_by_name or held.held_by} is working account {ref} "
        f"until {held.expires_at:%H:%M} UTC"
    )


# -- reviews ------------------------------------------------------------------------------------


def review_queue(
    *, queue: str | None, page: int, per_page: int, uow_factory: UowFactory, clock: Clock
) -> Page:
    with uow_factory() as uow:
        items, total = uow.web.reviews(queue=queue, limit=per_page, offset=(page - 1) * per_page)
    now = clock.now()
    return Page([_live(i, now) for i in items], total, page, per_page)


def decide_review(
    action_id: int,
    *,
    decision: str,
    note: str,
    principal: Principal,
    uow_factory: UowFactory,
    clock: Clock,
) -> dict[str, Any]:
    """Approve or reject a review item; ConflictError when someone already decided it."""
    if decision not in DECISIONS:
        raise ConflictError(f"a decision is approve or reject, not {decision!r}")
    now = clock.now()
    with uow_factory() as uow:
        item = uow.web.action(action_id)
        if item is None or item["kind"] != "review":
            raise NotFoundError(f"no review item {action_id}")
        details = {"decided_by": principal.name, "decided_at": now.isoformat(), "note": note}
        if not uow.web.set_action_status(
            action_id, status=DECISIONS[decision], at=now, details=details
        ):
            raise ConflictError(f"review item {action_id} was already decided ({item['status']})")
        uow.audit.record(
            at=now, actor=principal.actor, action=f"review.{DECISIONS[decision]}",
            entity_type="loan", entity_id=str(item["loan_id"]),
            details={"action_id": action_id, "treatment": item["treatment"],
                     "queue": item["queue"], "note": note},
        )  # fmt: skip
        uow.commit()
    return {**item, "status": DECISIONS[decision]}


def team_activity(*, days: int, uow_factory: UowFactory, clock: Clock) -> list[dict[str, Any]]:
    """What each person did in the last ``days`` days, from the audit trail."""
    with uow_factory() as uow:
        rows = uow.web.activity(since=clock.now() - timedelta(days=days))
    people: dict[str, dict[str, Any]] = {}
    for row in rows:
        actor = str(row["actor"])
        if not actor.startswith("user:"):
            continue
        entry = people.setdefault(actor[5:], {"person": actor[5:], "total": 0, "actions": {}})
        entry["actions"][row["action"]] = int(row["count"])
        entry["total"] += int(row["count"])
    return sorted(people.values(), key=lambda e: -int(e["total"]))


def loans_page(
    *, borrower_id: int | None, page: int, per_page: int, uow_factory: UowFactory
) -> Page:
    """A page of accounts (only the borrower's own when ``borrower_id`` is given)."""
    with uow_factory() as uow:
        rows, total = uow.web.loans_page(
            borrower_id=borrower_id, limit=per_page, offset=(page - 1) * per_page
        )
    return Page(rows, total, page, per_page)


def actions_page(ref: str, *, page: int, per_page: int, uow_factory: UowFactory) -> Page:
    """The actions the cycle planned for account ``ref``, newest first."""
    with uow_factory() as uow:
        rows, total = uow.web.actions_of(
            loan_id_of(uow, ref), limit=per_page, offset=(page - 1) * per_page
        )
    return Page(rows, total, page, per_page)


def decide_any_review(
    action_id: int,
    *,
    decision: str,
    note: str,
    principal: Principal,
    uow_factory: Callable[[], ReviewUnitOfWork],
    clock: Clock,
    recovery: Recovery,
) -> dict[str, Any]:
    """Decide a review item: approving a settlement, agency or legal review starts that
    workflow (``services.recovery_reviews``; a refusal leaves the item pending and says why);
    other items are marked approved or rejected."""
    with uow_factory() as uow:
        item = uow.web.action(action_id)
    if item is None or item["treatment"] not in RECOVERY_TREATMENTS or decision not in DECISIONS:
        return decide_review(
            action_id, decision=decision, note=note, principal=principal,
            uow_factory=uow_factory, clock=clock,
        )  # fmt: skip
    decide_recovery_review(
        action_id, approve=decision == "approve", note=note,
        actor=Actor(principal.actor, principal.role.value), uow_factory=uow_factory,
        clock=clock, recovery=recovery,
    )  # fmt: skip
    with uow_factory() as uow:
        found = uow.web.action(action_id)
    assert found is not None
    return found


#: What an agent may refer for review (the queues of people who decide).
REFERRALS = (
    "legal_referral_review", "agency_placement_review", "repossession_review",
    "foreclosure_review", "hardship_review",
)  # fmt: skip


def refer(
    ref: str,
    treatment: str,
    *,
    note: str,
    principal: Principal,
    uow_factory: UowFactory,
    clock: Clock,
) -> int:
    """Raise a review item for the approval queues (legal, agency, repossession…): approving
    it starts that workflow, which checks holds, limitation and the compliance gate itself."""
    if treatment not in REFERRALS:
        raise RuleViolation(f"{treatment!r} is not a referral", rule="referral.kind")
    found = default_catalogue()[treatment]
    assert found.review_queue is not None
    now = clock.now()
    with uow_factory() as uow:
        loan_id = loan_id_of(uow, ref)
        if uow.web.pending_review(loan_id, treatment) is not None:
            raise ConflictError(f"account {ref} already waits for a {found.label.lower()}")
        action_id = uow.web.add_review(
            loan_id=loan_id, treatment=treatment, queue=found.review_queue.value,
            category=found.category.value, due_on=clock.today(), at=now,
            details={"referred_by": principal.name, "note": note},
        )  # fmt: skip
        uow.audit.record(
            at=now, actor=principal.actor, action="review.referred", entity_type="loan",
            entity_id=str(loan_id),
            details={"action_id": action_id, "treatment": treatment, "note": note},
        )  # fmt: skip
        uow.commit()
    return action_id
