"""The composition root: the one place that picks concrete adapters (DESIGN §1)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from arrears.adapters.channels.letters import PrintBatchChannel
from arrears.adapters.channels.maildir import MaildirEmailChannel
from arrears.adapters.channels.print_batch import PrintBatchFolders
from arrears.adapters.channels.sms_http import HttpSmsChannel, SmsSettings
from arrears.adapters.channels.smtp import SmtpEmailChannel, SmtpSettings
from arrears.adapters.channels.templates import JinjaTemplates
from arrears.adapters.channels.webhook_signature import HmacWebhookVerifier
from arrears.adapters.db import migrate
from arrears.adapters.db.engine import make_engine
from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.adapters.documents import JinjaDocuments
from arrears.adapters.field_crypto import FieldCipher, load_or_create_cipher
from arrears.adapters.files.model_store import FileModelStore
from arrears.adapters.files.portfolio_files import PortfolioFiles
from arrears.adapters.files.problem_log import ProblemLog
from arrears.adapters.payments.sandbox import SandboxGateway
from arrears.adapters.system_clock import SystemClock
from arrears.config import Settings, load_settings
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.clock import Clock
from arrears.domain.components import Component
from arrears.domain.delinquency import BucketScheme
from arrears.domain.itemization import ItemizationBasis
from arrears.errors import ConfigurationError
from arrears.services import portal
from arrears.services.analytics import AnalyticsUnitOfWork
from arrears.services.auth import Auth, AuthSettings
from arrears.services.compliance import check_contact
from arrears.services.cycle import CycleSettings
from arrears.services.importing import ImportSettings
from arrears.services.messages import Identity
from arrears.services.outbox import Messaging
from arrears.services.portal import LinkSender
from arrears.services.ports import ContactGate, MessageChannel, PaymentGateway
from arrears.services.recovery_settings import Recovery, default_policies
from arrears.services.sending import Sender, SenderSettings


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

    def import_uow(self) -> SqlUnitOfWork:
        """An import's unit of work: a first import into SQLite writes its pages once."""
        return SqlUnitOfWork(self.engine, cipher=self.cipher, bulk_import=True)

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
            partition_loans=self.settings.posting_partition_loans,
            policy=self.policy,
        )

    @property
    def cycle_settings(self) -> CycleSettings:
        return CycleSettings(
            buckets=self.buckets,
            policy=self.policy,
            partition_loans=self.settings.partition_loans,
            models=FileModelStore(self.settings.data_dir / "models"),
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


FIELD_KEY_FILE = "field-keys.json"
"""The field keys' file in the data directory, when ``ARREARS_FIELD_KEYS`` does not give them."""


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
        key_file=settings.data_dir / FIELD_KEY_FILE,
        create=create_keys,
    )
    # a server's request threads, the outbox sender and a token lookup beside them
    pool_size = settings.web_threads + 2
    engine = make_engine(settings.effective_database_url, schema=schema, pool_size=pool_size)
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


# -- channels, templates and the outbox (docs/channels.md) -------------------------------------


def messaging(container: Container) -> Messaging:
    """Templates, the compliance gate and who the messages are from, for enqueue and send."""
    s = container.settings
    try:
        preference = tuple(ItemizationBasis(name) for name in s.itemization_preference)
    except ValueError as error:
        raise ConfigurationError(f"itemization_preference: {error}") from None
    identity = Identity(
        collector_name=s.collector_name,
        collector_address=tuple(s.collector_address),
        phone=s.collector_phone,
        hours=s.collector_hours,
        email=s.collector_email,
        website=s.collector_website,
        payment_url=s.payment_url,
        electronic_disputes=s.electronic_disputes,
        creditor_name=s.creditor_name or s.collector_name,
        return_name=s.letter_return_name or s.collector_name,
        unsubscribe_mailto=s.email_unsubscribe_mailto,
        itemization_preference=preference,
    )
    gate: ContactGate = partial(
        check_contact, actor="outbox", settings=container.cycle_settings.compliance
    )
    return Messaging(renderer=JinjaTemplates(), gate=gate, identity=identity)


