"""What an SSH change set certifies when some commands failed. Pure.

A scoped change set closes the links and counts a miss for the CIs it no longer
reports; that is only fair for what the commands that answered would have shown. `FEEDS`
says, per command key (every platform's, plus the Linux fact parsers'), which classes
and relationship types the command feeds; a failed command takes those out of the
certified lists. A failed command we do not know certifies nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from discovery.ssh.platforms.linux import FACT_COMMANDS


@dataclass(frozen=True, slots=True)
class Feeds:
    classes: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Certified:
    classes: list[str] | None
    links: list[str] | None


# What each normalizer can produce besides the device itself.
NETWORK = Feeds(
    frozenset({"Interface", "IPAddress", "Subnet", "VLAN"}),
    frozenset({"HAS_INTERFACE", "HAS_ADDRESS", "IN_SUBNET", "CONNECTED_TO", "IN_VLAN"}),
)
LINUX = Feeds(
    frozenset({"Interface", "IPAddress", "Subnet", "Software", "Service"}),
    frozenset({"HAS_INTERFACE", "HAS_ADDRESS", "IN_SUBNET", "INSTALLED_ON", "RUNS_ON"}),
)

_ADDRESSES = Feeds(frozenset({"IPAddress", "Subnet"}), frozenset({"HAS_ADDRESS", "IN_SUBNET"}))
# Interface output carries addresses and prefixes on every platform; without the ports,
# addresses hang from the device, FDB hosts have no port and VLAN members are unknown.
_INTERFACES = Feeds(
    frozenset({"Interface"}) | _ADDRESSES.classes,
    frozenset({"HAS_INTERFACE", "CONNECTED_TO", "IN_VLAN"}) | _ADDRESSES.links,
)
_NEIGHBOURS = Feeds(links=frozenset({"CONNECTED_TO"}))
_VLANS = Feeds(frozenset({"VLAN"}), frozenset({"IN_VLAN"}))
_PACKAGES = Feeds(frozenset({"Software"}), frozenset({"INSTALLED_ON"}))
_SERVICES = Feeds(frozenset({"Service"}), frozenset({"RUNS_ON"}))
_ATTRIBUTES_ONLY = Feeds()  # device attributes: never made absent by a miss
# HostFacts' commands, and disks (not mapped: the schema has no class for them).
_LINUX_FACTS = (*(command.key for command in FACT_COMMANDS), "lsblk")

FEEDS: dict[str, Feeds] = {
    # network OSes
    "show version": _ATTRIBUTES_ONLY,
    "show hostname": _ATTRIBUTES_ONLY,
    "show inventory": _ATTRIBUTES_ONLY,
    "show chassis hardware": _ATTRIBUTES_ONLY,
    "show ip arp": _ATTRIBUTES_ONLY,  # ARP is not mapped
    "show ip arp vrf all": _ATTRIBUTES_ONLY,
    "show arp no-resolve": _ATTRIBUTES_ONLY,
    "show interfaces": _INTERFACES,
    "show interface": _INTERFACES,
    "show ip interface brief": _ADDRESSES,
    "show ip interface brief vrf all": _ADDRESSES,
    "show running-config interface": _ADDRESSES,
    "show cdp neighbors detail": _NEIGHBOURS,
    "show cdp neighbors": _NEIGHBOURS,
    "show lldp neighbors detail": _NEIGHBOURS,
    "show lldp neighbors": _NEIGHBOURS,
    "show mac address-table": _NEIGHBOURS,
    "show mac-address-table": _NEIGHBOURS,
    "show ethernet-switching table": _NEIGHBOURS,
    "show vlan": _VLANS,
    # Linux
    **dict.fromkeys(_LINUX_FACTS, _ATTRIBUTES_ONLY),
    "ip_addr": _INTERFACES,
    "packages": _PACKAGES,
    "listening": _SERVICES,
}


def certify(device_class: str, produces: Feeds, failed: Iterable[str]) -> Certified:
    """None/None when every command answered; otherwise what the answering ones cover."""
    failed = sorted(set(failed))
    if not failed:
        return Certified(None, None)
    if any(key not in FEEDS for key in failed):
        return Certified([], [])
    lost_classes = frozenset().union(*(FEEDS[key].classes for key in failed))
    lost_links = frozenset().union(*(FEEDS[key].links for key in failed))
    return Certified(
        sorted({device_class, *produces.classes} - lost_classes),
        sorted(produces.links - lost_links),
    )
