"""Settings, read the same way by every command: environment, then a config file, then defaults.

Environment variables use the prefix ``ARREARS_`` (``ARREARS_DATABASE_URL``,
``ARREARS_DATA_DIR``…). The config file is TOML: ``$ARREARS_CONFIG`` if set, else ``arrears.toml``
in the working directory when present. Values in the environment win over the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
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
