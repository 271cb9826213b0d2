"""Endpoints: hosts a switch tells of that are not discovered themselves. Pure.

- A LLDP/CDP neighbour that says it is a phone, an access point or a station (its
  capabilities), or an access point or a camera by its name, platform or description
  (an AP's capabilities say bridge), and not a router, is an
  ``Endpoint`` with what it told: system name, description, platform, management
  address, capabilities. It is identified by its chassis MAC, else its host name; its
  port is an Interface of its own, CONNECTED_TO the local port. A bridge or router
  neighbour, or one that tells no capability, stays a reference to a network device (a
  pending link until it is discovered).
- A host the forwarding table places on a port (exactly one MAC there) whose MAC the
  device's ARP table resolves is an ``Endpoint`` too: its MAC, its address(es) as
  IPAddress CIs on its port, the first as its management address. Without an ARP row
  the link stays a reference to an Interface by MAC, as before.
Endpoints are reported under the switch's scope, so one that vanishes goes absent as any
other CI the scope no longer reports.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from cmdb.observations import Value
from discovery.facts import ArpEntry, NeighbourFacts
from discovery.identifiers import IPAddress, canonical_ifname, neighbour_host, usable_address
from discovery.normalize_build import ChangeSetBuilder, IsJunk, Ref, bounded_key, local, present

# capabilities as LLDP (LldpSystemCapabilitiesMap) and CDP spell them, lower case,
# spaces and underscores as dashes
_PHONE = frozenset({"telephone", "phone"})
_ACCESS_POINT = frozenset({"wlan-access-point", "wlanaccesspoint", "access-point"})
_STATION = frozenset({"station", "station-only", "stationonly", "host"})
_BRIDGE = frozenset({"bridge", "switch", "trans-bridge", "source-route-bridge", "repeater"})
_ROUTER = frozenset({"router"})
_CAMERA = re.compile(r"camera|hikvision|dahua|axis|\bipc\b|\bnvr\b|\bdvr\b|ip ?cam", re.I)
# access points by platform: their capabilities say bridge (CDP: Trans-Bridge)
_ACCESS_POINT_PLATFORM = re.compile(r"\bAIR-L?C?AP\d|access ?point|\bUAP\b", re.I)
_DESCR_MAX = 255


def capability_set(neighbour: NeighbourFacts) -> frozenset[str]:
    told = neighbour.remote_capabilities
    return frozenset(re.sub(r"[\s_]+", "-", c.strip().lower()) for c in told)


def endpoint_kind(neighbour: NeighbourFacts) -> str | None:
    """phone, access_point, camera or station; None for a network device (a bridge or
    router) or a neighbour that does not tell what it is."""
    caps = capability_set(neighbour)
    if caps & _ROUTER:
        return None
    if caps & _PHONE:
        return "phone"
    told = [t for t in (neighbour.remote_name, neighbour.remote_platform,
                        neighbour.remote_description) if t]  # fmt: skip
    if caps & _ACCESS_POINT or any(_ACCESS_POINT_PLATFORM.search(t) for t in told):
        return "access_point"
    if any(_CAMERA.search(t) for t in told):
        return "camera"
    if caps & _BRIDGE:
        return None
    return "station" if caps & _STATION else None


def add_neighbour_endpoint(out: ChangeSetBuilder, neighbour: NeighbourFacts, kind: str,
                           is_junk: IsJunk) -> Ref | None:  # fmt: skip
    """The endpoint and its port as CIs; the port's reference, or None when nothing
    identifies the endpoint or names its port."""
    mac = neighbour.remote_chassis_mac
    mac = None if mac is None or is_junk(mac) else mac
    name = neighbour.remote_name
    host = None if name is None or is_junk(name) else neighbour_host(name)
    host = None if host is None or is_junk(host) else host
    port_mac = neighbour.remote_port_mac
    port_mac = None if port_mac is None or is_junk(port_mac) else port_mac
    port_name = canonical_ifname(neighbour.remote_port) or port_mac
    if (mac is None and host is None) or not port_name or is_junk(port_name):
        return None
    addresses = [a for a in map(usable_address, neighbour.remote_addresses) if a is not None]
    attrs: dict[str, Value | None] = {
        "name": name if host is not None else mac,
        "hostname": host,
        "primary_mac": mac,
        "management_ip": addresses[0].compressed if addresses else None,
        "endpoint_kind": kind,
        "description": _one_line(neighbour.remote_description),
        "platform": neighbour.remote_platform,
        "capabilities": sorted(capability_set(neighbour)) or None,
    }
    key = out.ci(bounded_key("ep:", mac or host or ""), "Endpoint", present(attrs, is_junk))
    port = {"name": port_name, "mac": port_mac}
    return local(out.ci(f"{key}|if:{port_name}", "Interface", present(port, is_junk), key))


ArpAddress = tuple[IPAddress, str | None]  # an address and its VRF


def arp_by_mac(rows: tuple[ArpEntry, ...]) -> Mapping[str, list[ArpAddress]]:
    """MAC -> its usable addresses (with their VRF), each once, in the table's order."""
    found: dict[str, list[ArpAddress]] = defaultdict(list)
    for row in rows:
        address = usable_address(row.address)
        if row.mac is None or address is None:
            continue
        if all(address != known for known, _vrf in found[row.mac]):
            found[row.mac].append((address, row.vrf))
    return found


def add_arp_endpoint(out: ChangeSetBuilder, mac: str, addresses: list[ArpAddress]) -> Ref:
    """The host of a forwarding-table MAC the ARP table resolves: an Endpoint named by its
    MAC, its port (named by the MAC too) holding its addresses."""
    attrs: dict[str, Value] = {"primary_mac": mac, "management_ip": addresses[0][0].compressed}
    key = out.ci(f"ep:{mac}", "Endpoint", attrs)
    port = out.ci(f"{key}|if:{mac}", "Interface", {"name": mac, "mac": mac}, key)
    for address, vrf in addresses:
        text = address.compressed
        held: dict[str, Value | None] = {"address": text, "version": address.version, "vrf": vrf}
        ip_key = out.ci(f"ip:{port}:{text}", "IPAddress", present(held, is_junk=_never), port)
        out.link("HAS_ADDRESS", local(port), local(ip_key), "arp")
    return local(port)


def _never(_value: object) -> bool:
    return False


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split())[:_DESCR_MAX] if text else None
