"""The depth getters of a network OS's DeviceFacts, from SSH records. Pure.

- components: every inventory row with a model or a serial (`show inventory`, `show
  chassis hardware`, `display device`), its kind told by its own name, then its PID,
  then its description (`_KIND_RULES`), else a numbered slot is a card; the row
  `chassis_item` picks is the chassis. A row named after one of the device's interfaces
  (Cisco's transceivers, EOS's numbered slots, Junos's `FPC n PIC n Xcvr n`) serves that
  port. Containment only where the output nests it (Junos); keyed by name (a bare slot
  number, as EOS prints, with the kind before it; the n-th repeat of a key with " #n"
  after it).
- vlans: `show vlan(s)` names the VLANs and the ports it lists in each (tagged not told);
  a port the switchport view describes as access or trunk is placed by it instead:
  untagged in its access or native VLAN, tagged in its voice VLAN and in every allowed
  VLAN the device has.
  Junos lists each port's VLANs itself (`VlanPort`). Without a VLAN list, the access and
  native VLANs the ports name are the VLANs.
- lags, arp: one row per record, ports by their canonical names.
- capabilities: CDP's and LLDP's words and letters in the SNMP side's vocabulary
  (`CAPABILITY_WORDS`); a letter means what the protocol's legend says (CDP's S is a
  switch, LLDP's S a station; CDP's P a phone, LLDP's T a telephone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from discovery.facts import (
    ArpEntry,
    ComponentFacts,
    ComponentKind,
    LagMember,
    Port,
    VlanFacts,
    VlanMember,
)
from discovery.identifiers import canonical_ifname
from discovery.ssh.records import ArpEntry as ArpRecord
from discovery.ssh.records import (
    InventoryItem,
    LagMembership,
    NeighborProtocol,
    SwitchPort,
    Vlan,
    VlanPort,
)

# (kind, pattern): tried on the row's own name, then its PID, then its description.
_KIND_RULES: tuple[tuple[ComponentKind, re.Pattern[str]], ...] = (
    ("power_supply", re.compile(r"power supply|\bpower \d+$|\bpwr\d*\b|^pwr-|\bpsu\b|\bpem\b"
                                r"|-p?ac-", re.I)),
    ("fan", re.compile(r"\bfan", re.I)),
    ("cpu", re.compile(r"^cpu$", re.I)),
    ("module", re.compile(r"module|line ?card|supervisor|routing engine|midplane"
                          r"|\b(fpc|pic|mic|cb|fpm|tfeb|afeb|qxm)\b"
                          r"|^(nm|hwic|ehwic|wic|vwic|nim|pvdm|sm|spa|pa)-", re.I)),
    ("transceiver", re.compile(r"xcvr|transceiver|\b(q?sfp|sfp28|xfp|gbic|cfp\d*)\b"
                               r"|^(glc|x2|cfp)-|\d+g?base-?[a-z]", re.I)),
    ("chassis", re.compile(r"chassis$|^(ws-c\d|c9[2-6]\d\d-\d)", re.I)),
)
# Junos names a transceiver by its slot path; its port is one of these media prefixes.
_JUNOS_XCVR = re.compile(r"^FPC (\d+)(?: MIC \d+)? PIC (\d+) Xcvr (\d+)$")
_JUNOS_MEDIA = ("ge", "xe", "et", "mge")
# As the SNMP side names them (discovery/snmp/parse_neighbors.py): LLDP-MIB's
# LldpSystemCapabilitiesMap and CISCO-CDP-MIB's capability bits, lower case with dashes.
CAPABILITY_WORDS = {
    "router": "router", "switch": "switch", "bridge": "bridge", "trans-bridge": "trans-bridge",
    "source-route-bridge": "source-route-bridge", "host": "host", "igmp": "igmp",
    "repeater": "repeater", "phone": "phone", "telephone": "telephone",
    "wlan": "wlan-access-point", "station": "station", "remote": "remote", "cvta": "cvta",
    "docsis": "docsis-cable-device", "other": "other",
}  # fmt: skip
_CDP_LETTERS = {"R": "router", "T": "trans-bridge", "B": "source-route-bridge", "S": "switch",
                "H": "host", "I": "igmp", "r": "repeater", "P": "phone", "D": "remote",
                "C": "cvta", "M": "two-port-mac-relay"}  # fmt: skip
_LLDP_LETTERS = {"R": "router", "B": "bridge", "T": "telephone", "W": "wlan-access-point",
                 "S": "station", "P": "repeater", "C": "docsis-cable-device",
                 "O": "other"}  # fmt: skip
# A numbered slot that nothing above named holds a card (VRP's `display device`, Comware).
_SLOT = re.compile(r"\bslot \d+$", re.I)


def component_kind(item: InventoryItem) -> ComponentKind:
    own = (item.name or "").removeprefix(item.contained_in or "").strip()
    for text in (own, item.pid, item.descr):
        for kind, pattern in _KIND_RULES:
            if text and pattern.search(text):
                return kind
    return "module" if _SLOT.search(own) else "other"


def _port_candidates(name: str | None) -> list[str]:
    if name is None:
        return []
    if name.isdigit():  # EOS numbers its transceiver slots after its Ethernet ports
        return [f"Ethernet{name}"]
    found = _JUNOS_XCVR.match(name)
    if found:
        return [f"{media}-{'/'.join(found.groups())}" for media in _JUNOS_MEDIA]
    return [c for c in (canonical_ifname(name),) if c]


def _component_key(name: str | None, kind: ComponentKind) -> str:
    """The row's name; a bare slot number (EOS numbers each section) or no name at all
    is told apart by the kind."""
    if name is None:
        return kind
    return f"{kind} {name}" if name.isdigit() else name


def components_from_inventory(
    items: Sequence[InventoryItem], chassis: InventoryItem | None, interfaces: Iterable[str]
) -> tuple[ComponentFacts, ...]:
    """`chassis`: the row that is the device's chassis; `interfaces`: its port names."""
    ports = set(interfaces)
    kept = [i for i in items if i.pid is not None or i.serial is not None or i is chassis]
    kinds = [("chassis" if i is chassis else component_kind(i)) for i in kept]
    keys: list[str] = []
    for item, kind in zip(kept, kinds, strict=True):
        key = _component_key(item.name, kind)
        repeat = 1
        while key in keys:  # names repeat on some devices: the n-th one gets " #n"
            repeat += 1
            key = f"{_component_key(item.name, kind)} #{repeat}"
        keys.append(key)
    components = []
    for item, kind, key in zip(kept, kinds, keys, strict=True):
        port = None
        if kind in ("transceiver", "other"):
            port = next((p for p in _port_candidates(item.name) if p in ports), None)
        components.append(ComponentFacts(
            index=key, kind="transceiver" if port is not None else kind, name=item.name,
            description=item.descr, model=item.pid, serial=item.serial,
            hardware_rev=item.vid, port=port,
            contained_in=item.contained_in if item.contained_in in keys else None,
        ))  # fmt: skip
    return tuple(components)


