"""Import files are read in batches of the rows asked for, whatever the CSV's block size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from arrears.adapters.files import readers
from arrears.adapters.files.kinds import FileKind
from arrears.adapters.files.readers import open_table

HEADER = "payment_id,loan_id,amount,effective_date\n"


def _payments_csv(path: Path, count: int, *, bad_line: int | None = None) -> Path:
    """``count`` good rows (lines 2…); ``bad_line`` (a line number) has a missing field."""
    lines = [HEADER]
    for number in range(count):
        if bad_line is not None and len(lines) + 1 == bad_line:
            lines.append("BROKEN,L1,1.00\n")
        lines.append(f"P{number},L1,1.00,2026-01-01\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("block_bytes", [1 << 20, 4096])
def test_batches_hold_the_rows_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    """A block may hold more or fewer rows than a batch: batches still hold ``batch_rows``."""
    monkeypatch.setattr(readers, "_BLOCK_BYTES", block_bytes)
    opened = open_table(_payments_csv(tmp_path / "payments.csv", 2500), FileKind.PAYMENTS,
                        batch_rows=1000)  # fmt: skip
    batches = list(opened.batches())
    assert [b.frame.height for b in batches] == [1000, 1000, 500]
    rows = np.concatenate([b.rows for b in batches])
    assert rows.tolist() == list(range(2, 2502))
    ids = [i for b in batches for i in b.frame.get_column("payment_id").to_list()]
    assert ids == [f"P{n}" for n in range(2500)]
    assert opened.problems == []


def test_a_malformed_line_is_reported_and_skipped_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line numbers stay right past a malformed line when blocks and batches do not align."""
    monkeypatch.setattr(readers, "_BLOCK_BYTES", 4096)
    path = _payments_csv(tmp_path / "payments.csv", 2500, bad_line=1500)
    opened = open_table(path, FileKind.PAYMENTS, batch_rows=1000)
    batches = list(opened.batches())
    assert [b.frame.height for b in batches] == [1000, 1000, 500]
    rows = np.concatenate([b.rows for b in batches]).tolist()
    assert rows == [*range(2, 1500), *range(1501, 2503)]
    assert [(p.row, "expected 4 fields" in p.message) for p in opened.problems] == [(1500, True)]
