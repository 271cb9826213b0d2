"""The hand-written BER codec (discovery/snmp/ber.py): every SNMP value type, long
lengths, and malformed input, which must raise BerError and nothing else. Every test runs
twice: pure Python, and with the compiled varbind reader (_ber_fast.pyx) when built."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from discovery.snmp import ber
from discovery.snmp.records import Value
from discovery.snmp.response import Response

COMPILED = ber.FAST_VARBINDS


@pytest.fixture(params=["python", "compiled"], autouse=True)
def codec(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "python":
        monkeypatch.setattr(ber, "FAST_VARBINDS", None)
    elif COMPILED is None:
        pytest.skip("discovery/snmp/_ber_fast is not built (no C compiler at install)")
    yield request.param


OID_ARCS = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 10101)
OID_TEXT = "1.3.6.1.2.1.2.2.1.2.10101"

# (tag, value given to the encoder, value the decoder gives, content octets on the wire)
VALUES = [
    (ber.INTEGER, 0, 0, "00"),
    (ber.INTEGER, 127, 127, "7f"),
    (ber.INTEGER, 128, 128, "0080"),
    (ber.INTEGER, -1, -1, "ff"),
    (ber.INTEGER, -129, -129, "ff7f"),
    (ber.INTEGER, -(2**31), -(2**31), "80000000"),
    (ber.OCTET_STRING, b"Gi1/0/1", b"Gi1/0/1", "4769312f302f31"),
    (ber.OCTET_STRING, b"\x00\xff\x80\n", b"\x00\xff\x80\n", "00ff800a"),
    (ber.OCTET_STRING, b"", b"", ""),
    (ber.OID, "1.3.6.1.4.1.9.1.1208", "1.3.6.1.4.1.9.1.1208", "2b0601040109018938"),
    (ber.OID, "0.0", "0.0", "00"),
    (ber.OID, "2.999.3", "2.999.3", "883703"),
    (ber.IP_ADDRESS, "10.0.255.1", "10.0.255.1", "0a00ff01"),
    (ber.COUNTER32, 2**32 - 1, 2**32 - 1, "00ffffffff"),
    (ber.GAUGE32, 1_000_000_000, 1_000_000_000, "3b9aca00"),
    (ber.TIMETICKS, 2020400, 2020400, "1ed430"),
    (ber.OPAQUE, b"\x9f\x78\x04\x3f\x80\x00\x00", b"\x9f\x78\x04\x3f\x80\x00\x00",
     "9f78043f800000"),
    (ber.COUNTER64, 2**64 - 1, 2**64 - 1, "00ffffffffffffffff"),
    (ber.UINTEGER32, 2**31, 2**31, "0080000000"),
    (ber.NSAP_ADDRESS, b"\x47\x00\x05", b"\x47\x00\x05", "470005"),
    (ber.NULL, None, None, ""),
    (ber.NO_SUCH_OBJECT, None, None, ""),
    (ber.NO_SUCH_INSTANCE, None, None, ""),
    (ber.END_OF_MIB_VIEW, None, None, ""),
]


def _response(values: list[tuple[int, object]], request_id: int = 4242) -> bytes:
    varbinds = [((*OID_ARCS, i), ber.encode_value(tag, value))  # type: ignore[arg-type]
                for i, (tag, value) in enumerate(values)]
    return ber.encode_v2c_message(b"public", ber.encode_pdu(ber.RESPONSE, request_id, varbinds))


@pytest.mark.parametrize(("tag", "given", "decoded", "content"), VALUES)
def test_every_value_type_round_trips_with_its_wire_octets(tag: int, given: Value | None,
                                                           decoded: Value | None, content: str) -> None:
    encoded = ber.encode_value(tag, given)
    assert encoded == bytes((tag,)) + ber.encode_length(len(content) // 2) + bytes.fromhex(content)
    community, pdu_tag, request_id, response = ber.decode_v2c_message(_response([(tag, given)]))
    assert (community, pdu_tag, request_id) == (b"public", ber.RESPONSE, 4242)
    assert response == Response(0, 0, [((*OID_ARCS, 0), f"{OID_TEXT}.0", decoded)])


def test_a_response_of_every_type_keeps_order_and_names() -> None:
    data = _response([(tag, given) for tag, given, _decoded, _content in VALUES])
    response = ber.decode_v2c_message(data)[3]
    assert [v for _arcs, _oid, v in response.varbinds] == [d for _t, _g, d, _c in VALUES]
    assert [oid for _arcs, oid, _v in response.varbinds] == [
        f"{OID_TEXT}.{i}" for i in range(len(VALUES))]


@pytest.mark.parametrize("size", [127, 128, 255, 256, 65535, 65536, 70000])
def test_long_lengths(size: int) -> None:
    value = bytes(range(256)) * (size // 256) + bytes(size % 256)
    data = _response([(ber.OCTET_STRING, value)])
    assert ber.decode_v2c_message(data)[3].varbinds[0][2] == value
    assert ber.encode_length(size)[0] == (size if size < 128 else 0x80 | ((size.bit_length() + 7) // 8))


def test_large_arcs_and_request_ids() -> None:
    arcs = (1, 3, 6, 1, 4, 1, 2**32 - 1, 0, 128, 16383, 16384)
    data = ber.encode_v2c_message(b"c", ber.encode_pdu(ber.RESPONSE, 2**31 - 1, [(arcs, ber.NULL_VALUE)]))
    _community, _tag, request_id, response = ber.decode_v2c_message(data)
    assert request_id == 2**31 - 1
    assert response.varbinds[0][:2] == (arcs, ".".join(map(str, arcs)))


def test_requests_are_the_bytes_pysnmp_writes() -> None:
    """GETBULK and GET, byte for byte as pyasn1 encodes them with pysnmp's message spec."""
    from pyasn1.codec.ber import encoder  # type: ignore[import-untyped]
    from pysnmp.proto import api

    v2c = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    oids = [(1, 3, 6, 1, 2, 1, 2, 2, 1, 2), (1, 3, 6, 1, 2, 1, 1, 5, 0)]
    for max_repetitions in (0, 25):
        pdu = v2c.GetBulkRequestPDU() if max_repetitions else v2c.GetRequestPDU()
        api_pdu = v2c.apiBulkPDU if max_repetitions else v2c.apiPDU
        api_pdu.set_defaults(pdu)
        api_pdu.set_request_id(pdu, 77)
        if max_repetitions:
            api_pdu.set_max_repetitions(pdu, max_repetitions)
        api_pdu.set_varbinds(pdu, [(o, v2c.null) for o in oids])
        message = v2c.Message()
        v2c.apiMessage.set_defaults(message)
        v2c.apiMessage.set_community(message, "public")
        v2c.apiMessage.set_pdu(message, pdu)
        ours = ber.encode_v2c_message(b"public", ber.request_pdu(77, oids, max_repetitions))
        assert ours == bytes(encoder.encode(message))
        tag = ber.GET_BULK if max_repetitions else ber.GET
        assert ber.decode_v2c_message(ours)[1:3] == (tag, 77)


