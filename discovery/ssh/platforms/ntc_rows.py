"""Template rows -> records, for the columns several ntc-templates share.

Cisco IOS, NX-OS and Arista EOS templates use the same column names for
inventory, ARP and neighbour tables; the per-platform modules call these and
keep only what differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from discovery.identifiers import normalize_mac
from discovery.ssh.platforms.base import TemplateRow
from discovery.ssh.records import (
    ArpEntry,
    InventoryItem,
    LagMembership,
    MacEntry,
    Neighbor,
    NeighborProtocol,
    SwitchPort,
    Vlan,
)
from discovery.ssh.values import clean, clean_list, parse_int

MAX_VLAN = 4094
LagProtocol = Literal["lacp", "pagp", "static"]
# The protocol column of a summary, lower-case ("-": IOS's `channel-group mode on`).
LAG_PROTOCOLS: dict[str, LagProtocol] = {
    "lacp": "lacp", "pagp": "pagp", "-": "static", "none": "static", "static": "static",
}  # fmt: skip


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


def vlan_ranges(value: object) -> tuple[tuple[int, int], ...] | None:
    """An allowed-VLAN list ("1,12,31-36", or a template's list of such items, "ALL",
    "NONE") as inclusive ranges; None when nothing readable was shown."""
    items = [p.strip() for item in clean_list(value) for p in item.split(",") if p.strip()]
    if not items:
        return None
    ranges: list[tuple[int, int]] = []
    for item in items:
        word = item.lower()
        if word == "all":
            ranges.append((1, MAX_VLAN))
        elif word != "none":
            low, _, high = item.partition("-")
            if not low.isdigit() or not (high or low).isdigit():
                return None
            ranges.append((int(low), int(high or low)))
    return tuple(ranges)


def switchport_from_row(row: TemplateRow) -> SwitchPort | None:
    """Columns INTERFACE, MODE, ADMIN_MODE (IOS), ACCESS_VLAN, NATIVE_VLAN,
    TRUNKING_VLANS, VOICE_VLAN. The operational mode decides; on a port that is down the
    configured one ("static access", "trunk") does."""
    name = clean(row.get("interface"))
    if name is None:
        return None
    shown = clean(row.get("mode"))
    mode = _vlan_mode(shown) or _vlan_mode(clean(row.get("admin_mode")))
    return SwitchPort(
        interface=name,
        mode=mode,
        mode_raw=shown,
        access_vlan=parse_int(row.get("access_vlan")),
        native_vlan=parse_int(row.get("native_vlan")),
        trunk_vlans=vlan_ranges(row.get("trunking_vlans")),
        voice_vlan=parse_int(row.get("voice_vlan")),
    )


def _vlan_mode(text: str | None) -> Literal["access", "trunk"] | None:
    words = (text or "").lower().split()
    if "trunk" in words:
        return "trunk"
    if "access" in words:
        return "access"
    return None


def lags_from_rows(rows: Iterable[TemplateRow]) -> tuple[LagMembership, ...]:
    """Columns BUNDLE_NAME, BUNDLE_PROTOCOL, MEMBER_INTERFACE, MEMBER_INTERFACE_STATUS
    (Cisco and Arista summaries): a member is active when its flags hold P or it is
    "bndl" (IOS-XE), both meaning bundled."""
    members = []
    for row in rows:
        lag = clean(row.get("bundle_name"))
        names = clean_list(row.get("member_interface"))
        flags = clean_list(row.get("member_interface_status"))
        if lag is None:
            continue
        protocol = LAG_PROTOCOLS.get((clean(row.get("bundle_protocol")) or "").lower())
        for index, member in enumerate(names):
            if member.strip("-") == "":  # NX-OS prints "--" for a channel without members
                continue
            status = flags[index] if index < len(flags) else None
            active = None if status is None else "P" in status or status.lower() == "bndl"
            members.append(LagMembership(lag, member, protocol, active, status))
    return tuple(members)


def vlans_from_rows(rows: Iterable[TemplateRow]) -> tuple[Vlan, ...]:
    """`show vlan` rows (IOS, NX-OS, EOS templates alike): VLANs with a numeric id and
    the ports each lists."""
    return tuple(
        Vlan(
            vlan_id=int(vlan_id),
            name=clean(row.get("vlan_name")),
            status=clean(row.get("status")),
            interfaces=clean_list(row.get("interfaces")),
        )
        for row in rows
        if (vlan_id := clean(row.get("vlan_id"))) is not None and vlan_id.isdigit()
    )
