"""Q-BRIDGE-MIB, else CISCO-VTP-MIB and CISCO-VLAN-MEMBERSHIP-MIB -> VlanFacts. Pure.

Q-BRIDGE (every standard switch): VLAN names from dot1qVlanStaticName; port lists
(bitmaps of bridge ports, first octet's high bit = port 1, mapped to ifIndex through
dot1dBasePortIfIndex) from dot1qVlanStaticEgressPorts/UntaggedPorts, or from
dot1qVlanCurrentEgressPorts/UntaggedPorts (index TimeMark.VlanIndex) when the agent
gives no static port lists (Arista). A port in the egress list and not the untagged
one is tagged. dot1qPvid (the VLAN a port's untagged frames go to) adds a port that
no port list names as an untagged member (an access port that is down).

Huawei VRP names its VLANs in HUAWEI-L2VLAN-MIB hwL2VlanDescr, not dot1qVlanStaticName.

Cisco (Q-BRIDGE empty): VLANs from vtpVlanName; an access port's VLAN from vmVlan;
a trunking port (vlanTrunkPortDynamicStatus) is a tagged member of every VLAN its
VlansEnabled bitmaps (1k, 2k, 3k, 4k) allow among the VLANs the device has, untagged
in its native VLAN. A VLAN a port is in but the VLAN table does not name has no name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from discovery.facts import VlanFacts, VlanMember
from discovery.snmp import oids
from discovery.snmp.decode import Index, as_int, as_octets, as_text_or_none, column, under
from discovery.snmp.records import Value, Varbinds

# vlanTrunkPortDynamicStatus: trunking(1), notTrunking(2)
_TRUNKING = 1
_VLAN_IDS = range(1, 4095)
# The four 1024-bit vlanTrunkPortVlansEnabled columns, and the first VLAN of each.
_TRUNK_ENABLED = (
    (oids.VLAN_TRUNK_PORT_VLANS_ENABLED, 0),
    (oids.VLAN_TRUNK_PORT_VLANS_ENABLED_2K, 1024),
    (oids.VLAN_TRUNK_PORT_VLANS_ENABLED_3K, 2048),
    (oids.VLAN_TRUNK_PORT_VLANS_ENABLED_4K, 3072),
)

# Q-BRIDGE's VLAN tables, CISCO-VTP-MIB, CISCO-VLAN-MEMBERSHIP-MIB, HUAWEI-L2VLAN-MIB
_ROOTS = ("1.3.6.1.2.1.17.7.1.4", "1.3.6.1.4.1.9.9.46.1", "1.3.6.1.4.1.9.9.68.1",
          "1.3.6.1.4.1.2011.5.25.42.3")  # fmt: skip
# vlan -> {ifIndex: tagged}
Members = dict[int, dict[int, bool]]


def port_list(value: Value | None, first: int = 1) -> list[int]:
    """A PortList / VLAN bitmap -> the numbers whose bit is set; bit 7 of the first
    octet stands for `first`."""
    raw = as_octets(value) or b""
    return [first + i * 8 + bit for i, octet in enumerate(raw) for bit in range(8)
            if octet & (0x80 >> bit)]  # fmt: skip


def _vlan(value: Value | None) -> int | None:
    """A VLAN ID (1-4094), else None."""
    vlan = as_int(value)
    return vlan if vlan is not None and vlan in _VLAN_IDS else None


def _by_vlan(rows: Mapping[Index, Value]) -> dict[int, Value]:
    """A column indexed by VLAN ID, or by TimeMark.VlanIndex (current tables)."""
    return {index[-1]: value for index, value in rows.items() if len(index) in (1, 2)}


def _qbridge_members(varbinds: Varbinds, bridge_ports: Mapping[int, int]) -> Members:
    egress = _by_vlan(column(varbinds, oids.DOT1Q_VLAN_STATIC_EGRESS))
    untagged = _by_vlan(column(varbinds, oids.DOT1Q_VLAN_STATIC_UNTAGGED))
    if not egress:
        egress = _by_vlan(column(varbinds, oids.DOT1Q_VLAN_CURRENT_EGRESS))
        untagged = _by_vlan(column(varbinds, oids.DOT1Q_VLAN_CURRENT_UNTAGGED))
    members: Members = defaultdict(dict)
    for vlan in sorted(set(egress) | set(untagged)):
        plain = {bridge_ports[p] for p in port_list(untagged.get(vlan)) if p in bridge_ports}
        for port in port_list(egress.get(vlan)):
            if port in bridge_ports:
                members[vlan][bridge_ports[port]] = bridge_ports[port] not in plain
        for if_index in plain:
            members[vlan][if_index] = False
    listed = {if_index for ports in members.values() for if_index in ports}
    for index, value in column(varbinds, oids.DOT1Q_PVID).items():
        pvid, access = _vlan(value), bridge_ports.get(index[0]) if len(index) == 1 else None
        if pvid is not None and access is not None and access not in listed:
            members[pvid][access] = False
    return members


def _cisco_members(varbinds: Varbinds, known: set[int]) -> Members:
    members: Members = defaultdict(dict)
    for index, value in column(varbinds, oids.VM_VLAN).items():
        vlan = _vlan(value)
        if len(index) == 1 and vlan is not None:
            members[vlan][index[0]] = False
    known = known | set(members)
    status = column(varbinds, oids.VLAN_TRUNK_PORT_DYNAMIC_STATUS)
    native = column(varbinds, oids.VLAN_TRUNK_PORT_NATIVE_VLAN)
    enabled: dict[Index, set[int]] = defaultdict(set)
    for column_oid, first in _TRUNK_ENABLED:
        for index, value in column(varbinds, column_oid).items():
            enabled[index].update(port_list(value, first - 1))  # bit 0 is VLAN 0
    for index, value in sorted(status.items()):
        if as_int(value) != _TRUNKING or len(index) != 1:
            continue
        native_vlan = _vlan(native.get(index))
        trunk_vlans = enabled[index] & known
        if native_vlan is not None:
            trunk_vlans.add(native_vlan)
        for vlan in sorted(trunk_vlans):
            members[vlan][index[0]] = vlan != native_vlan
    return members


def _vtp_names(varbinds: Varbinds) -> dict[int, str | None]:
    """vtpVlanName, index managementDomainIndex.vlan."""
    names: dict[int, str | None] = {}
    for index, value in sorted(column(varbinds, oids.VTP_VLAN_NAME).items()):
        if len(index) == 2 and index[1] in _VLAN_IDS:
            names.setdefault(index[1], as_text_or_none(value))
    return names


def _names(varbinds: Varbinds, column_oid: str) -> dict[int, str | None]:
    """A VLAN-name column indexed by VLAN ID."""
    rows = column(varbinds, column_oid)
    return {index[0]: as_text_or_none(value) for index, value in rows.items()
            if len(index) == 1 and index[0] in _VLAN_IDS}  # fmt: skip


def _facts(names: Mapping[int, str | None], members: Members) -> tuple[VlanFacts, ...]:
    return tuple(
        VlanFacts(vlan, names.get(vlan), _members(members.get(vlan, {}).items()))
        for vlan in sorted(set(names) | set(members))
    )


def _members(ports: Iterable[tuple[int, bool]]) -> tuple[VlanMember, ...]:
    return tuple(VlanMember(port, tagged) for port, tagged in sorted(ports))


def parse_vlans(varbinds: Varbinds, bridge_ports: Mapping[int, int]) -> tuple[VlanFacts, ...]:
    """The device's VLANs in ID order, each with its member ports (ifIndex) in order."""
    varbinds = under(varbinds, *_ROOTS)
    names = _names(varbinds, oids.DOT1Q_VLAN_STATIC_NAME) or _names(varbinds, oids.HW_L2_VLAN_DESCR)
    members = _qbridge_members(varbinds, bridge_ports)
    if names or members:
        return _facts(names, members)
    vtp = _vtp_names(varbinds)
    return _facts(vtp, _cisco_members(varbinds, set(vtp)))
