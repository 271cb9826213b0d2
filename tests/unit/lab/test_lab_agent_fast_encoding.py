"""The lab agent's fast responder without sockets: every recorded row encodes to the
bytes pysnmp's encoder gives, requests get the answers the pysnmp responder gives, and
garbage gets no answer and no exception."""

import random
from pathlib import Path

import pytest
from pyasn1.codec.ber import encoder
from pysnmp.proto import rfc1902

from lab.snmp_ber import encode_varbind, safe_encode, tlv
from lab.snmp_fast import EncodedOverlay, EncodedRows, FastResponder, Handling
from lab.snmprec import MemoryRecording, OverlayRecording, Row, read_source, sanitise
from tests.unit.lab.snmp_wire import V1, decode, request

RECORDINGS = sorted((Path(__file__).resolve().parents[3] / "lab" / "recordings" / "snmp")
                    .glob("*.snmprec*"))
COMMUNITY = "fast-public"


def pysnmp_varbind(row: Row) -> bytes:
    """What the pysnmp responder puts on the wire for a row."""
    name = bytes(encoder.encode(rfc1902.ObjectName(row[0])))
    return tlv(0x30, name + bytes(encoder.encode(safe_encode(row))))


def test_every_recorded_row_encodes_as_pysnmp_does() -> None:
    assert len(RECORDINGS) > 40
    rows = 0
    for path in RECORDINGS:
        for row in sanitise(read_source(path)):
            assert encode_varbind(row) == pysnmp_varbind(row), (path.name, row)
            rows += 1
    assert rows > 100_000


@pytest.mark.parametrize("row", [
    ("1.3.6.1.2.1.1.3.0", "2", "2147483648"),  # beyond Integer32
    ("1.3.6.1.2.1.1.3.0", "2", "-2147483648"),
    ("1.3.6.1.2.1.1.3.0", "2", "-129"),
    ("1.3.6.1.2.1.1.3.0", "65", "4294967295"),
    ("1.3.6.1.2.1.1.3.0", "66", "4294967296"),  # beyond Gauge32
    ("1.3.6.1.2.1.1.3.0", "70", "18446744073709551615"),
    ("1.3.6.1.2.1.1.3.0", "70x", "FFFFFFFFFF"),
    ("1.3.6.1.2.1.1.3.0", "67", " 12"),
    ("1.3.6.1.2.1.1.2.0", "6", "0"),  # a one-arc OID value
    ("1.3.6.1.2.1.1.2.0", "6", "3.1"),
    ("1.3.6.1.2.1.1.2.0", "6", "2.999.1"),
    ("1.3.6.1.2.1.1.2.0", "6", ".1.3.6.1.4.1.9"),
    ("1.3.6.1.2.1.4.20.1.1.1", "64", "10.1.2"),
    ("1.3.6.1.2.1.4.20.1.1.1", "64x", "0A010203"),
    ("1.3.6.1.2.1.1.1.0", "4", "caf\u00e9"),  # Latin-1
    ("1.3.6.1.2.1.1.1.0", "4", "\u20ac uro"),  # not Latin-1: empty, as pysnmp
    ("1.3.6.1.2.1.1.1.0", "4", "bad \udcff byte"),
    ("1.3.6.1.2.1.1.1.0", "4x", "ABC"),  # odd-length hex
    ("1.3.6.1.2.1.1.1.0", "4x", "zz"),
    ("1.3.6.1.2.1.1.1.0", "4", "x" * 300),  # a long length
    ("1.3.6.1.2.1.1.1.0", "68x", "0102"),
    ("1.3.6.1.2.1.1.1.0", "5", ""),
])
def test_odd_values_encode_as_pysnmp_does(row: Row) -> None:
    assert encode_varbind(row) == pysnmp_varbind(row)


BASE: list[Row] = [
    ("1.3.6.1.2.1.1.1.0", "4", "lab box"),
    ("1.3.6.1.2.1.1.5.0", "4", "base-name"),
    ("1.3.6.1.2.1.2.2.1.1.1", "2", "1"),
    ("1.3.6.1.2.1.2.2.1.1.2", "2", "2"),
    ("1.3.6.1.2.1.2.2.1.2.1", "4", "eth0"),
    ("1.3.6.1.2.1.2.2.1.2.2", "4", "eth1"),
    ("1.3.6.1.2.1.4.20.1.1.10.0.0.1", "64", "10.0.0.1"),
    ("1.3.6.1.2.1.31.1.1.1.6.1", "70", "123456789012"),
]


def responder() -> FastResponder:
    """A clone: its own sysName, the ipAddrTable deleted, one row added."""
    base = MemoryRecording.from_rows(BASE)
    overlay = OverlayRecording(base, [("1.3.6.1.2.1.1.5.0", "4", "clone-7"),
                                      ("1.3.6.1.2.1.2.2.1.3.1", "2", "6")],
                               ["1.3.6.1.2.1.4.20"])
    source = EncodedOverlay(EncodedRows(base), EncodedRows(overlay.own), ["1.3.6.1.2.1.4.20"])
    return FastResponder(source, frozenset({COMMUNITY.encode()}))


