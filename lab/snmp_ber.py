"""BER for the lab agent's fast path: recording rows as varbind bytes, requests read.

Pure functions, no I/O. A row's varbind (`SEQUENCE { OID, value }`) is encoded here
natively for the common tags and through pysnmp/pyasn1 (`encode_value`) for anything
unusual, so that both give the same bytes for every row (tests/unit/lab compares them
over every recording). A malformed recorded value reads as an empty OCTET STRING, in
both responders, rather than killing a walk.
"""

from __future__ import annotations

import importlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from pysnmp.proto import rfc1902

from lab.snmprec import Row

GET, GET_NEXT, RESPONSE, GET_BULK = 0xA0, 0xA1, 0xA2, 0xA5
NO_SUCH_INSTANCE = b"\x81\x00"
END_OF_MIB_VIEW = b"\x82\x00"
EMPTY_OCTETS = b"\x04\x00"
_APP_INTEGERS = {"65": (0x41, 32), "66": (0x42, 32), "67": (0x43, 32), "70": (0x46, 64)}
_MAX_INTEGER_BYTES = 5  # pyasn1 writes -2**31 in five
MAX_OID_ARCS, MAX_ARC = 128, 2**32 - 1


ber_encoder: Any = importlib.import_module("pyasn1.codec.ber.encoder")  # no type stubs
PyAsn1Error: type[Exception] = importlib.import_module("pyasn1.error").PyAsn1Error


class BerError(ValueError):
    """A datagram that is not a well-formed SNMP message."""


# -- values as pysnmp objects (the pysnmp responder, and the fast path's fallback) -------
def encode_value(tag: str, value: str) -> Any:
    """A snmprec value as the pysnmp object to put on the wire."""
    hexed = tag.endswith("x")
    base = tag.rstrip("x")
    if base == "4":
        return rfc1902.OctetString(hexValue=value) if hexed else rfc1902.OctetString(value)
    if base == "64":
        return rfc1902.IpAddress(hexValue=value) if hexed else rfc1902.IpAddress(value)
    if base == "68":
        return rfc1902.Opaque(hexValue=value) if hexed else rfc1902.Opaque(value)
    if base == "6":
        encode_oid(value)  # pyasn1 builds short OIDs and bad first arcs, then cannot encode
        return rfc1902.ObjectIdentifier(value)
    number = int(value, 16) if hexed else int(value)
    kinds: dict[str, Any] = {
        "2": rfc1902.Integer32,
        "65": rfc1902.Counter32,
        "66": rfc1902.Gauge32,
        "67": rfc1902.TimeTicks,
        "70": rfc1902.Counter64,
    }
    return kinds[base](number)


def safe_encode(row: Row) -> Any:
    """The row's value as a pysnmp object; a malformed one as an empty OCTET STRING."""
    try:
        return encode_value(row[1], row[2])
    except (ValueError, KeyError, TypeError, PyAsn1Error):
        return rfc1902.OctetString(b"")


