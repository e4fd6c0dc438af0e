"""Referring an account to legal action: the cost/benefit view, the checks, the case.

Before a referral, and again before each filing, the compliance gate is asked about a legal
action on the account (``check_contact`` with category ``legal``): a hold in force that forbids
it (bankruptcy stay 11 U.S.C. 362(a), dispute 12 CFR 1006.38(d)(2), SCRA 50 U.S.C. 3931…) or a
time-barred debt (12 CFR 1006.26(b)) refuses it with the rule cited, and the gate's decision
is kept. The statute of limitations is also checked here for every kind of collector, since no
creditor may usefully sue on a time-barred debt. The cost/benefit view puts the value of a suit
next to the other alternatives (``arrears.domain.legal.economics``) and is stored with the case
as it was shown. An active proceeding puts a ``legal`` hold on the account, per policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from arrears.compliance.model import Proposal, Stage
from arrears.domain.alternatives import Alternative, AlternativeKind, best
from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory, HoldKind
from arrears.domain.legal.cases import Case, CaseStatus, Proceeding
from arrears.domain.legal.proceedings import ProceedingKind, ProceedingStatus
from arrears.domain.settlements.pricing import alternatives_for
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.compliance import check_contact
from arrears.services.holds import HoldRequest, end_hold, place_hold
from arrears.services.joined import joined
from arrears.services.ports import UnitOfWork
from arrears.services.recovery_common import loan_id_for
from arrears.services.recovery_facts import AccountFacts, account_facts, time_barred_reason
from arrears.services.recovery_settings import Actor, Recovery


@dataclass(frozen=True)
class CostBenefit:
    """A suit next to the other alternatives, today, with why it may not be possible."""

    loan_id: int
    as_of: date
    balance_minor: int
    currency: str
    alternatives: tuple[Alternative, ...]
    barred: tuple[str, ...]
    limitation: dict[str, Any]

    @property
    def legal(self) -> Alternative:
        return next(a for a in self.alternatives if a.kind is AlternativeKind.LEGAL)

    @property
    def worth_suing(self) -> bool:
        """A suit is possible, worth something, and worth the most of the alternatives."""
        top = best(self.alternatives)
        return self.legal.available and self.legal.epv_minor > 0 and top is self.legal

    def as_dict(self) -> dict[str, Any]:
        return {
            "loan_id": self.loan_id, "as_of": self.as_of.isoformat(),
            "balance_minor": self.balance_minor, "currency": self.currency,
            "alternatives": [a.as_dict() for a in self.alternatives],
            "barred": list(self.barred), "limitation": self.limitation,
            "worth_suing": self.worth_suing,
        }  # fmt: skip


def cost_benefit_of(facts: AccountFacts, recovery: Recovery) -> CostBenefit:
    sol = facts.sol
    limitation: dict[str, Any] = {}
    if sol is not None:
        limitation = {
            "state": sol.state, "contract_type": sol.contract_type.value, "years": sol.years,
            "accrued_on": sol.accrued_on.isoformat(), "expires_on": sol.expires_on.isoformat(),
            "time_barred": sol.time_barred, "no_revival": sol.no_revival, "source": sol.source,
        }  # fmt: skip
    return CostBenefit(
        loan_id=facts.loan_id, as_of=facts.as_of, balance_minor=facts.balances.total,
        currency=facts.profile.currency,
        alternatives=alternatives_for(facts.pricing(), recovery.policies),
        barred=facts.barred(ActionCategory.LEGAL), limitation=limitation,
    )  # fmt: skip


def cost_benefit(
    ref: str, *, uow_factory: Callable[[], UnitOfWork], clock: Clock, recovery: Recovery
) -> CostBenefit:
    with uow_factory() as uow:
        facts = account_facts(uow, loan_id_for(uow, ref), as_of=clock.today(),
                              policy=recovery.waterfall)  # fmt: skip
    return cost_benefit_of(facts, recovery)


def legal_bars(
    uow: UnitOfWork, facts: AccountFacts, *, template: str, actor: Actor, at: datetime,
    recovery: Recovery,
) -> list[tuple[str, str]]:  # fmt: skip
    """(rule, reason) for everything that forbids legal action now: the gate's findings
    (recorded) and a time-barred debt whatever the collector."""
    proposal = Proposal(
        loan_id=facts.loan_id, channel=Channel.LETTER, category=ActionCategory.LEGAL,
        template=template, reference=f"legal:{facts.loan_id}:{template}:{at.isoformat()}",
    )  # fmt: skip
    decision = check_contact(uow, proposal, at=at, stage=Stage.CHECK, actor=actor.name[:64],
                             settings=recovery.compliance)  # fmt: skip
    bars = [(hit.rule_id, f"{hit.reason} [{hit.source}]") for hit in decision.blocked_by]
    sol = facts.sol
    if sol is not None and sol.time_barred and not any("time_barred" in r for r, _ in bars):
        bars.append(("legal.time_barred", time_barred_reason(sol)))
    return bars


def refuse(uow: UnitOfWork, bars: list[tuple[str, str]], *, what: str) -> None:
    """Keep the gate's recorded decision and refuse, citing every rule."""
    if not bars:
        return
    uow.commit()
    raise RuleViolation(f"{what} refused: " + "; ".join(reason for _, reason in bars),
                        rule=bars[0][0], source=bars[0][1])  # fmt: skip


