"""The contact log on a real database: outcomes raise holds and change contact points."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.domain.contact_log import Channel, Direction, Outcome
from arrears.errors import NotFoundError, RuleViolation
from arrears.services.contacts import ContactEntry, contact_history, log_contact
from support.db import run_import
from support.portfolio import TODAY


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def point_id(container: Container, borrower: str, kind: str) -> int:
    with container.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT cp.id FROM contact_points cp JOIN borrowers b ON b.id = cp.borrower_id "
                    "WHERE b.external_id = :b AND cp.kind = :k"
                ),
                {"b": borrower, "k": kind},
            ).scalar_one()
        )


def log(container: Container, outcome: Outcome, **changes: object) -> object:
    entry = ContactEntry(loan="L1", channel=Channel.CALL, outcome=outcome, actor="agent7")
    return log_contact(
        ContactEntry(**{**entry.__dict__, **changes}),  # type: ignore[arg-type]
        uow_factory=container.uow,
        clock=container.clock,
    )


def holds_of(container: Container) -> list[tuple[str, object, object, object]]:
    with container.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text("SELECT kind, loan_id, borrower_id, ends_on FROM holds ORDER BY id")
            )
        ]


@pytest.mark.parametrize(
    ("outcome", "kind", "on_borrower", "ends"),
    [
        (Outcome.DISPUTE_RAISED, "dispute", False, False),  # 12 CFR 1006.38(d)(2)
        (Outcome.CEASE_REQUESTED, "cease_communication", False, False),  # 1006.6(c)
        (Outcome.DECEASED_REPORTED, "deceased", True, False),  # comment 34(a)(1)-1
        (Outcome.HARDSHIP_REPORTED, "hardship", False, True),  # policy: 30-day review
    ],
)
def test_an_outcome_raises_its_hold(
    imported: Container, outcome: Outcome, kind: str, on_borrower: bool, ends: bool
) -> None:
    """Each outcome places its hold in the same transaction as the log entry, audited."""
    logged = log(imported, outcome)
    assert len(logged.hold_ids) == 1  # type: ignore[attr-defined]
    [(found, loan_id, borrower_id, ends_on)] = holds_of(imported)
    assert found == kind
    assert (borrower_id is not None) is on_borrower
    assert (loan_id is not None) is not on_borrower
    assert (ends_on is not None) is ends
    with imported.engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_log")).scalars().all()
    assert "contact.logged" in actions
    assert "hold.placed" in actions


def test_a_wrong_number_revokes_that_phone(imported: Container) -> None:
    """A wrong number is never called again (12 CFR 1006.6(d)(1))."""
    mobile = point_id(imported, "B1", "mobile_phone")
    logged = log(imported, Outcome.WRONG_NUMBER, contact_point_id=mobile)
    assert logged.point_change == "revoked"  # type: ignore[attr-defined]
    with imported.engine.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM contact_points WHERE id = :p"), {"p": mobile}
        ).scalar_one()
    assert status == "revoked"


def test_a_bounced_email_invalidates_the_address(imported: Container) -> None:
    """An undeliverable address is never used again and does not count as notice."""
    email = point_id(imported, "B1", "personal_email")
    log(imported, Outcome.BOUNCED, channel=Channel.EMAIL, contact_point_id=email,
        reference="msg-1")  # fmt: skip
    with imported.engine.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM contact_points WHERE id = :p"), {"p": email}
        ).scalar_one()
    assert status == "invalid"


def test_an_opt_out_closes_the_medium_at_that_address(imported: Container) -> None:
    """1006.14(h): an SMS opt-out is recorded on the number."""
    mobile = point_id(imported, "B1", "mobile_phone")
    log(imported, Outcome.OPTED_OUT, channel=Channel.SMS, contact_point_id=mobile,
        direction=Direction.INBOUND)  # fmt: skip
    with imported.engine.connect() as connection:
        opted = connection.execute(
            text("SELECT sms_opted_out_at FROM contact_points WHERE id = :p"), {"p": mobile}
        ).scalar_one()
    assert opted is not None


def test_logging_the_same_reference_twice_changes_nothing(imported: Container) -> None:
    """Channels retry: the same message id and outcome is logged once."""
    first = log(imported, Outcome.SENT, channel=Channel.LETTER, reference="letter-9")
    again = log(imported, Outcome.SENT, channel=Channel.LETTER, reference="letter-9")
    assert again.duplicate  # type: ignore[attr-defined]
    assert again.contact_id == first.contact_id  # type: ignore[attr-defined]
    assert len(contact_history("L1", uow_factory=imported.uow)) == 1


def test_bad_entries_are_refused_and_nothing_is_written(imported: Container) -> None:
    with pytest.raises(NotFoundError):
        log(imported, Outcome.NO_ANSWER, loan="NOPE")
    other = point_id(imported, "B2", "home_phone")
    with pytest.raises(RuleViolation, match="not the borrower's"):
        log(imported, Outcome.DISPUTE_RAISED, contact_point_id=other)
    with pytest.raises(RuleViolation, match="future"):
        log(imported, Outcome.NO_ANSWER, at=imported.clock.now() + timedelta(days=1))
    assert contact_history("L1", uow_factory=imported.uow) == []
    assert holds_of(imported) == []
    assert imported.clock.today() == TODAY
