"""IP-MIB ipNetToPhysicalTable and ipNetToMediaTable -> ArpEntry rows. Pure.

Only the physical-address column of each is walked: the index holds the rest
(ipNetToPhysical: ifIndex.InetAddressType.length.address; ipNetToMedia: ifIndex.a.b.c.d).
The newer table first (IPv4 and IPv6 neighbours), the older one adds the IPv4 rows it
lacks. Rows by port (ifIndex), then address; an incomplete entry has no MAC.
"""

from __future__ import annotations

import ipaddress

from discovery.facts import ArpEntry
from discovery.snmp import oids
from discovery.snmp.decode import Index, as_mac, column, ip_from_octets
from discovery.snmp.records import Varbinds

_IPV4, _IPV6 = 1, 2


def _physical_key(index: Index) -> tuple[int, str] | None:
    """ifIndex.type.length.address... -> (ifIndex, address)."""
    if len(index) < 4 or index[1] not in (_IPV4, _IPV6) or index[2] != len(index) - 3:
        return None
    if any(arc > 255 for arc in index[3:]):
        return None
    address = ip_from_octets(bytes(index[3:]))
    return (index[0], address) if address is not None else None


def _media_key(index: Index) -> tuple[int, str] | None:
    if len(index) != 5 or any(arc > 255 for arc in index[1:]):
        return None
    return index[0], ".".join(map(str, index[1:]))


def _order(entry: ArpEntry) -> tuple[int, int, bytes]:
    address = ipaddress.ip_address(entry.address)
    return (entry.port if isinstance(entry.port, int) else 0), address.version, address.packed


def parse_arp(varbinds: Varbinds) -> tuple[ArpEntry, ...]:
    found: dict[tuple[int, str], ArpEntry] = {}
    tables = ((oids.IP_NET_TO_PHYSICAL_PHYS_ADDRESS, _physical_key),
              (oids.IP_NET_TO_MEDIA_PHYS_ADDRESS, _media_key))  # fmt: skip
    for column_oid, key_of in tables:
        for index, value in column(varbinds, column_oid).items():
            key = key_of(index)
            if key is not None and key not in found:
                found[key] = ArpEntry(address=key[1], mac=as_mac(value), port=key[0])
    return tuple(sorted(found.values(), key=_order))
