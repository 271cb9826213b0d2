"""Rows below the device -> CI facts: interfaces, addresses and subnets, VLANs, software,
services. Pure.

- Interfaces under the device (``parent`` makes the HAS_INTERFACE link); two ports of
  one name (two ifIndexes) are two interfaces, the later named with its ifIndex
  ('lo0 [4]'); a CLI row told twice is one.
- Addresses (not loopback, not link-local): one IPAddress per assignment, identified
  within its interface (the device when the port is unknown), HAS_ADDRESS from it and
  IN_SUBNET to its subnet. One address told twice on one owner (with its prefix and
  without) is one CI with the first prefix and VRF known; a host prefix is no subnet.
- VLANs of this device (`vlan_domain` is its host name; none without one), IN_VLAN from
  member ports with what the membership is: tagged or not, access, native or tagged.
- Software INSTALLED_ON the device (a name without a version identifies nothing) and
  listening sockets as Services of the device.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cmdb.observations import Value
from discovery.facts import AddressFacts, DeviceFacts, Port, ServiceFacts
from discovery.identifiers import IPAddress, subnet_cidr, usable_address
from discovery.normalize_build import (
    DEVICE_KEY,
    ChangeSetBuilder,
    IsJunk,
    Ref,
    bounded_key,
    local,
    present,
)

_NEVER_JUNK: IsJunk = lambda _value: False  # noqa: E731


@dataclass
class PortKeys:
    """Local port (ifIndex or name) -> the key of its Interface CI."""

    by_index: dict[int, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)

    def key_of(self, port: Port | None) -> str | None:
        if isinstance(port, int):
            return self.by_index.get(port)
        return None if port is None else self.by_name.get(port)

    def ref_of(self, port: Port | None) -> Ref | None:
        """The port's Interface of this change set; a port missing from the interfaces as
        its name or ifIndex on the device, for the ingest to find or park (never dropped
        unsaid); None for no port."""
        key = self.key_of(port)
        if key is not None:
            return local(key)
        if port is None or port == "":
            return None
        ident = {"if_index": port} if isinstance(port, int) else {"name": port}
        return {"class": "Interface", "identifiers": ident, "parent": local(DEVICE_KEY)}


def duplicate_name(name: str, if_index: int) -> str:
    """The name of a port whose name another port of the device has: 'lo0 [4]'."""
    return f"{name} [{if_index}]"


def add_interfaces(out: ChangeSetBuilder, facts: DeviceFacts, is_junk: IsJunk) -> PortKeys:
    keys = PortKeys()
    for iface in facts.interfaces:
        name = iface.name
        if not name:
            continue
        if name in keys.by_name:
            if iface.if_index is None:  # a CLI row told twice: one port
                continue
            # another port of the same name (a ProCurve's two lo0, a printer's two NICs):
            # another CI, its name marked with its ifIndex as a part's name is
            name = duplicate_name(name, iface.if_index)
            if name in keys.by_name:
                continue
        key = f"if:{iface.if_index if iface.if_index is not None else name}"
        keys.by_name[name] = key
        if iface.if_index is not None:
            keys.by_index[iface.if_index] = key
        attrs: dict[str, Value | None] = {
            "name": name,
            "if_index": iface.if_index,
            "if_type": iface.if_type,
            "descr": iface.descr,
            "alias": iface.alias,
            "mac": iface.mac if iface.mac is not None and not is_junk(iface.mac) else None,
            "mtu": iface.mtu,
            "speed_mbps": iface.speed_mbps,
            "admin_status": iface.admin_status,
            "oper_status": iface.oper_status,
        }
        out.ci(key, "Interface", present(attrs, _NEVER_JUNK), parent=DEVICE_KEY)
    return keys


def add_addresses(out: ChangeSetBuilder, addresses: Sequence[AddressFacts], keys: PortKeys
                  ) -> None:  # fmt: skip
    merged: dict[tuple[str, IPAddress], list[AddressFacts]] = {}
    for entry in addresses:
        address = usable_address(entry.address)
        if address is not None:
            owner = keys.key_of(entry.port) or DEVICE_KEY
            merged.setdefault((owner, address), []).append(entry)
    for (owner, address), entries in merged.items():
        text = address.compressed
        prefix = next((e.prefix_length for e in entries if e.prefix_length is not None), None)
        if prefix is not None and not 0 <= prefix <= address.max_prefixlen:
            prefix = None
        attrs: dict[str, Value | None] = {
            "address": text,
            "version": address.version,
            "prefix_length": prefix,
            "vrf": next((e.vrf for e in entries if e.vrf), None),
        }
        key = out.ci(f"ip:{owner}:{text}", "IPAddress", present(attrs, _NEVER_JUNK), owner)
        out.link("HAS_ADDRESS", local(owner), local(key))
        network = subnet_cidr(address, prefix)
        if network is None:
            continue
        net_key = out.ci(f"net:{network}", "Subnet", {"cidr": network})
        out.link("IN_SUBNET", local(key), local(net_key))


def add_vlans(out: ChangeSetBuilder, facts: DeviceFacts, domain: str | None, keys: PortKeys
              ) -> None:  # fmt: skip
    if domain is None:
        return
    trunks = {m.port for vlan in facts.vlans for m in vlan.members if m.tagged}
    for vlan in facts.vlans:
        attrs: dict[str, Value] = {"vlan_id": vlan.vlan_id, "vlan_domain": domain}
        if vlan.name:
            attrs["name"] = vlan.name
        key = out.ci(f"vlan:{vlan.vlan_id}", "VLAN", attrs)
        for member in vlan.members:
            port_key = keys.key_of(member.port)
            if port_key is None:
                continue
            mode = vlan_mode(member.tagged, member.port in trunks)
            out.link("IN_VLAN", local(port_key), local(key),
                     attributes={"tagged": member.tagged, "mode": mode})  # fmt: skip


def vlan_mode(tagged: bool | None, on_trunk: bool) -> str | None:
    """access: untagged on a port tagged in no VLAN; native: untagged on a trunk; tagged;
    None when the source does not tell."""
    if tagged is None:
        return None
    return "tagged" if tagged else "native" if on_trunk else "access"


def add_software(out: ChangeSetBuilder, facts: DeviceFacts, is_junk: IsJunk) -> None:
    for package in facts.software:
        version = package.version
        if is_junk(package.product) or version is None or is_junk(version):
            continue
        ident = "|".join(p for p in (package.product, version, package.arch) if p)
        attrs: dict[str, Value] = {"product": package.product, "version": version}
        if package.arch:
            attrs["arch"] = package.arch
        key = out.ci(bounded_key("sw:", ident), "Software", attrs)
        out.link("INSTALLED_ON", local(key), local(DEVICE_KEY))


def service_name(service: ServiceFacts) -> str:
    """'sshd tcp 0.0.0.0:22', 'udp [::]:161' when the owner could not be seen.

    The socket is part of the name: `name` identifies a Service too, so two sockets of
    one process named alike would be taken for one Service.
    """
    address = service.address
    socket = f"[{address}]:{service.port}" if ":" in address else f"{address}:{service.port}"
    name = f"{service.protocol} {socket}"
    return f"{service.process} {name}" if service.process else name


def add_services(out: ChangeSetBuilder, facts: DeviceFacts) -> None:
    """One Service per (protocol, listen address, port); the first process seen on a
    socket names it."""
    for service in facts.services:
        attrs: dict[str, Value] = {
            "name": service_name(service),
            "protocol": service.protocol,
            "listen_address": service.address,
            "port": service.port,
        }
        if service.process:
            attrs["process"] = service.process
        key = f"svc:{service.protocol}|{service.address}|{service.port}"
        out.ci(key, "Service", attrs, parent=DEVICE_KEY)
