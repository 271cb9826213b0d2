"""A Linux host's parsed records -> DeviceFacts. Pure.

- system: a server, or a virtual machine when DMI names a hypervisor's virtual
  hardware; host name (its FQDN when it has one), OS, kernel, CPU, memory, machine-id,
  DMI serial, vendor and product;
- interfaces with their kernel names as they are; an Ethernet interface that is not
  loopback or virtual (bridge, veth, tunnel...) is a physical NIC; their addresses;
- installed packages, and listening sockets as services.
"""

from __future__ import annotations

import re

from discovery.facts import (
    AddressFacts,
    Coverage,
    DeviceFacts,
    Getter,
    InterfaceFacts,
    ServiceFacts,
    SoftwareFacts,
    SystemFacts,
)
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.platforms.linux import FACT_COMMANDS
from discovery.ssh.records import HostFacts, LinuxInterface, ListeningService, Package

LINUX_GETTERS: frozenset[Getter] = frozenset(
    {"system", "interfaces", "addresses", "software", "services"}
)
# Command key -> the getters it feeds: HostFacts' commands, and disks (not mapped: the
# schema has no class for them) feed device attributes only.
LINUX_COMMANDS: dict[str, frozenset[Getter]] = {
    **dict.fromkeys((*(command.key for command in FACT_COMMANDS), "lsblk"),
                    frozenset({"system"})),
    "ip_addr": frozenset({"interfaces", "addresses"}),
    "packages": frozenset({"software"}),
    "listening": frozenset({"services"}),
}
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


def linux_facts(parsed: ParsedTarget, coverage: Coverage) -> DeviceFacts:
    found = parsed.of(HostFacts)
    host = found[0] if found else None
    interfaces = parsed.of(LinuxInterface)
    return DeviceFacts(
        source="ssh",
        system=_system(parsed.platform, host),
        coverage=coverage,
        interfaces=tuple(
            InterfaceFacts(
                name=i.name, mac=i.mac, mtu=i.mtu,
                oper_status=i.state if i.state in ("up", "down") else None,
                physical=i.link_type == "ether" and not _VIRTUAL_NIC.match(i.name),
            )
            for i in interfaces
        ),
        addresses=tuple(
            AddressFacts(i.name, a.address, a.prefix_length)
            for i in interfaces for a in i.addresses
        ),
        software=tuple(SoftwareFacts(p.name, p.version, p.arch) for p in parsed.of(Package)),
        services=tuple(
            ServiceFacts(s.proto, s.local_address, s.port, s.process)
            for s in parsed.of(ListeningService)
        ),
    )  # fmt: skip


def _system(platform: str, host: HostFacts | None) -> SystemFacts:
    kind = "virtual_machine" if is_virtual(host) else "server"
    if host is None:
        return SystemFacts(kind=kind, name=None, platform=platform)
    return SystemFacts(
        kind=kind,
        name=host.fqdn or host.hostname,
        vendor=host.dmi_vendor,
        model=host.dmi_product,
        serial=host.dmi_serial,
        os_name=host.os_name,
        os_version=host.os_version_id,
        platform=platform,
        kernel=host.kernel,
        machine_id=host.machine_id,
        cpu_model=host.cpu_model,
        cpu_count=host.cpu_count,
        memory_bytes=host.memory_total_bytes,
    )
