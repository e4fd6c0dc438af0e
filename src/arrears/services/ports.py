"""What the use cases need from the outside world, as Protocols the adapters implement.

Frames (Polars) cross these ports as plain data in the batch layer's conventions
(``arrears.batch.frames``); the use cases pass them along without looking inside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, TypeVar

import numpy as np
import polars as pl

from arrears.batch.scoring.model import RecoveryModel
from arrears.compliance.model import GateDecision, Proposal, Stage
from arrears.domain.agencies.model import Agency, Placement, PlacementStatus
from arrears.domain.agencies.remittance import Difference, RemittanceLine
from arrears.domain.agencies.scorecard import Collected
from arrears.domain.charges import Charge
from arrears.domain.contact_log import Channel, ContactRecord, Outcome
from arrears.domain.contacts import ContactPoint, ContactStatus
from arrears.domain.holds import Hold
from arrears.domain.legal.cases import Case, CourtDate, Judgment, LegalCost, Proceeding
from arrears.domain.legal.proceedings import ProceedingStatus
from arrears.domain.plans import PlanRecord, PlanStatus
from arrears.domain.promises import Promise, PromiseRecord, PromiseStatus
from arrears.domain.schedules import Installment
from arrears.domain.settlements.offers import OfferRecord, OfferStatus
from arrears.domain.settlements.outcome import SettlementFacts
from arrears.errors import ArrearsError, Problem
from arrears.ledger.entries import Entry
from arrears.ledger.postings import PaymentFact

T = TypeVar("T")


class RawBatchLike(Protocol):
    rows: np.ndarray
    frame: pl.DataFrame


class CheckedBatchLike(Protocol):
    valid: pl.DataFrame
    problems: pl.DataFrame
    rejected_rows: pl.Series


class OpenedFileLike(Protocol):
    path: Path
    problems: list[Problem]


class ImportFiles(Protocol):
    def kind_of(self, path: Path) -> Any: ...
    def open(self, path: Path, kind: Any) -> Any: ...
    def batches(self, opened: Any) -> Iterator[Any]: ...
    def reference_keys(self, kind: Any, raw: Any) -> list[str]: ...
    def check(self, kind: Any, raw: Any, *, references: pl.DataFrame, file: str) -> Any: ...
    def forget_keys(self) -> None:
        """Let go of what ``check`` remembered to catch repeats (every file has been read)."""
        ...


class WriteResultLike(Protocol):
    inserted: int
    updated: int
    unchanged: int
    touched_loans: np.ndarray
    problems: pl.DataFrame | None


class PortfolioWriter(Protocol):
    def references(self, kind: str, keys: list[str]) -> pl.DataFrame:
        """The records rows of ``kind`` refer to (borrowers of loans, loans of payments…)."""
        ...

    def prepare(self, kind: str, valid: pl.DataFrame) -> pl.DataFrame:
        """What ``write`` can compute of a batch without the database, done on the caller's
        thread while the batch before is written; ``write`` is then given the result."""
        ...

    def write(self, kind: str, valid: pl.DataFrame, *, file: str) -> WriteResultLike: ...
    def submit(self, kind: str, valid: pl.DataFrame, *, file: str) -> Callable[[], WriteResultLike]:
        """Start ``write`` on a worker thread; calling the result waits for it. The connection
        is busy until then."""
        ...

    def new_loan_ids(self) -> np.ndarray: ...
    def forget_references(self) -> None:
        """The files are loaded: let go of what was kept to find rows' references."""
        ...

    def defer_indexes(self) -> list[str]:
        """On a book's first import, stop maintaining the bulk tables' secondary indexes row by
        row (docs/adr/0013); the tables whose indexes now wait for ``build_indexes`` (none
        when the book has rows)."""
        ...

    def build_indexes(self, stage: Literal["portfolio", "journal"]) -> list[str]:
        """Build once the indexes deferred on the portfolio's tables (before the posting reads
        them) or the journal's (after it); the indexes built. Raises when a unique one finds a
        duplicate."""
        ...

    def refresh_statistics(self) -> list[str]:
        """Let the database plan for the rows just written (tables analysed, if any)."""
        ...


@dataclass(frozen=True)
class LoanHistory:
    """One loan's terms, imported schedule, charges and payments as plain values: what a
    screen about one account needs, read in a few small statements instead of as frames."""

    loan_id: int
    currency: str
    principal_minor: int
    annual_rate_micros: int
    term_months: int
    first_due_date: date
    charge_off_date: date | None
    imported_schedule: bool
    installments: list[Installment]  # stored ones: imported schedules only (docs/adr/0004)
    charges: list[Charge]
    payments: list[tuple[date, int, bool]]  # (effective date, amount minor, good), by id


