"""Who made a device, from the enterprise number in its sysObjectID. Data, pure.

``1.3.6.1.4.1.<enterprise>....``: the number is the IANA Private Enterprise Number
of the organisation that wrote the agent. Listed only where that organisation makes the
hardware (an agent-software house such as net-snmp, 8072, says nothing about the box)
and where we are sure of the number; a device whose number is not here gets its vendor
from a rule's sysDescr or MIB evidence, or stays unknown.
"""

from __future__ import annotations

ENTERPRISES_PREFIX = "1.3.6.1.4.1."

VENDORS: dict[int, str] = {
    2: "IBM",
    9: "Cisco",
    11: "HP",
    171: "D-Link",
    232: "HPE",  # Compaq, bought by HP: ProLiant servers' agents and iLO
    253: "Xerox",
    311: "Microsoft",
    367: "Ricoh",
    318: "APC",
    476: "Vertiv",  # Liebert (Emerson Network Power, now Vertiv)
    674: "Dell",
    705: "Eaton",  # MGE UPS Systems, now Eaton
    789: "NetApp",
    850: "Tripp Lite",
    1588: "Brocade",  # SAN (Fibre Channel) switches
    1602: "Canon",
    1991: "Brocade",  # Foundry Networks, bought by Brocade (now Ruckus)
    2011: "Huawei",
    2385: "Sharp",
    2435: "Brother",
    2636: "Juniper",
    3320: "BDCOM",
    3902: "ZTE",
    4881: "Ruijie",
    5089: "Clavister",
    5651: "Maipu",
    6339: "DCN",  # Digital China Networks
    9833: "Lenovo",  # Legend Holdings (Lenovo's parent): the Leadsec firewalls
    10876: "Supermicro",
    12124: "Dell EMC",  # Isilon Systems, bought by EMC, now Dell
    12356: "Fortinet",
    13400: "Vertiv",  # Emerson Network Power (China), now Vertiv
    14331: "Topsec",
    14525: "Juniper",  # Trapeze Networks, bought by Belden, its WLAN line by Juniper
    14823: "Aruba",  # now HPE Aruba Networking
    14988: "MikroTik",
    15227: "Venustech",
    15983: "Meru",  # Meru Networks, bought by Fortinet
    18334: "Konica Minolta",
    19849: "NSFOCUS",
    21239: "Geist",  # now Vertiv
    21671: "VSS Monitoring",
    25053: "Ruckus",
    25461: "Palo Alto Networks",
    25506: "H3C",
    28557: "Hillstone",
    30065: "Arista",
    31648: "DPtech",
    35047: "Sangfor",
    39165: "Hikvision",  # HIK-DEVICE-MIB (cameras)
    41112: "Ubiquiti",
    50001: "Hikvision",
    1004849: "Dahua",
}


def enterprise_number(object_id: str | None) -> int | None:
    """The enterprise number of a sysObjectID under 1.3.6.1.4.1, else None."""
    if not object_id or not object_id.startswith(ENTERPRISES_PREFIX):
        return None
    arc = object_id[len(ENTERPRISES_PREFIX) :].split(".", 1)[0]
    return int(arc) if arc.isdigit() else None


def vendor_of(object_id: str | None) -> str | None:
    number = enterprise_number(object_id)
    return VENDORS.get(number) if number is not None else None


_SPELLINGS = {name.casefold(): name for name in VENDORS.values()}


def spelling(name: str) -> str:
    """Our spelling of a vendor name a device reported (``HUAWEI`` -> ``Huawei``)."""
    return _SPELLINGS.get(name.casefold(), name)
