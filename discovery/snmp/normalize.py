"""DeviceSnapshot -> ChangeSet: what one SNMP target told us, as CI and link facts. Pure.

One change set per target, scoped ``snmp:<target>``, keyed so that every fact can be
found again: ``dev`` (the device), ``if:<ifIndex>``, ``ip:<owner key>:<address>``,
``net:<cidr>``, ``sw:<product>|<version>[|<arch>]``. Attributes are emitted only when the
agent gave a value (a ``None`` would clear what another run or source knows), and never
junk as an identifier (``<private>`` system names, all-zero MACs: ``Schema.is_junk``
decides).

- The device: its class from the classification kind (``DEVICE_CLASSES``), with
  serial, vendor, model, OS, platform, sysObjectID, stack member serials, host name and
  domain from sysName, the LLDP chassis ID (lldpLocChassisId) when it is a MAC, and
  for servers the first physical NIC's MAC, memory and CPUs. A device no rule
  classifies is an ``UnclassifiedDevice`` with the same facts plus its sysDescr, so it
  is on record until a rule for it is added.
- Interfaces under the device (``parent`` makes the HAS_INTERFACE link).
- IPv4/IPv6 addresses (not loopback, not link-local) with HAS_ADDRESS from their
  interface (the device when the ifIndex is unknown) and IN_SUBNET to their subnet.
- LLDP, CDP and FDB neighbours as CONNECTED_TO (see normalize_links).
- HOST-RESOURCES installed software as Software INSTALLED_ON the device.
- What the change set certifies when tables did not answer (see normalize_coverage).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from cmdb.observations import ChangeSet, CIObservation, LinkObservation, Value
from cmdb.schema import Schema, load_schema
from discovery.identifiers import (
    canonical_ifname,
    normalize_mac,
    split_fqdn,
    subnet_cidr,
    usable_address,
)
from discovery.snmp.errors import NormalizeError
from discovery.snmp.normalize_coverage import certify
from discovery.snmp.normalize_links import fdb_links, neighbour_links
from discovery.snmp.parse_neighbors import CHASSIS_MAC
from discovery.snmp.records import DeviceSnapshot, EntityPhysical, HrSoftwareInstalled

if TYPE_CHECKING:  # the collector pulls in pysnmp: normalizing needs only its types
    from discovery.snmp.collect import TableCoverage

__all__ = ["DEVICE_CLASSES", "DEVICE_KEY", "UNCLASSIFIED", "normalize_snmp", "split_software"]

IsJunk = Callable[[object], bool]
DEVICE_KEY = "dev"
SOURCE = "snmp"
ACTOR = "discovery"

# Classification kind -> (class, the attribute that records the kind).
DEVICE_CLASSES: dict[str, tuple[str, str | None]] = {
    "switch": ("NetworkDevice", "device_kind"),
    "router": ("NetworkDevice", "device_kind"),
    "firewall": ("NetworkDevice", "device_kind"),
    "wireless": ("NetworkDevice", "device_kind"),
    "server": ("Server", None),
    # storage arrays and NAS heads are Servers until the schema has a class of their own
    "storage": ("Server", None),
    "printer": ("Peripheral", "peripheral_kind"),
    "ups": ("Peripheral", "peripheral_kind"),
    "pdu": ("Peripheral", "peripheral_kind"),
    "kvm": ("Peripheral", "peripheral_kind"),
    "camera": ("Peripheral", "peripheral_kind"),
}
# The class of a device whose kind no classification rule tells.
UNCLASSIFIED = "UnclassifiedDevice"
SYS_DESCR_MAX = 255  # SNMPv2-MIB: sysDescr is a DisplayString (SIZE (0..255))
# Classification OS -> the platform name the SSH side uses (netmiko device types).
PLATFORMS = {
    "ios": "cisco_ios",
    "nxos": "cisco_nxos",
    "eos": "arista_eos",
    "junos": "juniper_junos",
    "routeros": "mikrotik_routeros",
    "linux": "linux",
    "windows": "windows",
}
# Classes whose primary MAC is their first physical NIC's (a switch has one per port).
_PRIMARY_MAC_CLASSES = frozenset({"Server", "Peripheral"})
_PHYSICAL_IF_TYPES = frozenset({"ethernetCsmacd"})


@cache
def _default_schema() -> Schema:
    return load_schema()


def normalize_snmp(
    snapshot: DeviceSnapshot,
    *,
    target: str,
    observed_at: datetime,
    coverage: Sequence[TableCoverage] | None,
    run_id: str | None = None,
    schema: Schema | None = None,
) -> ChangeSet:
    """The change set for one target. ``coverage`` is the collector's per-table
    coverage (``CollectResult.coverage``); None means every table answered.

    Raises NormalizeError when nothing identifies the device.
    """
    schema = schema or _default_schema()
    is_junk = schema.is_junk
    device_class, device = _device(snapshot, target, schema)
    if_keys, cis = _interfaces(snapshot)
    cis.insert(0, _ci(DEVICE_KEY, device_class, device))
    address_cis, links = _addresses(snapshot, if_keys)
    neighbours, neighbour_ports = neighbour_links(snapshot.lldp, snapshot.cdp, if_keys, is_junk)
    own_macs = {i.mac for i in snapshot.interfaces if i.mac}
    if snapshot.bridge.base_mac:
        own_macs.add(snapshot.bridge.base_mac)
    software_cis, software_links = _software(snapshot.host.software, is_junk)
    certified = certify(device_class, coverage)
    return ChangeSet.model_validate({
        "source": SOURCE,
        "actor": ACTOR,
        "observed_at": observed_at,
        "discovery_run": run_id,
        "scope": f"snmp:{target}",
        "certified_classes": certified.classes,
        "certified_links": certified.links,
        "cis": [*cis, *address_cis, *software_cis],
        "links": [
            *links,
            *neighbours,
            *fdb_links(snapshot.bridge, if_keys, neighbour_ports, own_macs, is_junk),
            *software_links,
        ],
    })  # fmt: skip


def _ci(key: str, cls: str, attrs: dict[str, Value], parent: str | None = None) -> CIObservation:
    data: dict[str, Any] = {"key": key, "class": cls, "attributes": attrs}
    if parent is not None:
        data["parent"] = {"ref": parent}
    return CIObservation.model_validate(data)


def _link(kind: str, source: str, target: str) -> LinkObservation:
    return LinkObservation.model_validate(
        {"type": kind, "source": {"ref": source}, "target": {"ref": target}, "evidence": SOURCE}
    )


def _present(
    attrs: dict[str, Value], is_junk: IsJunk | None = None, identifiers: Sequence[str] = ()
) -> None:
    """Drop unknown values, and junk from identifier attributes, in place."""
    for name in list(attrs):
        value = attrs[name]
        unknown = value is None or value == "" or value == []
        if unknown or (is_junk is not None and name in identifiers and is_junk(value)):
            del attrs[name]


# -- the device ---------------------------------------------------------------------
def _chassis(entities: Sequence[EntityPhysical]) -> list[EntityPhysical]:
    return sorted((e for e in entities if e.phys_class == "chassis"), key=lambda e: e.index)


def _device(snapshot: DeviceSnapshot, target: str, schema: Schema) -> tuple[str, dict[str, Value]]:
    is_junk = schema.is_junk
    found = snapshot.classification
    kind = found.kind or ""
    cls, kind_attr = DEVICE_CLASSES.get(kind, (UNCLASSIFIED, None))
    chassis = _chassis(snapshot.entities)
    serials = [e.serial for e in chassis if e.serial and not is_junk(e.serial)]
    host, domain = (
        (None, None) if is_junk(snapshot.system.name) else split_fqdn(snapshot.system.name)
    )
    attrs: dict[str, Value] = {
        "name": host,
        "serial_number": next((s for s in (found.serial, *serials) if s and not is_junk(s)), None),
        "vendor": found.vendor,
        "model": found.hardware,
        "os_name": found.os,
        "os_version": found.version,
        "platform": PLATFORMS.get(found.os or ""),
        "sys_object_id": snapshot.system.object_id,
        "hostname": host,
        "domain": domain,
        "management_ip": target,
        "chassis_id": _chassis_id(snapshot, is_junk),
    }
    if kind_attr is not None:
        attrs[kind_attr] = kind
    if cls == "NetworkDevice":
        attrs["firmware"] = chassis[0].firmware_rev if chassis else None
        attrs["stack_serials"] = serials if len(serials) > 1 else None
        # the bridge's own address: the one MAC that stands for the whole switch
        attrs["primary_mac"] = snapshot.bridge.base_mac
    if cls in _PRIMARY_MAC_CLASSES:
        attrs["primary_mac"] = _first_nic_mac(snapshot, is_junk)
    if cls == "Server":
        memory = snapshot.host.memory_kib
        attrs["memory_bytes"] = memory * 1024 if memory else None
        attrs["cpu_count"] = snapshot.host.processor_count or None
    if cls == UNCLASSIFIED:
        # what stands for the box: the bridge's own address, else its first NIC's
        macs = (snapshot.bridge.base_mac, _first_nic_mac(snapshot, is_junk))
        attrs["primary_mac"] = next((m for m in macs if m and not is_junk(m)), None)
        attrs["sys_descr"] = _short_descr(snapshot.system.descr)
    identification = schema.classes[cls].identification
    _present(attrs, is_junk, sorted(schema.classes[cls].identifier_attributes))
    if not any(all(name in attrs for name in id_set) for id_set in identification):
        sets = " or ".join("[" + ", ".join(s) + "]" for s in identification)
        unclassified = (
            f" (and no classification rule knows sysObjectID {snapshot.system.object_id!r}, "
            f"sysDescr {_short_descr(snapshot.system.descr)[:80]!r})"
            if cls == UNCLASSIFIED
            else ""
        )
        raise NormalizeError(
            target,
            f"nothing identifies this {cls} (needs {sets}): serial "
            f"{found.serial!r}, sysName {snapshot.system.name!r}, no usable MAC{unclassified}",
        )
    return cls, attrs


def _short_descr(descr: str | None) -> str:
    """sysDescr on one line (agents put CR/LF in it), cut at the DisplayString limit."""
    return " ".join((descr or "").split())[:SYS_DESCR_MAX]


def _chassis_id(snapshot: DeviceSnapshot, is_junk: IsJunk) -> str | None:
    """lldpLocChassisId when it is a MAC: what neighbours' lldpRemChassisId names us by."""
    local = snapshot.lldp_local
    if local.chassis_id_subtype != CHASSIS_MAC:
        return None
    mac = normalize_mac(local.chassis_id)
    return None if mac is None or is_junk(mac) else mac


