"""BRIDGE-MIB and Q-BRIDGE-MIB -> bridge port map and FDB entries. Pure.

Q-BRIDGE rows are indexed by dot1qFdbId, which nearly every switch sets to the VLAN ID;
it is reported as ``vlan``. When both tables answer, Q-BRIDGE wins (it has the VLAN)
and BRIDGE-MIB rows for MACs already seen are dropped.
"""

from __future__ import annotations

from discovery.identifiers import mac_from_octets
from discovery.snmp import oids
from discovery.snmp.decode import as_int, as_mac, scalar, table
from discovery.snmp.records import BridgeInfo, FdbEntry, Value, Varbinds

FDB_STATUS = {1: "other", 2: "invalid", 3: "learned", 4: "self", 5: "mgmt"}


def parse_bridge_ports(varbinds: Varbinds) -> dict[int, int]:
    """dot1dBasePortIfIndex: bridge port number -> ifIndex."""
    out: dict[int, int] = {}
    for index, row in table(varbinds, oids.DOT1D_BASE_PORT_ENTRY).items():
        if_index = as_int(row.get(2))
        if len(index) == 1 and if_index:
            out[index[0]] = if_index
    return out


def _mac_from_index(arcs: tuple[int, ...]) -> str | None:
    if len(arcs) != 6 or any(a > 255 for a in arcs):
        return None
    return mac_from_octets(bytes(arcs))


def _entry(mac: str, row: dict[int, Value], vlan: int | None,
           bridge_ports: dict[int, int]) -> FdbEntry:
    """One FDB row: the same columns (2 port, 3 status) in BRIDGE-MIB and Q-BRIDGE-MIB."""
    port = as_int(row.get(2))
    status = as_int(row.get(3))
    return FdbEntry(
        mac=mac,
        bridge_port=port or None,
        if_index=bridge_ports.get(port) if port else None,
        vlan=vlan,
        status=FDB_STATUS.get(status) if status is not None else None,
    )


def parse_fdb(varbinds: Varbinds, bridge_ports: dict[int, int]) -> tuple[FdbEntry, ...]:
    entries: list[FdbEntry] = []
    seen: set[str] = set()
    q_rows = table(varbinds, oids.DOT1Q_TP_FDB_ENTRY)
    for index in sorted(q_rows):
        mac = _mac_from_index(index[1:]) if len(index) == 7 else None
        if mac is not None:
            entries.append(_entry(mac, q_rows[index], index[0], bridge_ports))
            seen.add(mac)
    d_rows = table(varbinds, oids.DOT1D_TP_FDB_ENTRY)
    for index in sorted(d_rows):
        mac = _mac_from_index(index)
        if mac is not None and mac not in seen:
            entries.append(_entry(mac, d_rows[index], None, bridge_ports))
    return tuple(entries)


def parse_bridge(varbinds: Varbinds) -> BridgeInfo:
    ports = parse_bridge_ports(varbinds)
    return BridgeInfo(
        base_mac=as_mac(scalar(varbinds, oids.DOT1D_BASE_BRIDGE_ADDRESS)),
        port_if_index=ports,
        fdb=parse_fdb(varbinds, ports),
    )
