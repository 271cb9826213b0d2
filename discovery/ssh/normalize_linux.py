"""Linux host records -> facts. Pure.

- The host: a Server, or a VirtualMachine when DMI names a hypervisor's virtual
  hardware; host name and domain, OS, kernel, CPU, memory, machine-id, DMI serial,
  vendor and product, and the first physical NIC's MAC as primary MAC.
- Interfaces under the host, with their kernel names as they are, and their addresses.
- Installed packages as Software INSTALLED_ON the host.
- Listening sockets as Services RUNS_ON the host, one per (protocol, address, port).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from cmdb.observations import Value
from discovery.identifiers import split_fqdn
from discovery.ssh.normalize_facts import (
    DEVICE_KEY,
    Address,
    Facts,
    IsJunk,
    add_addresses,
    bounded_key,
    local,
)
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import HostFacts, LinuxInterface, ListeningService, Package

# DMI vendor/product of virtual hardware: KVM/QEMU (and its Bochs BIOS), VMware,
# VirtualBox, Xen, Hyper-V ('Microsoft Corporation' / 'Virtual Machine').
_VIRTUAL_DMI = re.compile(
    r"\b(kvm|qemu|bochs|vmware|virtualbox|innotek|xen|hvm domu|hyper-v|virtual machine)\b", re.I
)
# Kernel names of interfaces that are not a NIC of their own.
_VIRTUAL_NIC = re.compile(
    r"^(lo|ifb|veth|docker|br|virbr|vnet|tun|tap|dummy|bond|team|vxlan|wg|cali|flannel|cni"
    r"|kube|macvlan|macvtap|sit|gre|ip6|vti|zt)",
)


def is_virtual(facts: HostFacts | None) -> bool:
    if facts is None:
        return False
    return any(_VIRTUAL_DMI.search(t) for t in (facts.dmi_vendor, facts.dmi_product) if t)


def primary_mac(interfaces: Sequence[LinuxInterface], is_junk: IsJunk) -> str | None:
    """The MAC of the first Ethernet interface that is not loopback or virtual."""
    for iface in interfaces:
        if iface.link_type == "ether" and not _VIRTUAL_NIC.match(iface.name):
            if iface.mac is not None and not is_junk(iface.mac):
                return iface.mac
    return None


def host_class(parsed: ParsedTarget) -> str:
    found = parsed.of(HostFacts)
    return "VirtualMachine" if is_virtual(found[0] if found else None) else "Server"


def host_attributes(parsed: ParsedTarget, cls: str, management_ip: str | None,
                    is_junk: IsJunk) -> dict[str, Value]:  # fmt: skip
    found = parsed.of(HostFacts)
    facts = found[0] if found else None
    host, domain = split_fqdn((facts.fqdn or facts.hostname) if facts else None)
    attrs: dict[str, Value] = {
        "name": host,
        "hostname": host,
        "domain": domain,
        "platform": parsed.platform,
        "management_ip": management_ip,
        "primary_mac": primary_mac(parsed.of(LinuxInterface), is_junk),
    }
    if facts is None:
        return attrs
    attrs |= {
        "os_name": facts.os_name,
        "os_version": facts.os_version_id,
        "kernel": facts.kernel,
        "cpu_count": facts.cpu_count,
        "memory_bytes": facts.memory_total_bytes,
        "machine_id": facts.machine_id,
        "serial_number": facts.dmi_serial,
        "vendor": facts.dmi_vendor,
        "model": facts.dmi_product,
    }
    if cls == "Server":  # a VirtualMachine has no cpu_model in the schema
        attrs["cpu_model"] = facts.cpu_model
    return attrs


def add_interfaces(facts: Facts, interfaces: Iterable[LinuxInterface], is_junk: IsJunk) -> None:
    """Interface CIs (kernel names as they are) and their addresses."""
    found: list[Address] = []
    for iface in interfaces:
        attrs: dict[str, Value] = {
            "name": iface.name,
            "mac": iface.mac if iface.mac and not is_junk(iface.mac) else None,
            "mtu": iface.mtu,
            "oper_status": iface.state if iface.state in ("up", "down") else None,
        }
        present = {k: v for k, v in attrs.items() if v is not None}
        key = facts.ci(f"if:{iface.name}", "Interface", present, parent=DEVICE_KEY)
        found += [Address(key, a.address, a.prefix_length) for a in iface.addresses]
    add_addresses(facts, found)


def add_packages(facts: Facts, packages: Iterable[Package], is_junk: IsJunk) -> None:
    for package in packages:
        if is_junk(package.name) or is_junk(package.version):
            continue
        ident = "|".join(p for p in (package.name, package.version, package.arch) if p)
        attrs: dict[str, Value] = {"product": package.name, "version": package.version}
        if package.arch:
            attrs["arch"] = package.arch
        key = facts.ci(bounded_key("sw:", ident), "Software", attrs)
        facts.link("INSTALLED_ON", local(key), local(DEVICE_KEY))


def service_name(service: ListeningService) -> str:
    """'sshd tcp 0.0.0.0:22', 'udp [::]:161' when ss could not see the owner.

    The socket is part of the name: `name` identifies a Service too, so two sockets of
    one process named alike would be taken for one Service.
    """
    address = service.local_address
    socket = f"[{address}]:{service.port}" if ":" in address else f"{address}:{service.port}"
    name = f"{service.proto} {socket}"
    return f"{service.process} {name}" if service.process else name


def add_services(facts: Facts, services: Iterable[ListeningService]) -> None:
    """One Service per (protocol, listen address, port), named after its process and
    socket; the first process seen on a socket names it."""
    for service in services:
        attrs: dict[str, Value] = {
            "name": service_name(service),
            "protocol": service.proto,
            "listen_address": service.local_address,
            "port": service.port,
        }
        if service.process:
            attrs["process"] = service.process
        key = f"svc:{service.proto}|{service.local_address}|{service.port}"
        facts.ci(key, "Service", attrs, parent=DEVICE_KEY)


def add_linux_facts(facts: Facts, parsed: ParsedTarget, is_junk: IsJunk) -> None:
    """Everything below the host (already in `facts` under DEVICE_KEY)."""
    add_interfaces(facts, parsed.of(LinuxInterface), is_junk)
    add_packages(facts, parsed.of(Package), is_junk)
    add_services(facts, parsed.of(ListeningService))
