"""Metro 2 to and from JSON (docs/metro2-format.md, "JSON"): lossless round trips and every
schema problem reported with its JSON path."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    J1Segment,
    K4Segment,
    Metro2FormatError,
    dumps,
    file_to_json,
    loads,
    read_file,
    write_records,
)
from arrears.formats.metro2.jsonio import stream_to_json


def test_a_golden_file_round_trips_through_json(golden: Path) -> None:
    """The public base segment (every appendage) survives Metro 2 -> JSON -> Metro 2."""
    data = (golden / "base_segment.dat").read_bytes()
    file = read_file(data)
    again = loads(dumps(file))
    assert again == file
    assert write_records(again) == data.replace(b"\n", b"")


def test_the_json_spells_values_plainly(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Dates are ISO, amounts whole-dollar integers, absent dates null, text unpadded."""
    account = AccountRecord(
        base=base(),
        j1=(J1Segment(surname="DOE", first_name="J", ecoa_code="2"),),
        k4=K4Segment(specialized_payment_indicator="01"),
    )
    document = file_to_json(read_file(build_file([account])))
    first = document["accounts"][0]
    assert first["base"]["date_opened"] == "2020-01-15"
    assert first["base"]["time_stamp"] == "2025-06-30T12:00:00"
    assert first["base"]["current_balance"] == 8000
    assert first["base"]["date_closed"] is None
    assert first["base"]["surname"] == "DOE"
    assert first["j1"][0]["ecoa_code"] == "2"
    assert first["k4"]["balloon_payment_due_date"] is None
    assert first["k1"] is None
    assert document["trailer"]["total_base_records"] == 1


def test_streamed_json_equals_the_whole_document(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Converting a stream chunk by chunk gives the same document as the whole-file path."""
    data = build_file(
        [AccountRecord(base=base(consumer_account_number=f"LN{i}")) for i in range(5)]
    )
    out = io.StringIO()
    stream_to_json(io.BytesIO(data), out)
    assert loads(out.getvalue()) == read_file(data)


def test_every_schema_problem_is_listed_with_its_path() -> None:
    """Unknown keys, wrong types, bad dates and a missing base, all in one error."""
    document = {
        "header": {"activity_date": "2025-13-01", "reporter_name": 7},
        "accounts": [
            {"base": {"current_balance": "12"}, "q1": {}},
            {"j1": []},
            {
                "base": {"time_stamp": "2025-06-30T12:00:00+00:00", "surname": "X"},
                "j2": [{"city": None}],
            },
        ],
        "extra": True,
    }
    with pytest.raises(Metro2FormatError) as raised:
        loads(json.dumps(document))
    found = {(p.field, p.message) for p in raised.value.metro2_problems}
    assert found == {
        ("extra", "unknown key"),
        ("header.activity_date", "must be a YYYY-MM-DD date or null"),
        ("header.reporter_name", "must be a string"),
        ("accounts[0].q1", "unknown key"),
        ("accounts[0].base.current_balance", "must be a whole number"),
        ("accounts[1].base", "every account has a base segment"),
        ("accounts[2].base.time_stamp", "time stamps carry no time zone"),
        ("accounts[2].j2[0].city", "must be a string"),
    }


@pytest.mark.parametrize(
    "text",
    ["", "{", "[1, 2]", "null", '{"accounts": 5}', "\xff"],
    ids=["empty", "truncated", "list", "null", "accounts not a list", "not utf-8"],
)
def test_malformed_json_is_refused_cleanly(text: str) -> None:
    """Not JSON, or not an object: Metro2FormatError (with the character offset if known)."""
    with pytest.raises(Metro2FormatError):
        loads(text.encode("latin-1"))


def test_booleans_are_not_numbers() -> None:
    """``true`` is not an amount (JSON booleans are not integers here)."""
    with pytest.raises(Metro2FormatError) as raised:
        loads('{"accounts": [{"base": {"current_balance": true}}]}')
    assert raised.value.metro2_problems[0].field == "accounts[0].base.current_balance"