# -- encoding ------------------------------------------------------------------------------
def length_bytes(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + length_bytes(len(content)) + content


def _integer_content(n: int) -> bytes:
    """Two's complement as pyasn1 writes it (byte for byte: -128 is FF 80, not 80)."""
    if n == 0:
        return b"\x00"
    bits = n.bit_length()
    bits += bits % 8 == 0
    return n.to_bytes((bits + 7) // 8, "big", signed=True)


def encode_oid(dotted: str) -> bytes:
    """The OBJECT IDENTIFIER TLV of a dotted OID; ValueError when BER cannot carry it."""
    arcs = [int(a) for a in dotted.strip(".").split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise ValueError(f"OID {dotted!r} cannot be encoded")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        if arc < 0x80:
            out.append(arc)
            continue
        groups = []
        while arc:
            groups.append(arc & 0x7F)
            arc >>= 7
        out += bytes(g | 0x80 for g in reversed(groups[1:])) + bytes((groups[0],))
    return tlv(0x06, bytes(out))


def _native_value(tag: str, value: str) -> bytes | None:
    """The value TLV for the common, well-formed cases; None for pyasn1 to decide."""
    if tag == "4":
        try:
            return tlv(0x04, value.encode("iso-8859-1"))  # pyasn1's OctetString encoding
        except UnicodeEncodeError:
            return EMPTY_OCTETS
    if tag == "4x":
        if len(value) % 2 or not all(c in "0123456789abcdefABCDEF" for c in value):
            return None
        return tlv(0x04, bytes.fromhex(value))
    if tag == "2" and value.lstrip("-").isdigit() and value.isascii():
        number = int(value)
        return tlv(0x02, _integer_content(number)) if -(2**31) <= number < 2**31 else None
    if tag in _APP_INTEGERS and value.isdigit() and value.isascii():
        app_tag, bits = _APP_INTEGERS[tag]
        number = int(value)
        return tlv(app_tag, _integer_content(number)) if number < 2**bits else None
    if tag == "64":
        try:
            return tlv(0x40, ipaddress.IPv4Address(value).packed)
        except ValueError:
            return None
    if tag == "6":
        try:
            return encode_oid(value)
        except ValueError:
            return None
    return None


def encode_varbind(row: Row) -> bytes:
    """One recording row as the varbind TLV the fast path sends."""
    value = _native_value(row[1], row[2])
    if value is None:
        value = bytes(ber_encoder.encode(safe_encode(row)))
    return tlv(0x30, encode_oid(row[0]) + value)


def varbind_name(varbind: bytes) -> bytes:
    """The OID TLV at the start of an encoded varbind."""
    _tag, start, _end = read_tlv(varbind, 0, len(varbind))
    _tag, _start, oid_end = read_tlv(varbind, start, len(varbind))
    return varbind[start:oid_end]


# -- decoding a request --------------------------------------------------------------------
def read_tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at ``pos``; definite lengths only."""
    if pos + 2 > end:
        raise BerError("truncated TLV")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        size = length & 0x7F
        if size == 0 or size > 4 or pos + size > end:
            raise BerError("bad length")
        length = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    if pos + length > end:
        raise BerError("TLV overruns its container")
    return tag, pos, pos + length


def _integer(data: bytes, pos: int, end: int) -> tuple[int, int]:
    tag, start, stop = read_tlv(data, pos, end)
    if tag != 0x02 or not 0 < stop - start <= _MAX_INTEGER_BYTES:
        raise BerError("expected an INTEGER")
    value = int.from_bytes(data[start:stop], "big", signed=True)
    if not -(2**31) <= value < 2**31:
        raise BerError("INTEGER beyond 32 bits")
    return value, stop


def decode_oid(content: bytes) -> str:
    """Dotted text of an OBJECT IDENTIFIER's content octets."""
    if not content:
        raise BerError("empty OID")
    arcs: list[int] = []
    arc = 0
    fresh = True
    for octet in content:
        if fresh and octet == 0x80:
            raise BerError("non-minimal OID arc")
        arc = (arc << 7) | (octet & 0x7F)
        fresh = not octet & 0x80
        if fresh:
            arcs.append(arc)
            arc = 0
    if not fresh:
        raise BerError("OID ends inside an arc")
    if len(arcs) > MAX_OID_ARCS or max(arcs) > MAX_ARC:
        raise BerError("OID beyond SMI limits")  # RFC 2578 3.5: 128 arcs of 32 bits
    first = arcs[0]
    head = [first // 40, first % 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + arcs[1:]))


@dataclass(frozen=True, slots=True)
class RequestName:
    oid: str  # dotted
    tlv: bytes  # the OID as it came, echoed in answers that carry the requested name


@dataclass(frozen=True, slots=True)
class Request:
    """A v2c GET, GETNEXT or GETBULK as the fast path needs it."""

    community: bytes
    pdu_type: int
    request_id: bytes  # the INTEGER TLV as sent, echoed
    non_repeaters: int  # error-status for GET/GETNEXT
    max_repetitions: int  # error-index for GET/GETNEXT
    names: tuple[RequestName, ...]


def read_version(data: bytes) -> int:
    """The message's SNMP version field (0 v1, 1 v2c, 3 v3)."""
    tag, start, end = read_tlv(data, 0, len(data))
    if tag != 0x30 or end != len(data):
        raise BerError("not one SEQUENCE")
    version, _ = _integer(data, start, end)
    return version


def parse_request(data: bytes) -> Request:
    """A v2c message's community and PDU; BerError for anything not well formed."""
    _tag, start, end = read_tlv(data, 0, len(data))
    _version, pos = _integer(data, start, end)
    tag, c_start, c_end = read_tlv(data, pos, end)
    if tag != 0x04:
        raise BerError("expected the community")
    pdu_type, p_start, p_end = read_tlv(data, c_end, end)
    if p_end != end:
        raise BerError("bytes after the PDU")
    _id, id_end = _integer(data, p_start, p_end)
    first, pos = _integer(data, id_end, p_end)
    second, pos = _integer(data, pos, p_end)
    tag, pos, list_end = read_tlv(data, pos, p_end)
    if tag != 0x30 or list_end != p_end:
        raise BerError("expected the varbind list")
    names = []
    while pos < list_end:
        tag, vb_start, vb_end = read_tlv(data, pos, list_end)
        tag_oid, o_start, o_end = read_tlv(data, vb_start, vb_end)
        if tag != 0x30 or tag_oid != 0x06:
            raise BerError("expected a varbind")
        _tag, _v_start, v_end = read_tlv(data, o_end, vb_end)
        if v_end != vb_end:
            raise BerError("bytes after a varbind's value")
        names.append(RequestName(decode_oid(data[o_start:o_end]), data[vb_start:o_end]))
        pos = vb_end
    return Request(data[c_start:c_end], pdu_type, data[p_start:id_end], first, second,
                   tuple(names))


def response_message(request: Request, varbinds: list[bytes]) -> bytes:
    """The v2c Response to ``request``: its community and request-id, no error."""
    pdu = request.request_id + b"\x02\x01\x00\x02\x01\x00" + tlv(0x30, b"".join(varbinds))
    return tlv(0x30, b"\x02\x01\x01" + tlv(0x04, request.community) + tlv(RESPONSE, pdu))