# -- malformed input: BerError, never another exception ---------------------------------
GOOD = _response([(tag, given) for tag, given, _d, _c in VALUES])


@pytest.mark.parametrize("cut", range(len(GOOD)))
def test_every_truncation_is_a_ber_error(cut: int) -> None:
    with pytest.raises(ber.BerError):
        ber.decode_v2c_message(GOOD[:cut])


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (bytes.fromhex("31020100"), "tag 0x30 expected"),  # a SET where a SEQUENCE must be
        (bytes.fromhex("3005020101"), "runs past the end"),  # length past the end
        (bytes.fromhex("3080020101"), "unsupported length form"),  # indefinite length
        (bytes.fromhex("3085000000000102"), "unsupported length form"),  # 5 length octets
        (bytes.fromhex("3006020103040100"), "SNMP version 3"),
        (bytes.fromhex("300b02010104016304038000ff"), "a PDU expected"),
    ],
)
def test_malformed_messages_name_what_is_wrong(data: bytes, says: str) -> None:
    with pytest.raises(ber.BerError, match=says):
        ber.decode_v2c_message(data)


def test_bad_values_are_ber_errors() -> None:
    for content, tag in ((b"\x0a\x00\x01", ber.IP_ADDRESS), (b"", ber.INTEGER),
                         (b"", ber.COUNTER32), (b"\x2b\x86", ber.OID), (b"", ber.OID)):
        varbind = ber.tlv(ber.SEQUENCE, ber.encode_oid(OID_ARCS) + ber.tlv(tag, content))
        pdu = ber.tlv(ber.RESPONSE, bytes.fromhex("020101020100020100") + ber.tlv(ber.SEQUENCE, varbind))
        with pytest.raises(ber.BerError):
            ber.decode_v2c_message(ber.tlv(ber.SEQUENCE, bytes.fromhex("020101040163") + pdu))


def test_random_corruption_raises_only_ber_errors() -> None:
    rng = random.Random(15)
    for _ in range(3000):
        data = bytearray(GOOD)
        for _flip in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            ber.decode_v2c_message(bytes(data))
        except ber.BerError:
            pass


def test_encoder_refuses_what_is_not_snmp() -> None:
    with pytest.raises(ValueError, match="not an OBJECT IDENTIFIER"):
        ber.encode_oid((1, 40, 1))
    with pytest.raises(TypeError):
        ber.encode_value(ber.INTEGER, b"12")


def test_a_type_snmp_does_not_define_reads_as_none() -> None:
    """As on the pysnmp path: None, which ends a walk (collect.py), never a guess."""
    varbind = ber.tlv(ber.SEQUENCE, ber.encode_oid(OID_ARCS) + ber.tlv(0x49, b"\x01\x02"))
    pdu = ber.tlv(ber.RESPONSE, bytes.fromhex("020101020100020100") + ber.tlv(ber.SEQUENCE, varbind))
    message = ber.tlv(ber.SEQUENCE, bytes.fromhex("020101040163") + pdu)
    assert ber.decode_v2c_message(message)[3].varbinds == [(OID_ARCS, OID_TEXT, None)]


def _outcome(data: bytes) -> object:
    try:
        return ber.decode_v2c_message(data)
    except ber.BerError as exc:
        return f"BerError: {exc}"
