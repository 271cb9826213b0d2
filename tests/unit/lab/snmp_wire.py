"""SNMP v2c messages built and read with pysnmp/pyasn1, for the lab agent's tests: the
fast responder's bytes are read back by the library the pysnmp responder uses."""

from __future__ import annotations

from typing import Any

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

V2C: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
V1: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_1]
EXCEPTIONS = ("NoSuchObject", "NoSuchInstance", "EndOfMibView")  # values read as ""
Decoded = tuple[int, int, int, list[tuple[str, str, str]]]  # request-id, status, index, vbs


def request(kind: str, oids: list[str], community: str, request_id: int = 4242,
            non_repeaters: int = 0, max_repetitions: int = 25, module: Any = V2C) -> bytes:
    """A GET, GETNEXT or GETBULK message (``kind`` get | next | bulk)."""
    pdu = {"get": module.GetRequestPDU, "next": module.GetNextRequestPDU,
           "bulk": V2C.GetBulkRequestPDU}[kind]()
    api_pdu = V2C.apiBulkPDU if kind == "bulk" else module.apiPDU
    api_pdu.set_defaults(pdu)
    api_pdu.set_request_id(pdu, request_id)
    if kind == "bulk":
        api_pdu.set_non_repeaters(pdu, non_repeaters)
        api_pdu.set_max_repetitions(pdu, max_repetitions)
    api_pdu.set_varbinds(pdu, [(module.ObjectIdentifier(o), module.null) for o in oids])
    message = module.Message()
    module.apiMessage.set_defaults(message)
    module.apiMessage.set_community(message, community)
    module.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def decode(data: bytes, module: Any = V2C) -> Decoded:
    """Request-id, error-status, error-index and each varbind as (OID, type, value)."""
    message, rest = decoder.decode(data, asn1Spec=module.Message())
    assert not rest
    pdu = module.apiMessage.get_pdu(message)
    varbinds = [(str(name), type(value).__name__,
                 "" if type(value).__name__ in EXCEPTIONS else value.prettyPrint())
                for name, value in module.apiPDU.get_varbinds(pdu)]
    return (int(module.apiPDU.get_request_id(pdu)), int(module.apiPDU.get_error_status(pdu)),
            int(module.apiPDU.get_error_index(pdu)), varbinds)