def refer_to_legal(
    ref: str, *, actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock,
    recovery: Recovery, firm: str = "", attorney: str = "",
    kind: ProceedingKind = ProceedingKind.SUIT, review_action_id: int | None = None,
) -> int:  # fmt: skip
    """Open a case with a first proceeding; returns the case id."""
    with uow_factory() as uow:
        case_id = open_case(
            uow, loan_id_for(uow, ref), actor=actor, clock=clock, recovery=recovery, firm=firm,
            attorney=attorney, kind=kind, review_action_id=review_action_id,
        )  # fmt: skip
        uow.commit()
    return case_id


def open_case(
    uow: UnitOfWork, loan_id: int, *, actor: Actor, clock: Clock, recovery: Recovery,
    firm: str = "", attorney: str = "", kind: ProceedingKind = ProceedingKind.SUIT,
    review_action_id: int | None = None,
) -> int:  # fmt: skip
    """``refer_to_legal`` inside the caller's transaction."""
    if kind.enforces_judgment:
        raise RuleViolation("a case starts with a suit or a judgment", rule="legal.kind")
    if any(c.status is CaseStatus.OPEN for c in uow.legal.cases_for_loan(loan_id)):
        raise ConflictError("the account already has an open legal case")
    today, now = clock.today(), clock.now()
    facts = account_facts(uow, loan_id, as_of=today, policy=recovery.waterfall)
    refuse(uow, legal_bars(uow, facts, template="legal_referral", actor=actor, at=now,
                           recovery=recovery), what="legal referral")  # fmt: skip
    view = cost_benefit_of(facts, recovery)
    case = Case(loan_id=loan_id, status=CaseStatus.OPEN, referred_on=today,
                referred_by=actor.name, firm=firm, attorney=attorney,
                state=facts.profile.contract_state)  # fmt: skip
    case_id = uow.legal.add_case(case, cost_benefit=view.as_dict(),
                                 review_action_id=review_action_id, at=now)  # fmt: skip
    uow.legal.add_proceeding(
        Proceeding(case_id=case_id, kind=kind, status=ProceedingStatus.REFERRED, opened_on=today),
        actor=actor.name, at=now,
    )  # fmt: skip
    sync_hold(uow, case_id, actor=actor, clock=clock, recovery=recovery)
    uow.audit.record(
        at=now, actor=actor.name, action="legal.referred", entity_type="loan",
        entity_id=str(loan_id),
        details={"case_id": case_id, "kind": kind.value, "firm": firm,
                 "legal_epv_minor": view.legal.epv_minor, "worth_suing": view.worth_suing},
    )  # fmt: skip
    return case_id


def sync_hold(
    uow: UnitOfWork, case_id: int, *, actor: Actor, clock: Clock, recovery: Recovery
) -> None:
    """A case with a proceeding in a hold status has a ``legal`` hold; one without has none
    (the policy's ``[hold]``). Closes the case once every proceeding is finished."""
    case = uow.legal.case(case_id)
    if case is None:
        raise NotFoundError(f"no legal case {case_id}")
    policy = recovery.policies.legal
    proceedings = uow.legal.proceedings_of(case_id)
    wants = policy.place_hold and any(p.status in policy.hold_statuses for p in proceedings)
    hold_id = uow.legal.case_details(case_id)["hold_id"]
    now = clock.now()
    if wants and hold_id is None:
        profile = uow.gate.loan_profile(case.loan_id)
        assert profile is not None
        hold_id = place_hold(
            HoldRequest(kind=HoldKind.LEGAL, reason=f"legal case {case_id} is active",
                        set_by=actor.name, loan=profile.external_id),
            uow_factory=joined(uow), clock=clock,
        )  # fmt: skip
        uow.legal.update_case(case_id, at=now, hold_id=hold_id)
    elif not wants and hold_id is not None:
        end_hold(hold_id, ends_on=None, by=actor.name, reason=f"legal case {case_id}: no active "
                 "proceeding", uow_factory=joined(uow), clock=clock)  # fmt: skip
        uow.legal.update_case(case_id, at=now, hold_id=None)
    if proceedings and all(p.status.terminal for p in proceedings):
        uow.legal.update_case(case_id, at=now, status=CaseStatus.CLOSED)
