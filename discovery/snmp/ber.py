"""The BER subset SNMP speaks (RFC 3416 PDUs, RFC 2578 types), by hand. Pure.

pyasn1 builds an object per value and checks it against a spec; it was ~85% of the
collector's CPU. This module reads a response straight into ``response.Response`` (values
as the ``.snmprec`` loader gives them) and writes the few requests the collector sends.
Definite lengths only (SNMP forbids the indefinite form), up to four length octets.

Anything that does not follow the grammar raises ``BerError`` with the offset and what
was expected there; nothing else escapes (no IndexError, no struct.error).

The varbind list, where a walk spends its time, has an optional compiled fast path
(``_ber_fast.pyx``, built by Cython when the package is installed with a C compiler at
hand): it reads what it can read in full and otherwise says so, and this module then
reads the message itself; ``FAST_VARBINDS`` is None without it. Same results either way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from discovery.snmp.records import Value
from discovery.snmp.response import Arcs, Response, Varbind

# universal and application tags
INTEGER, OCTET_STRING, NULL, OID, SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
IP_ADDRESS, COUNTER32, GAUGE32, TIMETICKS, OPAQUE, COUNTER64 = 0x40, 0x41, 0x42, 0x43, 0x44, 0x46
NSAP_ADDRESS, UINTEGER32 = 0x45, 0x47  # SMIv1 leftovers some agents still send
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x80, 0x81, 0x82
# PDU tags (context-specific, constructed)
GET, GET_NEXT, RESPONSE, SET, GET_BULK, INFORM, TRAP, REPORT = (
    0xA0, 0xA1, 0xA2, 0xA3, 0xA5, 0xA6, 0xA7, 0xA8)  # fmt: skip
PDU_TAGS = frozenset((GET, GET_NEXT, RESPONSE, SET, GET_BULK, INFORM, TRAP, REPORT))
_UNSIGNED = frozenset((COUNTER32, GAUGE32, TIMETICKS, COUNTER64, UINTEGER32))
_OCTETS = frozenset((OCTET_STRING, OPAQUE, NSAP_ADDRESS))
_EMPTY = frozenset((NULL, NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW))


class BerError(ValueError):
    """Bytes that are not the BER an SNMP message must be."""


def _compiled_varbinds() -> Callable[[bytes, int, int], list[Varbind] | None] | None:
    try:
        module = importlib.import_module("discovery.snmp._ber_fast")
    except ImportError:  # not built (no compiler at install time): pure Python
        return None
    fast: Callable[[bytes, int, int], list[Varbind] | None] = module.decode_varbinds
    return fast


FAST_VARBINDS = _compiled_varbinds()


# -- reading ----------------------------------------------------------------------------
def read_header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at ``pos``; it must end by ``end``."""
    if pos + 2 > end:
        raise BerError(f"truncated: a tag and length expected at offset {pos}")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first >= 0x80:
        count = first & 0x7F
        if count == 0 or count > 4:
            raise BerError(f"unsupported length form 0x{first:02x} at offset {pos - 1}")
        if pos + count > end:
            raise BerError(f"truncated: {count} length octets expected at offset {pos}")
        first = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + first > end:
        raise BerError(f"length {first} at offset {pos} runs past the end ({end})")
    return tag, pos, pos + first


def expect(data: bytes, pos: int, end: int, tag: int, what: str) -> tuple[int, int]:
    """(content start, content end) of a TLV that must have ``tag``."""
    found, start, stop = read_header(data, pos, end)
    if found != tag:
        raise BerError(f"{what}: tag 0x{tag:02x} expected at offset {pos}, found 0x{found:02x}")
    return start, stop


def read_integer(data: bytes, pos: int, end: int, what: str) -> tuple[int, int]:
    """(value, next offset) of an INTEGER at ``pos``."""
    start, stop = expect(data, pos, end, INTEGER, what)
    if start == stop:
        raise BerError(f"{what}: empty INTEGER at offset {start}")
    return int.from_bytes(data[start:stop], "big", signed=True), stop


