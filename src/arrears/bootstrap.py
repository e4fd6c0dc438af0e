"""The composition root: the one place that picks concrete adapters (DESIGN §1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from arrears.adapters.db import migrate
from arrears.adapters.db.engine import make_engine
from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.adapters.field_crypto import FieldCipher, load_or_create_cipher
from arrears.adapters.files.portfolio_files import PortfolioFiles
from arrears.adapters.files.problem_log import ProblemLog
from arrears.adapters.payments.sandbox import SandboxGateway
from arrears.adapters.system_clock import SystemClock
from arrears.config import Settings, load_settings
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.clock import Clock
from arrears.domain.components import Component
from arrears.domain.delinquency import BucketScheme
from arrears.errors import ConfigurationError
from arrears.services import portal
from arrears.services.auth import Auth, AuthSettings
from arrears.services.cycle import CycleSettings
from arrears.services.importing import ImportSettings
from arrears.services.portal import LinkSender
from arrears.services.ports import PaymentGateway


@dataclass
class Container:
    settings: Settings
    clock: Clock
    engine: Engine
    cipher: FieldCipher
    schema: str | None = None
    _checked: bool = field(default=False, repr=False)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, cipher=self.cipher)

    @property
    def buckets(self) -> BucketScheme:
        return BucketScheme.from_bounds(self.settings.buckets)

    @property
    def policy(self) -> WaterfallPolicy:
        try:
            order = tuple(Component(name) for name in self.settings.waterfall)
            return WaterfallPolicy(order, self.settings.payment_tolerance_minor)
        except ValueError as error:
            raise ConfigurationError(f"waterfall setting: {error}") from None

    @property
    def import_settings(self) -> ImportSettings:
        return ImportSettings(
            batch_rows=self.settings.import_batch_rows,
            partition_loans=self.settings.partition_loans,
            policy=self.policy,
        )

    @property
    def cycle_settings(self) -> CycleSettings:
        return CycleSettings(
            buckets=self.buckets,
            policy=self.policy,
            partition_loans=self.settings.partition_loans,
        )

    def import_files(self, as_of: date) -> PortfolioFiles:
        return PortfolioFiles(as_of=as_of, batch_rows=self.settings.import_batch_rows)

    def problem_log(self, path: Path | None) -> ProblemLog:
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
        return ProblemLog(path or self.settings.data_dir / "problems" / f"import-{stamp}.csv")

    def require_schema(self) -> None:
        """Refuse to work on a database that ``arrears init`` has not brought up to date."""
        if self._checked:
            return
        current = migrate.current_revisions(self.engine)
        if current != migrate.head_revisions():
            raise ConfigurationError(
                f"the database at {self.database_label} is not initialised or is out of date "
                f"(revision {migrate.describe(current)}): run `arrears init`"
            )
        self._checked = True

    @property
    def database_label(self) -> str:
        return make_url(self.settings.effective_database_url).render_as_string(hide_password=True)


def build(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    create_keys: bool = False,
    schema: str | None = None,
) -> Container:
    settings = settings or load_settings()
    cipher = load_or_create_cipher(
        configured=settings.field_keys,
        key_file=settings.data_dir / "field-keys.json",
        create=create_keys,
    )
    engine = make_engine(settings.effective_database_url, schema=schema)
    return Container(
        settings=settings,
        clock=clock or SystemClock(settings.business_time_zone),
        engine=engine,
        cipher=cipher,
        schema=schema,
    )


def initialise(container: Container) -> tuple[str, str]:
    """Create or upgrade the schema; returns (revisions before, revisions after)."""
    before = migrate.current_revisions(container.engine)
    migrate.upgrade(container.engine)
    return migrate.describe(before), migrate.describe(migrate.current_revisions(container.engine))


# -- the web app and API ------------------------------------------------------------------------


def web_auth(container: Container) -> Auth:
    """Sessions, sign-in and rate limits with the configured lifetimes and limits."""
    s = container.settings
    settings = AuthSettings(
        idle=timedelta(minutes=s.session_idle_minutes),
        max_age=timedelta(hours=s.session_max_hours),
        portal_idle=timedelta(minutes=s.portal_session_minutes),
        portal_max_age=timedelta(minutes=max(60, s.portal_session_minutes)),
        window=timedelta(minutes=s.login_window_minutes),
        per_account=s.login_failures_per_account,
        per_address=s.login_failures_per_address,
        link_life=timedelta(minutes=s.portal_link_minutes),
    )
    return Auth(uow_factory=container.uow, clock=container.clock, settings=settings)


def payment_gateway(container: Container) -> PaymentGateway:
    """The card gateway: the built-in sandbox (a real provider is another adapter)."""
    return SandboxGateway()


def portal_link_sender(container: Container) -> LinkSender:
    """How one-time portal links reach borrowers: the console in demo mode until an outbox
    channel delivers them."""
    return portal.logged_link_sender if container.settings.demo_mode else portal.undelivered_link
