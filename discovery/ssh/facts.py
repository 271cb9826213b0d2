"""ParsedTarget -> DeviceFacts: what one SSH target printed, in the one facts contract. Pure.

Network OSes (cisco_ios, cisco_nxos, arista_eos, juniper_junos):
- system: `show version` (host name, vendor, OS version, model, base MAC, uptime), the
  inventory's chassis row for the serial (and the model when the version has none), a
  switch/router/firewall guess from the model or image name;
- chassis: the stack members `show version` lists;
- interfaces (`descr`: the hardware type shown), their addresses and the IP tables'
  addresses, LLDP before CDP neighbours (capabilities and management address), the MAC
  table, every port by its canonical name (`discovery.identifiers`);
- components, VLANs with their tagged and untagged ports, LAG members and ARP rows:
  `facts_depth`.
Linux hosts: `facts_linux`. Coverage: the failed commands (no output, or output that did
not parse) and the getters they feed (`COMMAND_GETTERS`; a command not listed there
certifies nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from discovery.facts import (
    AddressFacts,
    ChassisUnit,
    Coverage,
    DeviceFacts,
    FdbEntry,
    Getter,
    InterfaceFacts,
    NeighbourFacts,
    SystemFacts,
)
from discovery.identifiers import canonical_ifname, normalize_mac
from discovery.ssh.errors import NormalizeError
from discovery.ssh.facts_depth import (
    arp_from_records,
    capabilities,
    components_from_inventory,
    lags_from_records,
    vlans_from_records,
)
from discovery.ssh.facts_linux import LINUX_COMMANDS, LINUX_GETTERS, linux_facts
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import (
    ArpEntry,
    DeviceVersion,
    Interface,
    InventoryItem,
    IPInterface,
    LagMembership,
    MacEntry,
    Neighbor,
    SwitchPort,
    Vlan,
    VlanPort,
)

SOURCE = "ssh"
NETWORK_PLATFORMS = frozenset({"cisco_ios", "cisco_nxos", "arista_eos", "juniper_junos",
                               "huawei_vrp", "hp_comware", "ruijie_os", "cisco_asa"})  # fmt: skip
NETWORK_GETTERS: frozenset[Getter] = frozenset(
    {"system", "inventory", "interfaces", "addresses", "neighbours", "fdb", "vlans", "arp",
     "components", "lags"}
)  # fmt: skip
# Getters a platform has no command for: not claimed (neither complete nor empty).
# ruijie_os: no RGOS neighbour, VLAN, MAC, ARP or aggregate-port output to test templates on.
UNCOLLECTED: dict[str, frozenset[Getter]] = {
    "ruijie_os": frozenset({"neighbours", "fdb", "vlans", "arp", "lags"}),
}
# Our platform -> the OS name the SNMP side writes for the same box.
OS_NAMES = {"cisco_ios": "ios", "cisco_nxos": "nxos", "arista_eos": "eos", "juniper_junos": "junos",
            "huawei_vrp": "vrp", "hp_comware": "comware", "ruijie_os": "rgos",
            "cisco_asa": "asa"}  # fmt: skip
# (platform, pattern searched in the model and the image name, kind): first match wins.
_KIND_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("cisco_ios", re.compile(r"^(WS-C|C9[2-6]\d\d|C3[5-8]\d\d|C29\d\d|IE-|CBS)", re.I), "switch"),
    ("cisco_ios", re.compile(r"^/?(cat|c2|c3|c4|c6|vios_l2)", re.I), "switch"),  # image names
    ("juniper_junos", re.compile(r"^(ex|qfx)", re.I), "switch"),
    ("juniper_junos", re.compile(r"^v?srx", re.I), "firewall"),
    ("huawei_vrp", re.compile(r"^(AR|NE|ME|CX)\d", re.I), "router"),
    ("huawei_vrp", re.compile(r"^(USG|Eudemon)", re.I), "firewall"),
    ("hp_comware", re.compile(r"^(H3C )?(MSR|SR)\d", re.I), "router"),
    ("ruijie_os", re.compile(r"^(RG-)?RSR", re.I), "router"),
)
_KIND_DEFAULT = {
    "cisco_ios": "router",
    "cisco_nxos": "switch",
    "arista_eos": "switch",
    "juniper_junos": "router",
    "huawei_vrp": "switch",
    "hp_comware": "switch",
    "ruijie_os": "switch",
    "cisco_asa": "firewall",
}
_SPEED = re.compile(r"(\d+)\s*([GMK])b", re.I)
_SPEED_MBPS = {"g": 1000, "m": 1, "k": 0}
# Forwarding entries that a host's traffic taught the switch.
_LEARNED = ("dynamic", "learn")
_ADDRESSES: frozenset[Getter] = frozenset({"addresses"})
_NEIGHBOURS: frozenset[Getter] = frozenset({"neighbours"})
_FDB: frozenset[Getter] = frozenset({"fdb"})
_VLANS: frozenset[Getter] = frozenset({"vlans"})
_LAGS: frozenset[Getter] = frozenset({"lags"})
_INVENTORY: frozenset[Getter] = frozenset({"inventory", "components"})
# Command key (every platform's, and the Linux fact parsers') -> the getters it feeds.
# Interface output carries addresses and prefixes on every platform.
COMMAND_GETTERS: dict[str, frozenset[Getter]] = {
    "show version": frozenset({"system"}),
    "show hostname": frozenset({"system"}),
    "show inventory": _INVENTORY,
    "show chassis hardware": _INVENTORY,
    "show ip arp": frozenset({"arp"}),
    "show ip arp vrf all": frozenset({"arp"}),
    "show arp no-resolve": frozenset({"arp"}),
    "show interfaces": frozenset({"interfaces", "addresses"}),
    "show interface": frozenset({"interfaces", "addresses"}),
    "show ip interface brief": _ADDRESSES,
    "show ip interface brief vrf all": _ADDRESSES,
    "show running-config interface": _ADDRESSES,
    "show cdp neighbors detail": _NEIGHBOURS,
    "show cdp neighbors": _NEIGHBOURS,
    "show lldp neighbors detail": _NEIGHBOURS,
    "show lldp neighbors": _NEIGHBOURS,
    "show mac address-table": _FDB,
    "show mac-address-table": _FDB,
    "show ethernet-switching table": _FDB,
    "show vlan": _VLANS,
    "show vlans": _VLANS,
    "show interfaces switchport": _VLANS,
    "show interface switchport": _VLANS,
    "show ethernet-switching interfaces": _VLANS,
    "show etherchannel summary": _LAGS,
    "show port-channel summary": _LAGS,
    "show lacp interfaces": _LAGS,
    # Huawei VRP, H3C Comware, Ruijie (display ...), Cisco ASA
    "display version": frozenset({"system"}),
    "display device": _INVENTORY,
    "display device manuinfo": _INVENTORY,
    "display interface": frozenset({"interfaces", "addresses"}),
    "display ip interface brief": _ADDRESSES,
    "show interface ip brief": _ADDRESSES,
    "display lldp neighbor": _NEIGHBOURS,
    "display lldp neighbor-information": _NEIGHBOURS,
    "display vlan": _VLANS,
    "display port vlan": _VLANS,
    "display mac-address": _FDB,
    "display arp": frozenset({"arp"}),
    "display arp all": frozenset({"arp"}),
    "show arp": frozenset({"arp"}),
    "display eth-trunk": _LAGS,
    "display link-aggregation summary": _LAGS,
    "display link-aggregation verbose": _LAGS,
    "display link-aggregation member-port": _LAGS,
    "display lldp neighbor-information verbose": _NEIGHBOURS,
    "display vlan all": _VLANS,
    "display current-configuration | include sysname": frozenset({"system"}),
    "show running-config | include hostname": frozenset({"system"}),  # Ruijie
    **LINUX_COMMANDS,
}


def ssh_facts(parsed: ParsedTarget, *, target: str, failed_commands: Iterable[str] = ()
              ) -> DeviceFacts:  # fmt: skip
    """`failed_commands`: the keys of commands that gave no output; commands whose
    output did not parse are read from `parsed.failures`. Raises NormalizeError for a
    platform without a mapping."""
    failed = sorted({*parsed.failures, *failed_commands})
    if parsed.platform == "linux":
        return linux_facts(parsed, command_coverage(failed, LINUX_GETTERS))
    if parsed.platform not in NETWORK_PLATFORMS:
        raise NormalizeError(target, f"no SSH normalizer for platform {parsed.platform!r}")
    getters = NETWORK_GETTERS - UNCOLLECTED.get(parsed.platform, frozenset())
    return network_facts(parsed, command_coverage(failed, getters))


def command_coverage(failed: Sequence[str], getters: frozenset[Getter]) -> Coverage:
    known = [COMMAND_GETTERS[key] for key in failed if key in COMMAND_GETTERS]
    return Coverage(getters=getters, failed=tuple(failed),
                    incomplete=frozenset().union(*known),
                    unaccounted=len(known) < len(failed))  # fmt: skip


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


def speed_mbps(iface: Interface) -> int | None:
    if iface.bandwidth_kbps:
        return iface.bandwidth_kbps // 1000 or None
    found = _SPEED.search(iface.speed or "")
    if found is None:
        return None
    return int(found.group(1)) * _SPEED_MBPS[found.group(2).lower()] or None


def _port(name: str | None) -> str | None:
    return canonical_ifname(name)


def network_facts(parsed: ParsedTarget, coverage: Coverage) -> DeviceFacts:
    versions = parsed.of(DeviceVersion)
    version = versions[0] if versions else None
    chassis = chassis_item(parsed.of(InventoryItem))
    system = SystemFacts(
        kind=device_kind(parsed.platform, version),
        name=version.hostname if version else None,
        vendor=version.vendor if version else None,
        model=(version.model if version else None) or (chassis.pid if chassis else None),
        serial=chassis.serial if chassis else None,
        os_name=OS_NAMES.get(parsed.platform),
        os_version=version.os_version if version else None,
        platform=parsed.platform,
        uptime_seconds=version.uptime_seconds if version else None,
        base_mac=version.base_mac if version else None,
        chassis_id=version.base_mac if version else None,
    )
    interfaces = parsed.of(Interface)
    ports = [p for i in interfaces if (p := _port(i.name))]
    return DeviceFacts(
        source=SOURCE,
        system=system,
        coverage=coverage,
        chassis=tuple(ChassisUnit(s) for s in (version.serials if version else ())),
        interfaces=tuple(
            InterfaceFacts(name=_port(i.name) or None, descr=i.hardware_type, alias=i.description,
                           mac=i.mac, mtu=i.mtu, speed_mbps=speed_mbps(i),
                           admin_status=i.admin_status, oper_status=i.oper_status)
            for i in interfaces
        ),
        addresses=(
            *(AddressFacts(_port(i.name) or i.name, i.ip_address, i.prefix_length)
              for i in interfaces if i.ip_address),
            *(AddressFacts(_port(i.interface) or i.interface, i.address, i.prefix_length, i.vrf)
              for i in parsed.of(IPInterface) if i.address),
        ),
        neighbours=tuple(neighbour_facts(n) for n in sorted(parsed.of(Neighbor),
                                                      key=lambda n: n.protocol != "lldp")),
        fdb=tuple(
            FdbEntry(e.mac, _port(e.interface), (e.type or "").startswith(_LEARNED), e.vlan)
            for e in parsed.of(MacEntry)
        ),
        vlans=vlans_from_records(parsed.of(Vlan), parsed.of(SwitchPort), parsed.of(VlanPort)),
        components=components_from_inventory(parsed.of(InventoryItem), chassis, ports),
        lags=lags_from_records(parsed.of(LagMembership)),
        arp=arp_from_records(parsed.of(ArpEntry)),
    )


def neighbour_facts(neighbour: Neighbor) -> NeighbourFacts:
    """A numeric port id (Junos sends its ifIndex) is no name: the port description is,
    when there is one; a bare number is no port name, and a MAC-like one is a MAC."""
    port = neighbour.remote_port
    if port is None or (port.isdigit() and neighbour.remote_port_description):
        port = neighbour.remote_port_description
    name = canonical_ifname(port)
    return NeighbourFacts(
        protocol=neighbour.protocol,
        local_port=_port(neighbour.local_interface) or None,
        remote_name=neighbour.remote_name,
        remote_port=None if name is not None and name.isdigit() else port,
        remote_port_mac=normalize_mac(port),
        remote_chassis_mac=normalize_mac(neighbour.chassis_id),
        remote_platform=neighbour.platform,
        remote_description=neighbour.remote_description,
        remote_addresses=(neighbour.mgmt_address,) if neighbour.mgmt_address else (),
        remote_capabilities=capabilities(neighbour.capabilities, neighbour.protocol),
    )
