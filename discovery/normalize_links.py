"""Neighbours and forwarding tables -> CONNECTED_TO link facts. Pure.

LLDP and CDP name the far end: a port on a device we may not know yet. The device is
named by every identifier the neighbour gave (its chassis MAC as ``chassis_id``, the host
part of its system name as ``hostname``); a far port given as a MAC needs no device at
all (``Interface`` is identified globally by ``mac``). The ingest parks a link whose far
end is unknown as a pending link until that CI appears. A local port missing from the
interfaces is named on the device (by its name or ifIndex) for the ingest to find or park.
A neighbour that is a phone, camera, access point or station is an Endpoint instead
(`normalize_endpoints`).

The FDB places a host on a switch port only when the port learned exactly one MAC, is
not a port where LLDP/CDP saw a neighbour (an uplink, an access point), the MAC was
learned on no other port and is not one of the device's own. When the device's ARP table
resolves that MAC, the host is an Endpoint with its address (`normalize_endpoints`).
"""

from __future__ import annotations

from collections import defaultdict

from discovery.facts import DeviceFacts, NeighbourFacts, Port
from discovery.identifiers import canonical_ifname, neighbour_host
from discovery.normalize_build import ChangeSetBuilder, IsJunk, Ref, local
from discovery.normalize_endpoints import (
    add_arp_endpoint,
    add_neighbour_endpoint,
    arp_by_mac,
    endpoint_kind,
)
from discovery.normalize_rows import PortKeys

CONNECTED_TO = "CONNECTED_TO"


def remote_end(neighbour: NeighbourFacts, is_junk: IsJunk) -> Ref | None:
    """The far port as a CIRef, or None when nothing identifies it."""
    device: dict[str, str] = {}
    chassis = neighbour.remote_chassis_mac
    if chassis is not None and not is_junk(chassis):
        device["chassis_id"] = chassis
    name = neighbour.remote_name
    host = None if name is None or is_junk(name) else neighbour_host(name)
    if host is not None and not is_junk(host):
        device["hostname"] = host
    port_mac = neighbour.remote_port_mac
    if port_mac is not None and not is_junk(port_mac):
        return {"class": "Interface", "identifiers": {"mac": port_mac}}
    port_name = canonical_ifname(neighbour.remote_port)
    if not port_name or is_junk(port_name) or not device:
        return None
    return {
        "class": "Interface",
        "identifiers": {"name": port_name},
        "parent": {"class": "NetworkDevice", "identifiers": dict(sorted(device.items()))},
    }


def add_neighbours(out: ChangeSetBuilder, facts: DeviceFacts, keys: PortKeys, is_junk: IsJunk
                   ) -> set[Port]:  # fmt: skip
    """CONNECTED_TO for each neighbour placed on both ends, in the driver's order (LLDP
    before CDP); returns the local ports where any neighbour was seen."""
    seen_on: set[Port] = set()
    for neighbour in facts.neighbours:
        port = neighbour.local_port
        if port is None:
            continue
        seen_on.add(port)
        kind = endpoint_kind(neighbour)
        remote = remote_end(neighbour, is_junk)
        if kind is not None:  # a phone, a camera... recorded as it told of itself
            remote = add_neighbour_endpoint(out, neighbour, kind, is_junk) or remote
        source = keys.ref_of(port)
        if remote is None or source is None:
            continue
        out.link(CONNECTED_TO, source, remote, neighbour.protocol)
    return seen_on


def add_fdb_links(out: ChangeSetBuilder, facts: DeviceFacts, keys: PortKeys,
                  neighbour_ports: set[Port], is_junk: IsJunk) -> None:  # fmt: skip
    arp = arp_by_mac(facts.arp)
    own_macs = {i.mac for i in facts.interfaces if i.mac}
    if facts.system.base_mac:
        own_macs.add(facts.system.base_mac)
    macs_on: dict[Port, set[str]] = defaultdict(set)
    ports_of: dict[str, set[Port]] = defaultdict(set)
    for entry in facts.fdb:
        if entry.port is None or not entry.learned:
            continue
        macs_on[entry.port].add(entry.mac)
        ports_of[entry.mac].add(entry.port)
    for port, macs in macs_on.items():
        key = keys.key_of(port)
        if key is None or port in neighbour_ports or len(macs) != 1:
            continue
        (mac,) = macs
        if mac in own_macs or is_junk(mac) or len(ports_of[mac]) != 1:  # ours, or moving
            continue
        addresses = arp.get(mac)
        host = add_arp_endpoint(out, mac, addresses) if addresses else {
            "class": "Interface", "identifiers": {"mac": mac}}  # fmt: skip
        out.link(CONNECTED_TO, local(key), host, "fdb")