def print_dir(container: Container) -> Path:
    return container.settings.print_dir or container.settings.data_dir / "print"


def message_channels(container: Container) -> dict[str, MessageChannel]:
    """Email (SMTP, or a Maildir) and letters always; SMS when a provider endpoint is
    configured."""
    s = container.settings
    smtp = SmtpSettings(
        host=s.smtp_host,
        port=s.smtp_port,
        sender=s.email_from,
        security=s.smtp_security,
        username=s.smtp_username,
        password=s.smtp_password.get_secret_value() if s.smtp_password else None,
        ca_file=s.smtp_ca_file,
        timeout_seconds=s.smtp_timeout_seconds,
        unsubscribe_mailto=s.email_unsubscribe_mailto,
        unsubscribe_url=s.email_unsubscribe_url,
    )
    email: MessageChannel = (
        MaildirEmailChannel(s.maildir_path or s.data_dir / "mail", smtp, clock=container.clock)
        if s.email_transport == "maildir"
        else SmtpEmailChannel(smtp, clock=container.clock)
    )
    channels: dict[str, MessageChannel] = {
        "email": email,
        "letter": PrintBatchChannel(print_dir(container)),
    }
    if s.sms_endpoint:
        channels["sms"] = HttpSmsChannel(
            SmsSettings(
                endpoint=s.sms_endpoint,
                api_key=s.sms_api_key.get_secret_value() if s.sms_api_key else "",
                sender=s.sms_from,
                timeout_seconds=s.sms_timeout_seconds,
            )
        )
    return channels


def outbox_sender(
    container: Container,
    *,
    channels: dict[str, MessageChannel] | None = None,
    rng: random.Random | None = None,
) -> Sender:
    """The sender ``arrears outbox send`` and ``arrears serve`` run (``run_sender``)."""
    s = container.settings
    return Sender(
        uow_factory=container.uow,
        channels=channels if channels is not None else message_channels(container),
        messaging=messaging(container),
        clock=container.clock,
        settings=SenderSettings(
            max_attempts=s.outbox_max_attempts,
            backoff_seconds=s.outbox_backoff_seconds,
            backoff_max_seconds=s.outbox_backoff_max_seconds,
            batch=s.outbox_batch,
            claim_timeout_seconds=s.outbox_claim_timeout_seconds,
        ),
        rng=rng or random.Random(),  # noqa: S311 - jitter, not secrecy
    )


def print_batches(container: Container) -> PrintBatchFolders:
    return PrintBatchFolders(print_dir(container))


def sms_webhook_verifier(container: Container) -> HmacWebhookVerifier:
    s = container.settings
    secret = s.sms_webhook_secret.get_secret_value() if s.sms_webhook_secret else None
    return HmacWebhookVerifier(secret, tolerance_seconds=s.sms_webhook_tolerance_seconds)


# -- settlements, legal action and agencies (docs/settlements.md, legal.md, agencies.md) -------


def recovery(container: Container, *, send: bool = True) -> Recovery:
    """The recovery policies (as shipped), the waterfall, the gate's settings and — when
    ``send`` — the outbox's messaging for offer letters, demand letters and placement notices."""
    return Recovery(
        policies=default_policies(),
        waterfall=container.policy,
        compliance=container.cycle_settings.compliance,
        messaging=messaging(container) if send else None,
    )


def legal_documents(container: Container) -> JinjaDocuments:
    """Court documents rendered from ``templates/documents`` (the summons cover sheet)."""
    return JinjaDocuments()


def analytics_units(container: Container) -> Callable[[], AnalyticsUnitOfWork]:
    """Units of work with the analytics reads, for the dashboard's report."""
    from arrears.adapters.db.analytics_reads import SqlAnalyticsUnitOfWork

    return partial(SqlAnalyticsUnitOfWork, container.engine, cipher=container.cipher)
