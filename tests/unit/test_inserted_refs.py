"""The references kept of an import's inserted rows answer as the database would, and the
database is asked only for the keys this import did not insert."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from arrears.adapters.db.inserted_refs import InsertedRefs

KEYS = st.lists(st.sampled_from([f"K{n}" for n in range(12)]), max_size=12)


def table(keys: set[str]) -> pl.DataFrame:
    """A stand-in for a table's references: each key's id is its number."""
    return pl.DataFrame(
        {"external_id": sorted(keys), "id": [int(k[1:]) for k in sorted(keys)]},
        schema={"external_id": pl.Utf8, "id": pl.Int64},
    )


@given(inserted=KEYS, before=KEYS, asked=KEYS)
def test_found_as_stored_and_only_the_rest_is_read(
    inserted: list[str], before: list[str], asked: list[str]
) -> None:
    stored_keys = set(before) - set(inserted)
    reads: list[list[str]] = []

    def stored(keys: list[str]) -> pl.DataFrame:
        reads.append(keys)
        return table(stored_keys | set(inserted)).filter(pl.col("external_id").is_in(keys))

    refs = InsertedRefs(stored)
    half = len(inserted) // 2
    refs.add(table(set(inserted[:half])))
    refs.add(table(set(inserted[half:]) - set(inserted[:half])))
    found = refs.find(asked)
    expected = table((stored_keys | set(inserted)) & set(asked))
    assert found.sort("external_id").equals(expected)
    assert all(set(keys).isdisjoint(inserted) for keys in reads)
    if asked and set(asked) <= set(inserted):
        assert reads == []


def test_forgotten_rows_are_read_from_the_database() -> None:
    reads: list[list[str]] = []

    def stored(keys: list[str]) -> pl.DataFrame:
        reads.append(keys)
        return table(set(keys))

    refs = InsertedRefs(stored)
    refs.add(table({"K1"}))
    assert refs.find(["K1"]).get_column("id").to_list() == [1]
    assert reads == []
    refs.forget()
    refs.find(["K1"])
    assert reads == [["K1"]]
