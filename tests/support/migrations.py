"""A database migrated to every head but one revision (and what follows it), so a test can write
what an older release wrote and then run the one migration under test (both backends)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, make_url, text

from arrears.adapters.db import migrate


@contextmanager
def migrated_but(
    revision: str, *, backend: str, tmp_path: Path, postgres_url: str | None
) -> Iterator[Engine]:
    """An empty database of ``backend`` at every revision that neither is ``revision`` nor
    follows it (a PostgreSQL database of its own, dropped afterwards)."""
    if backend == "sqlite":
        made = create_engine(f"sqlite:///{tmp_path / 'before.db'}")
        drop = None
    else:
        assert postgres_url
        name = f"t_mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made = create_engine(make_url(postgres_url).set(database=name))
        drop = (admin, name)
    for target in _before(revision):
        migrate.upgrade(made, target)
    try:
        yield made
    finally:
        made.dispose()
        if drop is not None:
            admin, name = drop
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _before(revision: str) -> list[str]:
    """The newest revisions that neither are ``revision`` nor follow it: every head that does
    not follow it, and the other parents of the revisions after it that are heads."""
    script = ScriptDirectory.from_config(migrate._config())
    after = {
        rev.revision
        for rev in script.walk_revisions()
        if revision in {r.revision for r in script.iterate_revisions(rev.revision, "base")}
    }
    wanted: set[str] = set()
    for rev in script.walk_revisions():
        if rev.revision in after:
            down = rev.down_revision
            parents = (down,) if isinstance(down, str) else tuple(down or ())
            wanted.update(p for p in parents if p not in after)
        elif rev.is_head:
            wanted.add(rev.revision)
    return sorted(wanted)
