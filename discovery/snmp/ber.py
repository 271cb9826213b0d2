"""BER for the few SNMPv1/v2c messages the collector exchanges (RFC 3416, X.690). Pure.

The collector sends GetRequest and GetBulkRequest and reads Response PDUs. pysnmp's
general pyasn1 decoder spends ~45 us per varbind building typed objects we throw
away at once; this codec goes straight from bytes to the values the parsers take
(``int | str | bytes``, as the ``.snmprec`` loader gives them), at a few us each.
SNMPv3 (USM security) stays with pysnmp.

Values map as ``collect.convert_value`` maps pysnmp's: INTEGER and the unsigned
application types -> int, OCTET STRING and Opaque -> bytes, OBJECT IDENTIFIER and
IpAddress -> dotted str; NULL, the v2c exceptions (noSuchObject, noSuchInstance,
endOfMibView) and tags SNMP does not define -> None, which ends a walk.
"""

from __future__ import annotations

from dataclasses import dataclass

from discovery.snmp.records import Value

GET, GET_NEXT, RESPONSE, GET_BULK = 0xA0, 0xA1, 0xA2, 0xA5
_SEQUENCE, _INTEGER, _OCTETS, _NULL, _OID = 0x30, 0x02, 0x04, 0x05, 0x06
_IP_ADDRESS, _OPAQUE = 0x40, 0x44
_UNSIGNED = frozenset({0x41, 0x42, 0x43, 0x46})  # Counter32, Gauge32, TimeTicks, Counter64
_NULL_VARBIND_VALUE = b"\x05\x00"

ERROR_STATUS = (  # RFC 3416 section 3
    "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
    "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
    "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
    "authorizationError", "notWritable", "inconsistentName",
)
NO_SUCH_NAME, AUTHORIZATION_ERROR = 2, 16

Arcs = tuple[int, ...]
# (OID arcs, dotted OID, value); value None: NULL, an exception or an unknown type.
Varbind = tuple[Arcs, str, Value | None]


class BerError(ValueError):
    """Bytes that are not a well-formed SNMP message of the kind expected."""


@dataclass(frozen=True, slots=True)
class Header:
    """What identifies a response: enough to match it to its request."""

    version: int
    community: bytes
    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds_at: int  # offset of the varbind list's tag
    end: int


@dataclass(frozen=True, slots=True)
class Response:
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[Varbind]


def status_name(status: int) -> str:
    return ERROR_STATUS[status] if 0 <= status < len(ERROR_STATUS) else f"error-status {status}"


# -- encoding ---------------------------------------------------------------------------
def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _length(len(content)) + content


