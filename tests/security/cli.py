"""Running ``arrears`` commands in-process against a test container's database (SQLite, or a
PostgreSQL schema named through the connection's search path)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner, Result

from arrears.bootstrap import Container
from arrears.entrypoints.cli.main import app

runner = CliRunner()


def url_of(container: Container) -> str:
    url = container.settings.effective_database_url
    if container.schema:
        url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{container.schema}"
    return url


def point_cli_at(container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARREARS_DATABASE_URL", url_of(container))
    monkeypatch.setenv("ARREARS_DATA_DIR", str(container.settings.data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("ARREARS_FIELD_KEYS", raising=False)


def arrears(*args: str) -> Result:
    return runner.invoke(app, list(args))
