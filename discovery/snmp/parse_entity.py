"""ENTITY-MIB entPhysicalTable -> EntityPhysical rows. Pure."""

from __future__ import annotations

from discovery.snmp import oids
from discovery.snmp.decode import as_int, as_text, table
from discovery.snmp.records import EntityPhysical, Varbinds

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

# entPhysicalEntry columns
_DESCR, _CONTAINED_IN, _CLASS, _NAME = 2, 4, 5, 7
_HW_REV, _FW_REV, _SW_REV, _SERIAL, _MFG, _MODEL, _IS_FRU = 8, 9, 10, 11, 12, 13, 16


def _truth(value: int | None) -> bool | None:
    """TruthValue: 1 true, 2 false."""
    return {1: True, 2: False}.get(value) if value is not None else None


def parse_entities(varbinds: Varbinds) -> tuple[EntityPhysical, ...]:
    out: list[EntityPhysical] = []
    rows = table(varbinds, oids.ENT_PHYSICAL_ENTRY)
    for index in sorted(rows):
        if len(index) != 1:
            continue
        row = rows[index]
        phys_class = as_int(row.get(_CLASS))
        out.append(
            EntityPhysical(
                index=index[0],
                phys_class=PHYSICAL_CLASS.get(phys_class) if phys_class is not None else None,
                descr=as_text(row.get(_DESCR)),
                name=as_text(row.get(_NAME)),
                model_name=as_text(row.get(_MODEL)) or None,
                serial=as_text(row.get(_SERIAL)) or None,
                hardware_rev=as_text(row.get(_HW_REV)),
                firmware_rev=as_text(row.get(_FW_REV)),
                software_rev=as_text(row.get(_SW_REV)),
                mfg_name=as_text(row.get(_MFG)),
                contained_in=as_int(row.get(_CONTAINED_IN)),
                is_fru=_truth(as_int(row.get(_IS_FRU))),
            )
        )
    return tuple(out)