def _integer(value: int) -> bytes:
    return _tlv(_INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def encode_oid(arcs: Arcs) -> bytes:
    """OBJECT IDENTIFIER contents of ``arcs`` (at least two arcs, the first 0-2)."""
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise BerError(f"not an encodable OID: {'.'.join(map(str, arcs))}")
    out = bytearray()
    for arc in (arcs[0] * 40 + arcs[1], *arcs[2:]):
        if arc < 0x80:
            out.append(arc)
            continue
        if arc < 0:
            raise BerError("negative OID arc")
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def encode_request(version: int, community: bytes, pdu_type: int, request_id: int,
                   oids: list[Arcs], non_repeaters: int = 0, max_repetitions: int = 0) -> bytes:
    """A GetRequest (``GET``, both counters 0) or GetBulkRequest (``GET_BULK``) message;
    ``version`` is 0 for v1 and 1 for v2c."""
    varbinds = b"".join(_tlv(_SEQUENCE, _tlv(_OID, encode_oid(o)) + _NULL_VARBIND_VALUE)
                        for o in oids)
    pdu = (_integer(request_id) + _integer(non_repeaters) + _integer(max_repetitions)
           + _tlv(_SEQUENCE, varbinds))
    return _tlv(_SEQUENCE, _integer(version) + _tlv(_OCTETS, community) + _tlv(pdu_type, pdu))


# -- decoding ---------------------------------------------------------------------------
def _read_length(data: bytes, i: int) -> tuple[int, int]:
    """(length, offset of the contents) for the length octets at ``data[i]``."""
    n = data[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7F
    if k == 0 or k > 4:
        raise BerError("indefinite or oversized length")
    return int.from_bytes(data[i + 1:i + 1 + k], "big"), i + 1 + k


def _expect(data: bytes, i: int, tag: int, end: int) -> tuple[int, int]:
    """(offset of the contents, offset after them) of a TLV of ``tag`` at ``data[i]``."""
    if i >= end or data[i] != tag:
        raise BerError(f"expected tag 0x{tag:02x} at offset {i}")
    length, start = _read_length(data, i + 1)
    stop = start + length
    if stop > end:
        raise BerError(f"length past the end at offset {i}")
    return start, stop


def _read_integer(data: bytes, i: int, end: int) -> tuple[int, int]:
    start, stop = _expect(data, i, _INTEGER, end)
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def decode_header(data: bytes) -> Header:
    """The message and PDU header of a v1/v2c message; raises ``BerError``."""
    try:
        start, end = _expect(data, 0, _SEQUENCE, len(data))
        version, i = _read_integer(data, start, end)
        c_start, i = _expect(data, i, _OCTETS, end)
        community = data[c_start:i]
        pdu_type = data[i]
        p_start, p_end = _expect(data, i, pdu_type, end)
        request_id, i = _read_integer(data, p_start, p_end)
        error_status, i = _read_integer(data, i, p_end)
        error_index, i = _read_integer(data, i, p_end)
    except IndexError:
        raise BerError("truncated message") from None
    return Header(version, community, pdu_type, request_id, error_status, error_index, i, p_end)


def _dotted_oid(content: bytes) -> tuple[Arcs, str]:
    if not content:
        raise BerError("empty OBJECT IDENTIFIER")
    if content.isascii():  # every arc below 128: one byte each (the common case)
        first = content[0]
        head = divmod(first, 40) if first < 80 else (2, first - 80)
        arcs: Arcs = (*head, *content[1:])
    else:
        numbers: list[int] = []
        value = 0
        for byte in content:
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                numbers.append(value)
                value = 0
        if content[-1] >= 0x80:
            raise BerError("OBJECT IDENTIFIER ends inside an arc")
        first = numbers[0]
        head = divmod(first, 40) if first < 80 else (2, first - 80)
        arcs = (*head, *numbers[1:])
    return arcs, ".".join(map(str, arcs))


def decode_varbinds(data: bytes, header: Header) -> list[Varbind]:
    """The varbind list of a message whose header ``decode_header`` read."""
    out: list[Varbind] = []
    append = out.append
    from_bytes = int.from_bytes
    try:
        i, end = _expect(data, header.varbinds_at, _SEQUENCE, header.end)
        while i < end:
            # varbind SEQUENCE, then its name
            if data[i] != _SEQUENCE:
                raise BerError(f"expected a varbind at offset {i}")
            n = data[i + 1]
            i = i + 2 if n < 0x80 else _read_length(data, i + 1)[1]
            if data[i] != _OID:
                raise BerError(f"expected an OID at offset {i}")
            n, start = data[i + 1], i + 2
            if n >= 0x80:
                n, start = _read_length(data, i + 1)
            arcs, oid = _dotted_oid(data[start:start + n])
            # the value
            i = start + n
            tag, n, start = data[i], data[i + 1], i + 2
            if n >= 0x80:
                n, start = _read_length(data, i + 1)
            i = start + n
            if i > end:
                raise BerError(f"value past the end of the varbind list at offset {start}")
            value: Value | None
            if tag == _OCTETS or tag == _OPAQUE:
                value = data[start:i]
            elif tag == _INTEGER:
                value = from_bytes(data[start:i], "big", signed=True)
            elif tag in _UNSIGNED:
                value = from_bytes(data[start:i], "big")
            elif tag == _OID:
                value = _dotted_oid(data[start:i])[1]
            elif tag == _IP_ADDRESS:
                value = ".".join(map(str, data[start:i]))
            else:  # NULL, noSuchObject, noSuchInstance, endOfMibView, unknown
                value = None
            append((arcs, oid, value))
    except IndexError:
        raise BerError("truncated varbind list") from None
    return out


def decode_response(data: bytes) -> Response:
    header = decode_header(data)
    if header.pdu_type != RESPONSE:
        raise BerError(f"not a Response PDU (tag 0x{header.pdu_type:02x})")
    return Response(header.request_id, header.error_status, header.error_index,
                    decode_varbinds(data, header))
