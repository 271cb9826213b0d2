"""What a device is: vendor, OS, kind, hardware, version, serial. Pure.

One table of rules, tried in order; the first whose sysObjectID prefix and sysDescr
pattern both match wins. Each rule then says where its facts come from, in order of
trust: a vendor scalar OID, a sysDescr pattern (named group ``v``), and for hardware
and serial the first ENTITY-MIB chassis. Adding a platform is adding a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from discovery.snmp import oids
from discovery.snmp.decode import as_text_or_none, scalar
from discovery.snmp.records import Classification, EntityPhysical, SystemInfo, Varbinds

# CPU architecture words in sysDescr -> a readable hardware string.
ARCH_NAMES: dict[str, str] = {
    "x86_64": "Generic x86 64-bit",
    "amd64": "Generic x86 64-bit",
    "i386": "Generic x86",
    "i686": "Generic x86",
    "aarch64": "Generic ARM 64-bit",
    "armv7l": "Generic ARM",
    "Intel64": "Intel x64",
    "AMD64": "AMD x64",
    "x86": "Intel x86",
}

# Windows build number -> release name, as (server, client).
WINDOWS_BUILDS: dict[int, tuple[str, str]] = {
    7601: ("2008 R2 SP1", "7 SP1"),
    9200: ("2012", "8"),
    9600: ("2012 R2", "8.1"),
    14393: ("2016 (1607)", "10 (1607)"),
    17763: ("2019 (1809)", "10 (1809)"),
    20348: ("2022 (21H2)", "10 (21H2)"),
    26100: ("2025 (24H2)", "11 (24H2)"),
}

# sysObjectID arcs that mark a Windows server (SNMP agent OIDs under 311.1.1.3.1).
_WINDOWS_SERVER_OIDS = ("1.3.6.1.4.1.311.1.1.3.1.2", "1.3.6.1.4.1.311.1.1.3.1.3")


def _windows_version(match: re.Match[str], object_id: str) -> str | None:
    release = WINDOWS_BUILDS.get(int(match.group("v")))
    if release is None:
        return f"Build {match.group('v')}"
    server = object_id.startswith(_WINDOWS_SERVER_OIDS)
    return f"Server {release[0]}" if server else release[1]


def _arch(match: re.Match[str], object_id: str) -> str | None:
    return ARCH_NAMES.get(match.group("v"), match.group("v"))


Derive = Callable[[re.Match[str], str], str | None]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    vendor: str
    os: str
    kind: str
    object_ids: tuple[str, ...] = ()  # sysObjectID prefixes; empty matches any
    descr: str | None = None  # sysDescr regex (search); None matches any
    version: str | None = None  # sysDescr regex with group v
    hardware: str | None = None
    serial: str | None = None
    version_oid: str | None = None
    hardware_oid: str | None = None
    serial_oid: str | None = None
    derive_version: Derive | None = None
    derive_hardware: Derive | None = None
    hardware_from_entity: bool = True


RULES: tuple[Rule, ...] = (
    Rule("cisco-nxos", "Cisco", "nxos", "switch", ("1.3.6.1.4.1.9.",), r"NX-OS",
         version=r"Version (?P<v>[^,\s]+)"),
    Rule("cisco-ios-switch", "Cisco", "ios", "switch", ("1.3.6.1.4.1.9.",),
         r"Cisco IOS Software.*\((?:C2|C3|C4|C6|CAT|cat|IE)",
         version=r"Version (?P<v>[^,\s]+)"),
    Rule("cisco-ios", "Cisco", "ios", "router", ("1.3.6.1.4.1.9.",), r"Cisco IOS",
         version=r"Version (?P<v>[^,\s]+)"),
    Rule("arista-eos", "Arista", "eos", "switch", ("1.3.6.1.4.1.30065.",), r"Arista",
         version=r"EOS version (?P<v>\S+)",
         hardware=r"running on an Arista Networks (?P<v>\S+)"),
    Rule("juniper-junos-switch", "Juniper", "junos", "switch", ("1.3.6.1.4.1.2636.",),
         r"(?i)ethernet switch", version=r"JUNOS (?P<v>[^,\s]+)",
         hardware_oid=oids.JNX_BOX_DESCR, serial_oid=oids.JNX_BOX_SERIAL),
    Rule("juniper-junos-firewall", "Juniper", "junos", "firewall", ("1.3.6.1.4.1.2636.",),
         r"(?i)\bsrx", version=r"JUNOS (?P<v>[^,\s]+)",
         hardware_oid=oids.JNX_BOX_DESCR, serial_oid=oids.JNX_BOX_SERIAL),
    Rule("juniper-junos", "Juniper", "junos", "router", ("1.3.6.1.4.1.2636.",), r"JUNOS",
         version=r"JUNOS (?P<v>[^,\s]+)",
         hardware_oid=oids.JNX_BOX_DESCR, serial_oid=oids.JNX_BOX_SERIAL),
    Rule("mikrotik-routeros", "MikroTik", "routeros", "router", ("1.3.6.1.4.1.14988.",),
         version_oid=oids.MTXR_LICENSE_VERSION, serial_oid=oids.MTXR_SERIAL),
    Rule("hp-jetdirect", "HP", "printer", "printer", ("1.3.6.1.4.1.11.2.3.9.",),
         r"JETDIRECT|ETHERNET MULTI-ENVIRONMENT", hardware=r"PID:HP (?P<v>[^,]+)",
         serial=r"SN:(?P<v>[^,]+)", hardware_from_entity=False),
    Rule("microsoft-windows", "Microsoft", "windows", "server", ("1.3.6.1.4.1.311.",),
         r"Windows", version=r"Build (?P<v>\d+)", hardware=r"Hardware: (?P<v>\S+)",
         derive_version=_windows_version, derive_hardware=_arch,
         hardware_from_entity=False),
    Rule("net-snmp-linux", "Linux", "linux", "server", (), r"^Linux ",
         version=r"^Linux \S+ (?P<v>\S+)", hardware=r"(?P<v>\S+)\s*$",
         derive_hardware=_arch, hardware_from_entity=False),
)


def match_rule(system: SystemInfo, rules: Sequence[Rule] = RULES) -> Rule | None:
    object_id = system.object_id or ""
    descr = system.descr or ""
    for rule in rules:
        if rule.object_ids and not object_id.startswith(rule.object_ids):
            continue
        if rule.descr is not None and not re.search(rule.descr, descr):
            continue
        return rule
    return None


def _from_descr(pattern: str | None, derive: Derive | None, system: SystemInfo) -> str | None:
    if pattern is None or not system.descr:
        return None
    found = re.search(pattern, system.descr)
    if found is None:
        return None
    if derive is not None:
        return derive(found, system.object_id or "")
    return found.group("v").strip() or None


def _from_oid(varbinds: Varbinds, oid: str | None) -> str | None:
    return as_text_or_none(scalar(varbinds, oid)) if oid else None


def _chassis(entities: Sequence[EntityPhysical]) -> EntityPhysical | None:
    chassis = [e for e in entities if e.phys_class == "chassis"]
    return min(chassis, key=lambda e: e.index) if chassis else None


def parse_classification(
    system: SystemInfo,
    varbinds: Varbinds,
    entities: Sequence[EntityPhysical] = (),
    rules: Sequence[Rule] = RULES,
) -> Classification:
    rule = match_rule(system, rules)
    chassis = _chassis(entities)
    chassis_model = chassis.model_name if chassis else None
    chassis_serial = chassis.serial if chassis else None
    if rule is None:
        return Classification(None, None, None, chassis_model, None, chassis_serial, None)
    version = _from_oid(varbinds, rule.version_oid) or _from_descr(
        rule.version, rule.derive_version, system
    )
    hardware = (
        _from_descr(rule.hardware, rule.derive_hardware, system)
        or _from_oid(varbinds, rule.hardware_oid)
        or (chassis_model if rule.hardware_from_entity else None)
    )
    serial = (
        _from_oid(varbinds, rule.serial_oid)
        or _from_descr(rule.serial, None, system)
        or chassis_serial
    )
    return Classification(
        vendor=rule.vendor,
        os=rule.os,
        kind=rule.kind,
        hardware=hardware,
        version=version,
        serial=serial,
        rule=rule.name,
    )
