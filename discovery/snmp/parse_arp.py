"""IP-MIB ipNetToPhysicalTable and ipNetToMediaTable -> ArpEntry rows. Pure.

Only the physical-address column of each is walked: the index holds the rest
(ipNetToPhysical: ifIndex.InetAddressType.length.address; ipNetToMedia: ifIndex.a.b.c.d).
The newer table first (IPv4 and IPv6 neighbours), the older one adds the IPv4 rows it
lacks. Rows by port (ifIndex), then address; an incomplete entry has no MAC.
"""

from __future__ import annotations

from discovery.facts import ArpEntry
from discovery.snmp import oids
from discovery.snmp.decode import Index, as_mac, column, ip_from_octets, under
from discovery.snmp.records import Value, Varbinds

_IPV4, _IPV6 = 1, 2
# (ifIndex, IP version, address octets): the rows' order, and the key that merges them
Key = tuple[int, int, bytes]


def _physical_key(index: Index) -> Key | None:
    """ifIndex.type.length.address..."""
    if len(index) < 4 or index[1] not in (_IPV4, _IPV6) or index[2] != len(index) - 3:
        return None
    if any(arc > 255 for arc in index[3:]) or len(index) - 3 not in (4, 16):
        return None
    return index[0], 4 if len(index) == 7 else 6, bytes(index[3:])


def _media_key(index: Index) -> Key | None:
    if len(index) != 5 or any(arc > 255 for arc in index[1:]):
        return None
    return index[0], 4, bytes(index[1:])


def parse_arp(varbinds: Varbinds) -> tuple[ArpEntry, ...]:
    tables = ((oids.IP_NET_TO_PHYSICAL_PHYS_ADDRESS, _physical_key),
              (oids.IP_NET_TO_MEDIA_PHYS_ADDRESS, _media_key))  # fmt: skip
    varbinds = under(varbinds, *(column_oid for column_oid, _key in tables))
    found: dict[Key, Value] = {}
    for column_oid, key_of in tables:
        for index, value in column(varbinds, column_oid).items():
            key = key_of(index)
            if key is not None and key not in found:
                found[key] = value
    return tuple(ArpEntry(address=_address(key), mac=as_mac(found[key]), port=key[0])
                 for key in sorted(found))  # fmt: skip


def _address(key: Key) -> str:
    if key[1] == 4:
        return ".".join(map(str, key[2]))
    return ip_from_octets(key[2]) or key[2].hex()
