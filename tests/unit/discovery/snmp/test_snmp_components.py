"""Hardware components from ENTITY-MIB (parse_entity.entity_components).

The oracle: every LibreNMS walk in lab/recordings/snmp whose expected results hold
`entity-physical` rows read from ENTITY-MIB, field by field (LibreNMS -> ours):
entPhysicalIndex -> index (as text); entPhysicalClass -> kind (container: slot,
powerSupply: power_supply, a module may be a transceiver, classes we have no kind for:
other); sensors are not components; Name, Descr, MfgName, ModelName, SerialNum,
Hardware/Firmware/SoftwareRev -> name, description, vendor, model, serial, *_rev, where
LibreNMS's empty string is our None; ContainedIn 0 -> None, else the index as text;
ParentRelPos -1 -> None; IsFRU true/false; ifIndex -> port for port entities and
transceivers (LibreNMS also puts an ifIndex on sensors, which are not ours).
LibreNMS builds the Junos rows from JUNIPER-MIB jnxContentsTable (no ENTITY-MIB in the
walk): that walk yields no components. On Huawei VRP both LibreNMS and we take the
description and model from HUAWEI-ENTITY-EXTENT-MIB (hwEntityBomEnDesc,
hwEntityBoardType) where the walk has them.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from discovery.facts import ComponentFacts
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_entity import (
    COMPONENT_KINDS,
    chassis_software_rev,
    entity_components,
    parse_entities,
)
from discovery.snmp.records import EntityPhysical, Value
from lab.sources import lab_data_dir
from tests.snmprec import load_snmprec

LAB = lab_data_dir() / "snmp"
NOT_ENTITY_MIB = {"junos_mx5t-isis"}


def _librenms_rows(name: str) -> list[dict[str, Any]]:
    path = LAB / "expected" / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
    rows: list[dict[str, Any]] = (
        data.get("entity-physical", {}).get("discovery", {}).get("entPhysical", [])
    )
    return rows


WALKS = sorted(p.stem for p in LAB.glob("*.snmprec") if _librenms_rows(p.stem))


@cache
def varbinds(name: str) -> dict[str, Value]:
    return load_snmprec(LAB / f"{name}.snmprec").varbinds


@cache
def components(name: str) -> dict[str, ComponentFacts]:
    snapshot = parse_device(varbinds(name))
    return {c.index: c for c in entity_components(snapshot.entities)}


def _text(value: str | None) -> str | None:
    return value or None


def librenms_component(row: dict[str, Any]) -> dict[str, object]:
    """A LibreNMS entPhysical row in our terms (the mapping in the module docstring)."""
    position = row["entPhysicalParentRelPos"]
    return {
        "index": str(row["entPhysicalIndex"]),
        "name": _text(row["entPhysicalName"]),
        "description": _text(row["entPhysicalDescr"]),
        "vendor": _text(row["entPhysicalMfgName"]),
        "model": _text(row["entPhysicalModelName"]),
        "serial": _text(row["entPhysicalSerialNum"]),
        "hardware_rev": _text(row["entPhysicalHardwareRev"]),
        "firmware_rev": _text(row["entPhysicalFirmwareRev"]),
        "software_rev": _text(row["entPhysicalSoftwareRev"]),
        "contained_in": str(row["entPhysicalContainedIn"] or "") or None,
        "position": position if position is not None and position >= 0 else None,
        "field_replaceable": {"true": True, "false": False}.get(row["entPhysicalIsFRU"]),
    }


def test_there_are_walks_to_check() -> None:
    assert [w for w in WALKS if w not in NOT_ENTITY_MIB]


@pytest.mark.parametrize("name", sorted(NOT_ENTITY_MIB & set(WALKS)))
def test_no_components_where_librenms_read_a_vendor_mib(name: str) -> None:
    assert components(name) == {}


@pytest.mark.parametrize("name", [w for w in WALKS if w not in NOT_ENTITY_MIB])
def test_components_against_librenms(name: str) -> None:
    ours = components(name)
    rows = _librenms_rows(name)
    sensors = {str(r["entPhysicalIndex"]) for r in rows if r["entPhysicalClass"] == "sensor"}
    assert set(ours) == {str(r["entPhysicalIndex"]) for r in rows} - sensors
    for row in rows:
        if row["entPhysicalClass"] == "sensor":
            continue
        component = ours[str(row["entPhysicalIndex"])]
        theirs = librenms_component(row)
        assert {field: getattr(component, field) for field in theirs} == theirs
        kind = COMPONENT_KINDS.get(row["entPhysicalClass"] or "", "other")
        assert component.kind == kind or (kind, component.kind) == ("module", "transceiver")
        if kind == "port" or component.kind == "transceiver":
            assert component.port == row["ifIndex"], component.index


# -- the rules, on rows made here --------------------------------------------------------
ENT = "1.3.6.1.2.1.47.1.1.1.1"
ALIAS = "1.3.6.1.2.1.47.1.3.2.1.2"


def _row(index: int, phys_class: int, contained_in: int, name: str,
         rel_pos: int = 1, **columns: Value) -> dict[str, Value]:  # fmt: skip
    cols: dict[int, Value] = {4: contained_in, 5: phys_class, 6: rel_pos, 7: name.encode()}
    numbers = {"descr": 2, "serial": 11, "model": 13, "sw": 10, "mfg": 12}
    cols.update({numbers[k]: v for k, v in columns.items()})
    return {f"{ENT}.{col}.{index}": value for col, value in cols.items()}


def _entities(*rows: dict[str, Value], aliases: dict[str, Value] | None = None
              ) -> tuple[EntityPhysical, ...]:  # fmt: skip
    varbinds: dict[str, Value] = {}
    for row in rows:
        varbinds.update(row)
    varbinds.update(aliases or {})
    return parse_entities(varbinds)


def test_a_module_in_a_port_is_a_transceiver_of_that_port() -> None:
    entities = _entities(
        _row(1, 3, 0, "chassis", rel_pos=-1, serial=b"CH1", sw=b"9.3(8)"),
        _row(10, 10, 1, "Ethernet1/1"),
        _row(11, 9, 10, "optic", serial=b" SFP123 ", model=b"GLC-SX-MMD", mfg=b""),
        _row(12, 8, 11, "optic temperature"),
        aliases={f"{ALIAS}.10.0": "1.3.6.1.2.1.2.2.1.1.436207616"},
    )
    found = {c.index: c for c in entity_components(entities)}
    assert set(found) == {"1", "10", "11"}  # the sensor is no component
    chassis = found["1"]
    assert (chassis.kind, chassis.contained_in, chassis.position) == ("chassis", None, None)
    assert (found["10"].kind, found["10"].port) == ("port", 436207616)
    optic = found["11"]
    assert (optic.kind, optic.port, optic.contained_in) == ("transceiver", 436207616, "10")
    assert (optic.serial, optic.model, optic.vendor) == ("SFP123", "GLC-SX-MMD", None)
    assert chassis_software_rev(entities) == "9.3(8)"


@pytest.mark.parametrize(
    ("descr", "kind"),
    [("1000BaseSX SFP", "transceiver"), ("SFP-10GBase-SR", "transceiver"),
     ("Xcvr for Ethernet1", "transceiver"), ("WS-X6748-SFP", "module"),
     ("Lane 0 for Xcvr for Ethernet1", "module"), ("Supervisor Module", "module")],
)  # fmt: skip
def test_a_module_that_names_itself_an_optic_is_a_transceiver(descr: str, kind: str) -> None:
    entities = _entities(_row(1, 3, 0, "chassis"), _row(2, 5, 1, "slot"),
                         _row(3, 9, 2, "", descr=descr.encode()))  # fmt: skip
    assert [c.kind for c in entity_components(entities)] == ["chassis", "slot", kind]


def test_chassis_software_rev_is_none_when_no_chassis_tells_it() -> None:
    entities = _entities(_row(1, 3, 0, "chassis", sw=b""), _row(2, 9, 1, "m", sw=b"1.0"))
    assert chassis_software_rev(entities) is None
