"""The Metro 2 export on local Spark: partitions furnished in parallel and joined into one
file that is, byte for byte, the file the one-machine export writes, and that validates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, text
from typer.testing import CliRunner

from arrears.adapters.db.types import UTCDateTime
from arrears.adapters.snapshot.furnishing import export_furnishing_facts
from arrears.batch.furnishing import FurnishingSettings, Reporter, previous_month_ends
from arrears.bootstrap import Container
from arrears.formats.metro2 import Framing, validate_bytes
from arrears.services.furnishing import ExportSettings, export_month
from support.snapshots import generated_book
from support.spark import local_spark

pytestmark = pytest.mark.spark
LOANS = 200


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = local_spark()
    yield session
    session.stop()


def _spoken_to_everyone(container: Container) -> None:
    """A conversation with every borrower long ago, so every account may be furnished."""
    day = datetime.combine(container.clock.today() - timedelta(days=400), time(15), tzinfo=UTC)
    with container.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contacts (loan_id, borrower_id, channel, direction, at, actor, "
                "outcome, template, notes, details, created_at) SELECT id, borrower_id, 'call', "
                "'outbound', :at, 'agent', 'right_party_contact', '', '', '{}', :at FROM loans"
            ).bindparams(bindparam("at", type_=UTCDateTime())),
            {"at": day},
        )


def _month_on_both(
    spark: Any, container: Container, directory: Path, *, as_of: date, framing: Framing
) -> None:
    """Facts exported, furnished on Spark in chunks of 30 accounts over several partitions;
    the same month exported on one machine: identical bytes, counters, and a valid file."""
    from arrears.adapters.spark.metro2 import export_on_spark
    from arrears.adapters.spark.metro2_tasks import Metro2Inputs

    settings = ExportSettings(
        reporter=Reporter(name="EXAMPLE LENDING", address="PO BOX 1000, SPRINGFIELD IL"),
        furnishing=FurnishingSettings(identification_number="ARREARS01"),
        partition_loans=50,
        framing=framing,
    )
    manifest = export_furnishing_facts(
        as_of=as_of, directory=directory / "facts", uow_factory=container.uow,
        now=container.clock.now(), policy=container.policy, partition_loans=60,
    )  # fmt: skip
    assert manifest.accounts == LOANS
    one_machine = export_month(
        as_of=as_of, output=directory / "one.m2", uow_factory=container.uow,
        clock=container.clock, settings=settings,
    )  # fmt: skip
    created = manifest.date_created or container.clock.today()
    inputs = Metro2Inputs(
        as_of=as_of, header=settings.reporter.header(activity=as_of, created=created),
        framing=framing, settings=settings.furnishing, cipher=container.cipher,
        partition_accounts=30,
    )  # fmt: skip
    report = export_on_spark(
        spark, snapshot=str(directory / "facts"), manifest=manifest,
        output=directory / "spark.m2", inputs=inputs,
    )  # fmt: skip
    data = (directory / "spark.m2").read_bytes()
    assert report.partitions > 2
    assert report.records == one_machine.records > LOANS // 2
    assert report.trailer == one_machine.trailer
    assert report.excluded == one_machine.excluded
    assert data == (directory / "one.m2").read_bytes()
    assert report.sha256 == one_machine.sha256
    assert validate_bytes(data).ok


def test_spark_writes_the_one_machine_file(
    spark: Any, container: Container, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain file of one month, on Spark and on one machine: equal bytes. On SQLite also a
    blocked file (the second export of the month keeps the first one's creation date, on both
    paths) and the commands: ``arrears snapshot furnishing``, ``arrears metro2 export`` and
    ``arrears snapshot metro2 --master local[2]`` write the same bytes, and ``arrears metro2
    validate`` finds no problem in the Spark file. The record layouts do not depend on the
    database: one framing on PostgreSQL is enough to catch rows read back in another order."""
    generated_book(container, tmp_path / "book", loans=LOANS)
    _spoken_to_everyone(container)
    as_of = previous_month_ends(container.clock.today())[0]
    _month_on_both(spark, container, tmp_path / "plain", as_of=as_of, framing=Framing())
    if container.schema:
        return  # the commands open the default schema
    _month_on_both(spark, container, tmp_path / "blocked", as_of=as_of,
                   framing=Framing(blocked=True))  # fmt: skip
    _commands(container, tmp_path / "commands", as_of=as_of, monkeypatch=monkeypatch)


def _commands(
    container: Container, directory: Path, *, as_of: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arrears.entrypoints.cli.main import app

    monkeypatch.setenv("ARREARS_DATABASE_URL", container.settings.effective_database_url)
    monkeypatch.setenv("ARREARS_DATA_DIR", str(container.settings.data_dir))
    runner = CliRunner()
    day = as_of.isoformat()
    for arguments in (
        ["snapshot", "furnishing", str(directory / "facts"), "--as-of", day],
        ["metro2", "export", "--as-of", day, "-o", str(directory / "one.m2")],
        ["snapshot", "metro2", str(directory / "facts"), "-o", str(directory / "spark.m2"),
         "--master", "local[2]", "--partition-accounts", "40"],
    ):  # fmt: skip
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
    assert (directory / "spark.m2").read_bytes() == (directory / "one.m2").read_bytes()
    checked = runner.invoke(app, ["metro2", "validate", str(directory / "spark.m2")])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("OK: spark.m2")
