"""Record and Block Descriptor Words (metro2.md §5.1): computed on write, checked on read
against the record's content, with every framing problem located to the byte."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    Format,
    Framing,
    J1Segment,
    J2Segment,
    K1Segment,
    N1Segment,
    ReadOptions,
    read_file,
    validate_bytes,
)
from arrears.formats.metro2.framing.descriptors import detect

J1 = J1Segment(surname="DOE", first_name="JOHN", ecoa_code="2")
J2 = J2Segment(
    surname="ROE",
    first_name="ANN",
    ecoa_code="2",
    first_line_of_address="2 ELM ST",
    city="AUSTIN",
    state="TX",
    postal_zip_code="78702",
)
K1 = K1Segment(original_creditor_name="FIRST BANK", creditor_classification="08")
N1 = N1Segment(employer_name="ACME")


def _rules(data: bytes, **options: Any) -> list[tuple[str, str, int | None]]:
    report = validate_bytes(data, options=ReadOptions(**options) if options else None)
    return [(p.rule, p.field, p.position) for p in report.problems]


def test_rdw_counts_the_record_and_its_appendages(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """§5.1: RDW = 426 + every appended segment (426 + 100 + 200 + 34 + 146 = 906)."""
    account = AccountRecord(base=base(), j1=(J1,), j2=(J2,), k1=K1, n1=N1)
    data = build_file([account])
    assert data[426:430] == b"0906"
    assert data[426 + 426 : 426 + 428] == b"J1"
    assert _rules(data) == []


def test_bdw_is_rdw_plus_four_and_blocks_are_counted(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """§5.1: BDW = block length including itself; the trailer's Block Count says 3."""
    account = AccountRecord(base=base(), k1=K1)
    data = build_file([account], framing=Framing(blocked=True))
    assert data[:8] == b"04300426"
    assert data[430:438] == b"04640460"
    assert read_file(data).trailer.block_count == 3  # type: ignore[union-attr]
    assert _rules(data) == []


def test_packed_descriptor_words_are_binary(build_file: Callable[..., bytes]) -> None:
    """§5.14: packed files are always blocked; words are 2-byte big-endian + 2 zero bytes."""
    data = build_file(framing=Framing.packed())
    assert data[:8] == bytes([0x01, 0x72, 0, 0, 0x01, 0x6E, 0, 0])
    assert detect(data[:16]) == Framing.packed()
    assert _rules(data) == []


