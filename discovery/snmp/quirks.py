"""Vendor quirks, in one registry. Data plus the few small functions they need.

Every quirk has a name (recorded in DeviceSnapshot.notes when it fires), the
sysObjectID prefixes it applies to, what it changes, and a unit test in
tests/unit/discovery/snmp/test_snmp_quirks.py.

LLDP local port numbers (lldpRemLocalPortNum) are the main source of trouble: the MIB
says "a port number", and vendors use ifIndexes (Juniper, Cisco NX-OS, Arista),
dot1dBasePort numbers (HP ProCurve, Dell PowerConnect), or
no local port at all (MikroTik RouterOS 6). parse_neighbors resolves them in this
order: (1) the agent's own lldpLocPortTable names matched to ifName/ifDescr, (2) the
vendor's numbering from LLDP_PORT_NUMBERING, (3) ifIndex if such an interface exists,
then bridge port.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from discovery.snmp import oids
from discovery.snmp.decode import as_int, column
from discovery.snmp.records import Varbinds


class PortNumbering(Enum):
    IF_INDEX = "ifIndex"
    BRIDGE_PORT = "dot1dBasePort"


@dataclass(frozen=True, slots=True)
class Quirk:
    name: str
    object_ids: tuple[str, ...]  # sysObjectID prefixes
    description: str

    def applies(self, object_id: str | None) -> bool:
        return bool(object_id) and str(object_id).startswith(self.object_ids)


LLDP_PORT_IS_IFINDEX = Quirk(
    "lldp-port-is-ifindex",
    ("1.3.6.1.4.1.2636.", "1.3.6.1.4.1.9.12.3.1.3.", "1.3.6.1.4.1.30065."),
    "lldpRemLocalPortNum is an ifIndex (Juniper, Cisco NX-OS, Arista).",
)
LLDP_PORT_IS_BRIDGE_PORT = Quirk(
    "lldp-port-is-bridge-port",
    ("1.3.6.1.4.1.11.2.3.7.11.", "1.3.6.1.4.1.674.10895."),
    "lldpRemLocalPortNum is a dot1dBasePort number (HP ProCurve, Dell PowerConnect); "
    "map it through dot1dBasePortIfIndex. Not yet seen in a recording we hold.",
)
ROUTEROS_LLDP_FLAT_INDEX = Quirk(
    "routeros-lldp-flat-index",
    ("1.3.6.1.4.1.14988.",),
    "RouterOS 6 indexes lldpRemTable by the neighbour number alone (no time mark, no "
    "local port); the local ifIndex is mtxrNeighborInterfaceID of the same number.",
)

QUIRKS: tuple[Quirk, ...] = (
    LLDP_PORT_IS_IFINDEX,
    LLDP_PORT_IS_BRIDGE_PORT,
    ROUTEROS_LLDP_FLAT_INDEX,
)


def lldp_port_numbering(object_id: str | None) -> PortNumbering | None:
    """How this vendor numbers LLDP local ports, or None when we do not know."""
    if LLDP_PORT_IS_IFINDEX.applies(object_id):
        return PortNumbering.IF_INDEX
    if LLDP_PORT_IS_BRIDGE_PORT.applies(object_id):
        return PortNumbering.BRIDGE_PORT
    return None


_MTXR_NEIGHBOR_INTERFACE = oids.MTXR_NEIGHBOR_ENTRY + ".8"


def routeros_neighbor_if_index(varbinds: Varbinds) -> dict[int, int]:
    """mtxrNeighborInterfaceID: neighbour number -> local ifIndex."""
    out: dict[int, int] = {}
    for index, value in column(varbinds, _MTXR_NEIGHBOR_INTERFACE).items():
        if_index = as_int(value)
        if len(index) == 1 and if_index is not None:
            out[index[0]] = if_index
    return out
