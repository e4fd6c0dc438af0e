"""Importing an agency's remittance and reconciling it.

Every row is checked first (``arrears.domain.agencies.remittance``); when any row is wrong —
an unknown account, a duplicate payment, a negative amount… — nothing is posted and every
problem is reported, unless the user accepts rejects, in which case the good rows are posted
and the others come back to be written to a rejects file. Posting a row records the money the
agency collected as a credit of kind ``agency`` (allocated by the waterfall like any payment,
on the date it was collected) and the commission the contract allows as a lender-side entry
(debit agency commission, credit cash): what the borrower owes falls by the gross amount, and
the lender's cash by the commission kept. The whole import is one transaction.

The reconciliation report lists, per remittance, what did not match: rejected rows (unknown
accounts, duplicates, invalid values), money collected after a recall, commissions other than
the contract rate, more collected than was placed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from arrears.domain.agencies.remittance import AccountRef, CheckedRemittance, check_remittance
from arrears.domain.clock import Clock
from arrears.domain.credits import CreditKind
from arrears.errors import NotFoundError, Problem, ValidationFailed
from arrears.ledger.accounts import Account
from arrears.ledger.entries import EntryKind
from arrears.services.charges import post_lender_entry
from arrears.services.credits import record_credit
from arrears.services.ports import UnitOfWork
from arrears.services.recovery_settings import Actor, Recovery


@dataclass
class RemittanceReport:
    remittance_id: int | None
    rows: int
    posted: int
    collected_minor: int
    commission_minor: int
    problems: list[Problem] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)


def import_remittance(
    agency_code: str, rows: Sequence[Mapping[str, str]], *, file_name: str, sha256: str,
    actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock, recovery: Recovery,
    accept_rejects: bool = False, file_problems: Sequence[Problem] = (),
) -> RemittanceReport:  # fmt: skip
    """Check and post a remittance (rows as read from the file). Raises ``ValidationFailed``
    with every problem when anything is wrong, unless ``accept_rejects``."""
    if file_problems:
        raise ValidationFailed(list(file_problems))
    today, now = clock.today(), clock.now()
    with uow_factory() as uow:
        agency = uow.agencies.agency(agency_code)
        if agency is None or agency.id is None:
            raise NotFoundError(f"no agency {agency_code!r}")
        checked = _check(uow, agency.id, rows, file_name=file_name, today=today,
                         recovery=recovery)  # fmt: skip
        if checked.problems and not accept_rejects:
            raise ValidationFailed(list(checked.problems))
        remittance_id = uow.agencies.add_remittance(
            agency_id=agency.id, file_name=file_name, sha256=sha256, imported_on=today,
            row_count=len(rows), posted=len(checked.lines), rejected=len(checked.rejected_rows),
            collected_minor=sum(line.amount_minor for line in checked.lines),
            commission_minor=sum(line.commission_minor for line in checked.lines),
            actor=actor.name, at=now,
        )  # fmt: skip
        for line in checked.lines:
            key = f"agency:{agency.code}:{line.payment_ref}"
            credit_id = record_credit(
                uow, loan_id=line.loan_id, kind=CreditKind.AGENCY, amount_minor=line.amount_minor,
                effective_date=line.collected_on, reason=f"collected by {agency.name}", key=key,
                actor=f"agency:{agency.code}"[:20], at=now, as_of=today, policy=recovery.waterfall,
            )  # fmt: skip
            if line.commission_minor:
                c = line.commission_minor
                post_lender_entry(
                    uow, loan_id=line.loan_id, kind=EntryKind.COMMISSION,
                    lines={Account.AGENCY_COMMISSION: c, Account.CASH: -c},
                    effective_date=line.collected_on, memo=f"{agency.name} commission",
                    key=f"{key}:commission", actor=actor.name, at=now,
                    currency=_currency(uow, line.loan_id),
                )  # fmt: skip
            uow.agencies.add_line(remittance_id, agency_id=agency.id, line=line,
                                  credit_id=credit_id)  # fmt: skip
        uow.agencies.add_differences(remittance_id, checked.differences)
        uow.audit.record(
            at=now, actor=actor.name, action="agency.remittance", entity_type="agency",
            entity_id=str(agency.id),
            details={"remittance_id": remittance_id, "file": file_name, "sha256": sha256,
                     "rows": len(rows), "posted": len(checked.lines),
                     "rejected": len(checked.rejected_rows)},
        )  # fmt: skip
        uow.commit()
        differences = uow.agencies.differences([remittance_id])
    return RemittanceReport(
        remittance_id=remittance_id, rows=len(rows), posted=len(checked.lines),
        collected_minor=sum(line.amount_minor for line in checked.lines),
        commission_minor=sum(line.commission_minor for line in checked.lines),
        problems=list(checked.problems), differences=differences,
    )  # fmt: skip


def check_file(
    agency_code: str, rows: Sequence[Mapping[str, str]], *, file_name: str,
    uow_factory: Callable[[], UnitOfWork], clock: Clock, recovery: Recovery,
) -> CheckedRemittance:  # fmt: skip
    """Check a remittance without posting anything (what the import would do)."""
    with uow_factory() as uow:
        agency = uow.agencies.agency(agency_code)
        if agency is None or agency.id is None:
            raise NotFoundError(f"no agency {agency_code!r}")
        return _check(uow, agency.id, rows, file_name=file_name, today=clock.today(),
                      recovery=recovery)  # fmt: skip


@dataclass
class Reconciliation:
    agency: str
    remittances: list[dict[str, Any]]
    differences: list[dict[str, Any]]

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.differences:
            counts[item["kind"]] = counts.get(item["kind"], 0) + 1
        return counts


def reconcile(
    agency_code: str, *, uow_factory: Callable[[], UnitOfWork], remittance_id: int | None = None
) -> Reconciliation:
    """The differences of one remittance, or of every remittance of the agency."""
    with uow_factory() as uow:
        agency = uow.agencies.agency(agency_code)
        if agency is None or agency.id is None:
            raise NotFoundError(f"no agency {agency_code!r}")
        remittances = uow.agencies.remittances(agency_id=agency.id)
        if remittance_id is not None:
            remittances = [r for r in remittances if r["id"] == remittance_id]
            if not remittances:
                raise NotFoundError(f"no remittance {remittance_id} from {agency_code}")
        differences = uow.agencies.differences([int(r["id"]) for r in remittances])
    return Reconciliation(agency_code, remittances, differences)


def _check(
    uow: UnitOfWork, agency_id: int, rows: Sequence[Mapping[str, str]], *, file_name: str,
    today: date, recovery: Recovery,
) -> CheckedRemittance:  # fmt: skip
    # Only what could be an account id is looked up (import ids: 1 to 64 printable
    # characters); anything else, a NUL for one, is an unknown account, not a database error.
    named = (str(r.get("account") or "") for r in rows)
    found = uow.agencies.account_placements(
        agency_id, (a for a in named if 0 < len(a) <= 64 and a.isprintable())
    )
    accounts = {
        account: None if value is None else AccountRef(loan_id=value[0], placements=value[1])
        for account, value in found.items()
    }
    return check_remittance(
        rows, file=file_name, currency=_agency_currency(uow, accounts), accounts=accounts,
        imported_refs=uow.agencies.imported_refs(agency_id), as_of=today,
        commission_after_recall=recovery.policies.agency.commission_after_recall,
    )  # fmt: skip


def _agency_currency(uow: UnitOfWork, accounts: Mapping[str, AccountRef | None]) -> str:
    """Remittances are in the currency of the accounts they pay (USD when none is known)."""
    for ref in accounts.values():
        if ref is not None:
            return _currency(uow, ref.loan_id)
    return "USD"


def _currency(uow: UnitOfWork, loan_id: int) -> str:
    profile = uow.gate.loan_profile(loan_id)
    return profile.currency if profile else "USD"