def test_a_wrong_rdw_is_reported_and_the_content_is_followed(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """A base RDW saying 0462 is reported at its byte; the records after it are still read."""
    data = patched(build_file(), 426, b"0462")
    assert _rules(data) == [("framing.rdw", "record_descriptor_word", 426)]
    assert len(read_file(data).accounts) == 1


def test_a_garbled_rdw_is_reported(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """Letters where the RDW belongs: "not a Record Descriptor Word" at byte 426."""
    data = patched(build_file(), 426, b"04X6")
    problems = validate_bytes(data).problems
    assert [(p.rule, p.position, p.value) for p in problems] == [("framing.rdw", 426, "04X6")]


def test_a_wrong_bdw_is_reported_at_the_block(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """§5.1: a BDW of 0431 for a 430-byte block is reported at the BDW's byte."""
    data = patched(build_file(framing=Framing(blocked=True)), 430, b"0431")
    assert _rules(data) == [("framing.bdw", "block_descriptor_word", 430)]


def test_an_unknown_segment_inside_the_rdw_is_reported(
    base: Callable[..., Any],
    build_file: Callable[..., bytes],
    patched: Callable[[bytes, int, bytes], bytes],
) -> None:
    """An appendage identifier that is not J1…N1 (here X9) is reported where it starts."""
    data = build_file([AccountRecord(base=base(), k1=K1)])
    data = patched(data, 852, b"X9")
    assert ("framing.unknown-segment", "", 852) in _rules(data)


def test_appendages_out_of_order_or_repeated(
    base: Callable[..., Any],
    build_file: Callable[..., bytes],
    patched: Callable[[bytes, int, bytes], bytes],
) -> None:
    """§5.1 order J1* J2* K1 …: K1 before J1 is out of order; two N1 is a repetition."""
    data = build_file([AccountRecord(base=base(), j1=(J1,), k1=K1)])
    j1 = data[852:952]
    k1 = data[952:986]
    swapped = data[:852] + k1 + j1 + data[986:]
    assert [rule for rule, _, _ in _rules(swapped)] == ["framing.segment-order"]
    doubled = build_file([AccountRecord(base=base(), n1=N1)])
    n1 = doubled[852:998]
    twice = doubled[:426] + b"1144" + doubled[430:998] + n1 + doubled[998:]
    assert ("framing.segment-repeated", "segment_identifier", 998) in _rules(twice)


def test_a_truncated_file_is_reported_at_the_cut(build_file: Callable[..., bytes]) -> None:
    """The file ends 100 bytes into the trailer: framing.truncated at the trailer's start."""
    data = build_file()[:-326]
    rules = _rules(data)
    assert ("framing.truncated", "", 852) in rules
    assert ("trailer.missing", "", None) in rules


@pytest.mark.parametrize("separator", [b"\n", b"\r\n"], ids=["LF", "CRLF"])
def test_line_breaks_between_records_are_allowed_and_positions_stay_true(
    build_file: Callable[..., bytes], separator: bytes
) -> None:
    """Records separated by LF or CRLF read the same; problem positions count the breaks."""
    data = build_file(framing=Framing(line_separator=separator))
    assert data[426 : 426 + len(separator)] == separator
    assert _rules(data) == []
    broken = bytearray(data)
    status = 426 + len(separator) + 123
    broken[status : status + 2] = b"XX"
    assert _rules(bytes(broken))[0] == ("code.account-status", "account_status", status)


def test_records_wrapped_anywhere_are_read(build_file: Callable[..., bytes]) -> None:
    """Character records wrapped at 80 columns (as the public fixtures are) read the same."""
    data = build_file(framing=Framing(blocked=True))
    wrapped = b"\n".join(data[i : i + 80] for i in range(0, len(data), 80))
    assert read_file(wrapped) == read_file(data)
    assert _rules(wrapped) == []


def test_framing_is_detected() -> None:
    """Plain, blocked and packed files are told apart from their first bytes."""
    assert detect(b"0426HEADER      ") == Framing()
    assert detect(b"04300426HEADER  ") == Framing(blocked=True)
    assert detect(b"12681264101012020") == Framing(blocked=True)
    assert detect(b"\x01\x72\x00\x00\x01\x6e\x00\x00HEADER") == Framing.packed()
    assert detect(b"HEADER0426      ") is None


def test_the_format_can_be_forced(build_file: Callable[..., bytes]) -> None:
    """Reading a character file as packed gives problems, never an exception."""
    rules = {rule for rule, _, _ in _rules(build_file(), format=Format.PACKED)}
    assert rules


def test_records_out_of_order(
    build_file: Callable[..., bytes],
) -> None:
    """§5.1: a second header, or records after the trailer, are reported."""
    data = build_file()
    twice = data[:426] + data + data[426:]
    rules = [rule for rule, _, _ in _rules(twice)]
    assert "framing.record-order" in rules


def _collection_file(
    base: Callable[..., Any], build_file: Callable[..., bytes], **framing: Any
) -> bytes:
    """Five accounts with a K1 each (collections report the original creditor everywhere)."""
    accounts = [AccountRecord(base=base(consumer_account_number=f"LN{i}"), k1=K1) for i in range(5)]
    return build_file(accounts, framing=Framing(**framing))


@pytest.mark.parametrize("framing", [{}, {"blocked": True}], ids=["plain", "blocked"])
def test_a_short_rdw_among_variable_records(
    base: Callable[..., Any],
    build_file: Callable[..., bytes],
    patched: Callable[[bytes, int, bytes], bytes],
    framing: dict[str, Any],
) -> None:
    """Records of 460 bytes; the third says 0426: reported at its RDW, its K1 still its own."""
    data = _collection_file(base, build_file, **framing)
    prefix = 4 if framing else 0
    third = prefix + 426 + 2 * (prefix + 460) + prefix
    assert data[third : third + 4] == b"0460"
    data = patched(data, third, b"0426")
    assert _rules(data) == [("framing.rdw", "record_descriptor_word", third)]
    accounts = read_file(data).accounts
    assert [account.k1 for account in accounts] == [K1] * 5


def test_a_garbled_appendage_among_variable_records(
    base: Callable[..., Any],
    build_file: Callable[..., bytes],
    patched: Callable[[bytes, int, bytes], bytes],
) -> None:
    """An unknown identifier where the third record's K1 should be: reported where it is."""
    data = _collection_file(base, build_file)
    k1 = 426 + 2 * 460 + 426
    assert data[k1 : k1 + 2] == b"K1"
    data = patched(data, k1, b"Q9")
    assert ("framing.unknown-segment", "", k1) in _rules(data)
