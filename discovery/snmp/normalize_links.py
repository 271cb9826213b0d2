"""Neighbours and MAC tables -> CONNECTED_TO link observations. Pure.

LLDP and CDP name the far end: a port on a device we may not know yet. The device is
named by every identifier the protocol gives (an LLDP chassis MAC as ``chassis_id``,
the host part of its system name as ``hostname``); a port given as a MAC needs no device
at all (``Interface`` is identified globally by ``mac``). The ingest parks a link whose
far end is unknown as a pending link until that CI appears.

The FDB places a host on a switch port only when the port learned exactly one MAC, is
not a port where LLDP/CDP saw a neighbour (an uplink, an access point) and the MAC is
not the switch's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cmdb.observations import LinkObservation
from discovery.identifiers import canonical_ifname, neighbour_host, normalize_mac
from discovery.snmp.parse_neighbors import CHASSIS_MAC, PORT_MAC
from discovery.snmp.records import BridgeInfo, CdpNeighbor, LldpNeighbor

IsJunk = Callable[[object], bool]
CONNECTED_TO = "CONNECTED_TO"

# LLDP-MIB LldpPortIdSubtype: the port ID is the interface's name.
PORT_INTERFACE_NAME = 5
# FDB statuses that are not a host learned on the port.
_NOT_LEARNED = frozenset({"self", "mgmt", "invalid"})


def _link(local_key: str, target: dict[str, Any], evidence: str) -> LinkObservation:
    source = {"ref": local_key}
    return LinkObservation.model_validate(
        {"type": CONNECTED_TO, "source": source, "target": target, "evidence": evidence}
    )


def _hostname(name: str | None, is_junk: IsJunk) -> str | None:
    if name is None or is_junk(name):
        return None
    host = neighbour_host(name)
    return None if host is None or is_junk(host) else host


def _remote_port(
    port_name: str | None, port_mac: str | None, device: dict[str, str], is_junk: IsJunk
) -> dict[str, Any] | None:
    """A reference to the far port, or None when nothing identifies it."""
    if port_mac is not None and not is_junk(port_mac):
        return {"class": "Interface", "identifiers": {"mac": port_mac}}
    name = canonical_ifname(port_name)
    if not name or is_junk(name) or not device:
        return None
    return {
        "class": "Interface",
        "identifiers": {"name": name},
        "parent": {"class": "NetworkDevice", "identifiers": dict(sorted(device.items()))},
    }


def lldp_remote(neighbour: LldpNeighbor, is_junk: IsJunk) -> dict[str, Any] | None:
    """The far end of an LLDP row as a CIRef, or None when it cannot be identified.

    Port IDs of subtype interfaceName are names; MACs identify the port on their own.
    For the other subtypes (interfaceAlias, local: Junos sends the remote ifIndex) the
    port description is the better name, and the ID is used only when it is missing.
    """
    device: dict[str, str] = {}
    if neighbour.chassis_id_subtype == CHASSIS_MAC:
        chassis = normalize_mac(neighbour.chassis_id)
        if chassis is not None and not is_junk(chassis):
            device["chassis_id"] = chassis
    host = _hostname(neighbour.sys_name, is_junk)
    if host is not None:
        device["hostname"] = host
    subtype = neighbour.port_id_subtype
    port_mac = normalize_mac(neighbour.port_id) if subtype == PORT_MAC else None
    if subtype == PORT_INTERFACE_NAME:
        port_name = neighbour.port_id
    else:
        port_name = neighbour.port_descr or neighbour.port_id
    return _remote_port(port_name, port_mac, device, is_junk)


def cdp_remote(neighbour: CdpNeighbor, is_junk: IsJunk) -> dict[str, Any] | None:
    host = _hostname(neighbour.device_id, is_junk)
    device = {"hostname": host} if host is not None else {}
    return _remote_port(neighbour.remote_port, None, device, is_junk)


def neighbour_links(
    lldp: Iterable[LldpNeighbor],
    cdp: Iterable[CdpNeighbor],
    if_keys: Mapping[int, str],
    is_junk: IsJunk,
) -> tuple[list[LinkObservation], set[int]]:
    """CONNECTED_TO links for the neighbour rows we can place on both ends, and the
    ifIndexes where any neighbour was seen (placed or not)."""
    links: dict[str, LinkObservation] = {}
    seen_on: set[int] = set()
    rows: list[tuple[int | None, dict[str, Any] | None, str]] = [
        (n.local_if_index, lldp_remote(n, is_junk), "lldp") for n in lldp
    ]
    rows += [(n.if_index, cdp_remote(n, is_junk), "cdp") for n in cdp]
    for if_index, remote, evidence in rows:
        if if_index is not None:
            seen_on.add(if_index)
        local = if_keys.get(if_index) if if_index is not None else None
        if local is None or remote is None:
            continue
        link = _link(local, remote, evidence)
        links.setdefault(link.model_dump_json(by_alias=True), link)
    return list(links.values()), seen_on


def fdb_links(
    bridge: BridgeInfo,
    if_keys: Mapping[int, str],
    neighbour_ports: set[int],
    own_macs: set[str],
    is_junk: IsJunk,
) -> list[LinkObservation]:
    """A host MAC on a port that learned exactly that one MAC."""
    macs_on: dict[int, set[str]] = defaultdict(set)
    ports_of: dict[str, set[int]] = defaultdict(set)
    for entry in bridge.fdb:
        if entry.if_index is None or entry.status in _NOT_LEARNED:
            continue
        macs_on[entry.if_index].add(entry.mac)
        ports_of[entry.mac].add(entry.if_index)
    links: list[LinkObservation] = []
    for if_index in sorted(macs_on):
        macs = macs_on[if_index]
        local = if_keys.get(if_index)
        if local is None or len(macs) != 1 or if_index in neighbour_ports:
            continue
        (mac,) = macs
        if mac in own_macs or is_junk(mac) or len(ports_of[mac]) != 1:  # ours, or moving
            continue
        links.append(_link(local, {"class": "Interface", "identifiers": {"mac": mac}}, "fdb"))
    return links
