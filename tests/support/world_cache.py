"""Built worlds kept for the run, so a web test starts from a copy instead of building its own.

The web and API tests' world — the small portfolio imported and decided, the staff users and
the API tokens — is the same for every test that builds it from the same files, on the same
day, with the same keys and settings. Building it (an import and a daily cycle) took about
1.2 s a test; copying the database it left takes milliseconds on SQLite (a file) and about
0.3 s on PostgreSQL (``CREATE DATABASE … TEMPLATE``). The first test of a run to build a given
world builds it and keeps a copy of its database and data directory; the others get the copy.
A test that is about what building does (its log, say) asks for a fresh build instead.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from arrears.bootstrap import FIELD_KEY_FILE, Container


@dataclass(frozen=True)
class Kept:
    database: str
    """A file path (SQLite) or a database name (PostgreSQL)."""
    data_dir: Path
    tokens: dict[str, str]
    server: URL | None = None
    """PostgreSQL: the URL of the database it was copied from (the server it lives on)."""


_KEPT: dict[str, Kept] = {}
_FOLDER: list[Path] = []


def built_once(
    container: Container, files: list[Path], build: Callable[[], dict[str, str]]
) -> dict[str, str]:
    """``build()``'s tokens, after building into ``container`` or restoring what an earlier
    build of the same world left."""
    key = _world_key(container, files)
    kept = _KEPT.get(key)
    if kept is not None:
        _restore(container, kept)
        return dict(kept.tokens)
    tokens = build()
    _KEPT[key] = _keep(container, tokens)
    return tokens


def discard_all() -> None:
    """Drop the kept PostgreSQL databases and files (at the end of the run)."""
    for kept in _KEPT.values():
        if kept.server is not None:
            admin = _admin(kept.server)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{kept.database}" WITH (FORCE)'))
            admin.dispose()
    _KEPT.clear()
    for folder in _FOLDER:
        shutil.rmtree(folder, ignore_errors=True)
    _FOLDER.clear()


def _world_key(container: Container, files: list[Path]) -> str:
    """What the built world depends on: the files (names, order, bytes), the day, the keys
    the sensitive fields are sealed with, the settings and the kind of database."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    key_file = container.settings.data_dir / FIELD_KEY_FILE
    digest.update(key_file.read_bytes() if key_file.exists() else b"no key file")
    settings = container.settings.model_dump(mode="json", exclude={"data_dir", "database_url"})
    digest.update(repr(sorted(settings.items())).encode())
    digest.update(container.clock.now().isoformat().encode())
    digest.update(f"{container.engine.dialect.name} {container.schema}".encode())
    return digest.hexdigest()


def _folder() -> Path:
    if not _FOLDER:
        _FOLDER.append(Path(tempfile.mkdtemp(prefix="arrears-worlds-")))
    return _FOLDER[0]


def _keep(container: Container, tokens: dict[str, str]) -> Kept:
    container.engine.dispose()  # a template database may have no one connected to it
    data_dir = _folder() / uuid.uuid4().hex
    shutil.copytree(container.settings.data_dir, data_dir)
    url = container.engine.url
    assert url.database
    if url.get_backend_name() == "sqlite":
        database = str(data_dir) + ".sqlite"
        shutil.copyfile(url.database, database)
        return Kept(database=database, data_dir=data_dir, tokens=dict(tokens))
    database = f"{url.database}_w"  # dropped by discard_all, not with the test's database
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{url.database}"'))
    admin.dispose()
    return Kept(database=database, data_dir=data_dir, tokens=dict(tokens), server=url)


def _restore(container: Container, kept: Kept) -> None:
    container.engine.dispose()
    shutil.copytree(kept.data_dir, container.settings.data_dir, dirs_exist_ok=True)
    url = container.engine.url
    assert url.database
    if url.get_backend_name() == "sqlite":
        for suffix in ("-wal", "-shm", "-journal"):
            Path(url.database + suffix).unlink(missing_ok=True)
        shutil.copyfile(kept.database, url.database)
        return
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{kept.database}"'))
    admin.dispose()


def _admin(url: URL) -> Engine:
    """An engine on the server's maintenance database."""
    maintenance = url.set(database="postgres").render_as_string(hide_password=False)
    return create_engine(maintenance, isolation_level="AUTOCOMMIT")