def _first_nic_mac(snapshot: DeviceSnapshot, is_junk: IsJunk) -> str | None:
    for iface in sorted(snapshot.interfaces, key=lambda i: i.if_index):
        if iface.if_type_name in _PHYSICAL_IF_TYPES and iface.mac and not is_junk(iface.mac):
            return iface.mac
    return None


# -- interfaces and addresses -------------------------------------------------------
def _interfaces(snapshot: DeviceSnapshot) -> tuple[dict[int, str], list[CIObservation]]:
    """Interface facts, and ifIndex -> key for every interface that has a name.

    Two ifIndexes with one name are one interface to the CMDB: both map to its key.
    """
    if_keys: dict[int, str] = {}
    by_name: dict[str, str] = {}
    cis: list[CIObservation] = []
    for iface in sorted(snapshot.interfaces, key=lambda i: i.if_index):
        name = canonical_ifname(iface.name or iface.descr)
        if not name:
            continue
        if name in by_name:
            if_keys[iface.if_index] = by_name[name]
            continue
        key = by_name[name] = if_keys[iface.if_index] = f"if:{iface.if_index}"
        speed = iface.speed_bps
        attrs: dict[str, Value] = {
            "name": name,
            "if_index": iface.if_index,
            "if_type": iface.if_type_name,
            "alias": iface.alias.strip() if iface.alias else None,
            "mac": iface.mac,
            "mtu": iface.mtu,
            "speed_mbps": speed // 1_000_000 if speed is not None else None,
            "admin_status": iface.admin_status,
            "oper_status": iface.oper_status,
        }
        _present(attrs)
        cis.append(_ci(key, "Interface", attrs, parent=DEVICE_KEY))
    return if_keys, cis


