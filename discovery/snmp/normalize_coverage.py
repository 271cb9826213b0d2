"""What an SNMP change set certifies when only part of the target answered. Pure.

A scoped change set closes the links and counts a miss for the CIs it no longer
reports. That is only fair for what the tables that answered would have shown: a table
that timed out proves nothing. ``FEEDS`` says, per collector table (the names of
``oids.SUBTREES`` plus ``scalars``), which classes and relationship types it feeds;
a table that did not answer takes those out of the certified lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the collector pulls in pysnmp: normalizing needs only its types
    from discovery.snmp.collect import TableCoverage, TableStatus

# Statuses that mean the agent told us what the table holds (maybe nothing).
ANSWERED: frozenset[TableStatus] = frozenset({"ok", "empty"})

# What normalize_snmp can produce besides the device's own class.
CLASSES = ("Interface", "IPAddress", "Subnet", "Software")
LINKS = ("HAS_INTERFACE", "HAS_ADDRESS", "IN_SUBNET", "CONNECTED_TO", "INSTALLED_ON")


@dataclass(frozen=True, slots=True)
class Feeds:
    classes: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()


_INTERFACES = Feeds(
    frozenset({"Interface"}),
    # without the interfaces, addresses hang from the device and neighbours have no port
    frozenset({"HAS_INTERFACE", "HAS_ADDRESS", "CONNECTED_TO"}),
)
_ADDRESSES = Feeds(frozenset({"IPAddress", "Subnet"}), frozenset({"HAS_ADDRESS", "IN_SUBNET"}))
_NEIGHBOURS = Feeds(links=frozenset({"CONNECTED_TO"}))
_SOFTWARE = Feeds(frozenset({"Software"}), frozenset({"INSTALLED_ON"}))
_ATTRIBUTES_ONLY = Feeds()  # device attributes: never made absent by a miss

FEEDS: dict[str, Feeds] = {
    "ifTable": _INTERFACES,
    "ifXTable": _INTERFACES,  # ifName: without it interface names change
    "ipAddrTable": _ADDRESSES,
    "ipAddressTable": _ADDRESSES,
    "ipv6AddrTable": _ADDRESSES,
    "entPhysicalTable": _ATTRIBUTES_ONLY,
    "lldpLocPortTable": _NEIGHBOURS,  # resolves the local port
    "lldpRemTable": _NEIGHBOURS,
    "lldpRemManAddrTable": _NEIGHBOURS,
    "cdpCacheTable": _NEIGHBOURS,
    "dot1dBasePortTable": _NEIGHBOURS,  # bridge port -> ifIndex for LLDP and the FDB
    "dot1dTpFdbTable": _NEIGHBOURS,
    "dot1qTpFdbTable": _NEIGHBOURS,
    "mtxrNeighborTable": _NEIGHBOURS,  # RouterOS LLDP local ports
    "hrStorageTable": _ATTRIBUTES_ONLY,
    "hrDeviceTable": _ATTRIBUTES_ONLY,
    "hrProcessorTable": _ATTRIBUTES_ONLY,
    "hrSWRunTable": _ATTRIBUTES_ONLY,  # processes are not mapped
    "hrSWInstalledTable": _SOFTWARE,
    # dot1dBaseBridgeAddress tells the switch's own MAC from a host's in the FDB
    "scalars": _NEIGHBOURS,
}


@dataclass(frozen=True, slots=True)
class Certified:
    classes: list[str] | None
    links: list[str] | None


def certify(device_class: str, coverage: Sequence[TableCoverage] | None) -> Certified:
    """None/None when every table answered; otherwise what the answering ones cover.

    A table we do not know (or the system group itself) that did not answer certifies
    nothing at all: we cannot tell what it would have held.
    """
    failed = [c.name for c in coverage or () if c.status not in ANSWERED]
    if not failed:
        return Certified(None, None)
    if any(name not in FEEDS for name in failed):
        return Certified([], [])
    lost_classes = frozenset().union(*(FEEDS[name].classes for name in failed))
    lost_links = frozenset().union(*(FEEDS[name].links for name in failed))
    return Certified(
        sorted({device_class, *CLASSES} - lost_classes),
        sorted(set(LINKS) - lost_links),
    )
