"""What a session hands the collector: one SNMP response, its values already plain. Pure.

Both codecs give these (``ber.decode_value``, and ``collect_pysnmp.convert_value`` on the
pysnmp path), values as the ``.snmprec`` loader gives them:
INTEGER and the unsigned application types -> int, OCTET STRING and Opaque -> bytes,
OBJECT IDENTIFIER and IpAddress -> dotted str; NULL and the v2c exceptions
(noSuchObject, noSuchInstance, endOfMibView) -> None, which ends a walk.
"""

from __future__ import annotations

from dataclasses import dataclass

from discovery.snmp.records import Value

ERROR_STATUS = (  # RFC 3416 section 3
    "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
    "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
    "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
    "authorizationError", "notWritable", "inconsistentName",
)  # fmt: skip
NO_SUCH_NAME, AUTHORIZATION_ERROR = 2, 16

Arcs = tuple[int, ...]
# (OID arcs, dotted OID, value); value None: NULL, an exception or an unknown type.
Varbind = tuple[Arcs, str, Value | None]


@dataclass(frozen=True, slots=True)
class Response:
    error_status: int
    error_index: int
    varbinds: list[Varbind]


def status_name(status: int) -> str:
    return ERROR_STATUS[status] if 0 <= status < len(ERROR_STATUS) else f"error-status {status}"
