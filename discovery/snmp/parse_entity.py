"""ENTITY-MIB entPhysicalTable (+ entAliasMappingTable) -> EntityPhysical rows, and those
rows as the device's hardware components (`entity_components`). Pure.

A component's kind comes from entPhysicalClass; a module that sits in a port, or that
names itself a pluggable optic (SFP, XFP, QSFP, GBIC, CFP, "transceiver", Arista's
"Xcvr") at the start or end of its name, description or model, is a transceiver.
Sensors are not components. A port entity's `port` is the ifIndex
entAliasMappingIdentifier maps it to; a transceiver's is its port's.
On Huawei VRP a board's HUAWEI-ENTITY-EXTENT-MIB BOM description and board type, where
told, are its description and model (as LibreNMS reads them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from discovery.facts import ComponentFacts, ComponentKind
from discovery.snmp import oids
from discovery.snmp.decode import Index, as_int, as_text, as_text_or_none, column, table
from discovery.snmp.records import EntityPhysical, Value, Varbinds

PHYSICAL_CLASS = {
    1: "other",
    2: "unknown",
    3: "chassis",
    4: "backplane",
    5: "container",
    6: "powerSupply",
    7: "fan",
    8: "sensor",
    9: "module",
    10: "port",
    11: "stack",
    12: "cpu",
    13: "energyObject",
    14: "battery",
    15: "storageDrive",
}
# entPhysicalClass -> ComponentKind; any other class (or none told) is "other"
COMPONENT_KINDS: dict[str, ComponentKind] = {
    "chassis": "chassis",
    "container": "slot",
    "module": "module",
    "port": "port",
    "powerSupply": "power_supply",
    "fan": "fan",
    "stack": "stack",
    "cpu": "cpu",
}
NOT_COMPONENTS = frozenset({"sensor"})
# A pluggable optic says so first ("SFP-10GBase-SR", "Transceiver(slot:1-port:1)", "Xcvr
# for Ethernet1") or last ("1000BaseSX SFP"); "WS-X6748-SFP" is a card, "Lane 0 for Xcvr
# for Ethernet1" a part of one
_OPTIC = r"(?:Q?SFP(?:\d+|\+|-DD)?|XFP|GBIC|CFP\d?)"
_TRANSCEIVER = re.compile(rf"(?i)^(?:{_OPTIC}|transceiver|xcvr)(?!\w)|\s{_OPTIC}\+?$")
_IF_INDEX_OID = "1.3.6.1.2.1.2.2.1.1."  # ifIndex.<n>, what entAliasMappingIdentifier holds

# entPhysicalEntry columns
_DESCR, _VENDOR_TYPE, _CONTAINED_IN, _CLASS, _REL_POS, _NAME = 2, 3, 4, 5, 6, 7
_HW_REV, _FW_REV, _SW_REV, _SERIAL, _MFG, _MODEL, _IS_FRU = 8, 9, 10, 11, 12, 13, 16


def _truth(value: int | None) -> bool | None:
    """TruthValue: 1 true, 2 false."""
    return {1: True, 2: False}.get(value) if value is not None else None


def _oid(value: Value | None) -> str | None:
    return value if isinstance(value, str) else None


def parse_alias_if_indexes(varbinds: Varbinds) -> dict[int, int]:
    """entAliasMappingTable: entPhysicalIndex -> the ifIndex it is (logical index 0, the
    mapping valid in every logical entity, wins over a per-context one)."""
    out: dict[int, int] = {}
    rows = table(varbinds, oids.ENT_ALIAS_MAPPING_ENTRY)
    for index in sorted(rows, key=lambda i: (i[1:] != (0,), i)):
        target = _oid(rows[index].get(2))
        if target and target.startswith(_IF_INDEX_OID) and index[0] not in out:
            if_index = as_int(target[len(_IF_INDEX_OID) :])
            if if_index is not None:
                out[index[0]] = if_index
    return out


def _entity(index: Index, row: Mapping[int, Value], if_index: int | None,
            huawei: tuple[str | None, str | None]) -> EntityPhysical:  # fmt: skip
    phys_class = as_int(row.get(_CLASS))
    bom_descr, board_type = huawei
    return EntityPhysical(
        index=index[0],
        phys_class=PHYSICAL_CLASS.get(phys_class) if phys_class is not None else None,
        descr=bom_descr or as_text(row.get(_DESCR)),
        name=as_text(row.get(_NAME)),
        model_name=board_type or as_text(row.get(_MODEL)) or None,
        serial=as_text(row.get(_SERIAL)) or None,
        hardware_rev=as_text(row.get(_HW_REV)),
        firmware_rev=as_text(row.get(_FW_REV)),
        software_rev=as_text(row.get(_SW_REV)),
        mfg_name=as_text(row.get(_MFG)),
        contained_in=as_int(row.get(_CONTAINED_IN)),
        is_fru=_truth(as_int(row.get(_IS_FRU))),
        vendor_type=_oid(row.get(_VENDOR_TYPE)),
        parent_rel_pos=as_int(row.get(_REL_POS)),
        if_index=if_index,
    )


def parse_entities(varbinds: Varbinds) -> tuple[EntityPhysical, ...]:
    rows = table(varbinds, oids.ENT_PHYSICAL_ENTRY)
    aliases = parse_alias_if_indexes(varbinds)
    bom = column(varbinds, oids.HW_ENTITY_BOM_EN_DESC)
    board = column(varbinds, oids.HW_ENTITY_BOARD_TYPE)
    return tuple(
        _entity(index, rows[index], aliases.get(index[0]),
                (as_text_or_none(bom.get(index)), as_text_or_none(board.get(index))))
        for index in sorted(rows)
        if len(index) == 1
    )  # fmt: skip


def chassis_software_rev(entities: Sequence[EntityPhysical]) -> str | None:
    """The first chassis' (in index order) entPhysicalSoftwareRev: the OS version of a
    device whose system group does not tell it cleanly. None when no chassis has one."""
    for entity in sorted(entities, key=lambda e: e.index):
        if entity.phys_class == "chassis" and entity.software_rev:
            return entity.software_rev
    return None


# -- components -----------------------------------------------------------------------
def _told(text: str | None) -> str | None:
    """Stripped, and None when blank; placeholders are kept (the schema judges junk)."""
    return (text.strip() or None) if text is not None else None


def _kind(entity: EntityPhysical, parent: EntityPhysical | None) -> ComponentKind:
    kind = COMPONENT_KINDS.get(entity.phys_class or "", "other")
    if kind != "module":
        return kind
    if parent is not None and parent.phys_class == "port":
        return "transceiver"
    texts = (entity.name, entity.descr, entity.model_name)
    return "transceiver" if any(t and _TRANSCEIVER.search(t) for t in texts) else "module"


def _port(entity: EntityPhysical, kind: ComponentKind,
          by_index: Mapping[int, EntityPhysical]) -> int | None:  # fmt: skip
    """The entity's own ifIndex; a transceiver's nearest port ancestor's."""
    if entity.if_index is not None or kind != "transceiver":
        return entity.if_index
    seen = {entity.index}
    parent = by_index.get(entity.contained_in or 0)
    while parent is not None and parent.index not in seen:
        if parent.phys_class == "port" and parent.if_index is not None:
            return parent.if_index
        seen.add(parent.index)
        parent = by_index.get(parent.contained_in or 0)
    return None


def entity_components(entities: Sequence[EntityPhysical]) -> tuple[ComponentFacts, ...]:
    """Every entity but sensors, in index order, as a component."""
    by_index = {e.index: e for e in entities}
    out: list[ComponentFacts] = []
    for entity in sorted(entities, key=lambda e: e.index):
        if entity.phys_class in NOT_COMPONENTS:
            continue
        kind = _kind(entity, by_index.get(entity.contained_in or 0))
        position = entity.parent_rel_pos
        out.append(ComponentFacts(
            index=str(entity.index),
            kind=kind,
            name=_told(entity.name),
            description=_told(entity.descr),
            vendor=_told(entity.mfg_name),
            model=_told(entity.model_name),
            serial=_told(entity.serial),
            hardware_rev=_told(entity.hardware_rev),
            firmware_rev=_told(entity.firmware_rev),
            software_rev=_told(entity.software_rev),
            contained_in=str(entity.contained_in) if entity.contained_in else None,
            position=position if position is not None and position >= 0 else None,
            field_replaceable=entity.is_fru,
            port=_port(entity, kind, by_index),
        ))  # fmt: skip
    return tuple(out)
