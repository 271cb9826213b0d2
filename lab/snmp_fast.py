"""The lab agent's fast responder: v2c GET, GETNEXT and GETBULK from pre-encoded rows.

Each recording row's varbind is BER-encoded once, when first asked for, and kept: a base
recording's cache is shared by every clone of it, an overlay caches its own rows. A
request is read with a few slices (lab/snmp_ber.py) and its answer is those cached bytes
joined under a Response header: no pysnmp, no pyasn1 on the hot path.

The fast path answers exactly what the pysnmp responder (lab/snmp_agent.py) answers:
GET of a missing name -> noSuchInstance; GETNEXT past the end -> the requested name with
endOfMibView; GETBULK as RFC 3416 4.2.3 with max-repetitions capped at 64 // repeaters,
endOfMibView repeated on the last name; request-id echoed, error-status/index 0. A wrong
community gets no answer. Everything else (SNMPv1, SNMPv3, SET, an odd GETBULK, a name
outside the read view `1`) goes to pysnmp's engine on the same socket, unchanged.
"""

from __future__ import annotations

import bisect
import enum
from typing import Any, Protocol

from pysnmp.carrier.asyncio.dgram import udp

from lab.snmp_ber import (
    END_OF_MIB_VIEW,
    GET,
    GET_BULK,
    GET_NEXT,
    NO_SUCH_INSTANCE,
    BerError,
    Request,
    encode_varbind,
    parse_request,
    read_version,
    response_message,
    tlv,
    varbind_name,
)
from lab.snmprec import FileRecording, MemoryRecording, OverlayMerge, Recording, oid_key

MAX_VARBINDS = 64  # pysnmp's BulkCommandResponder.max_varbinds, kept on both paths
MAX_ANSWER_BYTES = 65000  # a bigger answer goes to pysnmp (tooBig is its business)
V2C = 1
EncodedRow = tuple[bytes, bytes]  # (oid_key, varbind TLV)


class Handling(enum.Enum):
    DROP = "drop"  # no answer: malformed, or a wrong community
    PYSNMP = "pysnmp"  # not for the fast path: pysnmp's engine answers


class EncodedSource(Protocol):
    def get(self, oid: str) -> bytes | None: ...

    def next_rows(self, key: bytes, count: int) -> list[EncodedRow]: ...


class EncodedRows:
    """A MemoryRecording's rows, each encoded on first use."""

    def __init__(self, recording: MemoryRecording) -> None:
        self.recording = recording
        self._cache: list[bytes | None] = []

    def _encoded(self, i: int) -> bytes:
        if not self._cache:
            self._cache = [None] * len(self.recording.rows)
        cached = self._cache[i]
        if cached is None:
            cached = self._cache[i] = encode_varbind(self.recording.rows[i])
        return cached

    def get(self, oid: str) -> bytes | None:
        keys, key = self.recording.keys, oid_key(oid)
        i = bisect.bisect_left(keys, key)
        return self._encoded(i) if i < len(keys) and keys[i] == key else None

    def next_rows(self, key: bytes, count: int) -> list[EncodedRow]:
        keys = self.recording.keys
        i = bisect.bisect_right(keys, key)
        return [(keys[j], self._encoded(j)) for j in range(i, min(i + count, len(keys)))]


class EncodedFile:
    """A recording kept on disk; its rows' encodings cached by key as they are asked for."""

    def __init__(self, recording: FileRecording) -> None:
        self.recording = recording
        self._cache: dict[bytes, bytes] = {}

    def get(self, oid: str) -> bytes | None:
        row = self.recording.get(oid)
        if row is None:
            return None
        key = oid_key(oid)
        if key not in self._cache:
            self._cache[key] = encode_varbind(row)
        return self._cache[key]

    def next_rows(self, key: bytes, count: int) -> list[EncodedRow]:
        out: list[EncodedRow] = []
        for row_key, row in self.recording.next_rows(key, count):
            encoded = self._cache.get(row_key)
            if encoded is None:
                encoded = self._cache[row_key] = encode_varbind(row)
            out.append((row_key, encoded))
        return out


