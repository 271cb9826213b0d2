"""What a device is: vendor, OS, kind, hardware, version, serial. Pure.

One table of rules (classify_rules.RULES), tried in order; the first whose conditions
all hold wins (sysObjectID at or below a root, sysDescr pattern, an answered standard
MIB scalar, the chassis's description). Each rule then says where its facts come from,
in order of trust: a vendor scalar OID, a sysDescr pattern (named group ``v``), and for
hardware and serial the first ENTITY-MIB chassis. The vendor is the rule's, else its
vendor scalar's, else the owner of the sysObjectID's enterprise number (vendors.py).
Adding a platform is adding a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from discovery.snmp.classify_rules import RULES, Derive, Rule
from discovery.snmp.decode import as_text_or_none, scalar
from discovery.snmp.records import Classification, EntityPhysical, SystemInfo, Varbinds
from discovery.snmp.vendors import spelling, vendor_of

__all__ = ["RULES", "Rule", "match_rule", "normal_version", "parse_classification"]

# OS -> the version inside what the device printed (group v): FortiOS "v7.2.6,build1575,
# 230926 (GA.F)" is 7.2.6; NX-OS "9.3(8) [Maintenance Release]" is 9.3(8); a Hikvision
# camera's "V5.5.3 build 171025" is V5.5.3.
VERSION_PATTERNS = {
    "fortios": r"^v?(?P<v>\d+(?:\.\d+)+)",
    "nxos": r"^(?P<v>\S+?)(?:\s*\[[^\]]*\])?$",
    "hikvision": r"^(?P<v>V\d+(?:\.\d+)+)",  # "V5.5.3 build 171025"
}


def normal_version(os_name: str | None, raw: str | None) -> str | None:
    """The version in a comparable form (VERSION_PATTERNS); the raw one when no pattern
    applies or matches."""
    pattern = VERSION_PATTERNS.get(os_name or "")
    found = re.search(pattern, raw) if pattern and raw else None
    return found.group("v") if found else raw


def _under(object_id: str, roots: Sequence[str]) -> bool:
    """``object_id`` is one of ``roots`` or below one (arc-wise, so 9.1.28 is not 9.1.283)."""
    for root in roots:
        root = root.rstrip(".")
        if object_id == root or object_id.startswith(root + "."):
            return True
    return False


def _chassis_text(entities: Sequence[EntityPhysical]) -> str:
    chassis = _chassis(entities)
    return " ".join(t for t in (chassis.descr, chassis.model_name) if t) if chassis else ""


def match_rule(
    system: SystemInfo,
    rules: Sequence[Rule] = RULES,
    *,
    varbinds: Varbinds | None = None,
    entities: Sequence[EntityPhysical] = (),
) -> Rule | None:
    """The first rule whose every condition holds (see classify_rules)."""
    object_id = system.object_id or ""
    descr = system.descr or ""
    for rule in rules:
        if rule.object_ids and not _under(object_id, rule.object_ids):
            continue
        if rule.descr is not None and not re.search(rule.descr, descr):
            continue
        if rule.evidence and not any(
            scalar(varbinds or {}, oid) is not None for oid in rule.evidence
        ):
            continue
        if rule.chassis is not None and not re.search(rule.chassis, _chassis_text(entities)):
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


def _from_oid(
    varbinds: Varbinds,
    oid: str | None,
    pattern: str | None = None,
    names: Sequence[tuple[str, str]] = (),
) -> str | None:
    """The scalar's text; with `pattern`, its group v (None when it does not match);
    with `names`, an enumeration's name for the value (None for a value not named)."""
    text = as_text_or_none(scalar(varbinds, oid)) if oid else None
    if text is None:
        return None
    text = text.strip()
    if names:
        return dict(names).get(text)
    if pattern is not None:
        found = re.search(pattern, text)
        return found.group("v").strip() or None if found else None
    return text


def _vendor(rule: Rule, system: SystemInfo, varbinds: Varbinds) -> str | None:
    """The rule's vendor, else what the device says (in our spelling of a vendor we
    know: HUAWEI is Huawei), else the owner of its enterprise number, else the rule's
    fallback."""
    if rule.vendor is not None:
        return rule.vendor
    said = _from_oid(varbinds, rule.vendor_oid)
    if said is not None:
        return spelling(said)
    return vendor_of(system.object_id) or rule.fallback_vendor


def _chassis(entities: Sequence[EntityPhysical]) -> EntityPhysical | None:
    """The first chassis row; an agent that fills no entPhysicalClass (a FortiGate 60F)
    has its top row (contained in nothing) as its chassis."""
    chassis = [e for e in entities if e.phys_class == "chassis"]
    if not chassis and all(e.phys_class is None for e in entities):
        chassis = [e for e in entities if not e.contained_in]
    return min(chassis, key=lambda e: e.index) if chassis else None


def parse_classification(
    system: SystemInfo,
    varbinds: Varbinds,
    entities: Sequence[EntityPhysical] = (),
    rules: Sequence[Rule] = RULES,
) -> Classification:
    rule = match_rule(system, rules, varbinds=varbinds, entities=entities)
    chassis = _chassis(entities)
    chassis_model = chassis.model_name if chassis else None
    chassis_serial = chassis.serial if chassis else None
    vendor = _vendor(rule, system, varbinds) if rule is not None else None
    if rule is None or (vendor, rule.os, rule.kind) == (None, None, None):
        return Classification(None, None, None, chassis_model, None, chassis_serial, None)
    version = (
        _from_oid(varbinds, rule.version_oid, rule.version_oid_pattern)
        or (chassis.software_rev or None if rule.version_from_entity and chassis else None)
        or _from_descr(rule.version, rule.derive_version, system)
    )
    hardware = (
        _from_descr(rule.hardware, rule.derive_hardware, system)
        or _from_oid(varbinds, rule.hardware_oid, rule.hardware_oid_pattern, rule.hardware_names)
        or (chassis_model if rule.hardware_from_entity else None)
    )
    serial = (
        _from_oid(varbinds, rule.serial_oid)
        or _from_descr(rule.serial, None, system)
        or chassis_serial
    )
    return Classification(
        vendor=vendor,
        os=rule.os,
        kind=rule.kind,
        hardware=hardware,
        version=version,
        serial=serial,
        rule=rule.name,
    )
