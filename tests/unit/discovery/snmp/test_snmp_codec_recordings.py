"""Every lab recording through both codecs: each row encoded as the agent sends it
(pyasn1, pysnmp's types), in GETBULK-sized responses, then read by our codec (ber.py)
and by the pysnmp path's (pyasn1 + collect_pysnmp.convert_value). Both must give the
same Response objects, and the values the .snmprec loader gives: one result path,
whichever codec runs (ours in pure Python and with its compiled varbind reader, when
built). Our encoder must also write those messages byte for byte."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyasn1.codec.ber import decoder, encoder  # type: ignore[import-untyped]
from pyasn1.error import PyAsn1Error  # type: ignore[import-untyped]
from pysnmp.proto import api, rfc1902

from discovery.snmp import ber
from discovery.snmp.collect_pysnmp import convert_value
from discovery.snmp.records import Value
from discovery.snmp.response import Response
from lab.sources import lab_data_dir
from tests.snmprec import SkippedRow, _rows

V2C: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
LAB = lab_data_dir() / "snmp"
NAMES = sorted(p.stem for p in LAB.glob("*.snmprec"))
PER_RESPONSE = 25
TYPES: dict[int, tuple[Any, int]] = {  # snmprec tag -> pysnmp type, BER tag
    2: (rfc1902.Integer32, ber.INTEGER), 4: (rfc1902.OctetString, ber.OCTET_STRING),
    6: (rfc1902.ObjectIdentifier, ber.OID), 64: (rfc1902.IpAddress, ber.IP_ADDRESS),
    65: (rfc1902.Counter32, ber.COUNTER32), 66: (rfc1902.Gauge32, ber.GAUGE32),
    67: (rfc1902.TimeTicks, ber.TIMETICKS), 68: (rfc1902.Opaque, ber.OPAQUE),
    70: (rfc1902.Counter64, ber.COUNTER64),
}  # fmt: skip


@cache
def typed_rows(path: Path) -> list[tuple[str, int, Value]]:
    """(oid, snmprec tag, loader value) of every row pysnmp's types accept."""
    out: list[tuple[str, int, Value]] = []
    for line, parsed in _rows(path):
        if isinstance(parsed, SkippedRow):
            continue
        tag = int(line.split("|")[1].rstrip("xe"))
        oid, value = parsed
        try:
            TYPES[tag][0](value)
        except (PyAsn1Error, ValueError, TypeError):
            continue  # out of its type's range: no agent can send it as that type
        if tag == 6 and "." not in value:  # type: ignore[operator]
            continue  # an OID of one arc cannot be encoded
        out.append((oid, tag, value))
    return out


def pyasn1_response(rows: list[tuple[str, int, Value]], request_id: int) -> bytes:
    pdu = V2C.ResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_varbinds(pdu, [(V2C.ObjectIdentifier(o), TYPES[t][0](v)) for o, t, v in rows])
    message = V2C.Message()
    V2C.apiMessage.set_defaults(message)
    V2C.apiMessage.set_community(message, "public")
    V2C.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def pysnmp_path(data: bytes) -> Response:
    message, _rest = decoder.decode(data, asn1Spec=V2C.Message())
    pdu = V2C.apiMessage.get_pdu(message)
    return Response(int(V2C.apiPDU.get_error_status(pdu)), int(V2C.apiPDU.get_error_index(pdu)),
                    [(tuple(name.asTuple()), str(name), convert_value(value))
                     for name, value in V2C.apiPDU.get_varbinds(pdu)])


@pytest.mark.parametrize("compiled", [False, True], ids=["python", "compiled"])
@pytest.mark.parametrize("name", NAMES)
def test_recording_reads_alike_through_both_codecs(name: str, compiled: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if compiled and ber.FAST_VARBINDS is None:
        pytest.skip("discovery/snmp/_ber_fast is not built (no C compiler at install)")
    if not compiled:
        monkeypatch.setattr(ber, "FAST_VARBINDS", None)
    rows = typed_rows(LAB / f"{name}.snmprec")
    assert rows, name
    for start in range(0, len(rows), PER_RESPONSE):
        chunk = rows[start:start + PER_RESPONSE]
        data = pyasn1_response(chunk, start + 1)
        ours = ber.decode_v2c_message(data)
        assert ours[:3] == (b"public", ber.RESPONSE, start + 1)
        assert ours[3] == pysnmp_path(data), f"{name} rows {start}..{start + len(chunk)}"
        assert [(oid, value) for _arcs, oid, value in ours[3].varbinds] == [
            (oid, value) for oid, _tag, value in chunk]
        written = ber.encode_v2c_message(b"public", ber.encode_pdu(ber.RESPONSE, start + 1, [
            (tuple(int(a) for a in oid.split(".")), ber.encode_value(TYPES[tag][1], value))
            for oid, tag, value in chunk]))
        assert written == data
