"""One transaction, with the stores that work inside it (DESIGN §6: all or nothing)."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from sqlalchemy import Connection, Engine

from arrears.adapters.db import deferred_indexes, write_once
from arrears.adapters.db.accounts_store import SqlAccounts
from arrears.adapters.db.agencies_store import SqlAgencies
from arrears.adapters.db.audit_store import SqlAuditLog
from arrears.adapters.db.collateral_store import SqlCollateralStore
from arrears.adapters.db.contacts_store import SqlContactLog
from arrears.adapters.db.credits_store import SqlCredits
from arrears.adapters.db.cycle_store import SqlCycleStore
from arrears.adapters.db.decision_engine_store import SqlDecisionEngine
from arrears.adapters.db.furnishing_reads import SqlFurnishingReads
from arrears.adapters.db.furnishing_store import SqlFurnishingStore
from arrears.adapters.db.gate_store import SqlGateStore
from arrears.adapters.db.holds_store import SqlHolds
from arrears.adapters.db.import_runs import SqlImportRuns
from arrears.adapters.db.ledger_store import SqlLedgerStore
from arrears.adapters.db.legal_store import SqlLegal
from arrears.adapters.db.outbox_store import SqlOutboxStore
from arrears.adapters.db.plans_store import SqlPlans
from arrears.adapters.db.portfolio_reads import SqlPortfolioReads
from arrears.adapters.db.portfolio_store import BOOK, SqlPortfolioStore
from arrears.adapters.db.posting_reads import SqlPostingReads
from arrears.adapters.db.promises_store import SqlPromises
from arrears.adapters.db.sealed_store import SqlSealedFields
from arrears.adapters.db.sessions_store import SqlPortalStore, SqlSessions
from arrears.adapters.db.settlements_store import SqlSettlements
from arrears.adapters.db.strategy_store import SqlStrategies
from arrears.adapters.db.users_store import SqlUsers
from arrears.adapters.db.web_store import SqlWebStore
from arrears.adapters.field_crypto import FieldCipher


class SqlUnitOfWork:
    def __init__(self, engine: Engine, *, cipher: FieldCipher, bulk_import: bool = False) -> None:
        """``bulk_import``: an import's unit of work; into an empty SQLite book it writes through
        a rollback journal instead of the write-ahead log when it has the file to itself
        (``adapters.db.write_once``, docs/adr/0018)."""
        self.engine = engine
        self.cipher = cipher
        self.bulk_import = bulk_import
        self._connection: Connection | None = None
        self._audit: SqlAuditLog | None = None
        self._left_log = False

    def __enter__(self) -> SqlUnitOfWork:
        self._connection = self.engine.connect()
        self._left_log = self.bulk_import and write_once.leave_log(self._connection, BOOK)
        self._connection.begin()
        self._audit = None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = self.connection
        if connection.in_transaction():
            connection.rollback()
        if self._left_log:
            write_once.return_to_log(connection)
            self._left_log = False
        connection.close()
        self._connection = None
        self._audit = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    def commit(self, *, durable: bool = True) -> None:
        """``durable=False``: on PostgreSQL, answer without waiting for the write-ahead log to
        reach the disk (docs/adr/0014: views, whose only writes are their own audit records).
        A crash of the server may then lose this transaction, never part of it. Its audit
        entries go to the view lanes on both backends, so the chains are the same on each."""
        # Nothing commits with a table's indexes still dropped (docs/adr/0013).
        deferred_indexes.build(self.connection)
        if not durable and self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        if self._audit is not None:
            # The audit lanes are locked here, held only until the commit (so nothing else is
            # sent between the two); a commit that does not wait for the disk appends to lanes
            # no durable one holds (ADR 0015).
            self._audit.flush(durable=durable)
        self.connection.commit()

    def rollback(self) -> None:
        if self._audit is not None:
            self._audit.discard()
        self.connection.rollback()

    def portfolio(self, *, now: datetime, run_id: int) -> SqlPortfolioStore:
        return SqlPortfolioStore(self.connection, cipher=self.cipher, now=now, run_id=run_id)

    @property
    def reads(self) -> SqlPortfolioReads:
        return SqlPortfolioReads(self.connection)

    @property
    def ledger(self) -> SqlLedgerStore:
        return SqlLedgerStore(self.connection)

    @property
    def posting(self) -> SqlPostingReads:
        return SqlPostingReads(self.connection)

    @property
    def audit(self) -> SqlAuditLog:
        """One per transaction: it keeps the entries recorded until ``commit`` writes them."""
        connection = self.connection
        if self._audit is None:
            self._audit = SqlAuditLog(connection)
        return self._audit

    @property
    def import_runs(self) -> SqlImportRuns:
        return SqlImportRuns(self.connection)

    @property
    def holds(self) -> SqlHolds:
        return SqlHolds(self.connection)

    @property
    def accounts(self) -> SqlAccounts:
        return SqlAccounts(self.connection)

    @property
    def credits(self) -> SqlCredits:
        return SqlCredits(self.connection)

    @property
    def strategies(self) -> SqlStrategies:
        return SqlStrategies(self.connection)

    @property
    def cycle(self) -> SqlCycleStore:
        return SqlCycleStore(self.connection)

    # -- the web app and API (schema_web) ----------------------------------------------------

    @property
    def users(self) -> SqlUsers:
        return SqlUsers(self.connection)

    @property
    def sessions(self) -> SqlSessions:
        return SqlSessions(self.connection, cipher=self.cipher)

    @property
    def web(self) -> SqlWebStore:
        return SqlWebStore(self.connection)

    @property
    def portal(self) -> SqlPortalStore:
        return SqlPortalStore(self.connection)

    # -- channels and the outbox (schema_outbox) ----------------------------------------------

    @property
    def outbox(self) -> SqlOutboxStore:
        return SqlOutboxStore(self.connection)

    # -- communication, negotiation and the compliance gate ----------------------------------

    @property
    def contacts(self) -> SqlContactLog:
        return SqlContactLog(self.connection)

    @property
    def promises(self) -> SqlPromises:
        return SqlPromises(self.connection)

    @property
    def plans(self) -> SqlPlans:
        return SqlPlans(self.connection)

    @property
    def gate(self) -> SqlGateStore:
        return SqlGateStore(self.connection)

    # -- settlements, legal action and agencies (schema_settlements, schema_legal, …) ---------

    @property
    def settlements(self) -> SqlSettlements:
        return SqlSettlements(self.connection)

    @property
    def legal(self) -> SqlLegal:
        return SqlLegal(self.connection)

    @property
    def agencies(self) -> SqlAgencies:
        return SqlAgencies(self.connection)

    # -- collateral recovery (schema_collateral) ----------------------------------------------

    @property
    def collateral(self) -> SqlCollateralStore:
        return SqlCollateralStore(self.connection)

    # -- credit-bureau furnishing (schema_furnishing) -----------------------------------------

    @property
    def furnishing_reads(self) -> SqlFurnishingReads:
        return SqlFurnishingReads(self.connection, cipher=self.cipher)

    @property
    def furnishing(self) -> SqlFurnishingStore:
        return SqlFurnishingStore(self.connection)

    # -- decision engine (schema_decision_engine) ------------------------------------------------

    @property
    def decision_engine(self) -> SqlDecisionEngine:
        return SqlDecisionEngine(self.connection)

    # -- sealed sensitive fields, for key rotation (services.keys) -------------------------------

    @property
    def sealed(self) -> SqlSealedFields:
        return SqlSealedFields(self.connection)
