"""Network OS records (cisco_ios, cisco_nxos, arista_eos, juniper_junos) -> facts. Pure.

- The device: a NetworkDevice with the chassis serial (the inventory's chassis row
  first, else `show version`), stack member serials, model, OS, the base MAC as
  primary MAC and chassis id, and a switch/router/firewall guess (`device_kind`).
- Interfaces under the device, by their canonical long name (`discovery.identifiers`).
- Addresses from the interface output and the IP tables (see `normalize_facts`).
- LLDP/CDP neighbours as CONNECTED_TO to the far port, named by the far device's host
  name and chassis MAC; a far port given as a MAC needs no device.
- The MAC table: a host placed on a port that learned exactly one MAC.
- VLANs, per device (`vlan_domain` is the host name), with IN_VLAN from member ports.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from cmdb.observations import Value
from discovery.identifiers import canonical_ifname, neighbour_host, normalize_mac, split_fqdn
from discovery.ssh.normalize_facts import (
    DEVICE_KEY,
    Address,
    Facts,
    IsJunk,
    Ref,
    add_addresses,
    local,
)
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import (
    DeviceVersion,
    Interface,
    InventoryItem,
    IPInterface,
    MacEntry,
    Neighbor,
    Vlan,
)

CLASS = "NetworkDevice"
# Our platform -> the OS name the SNMP side writes for the same box.
OS_NAMES = {"cisco_ios": "ios", "cisco_nxos": "nxos", "arista_eos": "eos", "juniper_junos": "junos"}
# (platform, pattern searched in the model and the image name, kind): first match wins.
_KIND_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("cisco_ios", re.compile(r"^(WS-C|C9[2-6]\d\d|C3[5-8]\d\d|C29\d\d|IE-|CBS)", re.I), "switch"),
    ("cisco_ios", re.compile(r"^/?(cat|c2|c3|c4|c6|vios_l2)", re.I), "switch"),  # image names
    ("juniper_junos", re.compile(r"^(ex|qfx)", re.I), "switch"),
    ("juniper_junos", re.compile(r"^v?srx", re.I), "firewall"),
)
_KIND_DEFAULT = {
    "cisco_ios": "router",
    "cisco_nxos": "switch",
    "arista_eos": "switch",
    "juniper_junos": "router",
}
_SPEED = re.compile(r"(\d+)\s*([GMK])b", re.I)
_SPEED_MBPS = {"g": 1000, "m": 1, "k": 0}
# Forwarding entries that a host's traffic taught the switch.
_LEARNED = ("dynamic", "learn")


def device_kind(platform: str, version: DeviceVersion | None) -> str | None:
    texts = [t for t in (version.model, version.image) if t] if version else []
    for rule_platform, pattern, kind in _KIND_RULES:
        if rule_platform == platform and any(pattern.search(t) for t in texts):
            return kind
    return _KIND_DEFAULT.get(platform)


def chassis_item(items: Sequence[InventoryItem]) -> InventoryItem | None:
    """The inventory row of the chassis itself: named so, described so ('Nexus9000
    C9396PX Chassis'), or the unnamed system row EOS prints first."""
    for item in items:
        if (item.name or "").lower().endswith("chassis"):
            return item
    for item in items:
        if (item.descr or "").lower().endswith("chassis"):
            return item
    return next((i for i in items if i.name is None and i.serial is not None), None)


def device_attributes(parsed: ParsedTarget, management_ip: str | None, is_junk: IsJunk
                      ) -> dict[str, Value]:  # fmt: skip
    versions = parsed.of(DeviceVersion)
    version = versions[0] if versions else None
    chassis = chassis_item(parsed.of(InventoryItem))
    serials = [s for s in (version.serials if version else ()) if not is_junk(s)]
    chassis_serial = chassis.serial if chassis and not is_junk(chassis.serial) else None
    host, domain = split_fqdn(version.hostname if version else None)
    base_mac = version.base_mac if version else None
    return {
        "name": host,
        "hostname": host,
        "domain": domain,
        "serial_number": chassis_serial or (serials[0] if serials else None),
        "stack_serials": serials if len(serials) > 1 else None,
        "vendor": version.vendor if version else None,
        "model": (version.model if version else None) or (chassis.pid if chassis else None),
        "os_name": OS_NAMES.get(parsed.platform),
        "os_version": version.os_version if version else None,
        "platform": parsed.platform,
        "device_kind": device_kind(parsed.platform, version),
        "primary_mac": base_mac,
        "chassis_id": base_mac,
        "management_ip": management_ip,
    }


def speed_mbps(iface: Interface) -> int | None:
    if iface.bandwidth_kbps:
        return iface.bandwidth_kbps // 1000 or None
    found = _SPEED.search(iface.speed or "")
    if found is None:
        return None
    return int(found.group(1)) * _SPEED_MBPS[found.group(2).lower()] or None


def add_interfaces(facts: Facts, interfaces: Iterable[Interface]) -> dict[str, str]:
    """Interface CIs under the device; canonical name -> key (the first row of a name wins)."""
    keys: dict[str, str] = {}
    for iface in interfaces:
        name = canonical_ifname(iface.name)
        if not name or name in keys:
            continue
        attrs: dict[str, Value] = {
            "name": name,
            "alias": iface.description,
            "mac": iface.mac,
            "mtu": iface.mtu,
            "speed_mbps": speed_mbps(iface),
            "admin_status": iface.admin_status,
            "oper_status": iface.oper_status,
        }
        present = {k: v for k, v in attrs.items() if v is not None}
        keys[name] = facts.ci(f"if:{name}", "Interface", present, parent=DEVICE_KEY)
    return keys


def addresses(parsed: ParsedTarget, if_keys: Mapping[str, str]) -> list[Address]:
    """Addresses from the interface output and the IP tables, on their interface (the
    device when the port is not among the interfaces)."""

    def owner(name: str) -> str:
        return if_keys.get(canonical_ifname(name) or name, DEVICE_KEY)

    found = [
        Address(owner(i.name), i.ip_address, i.prefix_length)
        for i in parsed.of(Interface)
        if i.ip_address
    ]
    found += [
        Address(owner(i.interface), i.address, i.prefix_length, i.vrf)
        for i in parsed.of(IPInterface)
        if i.address
    ]
    return found


def remote_end(neighbour: Neighbor, is_junk: IsJunk) -> Ref | None:
    """The far port as a CIRef, or None when nothing identifies it.

    A numeric port id (Junos sends its ifIndex) is no name: the port description is,
    when there is one.
    """
    device: dict[str, str] = {}
    chassis = normalize_mac(neighbour.chassis_id)
    if chassis is not None and not is_junk(chassis):
        device["chassis_id"] = chassis
    host = neighbour_host(neighbour.remote_name)
    if host is not None and not is_junk(host):
        device["hostname"] = host
    port = neighbour.remote_port
    if port is None or (port.isdigit() and neighbour.remote_port_description):
        port = neighbour.remote_port_description
    port_mac = normalize_mac(port)
    if port_mac is not None and not is_junk(port_mac):
        return {"class": "Interface", "identifiers": {"mac": port_mac}}
    port_name = canonical_ifname(port)
    if not port_name or port_name.isdigit() or is_junk(port_name) or not device:
        return None  # a bare number is an ifIndex on the far side, not a port name
    return {
        "class": "Interface",
        "identifiers": {"name": port_name},
        "parent": {"class": CLASS, "identifiers": dict(sorted(device.items()))},
    }


def add_neighbours(facts: Facts, neighbours: Iterable[Neighbor], if_keys: Mapping[str, str],
                   is_junk: IsJunk) -> set[str]:  # fmt: skip
    """CONNECTED_TO for each neighbour placed on both ends (LLDP before CDP); returns the
    local ports where any neighbour was seen. A local port missing from the interfaces
    is named on the device, for the ingest to find (or park)."""
    seen_on: set[str] = set()
    for neighbour in sorted(neighbours, key=lambda n: n.protocol != "lldp"):
        port = canonical_ifname(neighbour.local_interface)
        if port:
            seen_on.add(port)
        remote = remote_end(neighbour, is_junk)
        if not port or remote is None:
            continue
        source: Ref = (
            local(if_keys[port])
            if port in if_keys
            else {"class": "Interface", "identifiers": {"name": port}, "parent": local(DEVICE_KEY)}
        )
        facts.link("CONNECTED_TO", source, remote, neighbour.protocol)
    return seen_on


def add_fdb_links(facts: Facts, entries: Iterable[MacEntry], if_keys: Mapping[str, str],
                  neighbour_ports: set[str], own_macs: set[str], is_junk: IsJunk
                  ) -> None:  # fmt: skip
    """A host on a known port that learned exactly one MAC, seen on no other port, not a
    neighbour's port, and not one of the switch's own MACs."""
    macs_on: dict[str, set[str]] = defaultdict(set)
    ports_of: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        port = canonical_ifname(entry.interface)
        if port is None or not (entry.type or "").startswith(_LEARNED):
            continue
        macs_on[port].add(entry.mac)
        ports_of[entry.mac].add(port)
    for port, macs in macs_on.items():
        if port not in if_keys or port in neighbour_ports or len(macs) != 1:
            continue
        (mac,) = macs
        if mac in own_macs or is_junk(mac) or len(ports_of[mac]) != 1:
            continue
        target = {"class": "Interface", "identifiers": {"mac": mac}}
        facts.link("CONNECTED_TO", local(if_keys[port]), target, "fdb")


def add_vlans(facts: Facts, vlans: Iterable[Vlan], domain: str | None,
              if_keys: Mapping[str, str]) -> None:  # fmt: skip
    """VLANs of this device (none without a host name: it is their domain)."""
    if domain is None:
        return
    for vlan in vlans:
        attrs: dict[str, Value] = {"vlan_id": vlan.vlan_id, "vlan_domain": domain}
        if vlan.name:
            attrs["name"] = vlan.name
        key = facts.ci(f"vlan:{vlan.vlan_id}", "VLAN", attrs)
        for member in vlan.interfaces:
            port = canonical_ifname(member)
            if port is not None and port in if_keys:
                facts.link("IN_VLAN", local(if_keys[port]), local(key))


def add_network_facts(facts: Facts, parsed: ParsedTarget, hostname: str | None,
                      is_junk: IsJunk) -> None:  # fmt: skip
    """Everything below the device (already in `facts` under DEVICE_KEY)."""
    interfaces = parsed.of(Interface)
    if_keys = add_interfaces(facts, interfaces)
    add_addresses(facts, addresses(parsed, if_keys))
    neighbour_ports = add_neighbours(facts, parsed.of(Neighbor), if_keys, is_junk)
    own_macs = {i.mac for i in interfaces if i.mac}
    own_macs.update(v.base_mac for v in parsed.of(DeviceVersion) if v.base_mac)
    add_fdb_links(facts, parsed.of(MacEntry), if_keys, neighbour_ports, own_macs, is_junk)
    add_vlans(facts, parsed.of(Vlan), hostname, if_keys)