def _addresses(
    snapshot: DeviceSnapshot, if_keys: dict[int, str]
) -> tuple[list[CIObservation], list[LinkObservation]]:
    cis: dict[str, CIObservation] = {}
    links: dict[tuple[str, str, str], LinkObservation] = {}
    rows = [(a.if_index, a.address, a.prefix_length) for a in snapshot.ipv4]
    rows += [(a.if_index, a.address, a.prefix_length) for a in snapshot.ipv6]
    for if_index, text, prefix in rows:
        address = usable_address(text)
        if address is None:
            continue
        # one CI per assignment: identified within its interface (or the device)
        owner = if_keys.get(if_index, DEVICE_KEY)
        key = f"ip:{owner}:{address.compressed}"
        if key not in cis:
            attrs: dict[str, Value] = {"address": address.compressed, "version": address.version}
            if prefix is not None:
                attrs["prefix_length"] = prefix
            cis[key] = _ci(key, "IPAddress", attrs, parent=owner)
        links.setdefault(("HAS_ADDRESS", owner, key), _link("HAS_ADDRESS", owner, key))
        network = subnet_cidr(address, prefix)
        if network is None:
            continue
        net_key = f"net:{network}"
        if net_key not in cis:
            cis[net_key] = _ci(net_key, "Subnet", {"cidr": network})
        links.setdefault(("IN_SUBNET", key, net_key), _link("IN_SUBNET", key, net_key))
    return list(cis.values()), list(links.values())


