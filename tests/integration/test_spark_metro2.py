"""The Metro 2 export on local Spark: partitions furnished in parallel and joined into one
file that is, byte for byte, the file the one-machine export writes, and that validates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from arrears.adapters.snapshot.furnishing import export_furnishing_facts
from arrears.batch.furnishing import FurnishingSettings, Reporter, previous_month_ends
from arrears.bootstrap import Container
from arrears.formats.metro2 import Framing, validate_bytes
from arrears.services.furnishing import ExportSettings, export_month
from support.snapshots import generated_book
from support.spark import local_spark

pytestmark = pytest.mark.spark
LOANS = 300


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
            ),
            {"at": day},
        )


@pytest.mark.parametrize("framing", [Framing(), Framing(blocked=True)], ids=["plain", "blocked"])
def test_spark_writes_the_one_machine_file(
    spark: Any, container: Container, tmp_path: Path, framing: Framing
) -> None:
    """Facts exported, furnished on Spark in chunks of 40 accounts over several partitions;
    the same month exported on one machine: identical bytes, and a valid file."""
    from arrears.adapters.spark.metro2 import export_on_spark
    from arrears.adapters.spark.metro2_tasks import Metro2Inputs

    generated_book(container, tmp_path / "book", loans=LOANS)
    _spoken_to_everyone(container)
    as_of = previous_month_ends(container.clock.today())[0]
    settings = ExportSettings(
        reporter=Reporter(name="EXAMPLE LENDING", address="PO BOX 1000, SPRINGFIELD IL"),
        furnishing=FurnishingSettings(identification_number="ARREARS01"),
        partition_loans=70,
        framing=framing,
    )
    manifest = export_furnishing_facts(
        as_of=as_of, directory=tmp_path / "facts", uow_factory=container.uow,
        now=container.clock.now(), policy=container.policy, partition_loans=90,
    )  # fmt: skip
    assert manifest.accounts == LOANS
    one_machine = export_month(
        as_of=as_of, output=tmp_path / "one.m2", uow_factory=container.uow,
        clock=container.clock, settings=settings,
    )  # fmt: skip
    inputs = Metro2Inputs(
        as_of=as_of,
        header=settings.reporter.header(activity=as_of, created=container.clock.today()),
        framing=framing, settings=settings.furnishing, cipher=container.cipher,
        partition_accounts=40,
    )  # fmt: skip
    report = export_on_spark(
        spark, snapshot=str(tmp_path / "facts"), manifest=manifest,
        output=tmp_path / "spark.m2", inputs=inputs,
    )  # fmt: skip
    data = (tmp_path / "spark.m2").read_bytes()
    assert report.records == one_machine.records > LOANS // 2
    assert report.trailer == one_machine.trailer
    assert report.excluded == one_machine.excluded
    assert data == (tmp_path / "one.m2").read_bytes()
    assert report.sha256 == one_machine.sha256
    assert validate_bytes(data).ok
