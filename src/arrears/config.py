"""Settings, read the same way by every command: environment, then a config file, then defaults.

Environment variables use the prefix ``ARREARS_`` (``ARREARS_DATABASE_URL``,
``ARREARS_DATA_DIR``…). The config file is TOML: ``$ARREARS_CONFIG`` if set, else ``arrears.toml``
in the working directory when present. Values in the environment win over the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "arrears"


def config_file() -> Path | None:
    explicit = os.environ.get("ARREARS_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path("arrears.toml")
    return local if local.exists() else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARREARS_", extra="forbid")

    #: SQLAlchemy URL; unset means a SQLite file ``arrears.sqlite`` in the data directory.
    database_url: str | None = None
    data_dir: Path = Field(default_factory=default_data_dir)
    #: Keys for sensitive fields, ``id:base64key`` comma-separated, newest first. Unset: a key
    #: file in the data directory, created by ``arrears init``.
    field_keys: str | None = None
    #: The lender's business time zone: it decides which calendar day "today" is.
    business_time_zone: str = "America/New_York"
    #: Delinquency buckets as (name, first DPD) pairs.
    buckets: list[tuple[str, int]] = Field(
        default_factory=lambda: [
            ("current", 0),
            ("1-29", 1),
            ("30-59", 30),
            ("60-89", 60),
            ("90-119", 90),
            ("120-149", 120),
            ("150-179", 150),
            ("180+", 180),
        ]
    )
    #: Payment waterfall inside one due date, first paid first.
    waterfall: list[str] = Field(
        default_factory=lambda: ["costs", "fees", "penalties", "interest", "principal"]
    )
    #: An installment short by no more than this many minor units counts as paid.
    payment_tolerance_minor: int = 0
    #: Rows per batch when importing (memory grows with this, not with file size).
    import_batch_rows: int = 250_000
    #: Loans per partition when posting to the ledger or running the cycle.
    partition_loans: int = 50_000
    #: Loans per partition when posting a whole import to the ledger (two partitions are in
    #: memory at once: one being written, the next being planned, and a third as read).
    #: 16,000 posted a 100,000-loan book as fast as 20,000 in 170 MiB less (docs/benchmarks.md).
    posting_partition_loans: int = 16_000
    #: Web app: minutes a staff session may sit idle, and the most hours it lives.
    session_idle_minutes: int = 30
    session_max_hours: int = 10
    #: Borrower portal sessions end after this many idle minutes (and at most one hour).
    portal_session_minutes: int = 15
    #: How long an agent keeps an account taken from the work queue.
    account_lock_minutes: int = 20
    #: Login rate limits: failures allowed per account and per address in the window.
    login_window_minutes: int = 15
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    #: Minutes a one-time portal sign-in link stays valid.
    portal_link_minutes: int = 30
    #: Base URL of the web app in messages (sign-in links); unset: the URL of the request.
    public_url: str | None = None
    #: Demo mode: portal sign-in links are written to the console when no outbox delivers them.
    demo_mode: bool = False
    # -- channels, templates and the outbox (docs/channels.md) --------------------------------
    #: Who messages are from: the collector named in every message and the validation notice
    #: (12 CFR 1006.34(c)(2)(i)), with where to write, call and pay.
    collector_name: str = "Example Lending"
    collector_address: list[str] = Field(
        default_factory=lambda: ["PO Box 1000", "Springfield, IL 62701"]
    )
    collector_phone: str = "1-800-555-0100"
    collector_hours: str = "Monday to Friday, 8am to 8pm Eastern"
    collector_email: str = "help@example.com"
    collector_website: str = "www.example.com"
    payment_url: str = "https://www.example.com/pay"
    #: The creditor the debts are owed to now (1006.34(c)(2)(v)); unset: the collector (a
    #: lender collecting its own loans).
    creditor_name: str | None = None
    #: Where disputes are accepted electronically (1006.34(c)(4)); empty: by mail and phone only.
    electronic_disputes: str = "www.example.com/dispute"
    #: Name on the envelope's return address; must not suggest debt collection (15 U.S.C.
    #: 1692f(8)). Unset: the collector's name.
    letter_return_name: str | None = None
    #: Reference dates to itemize a debt from, first known wins (12 CFR 1006.34(b)(3)).
    itemization_preference: list[str] = Field(
        default_factory=lambda: ["charge_off", "last_payment", "transaction"]
    )
    #: Where email goes: ``smtp`` (a mail server) or ``maildir`` (files in ``maildir_path``,
    #: for staging and the demo; unset path: ``mail`` under the data directory).
    email_transport: Literal["smtp", "maildir"] = "smtp"
    maildir_path: Path | None = None
    #: SMTP: ``smtp_security`` is none, starttls or tls (implicit TLS, usually port 465).
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    #: A CA bundle to trust for the SMTP server's certificate (a private CA); unset: system.
    smtp_ca_file: Path | None = None
    smtp_timeout_seconds: float = 30.0
    email_from: str = "Example Lending <help@example.com>"
    #: Unsubscribe address and page for the List-Unsubscribe header (RFC 2369, RFC 8058).
    email_unsubscribe_mailto: str = "unsubscribe@example.com"
    email_unsubscribe_url: str | None = None
    #: SMS provider HTTP API: the messages endpoint, API key (Bearer) and sending number.
    sms_endpoint: str | None = None
    sms_api_key: SecretStr | None = None
    sms_from: str = ""
    sms_timeout_seconds: float = 10.0
    #: Shared secret of the provider's webhook signatures (HMAC-SHA256); unset refuses all.
    sms_webhook_secret: SecretStr | None = None
    sms_webhook_tolerance_seconds: int = 300
    #: Daily print batches of letters; unset: ``print`` under the data directory.
    print_dir: Path | None = None
    #: Outbox delivery: tries per message, backoff (first delay, cap), batch size, how long a
    #: claimed message may stay "sending" before it is looked at again, and the sender's poll.
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: float = 60.0
    outbox_backoff_max_seconds: float = 6 * 3600.0
    outbox_batch: int = 200
    outbox_claim_timeout_seconds: float = 900.0
    outbox_poll_seconds: float = 15.0
    #: Requests a server process works on at once (its worker threads). A request spends part
    #: of its time waiting for the database, so a few threads keep a core busy; many more only
    #: take turns for the interpreter, which costs CPU (docs/benchmarks.md, the load test).
    web_threads: int = Field(default=8, ge=1, le=256)

    # -- credit-bureau furnishing (docs/metro2-furnishing.md) ---------------------------------
    #: Who reports to the bureaus, as the Metro 2 Header Record names them; unset: the
    #: collector's name, address and telephone.
    metro2_reporter_name: str | None = None
    metro2_reporter_address: str | None = None
    metro2_reporter_phone: str | None = None
    #: The furnisher's identification number with the bureaus (Base Segment field 5).
    metro2_identification_number: str = "ARREARS001"
    #: Program identifiers the bureaus assigned (Header Record).
    metro2_equifax_program_id: str = ""
    metro2_experian_program_id: str = ""
    metro2_transunion_program_id: str = ""
    metro2_innovis_program_id: str = ""
    #: creditor (its own loans), collector (third-party collection) or debt_buyer.
    metro2_furnisher: Literal["creditor", "collector", "debt_buyer"] = "creditor"
    #: Loans per partition of an export (memory grows with this: about 40 kB a loan).
    metro2_partition_loans: int = 10_000

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'arrears.sqlite'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
