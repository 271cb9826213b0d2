"""Template rows -> records, for the columns several ntc-templates share.

Cisco IOS, NX-OS and Arista EOS templates use the same column names for
inventory, ARP and neighbour tables; the per-platform modules call these and
keep only what differs.
"""

from __future__ import annotations

from collections.abc import Iterable

from discovery.identifiers import normalize_mac
from discovery.ssh.platforms.base import TemplateRow
from discovery.ssh.records import ArpEntry, InventoryItem, MacEntry, Neighbor, NeighborProtocol
from discovery.ssh.values import clean, clean_list


def inventory_from_rows(rows: Iterable[TemplateRow]) -> tuple[InventoryItem, ...]:
    """Columns NAME, DESCR, PID, VID, SN (Arista: PORT instead of NAME)."""
    return tuple(
        InventoryItem(
            name=clean(row.get("name")) or clean(row.get("port")),
            descr=clean(row.get("descr")),
            pid=clean(row.get("pid")),
            serial=clean(row.get("sn")),
            vid=clean(row.get("vid")),
        )
        for row in rows
    )


def arp_from_rows(rows: Iterable[TemplateRow]) -> tuple[ArpEntry, ...]:
    """Columns IP_ADDRESS, MAC_ADDRESS, INTERFACE and, where shown, VRF."""
    entries = []
    for row in rows:
        ip = clean(row.get("ip_address"))
        if ip is None:
            continue
        entries.append(
            ArpEntry(
                ip=ip,
                mac=normalize_mac(clean(row.get("mac_address"))),
                interface=clean(row.get("interface")),
                vrf=clean(row.get("vrf")),
            )
        )
    return tuple(entries)


def mac_entry(mac: object, vlan: object, ports: object, kind: object) -> MacEntry | None:
    """One forwarding entry; None when the MAC is not a MAC (never for real rows)."""
    address = normalize_mac(clean(mac))
    if address is None:
        return None
    vlan_text = clean(vlan)
    port_list = clean_list(ports)
    kind_text = clean(kind)
    numeric = vlan_text is not None and vlan_text.isdigit()
    return MacEntry(
        mac=address,
        vlan=int(vlan_text) if vlan_text is not None and numeric else None,
        interface=port_list[0] if port_list else None,
        type=kind_text.lower() if kind_text else None,
        vlan_name=None if numeric else vlan_text,
    )


def chassis_id(value: object) -> str | None:
    """A chassis id in colon MAC form when it is a MAC, else as shown."""
    text = clean(value)
    return normalize_mac(text) or text


def neighbors_from_rows(
    rows: Iterable[TemplateRow],
    protocol: NeighborProtocol,
    *,
    port_id_column: str = "neighbor_interface",
    port_description_column: str | None = None,
) -> tuple[Neighbor, ...]:
    """Columns LOCAL_INTERFACE, NEIGHBOR_NAME, NEIGHBOR_INTERFACE, PLATFORM,
    NEIGHBOR_DESCRIPTION, MGMT_ADDRESS, CHASSIS_ID, CAPABILITIES.

    Cisco's LLDP detail template calls the port id NEIGHBOR_PORT_ID and puts the
    port description in NEIGHBOR_INTERFACE: pass the column names.
    """
    neighbors = []
    for row in rows:
        neighbors.append(
            Neighbor(
                protocol=protocol,
                local_interface=clean(row.get("local_interface")),
                remote_name=clean(row.get("neighbor_name")),
                remote_port=clean(row.get(port_id_column)),
                remote_port_description=(
                    clean(row.get(port_description_column)) if port_description_column else None
                ),
                platform=clean(row.get("platform")),
                remote_description=clean(row.get("neighbor_description")),
                mgmt_address=clean(row.get("mgmt_address")),
                chassis_id=chassis_id(row.get("chassis_id")),
                capabilities=clean(row.get("capabilities")),
            )
        )
    return tuple(neighbors)