class PortfolioReads(Protocol):
    def loan_ids(self) -> list[int]: ...
    def loan_history(
        self,
        loan_id: int,
        *,
        row: Mapping[str, Any] | None = None,
        payments: Sequence[Mapping[str, Any]] | None = None,
    ) -> LoanHistory | None:
        """``row``: the loan's row; ``payments``: its rows of ``payments`` (any order), when
        the caller read them already."""
        ...

    def loans(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def stored_installments(
        self, loan_ids: list[int], *, due_by: date | None = None
    ) -> pl.DataFrame: ...
    def charges(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def payments(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def payment_amounts(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def balances(self, loan_ids: list[int], *, as_of: date | None = None) -> pl.DataFrame: ...
    def alongside(self, read: Callable[[PortfolioReads], T]) -> Callable[[], T]: ...


@dataclass(frozen=True, slots=True)
class PostingFacts:
    """What posting one loan reads, as plain values: its terms, its stored schedule (imported
    schedules only: a level one is derived from the terms, docs/adr/0004), its charges and
    credits, and the entries the posting rules own already in its journal (by source, then
    version). Posting a few loans reads these in a handful of statements, not as frames."""

    loan_id: int
    currency: str
    principal_minor: int
    annual_rate_micros: int
    term_months: int
    origination_date: date
    first_due_date: date
    imported_schedule: bool
    installments: list[Installment]
    charges: list[Charge]
    payments: list[PaymentFact]  # every credit, good or not, with its note and kind
    journal: list[Entry]


class PostingReads(Protocol):
    def facts(self, loan_ids: Sequence[int]) -> list[PostingFacts]:
        """The loans of ``loan_ids`` that exist, by ascending id."""
        ...


class StartWrite(Protocol):
    def __call__(self, then: Callable[[], None] | None = None) -> int:
        """Start writing the prepared batch (once the one before is written) and return its
        entries; ``then`` runs on the writer's thread after the write, the connection its
        own until ``wait`` returns (a read of what comes next)."""
        ...


class LedgerAppender(Protocol):
    def __enter__(self) -> LedgerAppender: ...
    def __exit__(self, *exc: object) -> None: ...
    def submit(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int: ...
    def prepare(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> StartWrite: ...
    def wait(self) -> None: ...


class LedgerStore(Protocol):
    def serialise_postings(self, loan_ids: Sequence[int]) -> None: ...
    def appender(self) -> LedgerAppender: ...
    def entries_of(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def lines_of(self, loan_ids: list[int]) -> pl.DataFrame: ...
    def append(
        self, entries: pl.DataFrame, lines: pl.DataFrame, *, recorded_at: datetime, run_id: int
    ) -> int: ...
    def append_entries(
        self, entries: Sequence[Entry], *, recorded_at: datetime, run_id: int
    ) -> int: ...


class AuditLog(Protocol):
    def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        entity_type: str,
        entity_id: str,
        details: dict[str, Any] | None = None,
    ) -> None: ...


class ImportRuns(Protocol):
    def start(self, *, at: datetime, files: list[str], actor: str) -> int: ...
    def finish(
        self, run_id: int, *, at: datetime, status: str, counts: dict[str, Any], problems: int
    ) -> None: ...


class HoldStore(Protocol):
    def add(self, hold: Hold, *, created_at: datetime) -> int: ...
    def get(self, hold_id: int) -> Hold | None: ...
    def end(self, hold_id: int, *, ends_on: date, ended_by: str, ended_at: datetime) -> None: ...
    def for_loan(self, loan_id: int, *, borrower_ids: list[int] | None = None) -> list[Hold]: ...
    def active_frame(self, *, first_loan_id: int, last_loan_id: int, on: date) -> pl.DataFrame: ...


@dataclass(frozen=True)
class RecoveryKinds:
    """Which kinds of recovery record a loan has: most loans have none, and a view then
    reads none of them."""

    legal: bool
    placements: bool
    collateral: bool


class AccountLookup(Protocol):
    def loan_id(self, external_id: str) -> int | None: ...
    def borrower_id(self, external_id: str) -> int | None: ...
    def recovery_kinds(self, loan_id: int) -> RecoveryKinds: ...


@dataclass(frozen=True)
class StrategyRecord:
    """An activated strategy as stored: its text and every file it names."""

    name: str
    version: int
    digest: str
    source: str
    text: str
    included: dict[str, str]
    activated_at: datetime
    activated_by: str


class StrategyStore(Protocol):
    def activate(self, stored: StrategyRecord) -> None: ...
    def active(self) -> StrategyRecord | None: ...


@dataclass(frozen=True)
class RunRecord:
    id: int
    as_of: date
    status: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class PartitionRecord:
    number: int
    first_loan_id: int
    last_loan_id: int


class CycleStore(Protocol):
    def run_for(self, as_of: date) -> RunRecord | None: ...
    def latest_completed(self) -> date | None: ...
    def start(
        self,
        *,
        as_of: date,
        strategy: str,
        version: int,
        digest: str,
        bounds: list[tuple[int, int]],
        at: datetime,
    ) -> int: ...
    def pending_partitions(self, run_id: int) -> list[PartitionRecord]: ...
    def partition_summaries(self, run_id: int) -> list[dict[str, Any]]: ...
    def finish_partition(
        self, run_id: int, number: int, *, summary: dict[str, Any], at: datetime
    ) -> None: ...
    def finish(self, run_id: int, *, summary: dict[str, Any], at: datetime) -> None: ...
    def loan_ids(self) -> list[int]: ...
    def earliest_origination(self) -> date | None: ...
    def accounts(self, first: int, last: int) -> pl.DataFrame: ...
    def contact_points(self, first: int, last: int) -> pl.DataFrame: ...
    def collateral_values(self, first: int, last: int, *, as_of: date) -> pl.DataFrame: ...
    def past_actions(self, first: int, last: int, *, before: date) -> pl.DataFrame: ...
    def write(
        self,
        *,
        run_id: int,
        decision_rows: pl.DataFrame,
        item_rows: pl.DataFrame,
        action_rows: pl.DataFrame,
        first: int,
        last: int,
    ) -> None: ...
    def decisions_for(self, loan_id: int, *, limit: int = 30) -> list[dict[str, Any]]: ...


class CreditStore(Protocol):
    def credit_by_key(self, key: str) -> dict[str, Any] | None: ...
    def add_credit(
        self,
        *,
        key: str,
        loan_id: int,
        kind: str,
        amount_minor: int,
        effective_date: date,
        reason: str,
        source: str,
        at: datetime,
    ) -> int: ...
    def charge_by_key(self, loan_id: int, key: str) -> dict[str, Any] | None: ...
    def add_charge(
        self,
        *,
        loan_id: int,
        key: str,
        component: str,
        amount_minor: int,
        assessed_on: date,
        reason: str,
        at: datetime,
    ) -> int: ...
    def loan_exists(self, loan_id: int) -> bool: ...


class UnitOfWork(Protocol):
    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
    def commit(self, *, durable: bool = True) -> None: ...
    def rollback(self) -> None: ...
    def portfolio(self, *, now: datetime, run_id: int) -> PortfolioWriter: ...
    @property
    def reads(self) -> PortfolioReads: ...
    @property
    def ledger(self) -> LedgerStore: ...
    @property
    def posting(self) -> PostingReads: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def import_runs(self) -> ImportRuns: ...
    @property
    def holds(self) -> HoldStore: ...
    @property
    def accounts(self) -> AccountLookup: ...
    @property
    def strategies(self) -> StrategyStore: ...
    @property
    def credits(self) -> CreditStore: ...
    @property
    def cycle(self) -> CycleStore: ...
    @property
    def contacts(self) -> ContactLogStore: ...
    @property
    def promises(self) -> PromiseStore: ...
    @property
    def plans(self) -> PlanStore: ...
    @property
    def gate(self) -> GateStore: ...
    @property
    def settlements(self) -> SettlementStore: ...
    @property
    def legal(self) -> LegalStore: ...
    @property
    def agencies(self) -> AgencyStore: ...
    @property
    def collateral(self) -> CollateralStore: ...
    @property
    def decision_engine(self) -> DecisionEngineStore: ...


class Progress(Protocol):
    def start(self, label: str, unit: str = "rows") -> None: ...
    def advance(self, rows: int) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, label: str, unit: str = "rows") -> None:
        return None

    def advance(self, rows: int) -> None:
        return None

    def finish(self) -> None:
        return None


# -- the web app and API (schema_web) ---------------------------------------------------------


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: str
    password_hash: str = field(repr=False)
    active: bool
    queues: tuple[str, ...] = ()
    last_login_at: datetime | None = None


@dataclass(frozen=True)
class TokenRecord:
    id: int
    name: str
    prefix: str
    role: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class SessionRecord:
    id_hash: str
    kind: str  # anonymous | staff | borrower
    csrf_token: str = field(repr=False)
    created_at: datetime
    last_seen_at: datetime
    idle_until: datetime
    expires_at: datetime
    user_id: int | None = None
    borrower_id: int | None = None
    language: str = "en"
    ended_at: datetime | None = None


@dataclass(frozen=True)
class LockRecord:
    loan_id: int
    held_by: str
    held_by_name: str
    taken_at: datetime
    expires_at: datetime
    loan_ref: str = ""


@dataclass(frozen=True)
class IdempotencyRecord:
    principal: str
    key: str
    fingerprint: str
    state: str  # pending | done
    status_code: int | None
    response: str | None
    created_at: datetime


@dataclass(frozen=True)
class CardPaymentRecord:
    loan_id: int
    amount_minor: int
    currency: str
    gateway: str
    idempotency_key: str
    reference: str
    status: str  # approved | declined
    decline_reason: str
    card_last4: str
    payment_id: int | None
    actor: str
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class PreferencesRecord:
    borrower_id: int
    language: str
    preferred_start_hour: int | None
    preferred_end_hour: int | None
    opted_out: frozenset[str]  # channels: call, sms, email


class UserStore(Protocol):
    def add(
        self, *, username: str, display_name: str, role: str, password_hash: str,
        queues: tuple[str, ...], at: datetime,
    ) -> int: ...  # fmt: skip
    def by_username(self, username: str) -> UserRecord | None: ...
    def get(self, user_id: int) -> UserRecord | None: ...
    def all(self) -> list[UserRecord]: ...
    def update(
        self, user_id: int, *, at: datetime, password_hash: str | None = None,
        active: bool | None = None, role: str | None = None,
    ) -> None: ...  # fmt: skip
    def touch_login(self, user_id: int, *, at: datetime) -> None: ...
    def add_token(
        self, *, name: str, prefix: str, token_hash: str, role: str, created_by: str,
        at: datetime, expires_at: datetime | None,
    ) -> int: ...  # fmt: skip
    def token_by_hash(self, token_hash: str) -> TokenRecord | None: ...
    def tokens(self) -> list[TokenRecord]: ...
    def revoke_token(self, token_id: int, *, at: datetime) -> bool: ...
    def touch_token(self, token_id: int, *, at: datetime) -> None: ...


class SessionStore(Protocol):
    def add(self, record: SessionRecord) -> None: ...
    def get(self, id_hash: str) -> SessionRecord | None: ...
    def touch(self, id_hash: str, *, at: datetime, idle_until: datetime) -> None: ...
    def set_language(self, id_hash: str, language: str) -> None: ...
    def end(self, id_hash: str, *, at: datetime) -> None: ...
    def end_for_user(self, user_id: int, *, at: datetime) -> int: ...
    def purge(self, *, before: datetime) -> int: ...
    def record_attempt(
        self, *, scope: str, subject: str, at: datetime, succeeded: bool
    ) -> None: ...
    def failures(self, *, scope: str, subject: str, since: datetime) -> int: ...
    def add_link(
        self, *, token_hash: str, borrower_id: int, channel: str, at: datetime,
        expires_at: datetime,
    ) -> None: ...  # fmt: skip
    def use_link(self, token_hash: str, *, at: datetime) -> int | None: ...
    def borrower_for_sign_in(self, *, loan_ref: str, dob_iso: str, zip5: str) -> int | None: ...
    def dob_matches(self, borrower_id: int, dob_iso: str) -> bool: ...
    def borrowers_reached_at(self, *, kinds: tuple[str, ...], value: str) -> list[int]: ...


class WebStore(Protocol):
    def lock(self, loan_id: int) -> LockRecord | None: ...
    def take_lock(
        self, *, loan_id: int, held_by: str, held_by_name: str, at: datetime, expires_at: datetime
    ) -> LockRecord: ...
    def release_lock(self, loan_id: int, *, held_by: str) -> bool: ...
    def locks_held_by(self, held_by: str, *, at: datetime) -> list[LockRecord]: ...
    def claim_key(
        self, *, principal: str, key: str, fingerprint: str, at: datetime, stale_before: datetime
    ) -> IdempotencyRecord | None: ...
    def complete_key(
        self, *, principal: str, key: str, status_code: int, response: str, at: datetime
    ) -> None: ...
    def release_key(self, *, principal: str, key: str) -> None: ...
    def call_tasks(
        self, *, on: date, queues: tuple[str, ...], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]: ...
    def actions_of(
        self, loan_id: int, *, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]: ...
    def pending_review(self, loan_id: int, treatment: str) -> int | None: ...
    def add_review(
        self, *, loan_id: int, treatment: str, queue: str, category: str, due_on: date,
        at: datetime, details: dict[str, Any],
    ) -> int: ...  # fmt: skip
    def assign_tasks(self, loan_id: int, *, to: str | None, at: datetime) -> None: ...
    def reviews(
        self, *, queue: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]: ...
    def action(self, action_id: int) -> dict[str, Any] | None: ...
    def set_action_status(
        self, action_id: int, *, status: str, at: datetime, details: dict[str, Any]
    ) -> bool: ...
    def activity(self, *, since: datetime) -> list[dict[str, Any]]: ...
    def loan_header(self, loan_id: int) -> dict[str, Any] | None: ...
    def prefetch_view(
        self,
        loan: Mapping[str, Any],
        *,
        brief: bool,
        recovery: bool,
        collector: bool,
        page: bool,
        decisions: int,
    ) -> None: ...

    def loan_header_by_ref(self, ref: str) -> dict[str, Any] | None: ...
    def borrower(self, borrower_id: int) -> dict[str, Any] | None: ...
    def borrowers(self, borrower_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Rows by id; each with ``contact_points``, a list of ``ContactPoint`` by id."""
        ...

    def payment_history(self, loan_id: int) -> list[dict[str, Any]]: ...
    def ledger_balances(self, loan_id: int) -> dict[str, int]: ...
    def collateral(self, loan_id: int) -> list[dict[str, Any]]: ...
    def loans_page(
        self, *, borrower_id: int | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]: ...


class PortalStore(Protocol):
    def preferences(self, borrower_id: int) -> PreferencesRecord: ...
    def save_preferences(
        self, borrower_id: int, *, language: str, start_hour: int | None, end_hour: int | None,
        opted_out: frozenset[str], at: datetime,
    ) -> None: ...  # fmt: skip
    def record_event(
        self, *, borrower_id: int, loan_id: int | None, event: str, at: datetime,
        details: dict[str, Any],
    ) -> None: ...  # fmt: skip
    def funnel_counts(self, *, since: datetime) -> dict[str, int]: ...
    def card_payment(self, *, gateway: str, idempotency_key: str) -> CardPaymentRecord | None: ...
    def add_card_payment(self, record: CardPaymentRecord) -> int: ...
    def add_payment(
        self, *, loan_id: int, external_id: str, amount_minor: int, effective_date: date,
        method: str, source: str, at: datetime,
    ) -> int: ...  # fmt: skip
    def payment_by_external_id(self, external_id: str) -> dict[str, Any] | None: ...


class WebUnitOfWork(UnitOfWork, Protocol):
    """The unit of work as the web app's use cases see it: the foundation's stores and theirs."""

    def __enter__(self) -> WebUnitOfWork: ...
    @property
    def users(self) -> UserStore: ...
    @property
    def sessions(self) -> SessionStore: ...
    @property
    def web(self) -> WebStore: ...
    @property
    def portal(self) -> PortalStore: ...


@dataclass(frozen=True)
class CardDetails:
    """A card as typed by the payer; only the last four digits are ever kept or shown."""

    number: str = field(repr=False)
    expiry_month: int = field(repr=False)
    expiry_year: int = field(repr=False)
    cvc: str = field(repr=False)
    holder: str = field(default="", repr=False)

    @property
    def last4(self) -> str:
        digits = "".join(ch for ch in self.number if ch.isdigit())
        return digits[-4:]


@dataclass(frozen=True)
class GatewayResult:
    approved: bool
    reference: str
    decline_reason: str = ""


class PaymentGateway(Protocol):
    """A card payment provider. ``idempotency_key`` makes a retried charge return the first
    result instead of charging twice (providers support this natively)."""

    name: str

    def charge(
        self, *, amount_minor: int, currency: str, card: CardDetails, idempotency_key: str,
        description: str,
    ) -> GatewayResult: ...  # fmt: skip


# -- channels, message templates and the outbox (schema_outbox; docs/channels.md) -------------


class TemplateFailure(ArrearsError):
    """A message could not be rendered (no such template or language, a missing variable, a
    required statement absent): the message is blocked with this reason; the batch goes on."""


class DeliveryFailed(ArrearsError):
    """A channel could not deliver a message. ``permanent`` failures are not retried;
    ``bounced`` means the recipient was refused (hard bounce, invalid number) and the address
    or number is flagged so it is never used again."""

    def __init__(self, message: str, *, permanent: bool, bounced: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or bounced
        self.bounced = bounced


class NotCleared(ArrearsError):
    """A channel was handed a message without an allowed gate decision (DESIGN §5)."""


@dataclass(frozen=True)
class RenderedMessage:
    template: str
    version: int
    language: str
    channel: str
    subject: str
    text: str
    html: str


class MessageRenderer(Protocol):
    def render(
        self, *, template: str, channel: str, language: str, context: dict[str, Any]
    ) -> RenderedMessage: ...


@dataclass(frozen=True)
class OutboundMessage:
    """A rendered, addressed message as a channel sees it, keyed for idempotency."""

    id: int
    idempotency_key: str
    token: str
    channel: str
    recipient: str = field(repr=False)
    subject: str
    text: str
    html: str
    template: str
    language: str
    print_date: date | None = None  # letters: the business day of the print batch


@dataclass(frozen=True)
class ClearedMessage:
    """A message with the gate decision that allowed it: the only thing a channel accepts."""

    message: OutboundMessage
    decision_id: str
    allowed: bool

    def require(self) -> OutboundMessage:
        """The message, or ``NotCleared`` when no allowed gate decision is recorded for it."""
        if not (self.allowed and self.decision_id):
            raise NotCleared(f"message {self.message.id} has no allowed gate decision")
        return self.message


@dataclass(frozen=True)
class DeliveryReceipt:
    provider_message_id: str
    details: dict[str, Any] = field(default_factory=dict)  # letters: file, pages, sha256


class ContactGate(Protocol):
    """The compliance gate as the outbox asks it (``arrears.services.compliance.check_contact``):
    it records its decision in the caller's unit of work under ``proposal.reference``."""

    def __call__(
        self, uow: UnitOfWork, proposal: Proposal, *, at: datetime, stage: Stage
    ) -> GateDecision: ...


class WebhookVerifier(Protocol):
    def verify(self, body: bytes, signature: str | None, *, now: datetime) -> bool: ...


@dataclass(frozen=True)
class ManifestRow:
    """One letter of a print batch, as the manifest lists it."""

    letter_id: int
    account: str
    recipient_name: str = field(repr=False)
    address_lines: tuple[str, ...] = field(repr=False)
    template: str
    template_version: int
    language: str
    pages: int
    sha256: str
    file: str


@dataclass(frozen=True)
class BatchFiles:
    folder: Path
    manifest_csv: Path
    manifest_json: Path
    letters: int
    pages: int


class PrintBatches(Protocol):
    def write_manifest(
        self, day: date, rows: list[ManifestRow], *, return_name: str
    ) -> BatchFiles: ...


class MessageChannel(Protocol):
    """Email, SMS or the letters print batch. ``idempotent``: handing the same message over
    twice cannot deliver it twice (the provider dedups by key, or the output is one file)."""

    name: str
    idempotent: bool

    def deliver(self, cleared: ClearedMessage) -> DeliveryReceipt: ...


@dataclass(frozen=True)
class OutboxRecord:
    """One outbox message as stored (``adapters.db.schema_outbox.outbox_messages``)."""

    id: int
    idempotency_key: str
    token: str
    action_id: int | None
    loan_id: int
    borrower_id: int
    channel: str
    category: str
    treatment: str | None
    template: str
    template_version: int | None
    language: str
    contact_point_id: int | None
    recipient: str = field(repr=False)
    subject: str = field(repr=False)
    body_text: str = field(repr=False)
    body_html: str = field(repr=False)
    context: dict[str, Any] = field(repr=False)
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    provider_message_id: str | None
    gate_decisions: tuple[str, ...]
    blocked_rules: tuple[str, ...]
    blocked_reasons: tuple[str, ...]
    print_date: date | None
    pdf_path: str | None
    pages: int | None
    pdf_sha256: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class NewOutboxMessage:
    idempotency_key: str
    loan_id: int
    borrower_id: int
    channel: str
    category: str
    template: str
    language: str
    action_id: int | None = None
    treatment: str | None = None
    context: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class MessageAction:
    """A message the cycle planned (``actions`` of kind ``message``)."""

    id: int
    loan_id: int
    borrower_id: int
    treatment: str
    channel: str
    template: str
    category: str
    due_on: date


@dataclass(frozen=True)
class MessageFacts:
    """What a message about one loan may say, read in one place (personal data: never log)."""

    loan: dict[str, Any] = field(repr=False)
    borrower: dict[str, Any] = field(repr=False)
    contact_points: tuple[Any, ...] = field(repr=False)  # domain.contacts.ContactPoint
    balance_minor: int
    past_due_minor: int
    days_past_due: int
    last_payment_on: date | None
    debt_lines: tuple[Any, ...] = field(repr=False)  # domain.itemization.DebtLine
    previous_itemization: str | None = None


class OutboxStore(Protocol):
    def pending_actions(
        self, *, run_id: int | None, action_ids: list[int] | None
    ) -> list[MessageAction]: ...
    def set_action_status(self, action_id: int, *, status: str, at: datetime) -> None: ...
    def add(self, message: NewOutboxMessage, *, at: datetime) -> tuple[int, bool]: ...
    def get(self, message_id: int) -> OutboxRecord | None: ...
    def by_key(self, idempotency_key: str) -> OutboxRecord | None: ...
    def by_token(self, token: str) -> OutboxRecord | None: ...
    def by_provider_id(self, channel: str, provider_message_id: str) -> OutboxRecord | None: ...
    def set_content(
        self, message_id: int, *, rendered: RenderedMessage, recipient: str,
        contact_point_id: int | None, context: dict[str, Any], at: datetime,
    ) -> None: ...  # fmt: skip
    def add_decision(self, message_id: int, decision: str) -> None: ...
    def queue(self, message_id: int, *, at: datetime, print_date: date | None) -> None: ...
    def block(
        self, message_id: int, *, at: datetime, rules: list[str], reasons: list[str]
    ) -> None: ...
    def due(self, *, now: datetime, channels: list[str], limit: int) -> list[int]: ...
    def claim(self, message_id: int, *, at: datetime) -> bool: ...
    def stale(self, *, claimed_before: datetime) -> list[int]: ...
    def requeue(
        self, message_id: int, *, at: datetime, next_attempt_at: datetime, error: str
    ) -> None: ...
    def finish(
        self, message_id: int, *, status: str, at: datetime, error: str = "",
        provider_message_id: str | None = None, details: dict[str, Any] | None = None,
    ) -> None: ...  # fmt: skip
    def listing(self, *, statuses: list[str], limit: int) -> list[OutboxRecord]: ...
    def letters_printed(self, print_date: date) -> list[OutboxRecord]: ...
    def add_event(
        self, *, message_id: int | None, kind: str, at: datetime, details: dict[str, Any],
        provider_event_id: str | None = None,
    ) -> bool: ...  # fmt: skip
    def facts(self, *, loan_id: int, borrower_id: int, as_of: date) -> MessageFacts | None: ...
    def phone_points(self, number: str) -> list[Any]: ...
    def set_point(
        self, point_id: int, *, at: datetime, status: str | None = None,
        sms_opted_out: bool = False, email_opted_out: bool = False,
    ) -> None: ...  # fmt: skip
    def queued_to_point(self, point_id: int, *, channel: str) -> list[int]: ...
    def gate_decision_id(self, reference: str) -> int | None: ...
    def point_borrower(self, point_id: int) -> int: ...
    def loans_of(self, borrower_id: int) -> list[int]: ...


class OutboxUnitOfWork(UnitOfWork, Protocol):
    """The unit of work as the outbox sees it: the foundation's stores and the outbox."""

    def __enter__(self) -> OutboxUnitOfWork: ...
    @property
    def outbox(self) -> OutboxStore: ...


# -- communication, negotiation and the compliance gate (schema_negotiation, schema_compliance) --


@dataclass(frozen=True)
class LoanProfile:
    """What the compliance gate needs about a loan and its borrower's address."""

    loan_id: int
    external_id: str
    borrower_id: int
    currency: str
    product: str
    contract_state: str
    contract_type: str
    borrower_state: str
    zip_code: str
    address_time_zone: str


class ContactLogStore(Protocol):
    def add(
        self, record: ContactRecord, *, created_at: datetime, details: dict[str, Any]
    ) -> int | None: ...
    def find(self, reference: str, outcome: Outcome) -> int | None: ...
    def for_loan(self, loan_id: int, *, limit: int | None = None) -> list[ContactRecord]: ...
    def points_of(self, borrower_id: int) -> list[ContactPoint]: ...
    def set_point_status(self, point_id: int, status: ContactStatus) -> None: ...
    def opt_out_point(self, point_id: int, channel: Channel, *, at: datetime) -> None: ...
    def preferred_hours(self, borrower_id: int) -> tuple[int, int] | None: ...
    def set_preferred_hours(
        self, borrower_id: int, hours: tuple[int, int] | None, *, by: str, at: datetime
    ) -> None: ...
    def recent_frame(
        self, first: int, last: int, *, since: datetime, before: datetime
    ) -> pl.DataFrame: ...
    def milestones_frame(self, first: int, last: int, *, before: datetime) -> pl.DataFrame: ...


class PromiseStore(Protocol):
    def add(self, promise: Promise, *, contact_id: int | None, created_at: datetime) -> int: ...
    def get(self, promise_id: int) -> PromiseRecord | None: ...
    def for_loan(self, loan_id: int) -> list[PromiseRecord]: ...
    def in_range(self, first: int, last: int) -> list[PromiseRecord]: ...
    def set_status(
        self, promise_id: int, *, status: PromiseStatus, decided_on: date | None,
        evaluated_on: date, at: datetime,
    ) -> None: ...  # fmt: skip


class PlanStore(Protocol):
    def add(self, plan: PlanRecord, *, created_at: datetime) -> int: ...
    def get(self, plan_id: int) -> PlanRecord | None: ...
    def for_loan(self, loan_id: int) -> list[PlanRecord]: ...
    def in_range(self, first: int, last: int) -> list[PlanRecord]: ...
    def set_status(
        self, plan_id: int, *, status: PlanStatus, misses: int, paid_minor: int,
        evaluated_on: date, at: datetime,
    ) -> None: ...  # fmt: skip
    def cancel(self, plan_id: int, *, by: str, reason: str, at: datetime) -> None: ...


class GateStore(Protocol):
    def record(
        self, proposal: Proposal, decision: GateDecision, *, borrower_id: int, at: datetime,
        stage: str, actor: str,
    ) -> int: ...  # fmt: skip
    def decisions_for(self, loan_id: int, *, limit: int = 50) -> list[dict[str, Any]]: ...
    def loan_profile(self, loan_id: int) -> LoanProfile | None: ...
    def partition_profiles(self, first: int, last: int) -> pl.DataFrame: ...


# -- settlements, legal action and agencies (schema_settlements, schema_legal, schema_agencies) --


class SettlementStore(Protocol):
    def lock_offers_of(self, loan_id: int) -> None: ...
    def add(self, offer: OfferRecord, *, at: datetime) -> int: ...
    def get(self, offer_id: int) -> OfferRecord | None: ...
    def for_loan(self, loan_id: int) -> list[OfferRecord]: ...
    def listing(
        self, *, statuses: tuple[OfferStatus, ...] = (), role: str | None = None, limit: int = 100
    ) -> list[OfferRecord]: ...
    def move(
        self, offer_id: int, *, from_status: OfferStatus, to: OfferStatus, on: date, actor: str,
        at: datetime, **fields: Any,
    ) -> bool: ...  # fmt: skip
    def events(self, offer_id: int) -> list[dict[str, Any]]: ...
    def add_settlement(self, facts: SettlementFacts, *, at: datetime) -> None: ...
    def settlement(self, offer_id: int) -> dict[str, Any] | None: ...
    def mark_loan_settled(self, loan_id: int, *, at: datetime) -> None: ...
    def reverse_credit(self, credit_id: int, *, on: date, reason: str) -> None: ...


class LegalStore(Protocol):
    def add_case(
        self, case: Case, *, cost_benefit: dict[str, Any], review_action_id: int | None,
        at: datetime,
    ) -> int: ...  # fmt: skip
    def case(self, case_id: int) -> Case | None: ...
    def cases_for_loan(self, loan_id: int) -> list[Case]: ...
    def case_details(self, case_id: int) -> dict[str, Any]: ...
    def update_case(self, case_id: int, *, at: datetime, **fields: Any) -> None: ...
    def add_proceeding(self, proceeding: Proceeding, *, actor: str, at: datetime) -> int: ...
    def proceeding(self, proceeding_id: int) -> Proceeding | None: ...
    def proceedings_of(self, case_id: int) -> list[Proceeding]: ...
    def move(
        self, proceeding_id: int, *, from_status: ProceedingStatus, to: ProceedingStatus,
        on: date, actor: str, note: str, at: datetime, judgment: Judgment | None = None,
    ) -> bool: ...  # fmt: skip
    def events(self, proceeding_id: int) -> list[dict[str, Any]]: ...
    def add_cost(self, cost: LegalCost, *, posted_as: str, actor: str, at: datetime) -> int: ...
    def costs_of(self, proceeding_ids: list[int]) -> list[LegalCost]: ...
    def add_date(self, court_date: CourtDate, *, at: datetime) -> int: ...
    def dates_of(self, proceeding_ids: list[int]) -> list[CourtDate]: ...
    def add_document(
        self, *, proceeding_id: int, template: str, version: int, language: str,
        outbox_message_id: int | None, html: str, sha256: str, at: datetime,
    ) -> int: ...  # fmt: skip
    def documents_of(self, proceeding_ids: list[int]) -> list[dict[str, Any]]: ...


class AgencyStore(Protocol):
    def add_agency(self, agency: Agency, *, at: datetime) -> int: ...
    def agency(self, code: str) -> Agency | None: ...
    def agency_by_id(self, agency_id: int) -> Agency | None: ...
    def agencies(self) -> list[Agency]: ...
    def loads(self) -> dict[int, int]: ...
    def add_placement(
        self, placement: Placement, *, principal_minor: int, interest_minor: int,
        fees_minor: int, placed_by: str, review_action_id: int | None, at: datetime,
    ) -> int: ...  # fmt: skip
    def placement(self, placement_id: int) -> Placement | None: ...
    def placements_of_loan(self, loan_id: int) -> list[Placement]: ...
    def placements(
        self, *, agency_id: int | None = None, status: PlacementStatus | None = None
    ) -> list[Placement]: ...
    def unplaced_accounts(self) -> list[str]: ...
    def recall(self, placement_id: int, *, on: date, reason: str, at: datetime) -> bool: ...
    def recall_reason(self, placement_id: int) -> str: ...
    def file_rows(self, placement_ids: list[int]) -> list[dict[str, Any]]: ...
    def imported_refs(self, agency_id: int) -> frozenset[str]: ...
    def account_placements(self, agency_id: int, accounts: Iterable[str]) -> dict[str, Any]: ...
    def add_remittance(
        self, *, agency_id: int, file_name: str, sha256: str, imported_on: date, row_count: int,
        posted: int, rejected: int, collected_minor: int, commission_minor: int, actor: str,
        at: datetime,
    ) -> int: ...  # fmt: skip
    def add_line(
        self, remittance_id: int, *, agency_id: int, line: RemittanceLine, credit_id: int
    ) -> None: ...
    def add_differences(self, remittance_id: int, differences: Iterable[Difference]) -> None: ...
    def remittances(self, *, agency_id: int) -> list[dict[str, Any]]: ...
    def differences(self, remittance_ids: list[int]) -> list[dict[str, Any]]: ...
    def collections(self, placement_ids: list[int]) -> list[Collected]: ...
    def complaints(self, placement_ids: list[int]) -> dict[int, int]: ...


# -- collateral recovery: registry, repossession and foreclosure cases (schema_collateral) ----


@dataclass(frozen=True)
class CollateralRecord:
    """A piece of collateral as the import stored it, with the registry's later facts."""

    id: int
    external_id: str
    loan_id: int
    kind: str  # vehicle | property
    vin: str | None
    year: int | None
    make: str | None
    model: str | None
    mileage: int | None
    condition: str | None
    address: tuple[str, ...]  # real property: line1, line2, city, state, zip
    property_type: str | None
    lien_position: int | None
    occupancy: str | None
    facts: dict[str, Any] = field(default_factory=dict)  # collateral_facts row, if any


@dataclass(frozen=True)
class CaseRecord:
    id: int
    kind: str  # repossession | foreclosure
    loan_id: int
    collateral_id: int
    state: str
    stage: str
    consumer_goods: bool
    opened_on: date
    opened_by: str
    closed_on: date | None


@dataclass(frozen=True)
class StepRecord:
    seq: int
    event: str
    effective_on: date
    key: str | None
    actor: str
    details: dict[str, Any]
    recorded_at: datetime


class CollateralStore(Protocol):
    def loan_terms(self, loan_id: int) -> dict[str, Any] | None: ...
    def of_loan(self, loan_id: int) -> list[CollateralRecord]: ...
    def get(self, collateral_id: int) -> CollateralRecord | None: ...
    def by_external_id(self, external_id: str) -> CollateralRecord | None: ...
    def add(self, *, external_id: str, loan_id: int, kind: str, fields: dict[str, Any],
            at: datetime) -> int: ...  # fmt: skip
    def save_facts(self, collateral_id: int, facts: dict[str, Any], *, by: str,
                   at: datetime) -> None: ...  # fmt: skip
    def valuations(self, collateral_id: int) -> list[dict[str, Any]]: ...
    def add_valuation(
        self, collateral_id: int, *, valued_on: date, amount_minor: int, source: str,
        valued_by: str, mileage: int | None, note: str, at: datetime,
    ) -> int | None: ...  # fmt: skip
    def add_vendor(self, *, code: str, name: str, phone: str, states: str,
                   at: datetime) -> int: ...  # fmt: skip
    def vendor(self, code: str) -> dict[str, Any] | None: ...
    def vendors(self) -> list[dict[str, Any]]: ...
    def open_case(
        self, *, kind: str, loan_id: int, collateral_id: int, state: str, stage: str,
        consumer_goods: bool, opened_on: date, opened_by: str, at: datetime,
    ) -> int: ...  # fmt: skip
    def case(self, case_id: int) -> CaseRecord | None: ...
    def open_case_of(self, collateral_id: int, *, kind: str) -> CaseRecord | None: ...
    def cases_of_loan(self, loan_id: int) -> list[CaseRecord]: ...
    def open_cases(self, *, kind: str, closed: tuple[str, ...]) -> list[CaseRecord]: ...
    def steps(self, case_id: int) -> list[StepRecord]: ...
    def add_step(
        self, case_id: int, *, event: str, on: date, details: dict[str, Any], key: str | None,
        actor: str, at: datetime,
    ) -> int | None: ...  # fmt: skip
    def set_stage(self, case_id: int, *, stage: str, closed_on: date | None,
                  at: datetime) -> None: ...  # fmt: skip
    def add_review(
        self, *, loan_id: int, treatment: str, queue: str, category: str, due_on: date,
        priority: int, details: dict[str, Any], at: datetime,
    ) -> int: ...  # fmt: skip


# -- credit-bureau furnishing: Metro 2 exports (schema_furnishing) -----------------------------


@dataclass(frozen=True)
class ExportRecord:
    """A completed Metro 2 export of a reporting month (``YYYY-MM``)."""

    id: int
    month: str
    as_of: date
    date_created: date
    path: str
    sha256: str
    records: int
    corrected: int
    excluded: dict[str, int]
    framing: str
    created_at: datetime


class FurnishingReads(Protocol):
    """What furnishing reads for the loans ``first``..``last`` (frames of
    ``arrears.batch.furnishing.inputs``)."""

    def accounts(self, first: int, last: int, *, as_of: date) -> pl.DataFrame: ...
    def people(self, borrower_ids: list[int], *, reveal: bool) -> pl.DataFrame: ...
    def holds(self, first: int, last: int) -> pl.DataFrame: ...
    def contacts(self, first: int, last: int) -> pl.DataFrame: ...
    def credits(self, first: int, last: int) -> pl.DataFrame: ...
    def plans(self, first: int, last: int) -> pl.DataFrame: ...
    def settlements(self, first: int, last: int) -> pl.DataFrame: ...
    def placements(self, first: int, last: int) -> pl.DataFrame: ...
    def collateral_events(self, first: int, last: int) -> pl.DataFrame: ...
    def ledger_accounts(self, loan_id: int, *, as_of: date) -> dict[str, int]: ...


class FurnishingStore(Protocol):
    def exports_for(self, month: str) -> list[ExportRecord]: ...
    def open_export(
        self, *, month: str, as_of: date, date_created: date, path: str, framing: str,
        actor: str, at: datetime,
    ) -> int: ...  # fmt: skip
    def add_accounts(self, export_id: int, reported: pl.DataFrame) -> None: ...
    def complete_export(
        self, export_id: int, *, sha256: str, records: int, corrected: int,
        excluded: dict[str, int],
    ) -> None: ...  # fmt: skip
    def discard_export(self, export_id: int) -> None: ...
    def prior(self, first: int, last: int, *, month: str) -> pl.DataFrame: ...
    def first_reports(self, first: int, last: int, *, month: str) -> pl.DataFrame: ...
    def partition_bounds(self, size: int) -> list[tuple[int, int]]: ...


class FurnishingUnitOfWork(UnitOfWork, Protocol):
    """The unit of work as Metro 2 furnishing sees it: the foundation's stores and its own."""

    def __enter__(self) -> FurnishingUnitOfWork: ...
    @property
    def furnishing_reads(self) -> FurnishingReads: ...
    @property
    def furnishing(self) -> FurnishingStore: ...


# -- decision engine: scoring models and the optimiser's explanations (schema_decision_engine) --


class ModelSource(Protocol):
    """Trained scoring models by name (the latest) or version (``docs/decision-engine.md``)."""

    def load(self, name_or_version: str) -> RecoveryModel: ...


class DecisionEngineStore(Protocol):
    def write_values(self, rows: pl.DataFrame) -> int: ...
    def values_of_run(self, run_id: int, *, loan_ids: list[int] | None = None) -> pl.DataFrame: ...
    def planned_actions(self, run_id: int) -> pl.DataFrame:
        """``loan_id``, ``external_id``, ``treatment`` of every action a cycle run planned."""
        ...