def read_octets(data: bytes, pos: int, end: int, what: str) -> tuple[bytes, int]:
    start, stop = expect(data, pos, end, OCTET_STRING, what)
    return data[start:stop], stop


def decode_oid(data: bytes, start: int, stop: int) -> Arcs:
    """The arcs of an OBJECT IDENTIFIER's content octets."""
    if start == stop:
        raise BerError(f"empty OBJECT IDENTIFIER at offset {start}")
    content = data[start:stop]
    if content.isascii():  # every arc below 128 after the first: the common case
        first = content[0]
        if first < 80:
            return (first // 40, first % 40, *content[1:])
        return (2, first - 80, *content[1:])
    if content[-1] & 0x80:
        raise BerError(f"OBJECT IDENTIFIER at offset {start} ends inside an arc")
    arcs: list[int] = []
    arc = 0
    for octet in content:
        if octet & 0x80:
            arc = (arc | (octet & 0x7F)) << 7
        else:
            arcs.append(arc | octet)
            arc = 0
    first = arcs[0]
    if first < 80:
        return (first // 40, first % 40, *arcs[1:])
    return (2, first - 80, *arcs[1:])


def decode_value(tag: int, data: bytes, start: int, stop: int) -> Value | None:
    """A varbind's value as the ``.snmprec`` loader gives it; None for NULL, the v2c
    exceptions and types SNMP does not define (as pysnmp's path gave them). The SMIv1
    UInteger32 and NsapAddress, which pysnmp could not read, are an int and bytes."""
    if tag == INTEGER:
        if start == stop:
            raise BerError(f"empty INTEGER at offset {start}")
        return int.from_bytes(data[start:stop], "big", signed=True)
    if tag in _OCTETS:
        return data[start:stop]
    if tag in _UNSIGNED:
        if start == stop:
            raise BerError(f"empty unsigned integer at offset {start}")
        return int.from_bytes(data[start:stop], "big")
    if tag == OID:
        return ".".join(map(str, decode_oid(data, start, stop)))
    if tag == IP_ADDRESS:
        if stop - start != 4:
            raise BerError(f"IpAddress of {stop - start} octets at offset {start}")
        return ".".join(map(str, data[start:stop]))
    if tag in _EMPTY:
        return None
    if tag & 0x20:  # constructed: nothing SNMP sends as a value
        raise BerError(f"constructed value 0x{tag:02x} at offset {start}")
    return None


def decode_varbinds(data: bytes, pos: int, end: int) -> list[Varbind]:
    """The VarBindList SEQUENCE at ``pos``."""
    start, stop = expect(data, pos, end, SEQUENCE, "varbind list")
    out: list[Varbind] = []
    append = out.append
    pos = start
    while pos < stop:
        vb_start, vb_stop = expect(data, pos, stop, SEQUENCE, "varbind")
        oid_start, oid_stop = expect(data, vb_start, vb_stop, OID, "varbind name")
        tag, value_start, value_stop = read_header(data, oid_stop, vb_stop)
        if value_stop != vb_stop:
            raise BerError(f"varbind at offset {pos} has octets after its value")
        arcs = decode_oid(data, oid_start, oid_stop)
        append((arcs, ".".join(map(str, arcs)), decode_value(tag, data, value_start, value_stop)))
        pos = vb_stop
    return out


def decode_pdu(data: bytes, pos: int, end: int) -> tuple[int, int, Response]:
    """(PDU tag, request-id, Response) of the PDU at ``pos``; it must fill up to ``end``."""
    tag, start, stop = read_header(data, pos, end)
    if tag not in PDU_TAGS:
        raise BerError(f"a PDU expected at offset {pos}, found tag 0x{tag:02x}")
    request_id, at = read_integer(data, start, stop, "request-id")
    status, at = read_integer(data, at, stop, "error-status")
    index, at = read_integer(data, at, stop, "error-index")
    fast = FAST_VARBINDS
    varbinds = fast(data, at, stop) if fast is not None and type(data) is bytes else None
    if varbinds is None:  # no compiled path, or it could not read this: Python says why
        varbinds = decode_varbinds(data, at, stop)
    return tag, request_id, Response(status, index, varbinds)


def decode_v2c_message(data: bytes) -> tuple[bytes, int, int, Response]:
    """(community, PDU tag, request-id, Response) of a v1/v2c message."""
    start, stop = expect(data, 0, len(data), SEQUENCE, "message")
    version, at = read_integer(data, start, stop, "version")
    if version not in (0, 1):
        raise BerError(f"SNMP version {version} where v1/v2c (0/1) expected")
    community, at = read_octets(data, at, stop, "community")
    tag, request_id, response = decode_pdu(data, at, stop)
    return community, tag, request_id, response


# -- writing ----------------------------------------------------------------------------
def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes((length,))
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(octets),)) + octets


def tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + encode_length(len(content)) + content


def encode_integer(value: int, tag: int = INTEGER) -> bytes:
    """Two's complement, fewest octets (unsigned tags get a leading zero when needed)."""
    size = (value + (value < 0)).bit_length() // 8 + 1
    return tlv(tag, value.to_bytes(size, "big", signed=True))


def encode_oid(arcs: Sequence[int]) -> bytes:
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise ValueError(f"not an OBJECT IDENTIFIER: {'.'.join(map(str, arcs))}")
    out = bytearray()
    for arc in (arcs[0] * 40 + arcs[1], *arcs[2:]):
        if arc < 0:
            raise ValueError(f"negative arc in {'.'.join(map(str, arcs))}")
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return tlv(OID, bytes(out))


def encode_value(tag: int, value: Value | None) -> bytes:
    """One varbind value; ``tag`` says which SNMP type (the tests' agent doubles use it)."""
    if tag in _EMPTY:
        return bytes((tag, 0))
    if tag == INTEGER or tag in _UNSIGNED:
        if not isinstance(value, int):
            raise TypeError(f"tag 0x{tag:02x} needs an int, not {type(value).__name__}")
        return encode_integer(value, tag)
    if tag in _OCTETS and isinstance(value, bytes):
        return tlv(tag, value)
    if tag == OID and isinstance(value, str):
        return encode_oid(tuple(int(a) for a in value.split(".")))
    if tag == IP_ADDRESS and isinstance(value, str):
        return tlv(tag, bytes(int(part) for part in value.split(".")))
    raise TypeError(f"cannot encode {value!r} with tag 0x{tag:02x}")


def encode_pdu(tag: int, request_id: int, varbinds: Sequence[tuple[Arcs, bytes]],
               error_status: int = 0, error_index: int = 0) -> bytes:
    """A PDU whose varbinds are (arcs, encoded value); for GETBULK the two error fields
    are non-repeaters and max-repetitions."""
    body = b"".join(tlv(SEQUENCE, encode_oid(arcs) + value) for arcs, value in varbinds)
    return tlv(tag, encode_integer(request_id) + encode_integer(error_status)
               + encode_integer(error_index) + tlv(SEQUENCE, body))


NULL_VALUE = bytes((NULL, 0))


def request_pdu(request_id: int, oids: Sequence[Arcs], max_repetitions: int = 0) -> bytes:
    """GETBULK (one repeated varbind, no non-repeaters) when ``max_repetitions``, else GET."""
    varbinds = [(arcs, NULL_VALUE) for arcs in oids]
    if max_repetitions:
        return encode_pdu(GET_BULK, request_id, varbinds, 0, max_repetitions)
    return encode_pdu(GET, request_id, varbinds)


def encode_v2c_message(community: bytes, pdu: bytes, version: int = 1) -> bytes:
    return tlv(SEQUENCE, encode_integer(version) + tlv(OCTET_STRING, community) + pdu)