# -- installed software -------------------------------------------------------------
_SOFTWARE_NAMES = (
    # 'JUNOS Base OS Software Suite [19.4R3.11]'
    re.compile(r"^(?P<product>.+?)\s*\[(?P<version>\d[^\]\s]*)\]$"),
    # 'Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.29.30133'
    re.compile(r"^(?P<product>.+?)\s+-\s+v?(?P<version>\d[\w.+~:-]*)$"),
    # dpkg: 'bash_5.1-2+deb11u1_amd64' (an rpm release may hold one '_': 'el8_0')
    re.compile(r"^(?P<product>[^\s_]+)_(?P<version>\d[^\s_]*)_(?P<arch>[^\s_]+)$"),
    # rpm: 'python3-libxml2-2.9.7-5.el8' (name-version-release)
    re.compile(r"^(?P<product>[^\s]+?)-(?P<version>\d[^\s]*)$"),
    # 'Mozilla Firefox 115.3.1esr'
    re.compile(r"^(?P<product>.+?)\s+v?(?P<version>\d+(?:\.\d+)+[\w.+~-]*)$"),
)


def split_software(name: str) -> tuple[str, str | None, str | None]:
    """An hrSWInstalledName -> (product, version, arch); the whole name as the product
    (and no version) when no known layout matches."""
    name = name.strip()
    for pattern in _SOFTWARE_NAMES:
        found = pattern.match(name)
        if found:
            parts = found.groupdict()
            return found.group("product").strip(), found.group("version"), parts.get("arch")
    return name, None, None


def _software_key(product: str, version: str, arch: str | None) -> str:
    key = f"sw:{product}|{version}" + (f"|{arch}" if arch else "")
    if len(key) <= 200:
        return key
    return "sw:#" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def _software(
    installed: Sequence[HrSoftwareInstalled], is_junk: IsJunk
) -> tuple[list[CIObservation], list[LinkObservation]]:
    """Software INSTALLED_ON the device. A name without a version cannot identify a
    Software CI (its identification is product + version), so it is left out."""
    cis: dict[str, CIObservation] = {}
    for entry in installed:
        product, version, arch = split_software(entry.name)
        if is_junk(product) or version is None or is_junk(version):
            continue
        key = _software_key(product, version, arch)
        attrs: dict[str, Value] = {"product": product, "version": version}
        if arch:
            attrs["arch"] = arch
        cis.setdefault(key, _ci(key, "Software", attrs))
    return list(cis.values()), [_link("INSTALLED_ON", key, DEVICE_KEY) for key in cis]