class EncodedOverlay(OverlayMerge[bytes]):
    """An OverlayRecording's rows encoded: the shared base's cache, the clone's own rows'
    cache, the same merge (own rows win at equal keys, deleted subtrees jumped over)."""

    base: EncodedSource
    own: EncodedRows

    def __init__(self, base: EncodedSource, own: EncodedRows, deleted: list[str]) -> None:
        self.base, self.own = base, own
        self._set_deleted(deleted)

    def get(self, oid: str) -> bytes | None:
        mine = self.own.get(oid)
        if mine is not None:
            return mine
        return None if self._deleted_until(oid_key(oid)) is not None else self.base.get(oid)


def encode_base(recording: Recording) -> EncodedSource:
    """The one encoded view of a base recording, shared by its clones."""
    if isinstance(recording, MemoryRecording):
        return EncodedRows(recording)
    if isinstance(recording, FileRecording):
        return EncodedFile(recording)
    raise TypeError(f"no encoded view of {type(recording).__name__}")


class FastResponder:
    """Answers one device's v2c requests from its encoded rows."""

    def __init__(self, source: EncodedSource, communities: frozenset[bytes]) -> None:
        self.source = source
        self.communities = communities

    def answer(self, datagram: bytes) -> bytes | Handling:
        try:
            if read_version(datagram) != V2C:
                return Handling.PYSNMP
            request = parse_request(datagram)
        except BerError:
            return Handling.DROP
        if request.community not in self.communities:
            return Handling.DROP
        if any(not name.oid.startswith("1.") for name in request.names):
            return Handling.PYSNMP  # outside the read view: pysnmp's access control says
        if request.pdu_type == GET:
            varbinds = [self.source.get(n.oid) or tlv(0x30, n.tlv + NO_SUCH_INSTANCE)
                        for n in request.names]
        elif request.pdu_type == GET_NEXT:
            varbinds = [self._next(n.tlv, n.oid) for n in request.names]
        elif request.pdu_type == GET_BULK:
            bulk = self._bulk(request)
            if bulk is None:
                return Handling.PYSNMP
            varbinds = bulk
        else:
            return Handling.PYSNMP
        message = response_message(request, varbinds)
        return message if len(message) <= MAX_ANSWER_BYTES else Handling.PYSNMP

    def _next(self, name_tlv: bytes, oid: str) -> bytes:
        rows = self.source.next_rows(oid_key(oid), 1)
        return rows[0][1] if rows else tlv(0x30, name_tlv + END_OF_MIB_VIEW)

    def _column(self, name_tlv: bytes, oid: str, count: int) -> list[bytes]:
        """``count`` repetitions of GETNEXT along one column, endOfMibView repeated past
        the end on the last name returned."""
        out = [encoded for _key, encoded in self.source.next_rows(oid_key(oid), count)]
        if len(out) < count:
            last = varbind_name(out[-1]) if out else name_tlv
            out += [tlv(0x30, last + END_OF_MIB_VIEW)] * (count - len(out))
        return out

    def _bulk(self, request: Request) -> list[bytes] | None:
        names = request.names
        non_repeaters = min(max(request.non_repeaters, 0), len(names))
        repeaters = len(names) - non_repeaters
        repetitions = max(request.max_repetitions, 0)
        if repeaters:
            repetitions = min(repetitions, MAX_VARBINDS // repeaters)
        out = [self._next(n.tlv, n.oid) for n in names[:non_repeaters]]
        if repeaters and repetitions:
            columns = [self._column(n.tlv, n.oid, repetitions) for n in names[non_repeaters:]]
            out += [column[i] for i in range(repetitions) for column in columns]
        return out or None  # nothing to answer: pysnmp's genErr


class FastUdpTransport(udp.UdpAsyncioTransport):  # type: ignore[misc]  # pysnmp is untyped
    """pysnmp's UDP transport with the fast responder in front: what it answers is sent
    from here, what it hands on reaches pysnmp's engine as any datagram does."""

    def __init__(self, responder: FastResponder) -> None:
        super().__init__()
        self.responder = responder

    def datagram_received(self, datagram: bytes, transportAddress: Any) -> None:
        answer = self.responder.answer(datagram)
        if isinstance(answer, bytes):
            if self.transport is not None:
                self.transport.sendto(answer, transportAddress)
        elif answer is Handling.PYSNMP:
            super().datagram_received(datagram, transportAddress)