def answer(message: bytes) -> list[tuple[str, str, str]]:
    raw = responder().answer(message)
    assert isinstance(raw, bytes)
    request_id, status, index, varbinds = decode(raw)
    assert (request_id, status, index) == (4242, 0, 0)
    return varbinds


def test_get_answers_rows_and_no_such_instance() -> None:
    assert answer(request("get", ["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.9.0",
                                  "1.3.6.1.2.1.4.20.1.1.10.0.0.1"], COMMUNITY)) == [
        ("1.3.6.1.2.1.1.5.0", "OctetString", "clone-7"),
        ("1.3.6.1.2.1.1.9.0", "NoSuchInstance", ""),
        ("1.3.6.1.2.1.4.20.1.1.10.0.0.1", "NoSuchInstance", ""),  # deleted by the overlay
    ]


def test_getnext_merges_overlay_and_ends_with_end_of_mib_view() -> None:
    assert answer(request("next", ["1.3.6.1.2.1.2.2.1.2.2", "1.3.6.1.2.1.31.1.1.1.6.1"],
                          COMMUNITY)) == [
        ("1.3.6.1.2.1.2.2.1.3.1", "Integer", "6"),
        ("1.3.6.1.2.1.31.1.1.1.6.1", "EndOfMibView", ""),
    ]


def test_getbulk_repeats_end_of_mib_view_on_the_last_name() -> None:
    got = answer(request("bulk", ["1.3.6.1.2.1.2.2.1.2"], COMMUNITY, max_repetitions=6))
    assert got == [
        ("1.3.6.1.2.1.2.2.1.2.1", "OctetString", "eth0"),
        ("1.3.6.1.2.1.2.2.1.2.2", "OctetString", "eth1"),
        ("1.3.6.1.2.1.2.2.1.3.1", "Integer", "6"),
        ("1.3.6.1.2.1.31.1.1.1.6.1", "Counter64", "123456789012"),  # ipAddrTable jumped
        ("1.3.6.1.2.1.31.1.1.1.6.1", "EndOfMibView", ""),
        ("1.3.6.1.2.1.31.1.1.1.6.1", "EndOfMibView", ""),
    ]


def test_getbulk_non_repeaters_then_columns_interleaved_and_capped() -> None:
    got = answer(request("bulk", ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.2.2.1.1",
                                  "1.3.6.1.2.1.2.2.1.2"], COMMUNITY,
                         non_repeaters=1, max_repetitions=1000))
    assert got[0] == ("1.3.6.1.2.1.1.5.0", "OctetString", "clone-7")
    assert len(got) == 1 + 2 * 32  # 64 // 2 repetitions of 2 columns
    assert got[1:5] == [("1.3.6.1.2.1.2.2.1.1.1", "Integer", "1"),
                        ("1.3.6.1.2.1.2.2.1.2.1", "OctetString", "eth0"),
                        ("1.3.6.1.2.1.2.2.1.1.2", "Integer", "2"),
                        ("1.3.6.1.2.1.2.2.1.2.2", "OctetString", "eth1")]


def test_request_id_is_echoed() -> None:
    for request_id in (0, 1, 127, 128, -1, 2**31 - 1, -(2**31)):
        raw = responder().answer(request("get", ["1.3.6.1.2.1.1.1.0"], COMMUNITY, request_id))
        assert isinstance(raw, bytes)
        assert decode(raw)[0] == request_id


def test_wrong_community_is_dropped_other_versions_go_to_pysnmp() -> None:
    fast = responder()
    assert fast.answer(request("get", ["1.3.6.1.2.1.1.1.0"], "guess")) is Handling.DROP
    v1 = request("get", ["1.3.6.1.2.1.1.1.0"], COMMUNITY, module=V1)
    assert fast.answer(v1) is Handling.PYSNMP
    outside = request("next", ["0.0"], COMMUNITY)  # outside the read view: pysnmp decides
    assert fast.answer(outside) is Handling.PYSNMP
    empty_bulk = request("bulk", [], COMMUNITY)  # pysnmp's genErr
    assert fast.answer(empty_bulk) is Handling.PYSNMP


def test_garbage_gets_no_answer_and_no_exception() -> None:
    fast = responder()
    good = request("bulk", ["1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.1"], COMMUNITY,
                   non_repeaters=1, max_repetitions=5)
    rng = random.Random(15)
    datagrams = [good[:n] for n in range(len(good))]
    datagrams += [good + b"\x00", b"", b"\x30", b"\x30\x84\xff\xff\xff\xff", b"\x30\x80\x00\x00"]
    datagrams += [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 80)))
                  for _ in range(2000)]
    for _ in range(3000):
        flipped = bytearray(good)
        flipped[rng.randrange(len(good))] ^= 1 << rng.randrange(8)
        datagrams.append(bytes(flipped))
    answered = 0
    for datagram in datagrams:
        result = fast.answer(datagram)
        if isinstance(result, bytes):
            decode(result)  # whatever is answered is a well-formed Response
            answered += 1
        else:
            assert result in (Handling.DROP, Handling.PYSNMP)
    assert fast.answer(good) != Handling.DROP and answered < len(datagrams)