def _port(name: str | None) -> str | None:
    return canonical_ifname(name) or None


def _switchport_vlans(port: SwitchPort, known: Sequence[int]) -> list[tuple[int, bool]]:
    """(VLAN, tagged) of an access or trunk port, among the VLANs the device has."""
    if port.mode == "access":  # a phone's voice VLAN rides tagged beside the data VLAN
        told = [(port.access_vlan, False), (port.voice_vlan, True)]
        return [(vlan, tagged) for vlan, tagged in told if vlan is not None and vlan in known]
    if port.mode != "trunk":
        return []
    allowed = port.trunk_vlans or ()
    return [(vlan, vlan != port.native_vlan) for vlan in known
            if any(low <= vlan <= high for low, high in allowed)]  # fmt: skip


def vlans_from_records(
    vlans: Sequence[Vlan], switchports: Sequence[SwitchPort], vlan_ports: Sequence[VlanPort]
) -> tuple[VlanFacts, ...]:
    """One VlanFacts per VLAN the device has, in its order, members in port order."""
    names: dict[int, str | None] = {v.vlan_id: v.name for v in vlans}
    if not names:
        for sp in switchports:
            names.update({v: None for v in (sp.access_vlan, sp.native_vlan) if v is not None})
    ids_by_name = {v.name: v.vlan_id for v in vlans if v.name}
    members: dict[int, dict[Port, bool | None]] = {vlan: {} for vlan in names}
    placed = {p for sp in switchports if sp.mode is not None if (p := _port(sp.interface))}
    placed |= {p for vp in vlan_ports if (p := _port(vp.interface))}
    for vlan in vlans:
        for name in vlan.interfaces:
            if (port := _port(name)) is not None and port not in placed:
                members[vlan.vlan_id][port] = None
    for sp in switchports:
        for vlan_id, tagged in _switchport_vlans(sp, list(names)):
            members[vlan_id][_port(sp.interface) or sp.interface] = tagged
    for vp in vlan_ports:
        tag = vp.vlan_id if vp.vlan_id is not None else ids_by_name.get(vp.vlan_name or "")
        if tag is not None and tag in members:
            members[tag][_port(vp.interface) or vp.interface] = vp.tagged
    return tuple(
        VlanFacts(vlan_id, name, tuple(VlanMember(p, t) for p, t in members[vlan_id].items()))
        for vlan_id, name in names.items()
    )


def lags_from_records(records: Iterable[LagMembership]) -> tuple[LagMember, ...]:
    return tuple(
        LagMember(_port(r.lag) or r.lag, _port(r.member) or r.member, r.protocol, r.active)
        for r in records
    )


def arp_from_records(records: Iterable[ArpRecord]) -> tuple[ArpEntry, ...]:
    return tuple(ArpEntry(r.ip, r.mac, _port(r.interface), r.vrf) for r in records)


def capabilities(text: str | None, protocol: NeighborProtocol) -> tuple[str, ...]:
    """"Router Switch IGMP" / "R S I" (CDP), "B,R" / "Bridge, Router" (LLDP) -> names
    from `CAPABILITY_WORDS`, in the order told, each once; words outside it are left out."""
    letters = _CDP_LETTERS if protocol == "cdp" else _LLDP_LETTERS
    found: list[str] = []
    for token in re.split(r"[\s,]+", text or ""):
        name = letters.get(token) if len(token) == 1 else CAPABILITY_WORDS.get(token.lower())
        if name is not None and name not in found:
            found.append(name)
    return tuple(found)
