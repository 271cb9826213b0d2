"""All SNMP parsers in one call: varbinds in, DeviceSnapshot out. Pure.

The parsers live by concern in parse_system, classify, parse_interfaces,
parse_entity, parse_neighbors, parse_bridge and parse_host; this module only
composes them in dependency order (interfaces before LLDP port resolution, entities
before classification).
"""

from __future__ import annotations

from discovery.snmp.classify import parse_classification
from discovery.snmp.parse_arp import parse_arp
from discovery.snmp.parse_bridge import parse_bridge
from discovery.snmp.parse_entity import parse_entities
from discovery.snmp.parse_host import parse_host_resources
from discovery.snmp.parse_interfaces import (
    parse_interfaces,
    parse_ipv4_addresses,
    parse_ipv6_addresses,
)
from discovery.snmp.parse_lag import parse_lags
from discovery.snmp.parse_neighbors import parse_cdp, parse_lldp, parse_lldp_local
from discovery.snmp.parse_printer import parse_printer
from discovery.snmp.parse_system import parse_system
from discovery.snmp.parse_ups import parse_ups
from discovery.snmp.parse_vlans import parse_vlans
from discovery.snmp.records import DeviceSnapshot, Varbinds

__all__ = ["parse_device"]


def parse_device(varbinds: Varbinds) -> DeviceSnapshot:
    notes: list[str] = []
    system = parse_system(varbinds)
    interfaces = parse_interfaces(varbinds)
    entities = parse_entities(varbinds)
    bridge = parse_bridge(varbinds)
    return DeviceSnapshot(
        system=system,
        classification=parse_classification(system, varbinds, entities),
        interfaces=interfaces,
        ipv4=parse_ipv4_addresses(varbinds),
        ipv6=parse_ipv6_addresses(varbinds),
        entities=entities,
        lldp=parse_lldp(varbinds, interfaces, system.object_id, notes),
        cdp=parse_cdp(varbinds),
        bridge=bridge,
        host=parse_host_resources(varbinds),
        lldp_local=parse_lldp_local(varbinds),
        vlans=parse_vlans(varbinds, bridge.port_if_index),
        lags=parse_lags(varbinds, interfaces),
        arp=parse_arp(varbinds),
        notes=tuple(notes),
        printer=parse_printer(varbinds),
        ups=parse_ups(varbinds, system.descr),
    )
