"""ber.py against pyasn1/pysnmp's own codec: what one encodes, the other reads the same."""

from __future__ import annotations

from typing import Any

import pytest
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902, rfc1905

from discovery.snmp import ber
from discovery.snmp.collect_pysnmp import convert_value

V2C: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]

VALUES: list[tuple[str, Any]] = [
    ("1.3.6.1.2.1.1.1.0", rfc1902.OctetString(b"Cisco IOS \x00\xff" + b"x" * 300)),  # long form
    ("1.3.6.1.2.1.1.2.0", rfc1902.ObjectIdentifier("1.3.6.1.4.1.9.1.2694")),
    ("1.3.6.1.2.1.1.3.0", rfc1902.TimeTicks(4294967295)),
    ("1.3.6.1.2.1.2.2.1.1.1", rfc1902.Integer32(-2147483648)),
    ("1.3.6.1.2.1.2.2.1.1.2", rfc1902.Integer32(0)),
    ("1.3.6.1.2.1.2.2.1.5.1", rfc1902.Gauge32(4294967295)),
    ("1.3.6.1.2.1.2.2.1.10.1", rfc1902.Counter32(128)),
    ("1.3.6.1.2.1.31.1.1.1.6.1", rfc1902.Counter64(2**64 - 1)),
    ("1.3.6.1.2.1.4.20.1.1.10.0.0.1", rfc1902.IpAddress("10.0.0.1")),
    ("1.3.6.1.4.1.2636.3.1.3.0", rfc1902.Opaque(b"\x9f\x78\x04")),
    ("1.3.6.1.4.1.4294967295.268435456.128.0", rfc1902.OctetString(b"big arcs")),
    ("2.999.1", rfc1902.Integer32(7)),
    ("1.3.6.1.2.1.1.9.0", rfc1905.noSuchObject),
    ("1.3.6.1.2.1.1.9.1", rfc1905.noSuchInstance),
    ("1.3.6.1.2.1.1.9.2", rfc1905.endOfMibView),
    ("1.3.6.1.2.1.1.9.3", rfc1902.Null("")),
]


def response_bytes(var_binds: list[tuple[str, Any]], request_id: int = 4242, status: int = 0,
                   community: str = "public") -> bytes:
    pdu = V2C.ResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_error_status(pdu, status)
    V2C.apiPDU.set_varbinds(pdu, [(V2C.ObjectIdentifier(o), v) for o, v in var_binds])
    message = V2C.Message()
    V2C.apiMessage.set_defaults(message)
    V2C.apiMessage.set_community(message, community)
    V2C.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def test_response_values_decode_as_pysnmp_converts_them() -> None:
    response = ber.decode_response(response_bytes(VALUES, request_id=2**31 - 1, status=5))
    assert response.request_id == 2**31 - 1
    assert response.error_status == 5 and ber.status_name(5) == "genErr"
    assert [(oid, value) for _arcs, oid, value in response.varbinds] == [
        (oid, convert_value(value)) for oid, value in VALUES
    ]
    assert [arcs for arcs, _oid, _value in response.varbinds] == [
        tuple(int(a) for a in oid.split(".")) for oid, _value in VALUES
    ]


def test_header_names_the_request_and_community() -> None:
    header = ber.decode_header(response_bytes(VALUES[:1], request_id=7, community="c0mm"))
    assert (header.version, header.community, header.pdu_type, header.request_id) == (
        1, b"c0mm", ber.RESPONSE, 7)


@pytest.mark.parametrize("pdu_type", [ber.GET, ber.GET_BULK])
def test_requests_decode_with_pyasn1(pdu_type: int) -> None:
    oids = [(1, 3, 6, 1, 2, 1, 2, 2, 1), (1, 3, 6, 1, 4, 1, 2636, 3, 1, 2, 0), (2, 999, 2**32)]
    raw = ber.encode_request(1, b"secret", pdu_type, 123456, oids, 0, 25 if pdu_type == ber.GET_BULK else 0)
    message, rest = decoder.decode(raw, asn1Spec=V2C.Message())
    assert not rest
    assert str(V2C.apiMessage.get_community(message)) == "secret"
    pdu = V2C.apiMessage.get_pdu(message)
    assert int(V2C.apiPDU.get_request_id(pdu)) == 123456
    assert [tuple(name) for name, _value in V2C.apiPDU.get_varbinds(pdu)] == oids
    if pdu_type == ber.GET_BULK:
        assert int(V2C.apiBulkPDU.get_max_repetitions(pdu)) == 25
        assert int(V2C.apiBulkPDU.get_non_repeaters(pdu)) == 0


@pytest.mark.parametrize("cut", [1, 5, 20, -3])
def test_truncated_messages_are_ber_errors(cut: int) -> None:
    raw = response_bytes(VALUES[:3])
    with pytest.raises(ber.BerError):
        ber.decode_response(raw[:cut])


def test_wrong_tags_are_ber_errors() -> None:
    raw = bytearray(response_bytes(VALUES[:1]))
    with pytest.raises(ber.BerError):
        ber.decode_response(b"\x31" + bytes(raw[1:]))  # SET, not SEQUENCE
    request = ber.encode_request(1, b"c", ber.GET, 1, [(1, 3, 6)])
    with pytest.raises(ber.BerError, match="not a Response"):
        ber.decode_response(request)


def test_unencodable_oids_are_refused() -> None:
    for arcs in [(1,), (3, 1), (1, 40, 1)]:
        with pytest.raises(ber.BerError):
            ber.encode_oid(arcs)
