"""Printers (Printer-MIB, parse_printer) and UPSes behind a management card (parse_ups).

The printer oracle: LibreNMS's `printer-supplies` of every LibreNMS walk that has them,
mapped onto ours: its marker supplies (not the input trays, type "input") by
description; supply_descr is our description up to ", PN " (Xerox appends the part and
serial number, LibreNMS cuts them); supply_capacity our capacity; supply_current our
level as a percentage of the capacity (rounded); supply_type our kind, LibreNMS's
"markerSupply" where the walk has no type column (our None). Where the device tells no
capacity (-2, our None) LibreNMS reads the level as a percentage of 100, and a level of
"some remaining" (-3, our None too) as 50; a supply with neither level nor capacity it
leaves out (we keep it, both None).
The UPS walks (snmpsim-data's) have no oracle: their rows are checked against the
recordings' own values.
"""

from __future__ import annotations

import asyncio
import bz2
import json
from typing import Any

import pytest
from pysnmp.proto import rfc1902

from discovery.facts import DeviceFacts, SupplyFacts
from discovery.snmp import oids
from discovery.snmp.collect import CollectOptions, CollectResult, SnmpCollector, Target
from discovery.snmp.credentials import Secret, SnmpV2c
from discovery.snmp.facts import snmp_facts
from discovery.snmp.parse import parse_device
from discovery.snmp.parse_printer import HR_DEVICE_PRINTER, parse_printer
from discovery.snmp.parse_ups import CARD_INDEX
from discovery.snmp.records import Value
from lab.sources import lab_data_dir
from tests.contract.cases import snmp_case, snmp_source
from tests.snmprec import load_snmprec, parse_snmprec_line
from tests.unit.discovery.snmp.test_snmp_collect import COMMUNITY, AgentDouble

LAB = lab_data_dir() / "snmp"


def _supplies_expected(name: str) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((LAB / "expected" / f"{name}.json").read_text())
    rows: list[dict[str, Any]] = data["printer-supplies"]["discovery"]["printer_supplies"]
    return sorted((r for r in rows if r["supply_type"] != "input"),
                  key=lambda r: r["supply_index"])  # fmt: skip


PRINTERS = sorted(
    p.stem
    for p in (LAB / "expected").glob("*.json")
    if "printer-supplies" in json.loads(p.read_text()) and (LAB / f"{p.stem}.snmprec").is_file()
)


def _ours(supply: SupplyFacts, theirs: dict[str, Any]) -> dict[str, object]:
    """Ours in LibreNMS's terms (the module docstring); what we cannot tell (a level of
    "some remaining") is taken as LibreNMS's."""
    level, capacity = supply.level, supply.capacity or 100
    return {
        "supply_descr": supply.description.split(", PN ", 1)[0],
        "supply_type": supply.kind or "markerSupply",
        "supply_capacity": capacity,
        "supply_current": (round(level * 100 / capacity) if level is not None
                           else theirs["supply_current"]),
    }  # fmt: skip


def test_there_are_printers_to_check() -> None:
    assert PRINTERS


@pytest.mark.parametrize("name", PRINTERS)
def test_supplies_against_librenms(name: str) -> None:
    snapshot = parse_device(load_snmprec(LAB / f"{name}.snmprec").varbinds)
    assert snapshot.printer is not None
    theirs = {row["supply_descr"]: {key: row[key] for key in (
        "supply_descr", "supply_type", "supply_capacity", "supply_current")}
        for row in _supplies_expected(name)}  # fmt: skip
    ours = {s.description.split(", PN ", 1)[0]: s for s in snapshot.printer.supplies}
    assert set(theirs) <= set(ours)
    for descr, supply in ours.items():
        if descr not in theirs:  # left out by LibreNMS: nothing told of its amount
            assert (supply.level, supply.capacity) == (None, None), descr
        else:
            assert _ours(supply, theirs[descr]) == theirs[descr]


def _recorded_ints(name: str, prefix: str) -> list[int]:
    """The recording's integer values below `prefix`, read from its lines."""
    out = []
    for line in (LAB / f"{name}.snmprec").read_text(encoding="latin-1").splitlines():
        oid, tag, value = line.split("|", 2)
        if oid.startswith(prefix + ".") and tag in ("2", "65"):
            out.append(int(value))
    return out


def test_page_count_is_the_printers_life_count() -> None:
    counted = [n for n in sorted(p.stem for p in LAB.glob("*.snmprec"))
               if _recorded_ints(n, oids.PRT_MARKER_ENTRY + ".4")]  # fmt: skip
    assert counted
    for name in counted:
        facts = snmp_case(name)
        assert facts.system.page_count == sum(_recorded_ints(name, oids.PRT_MARKER_ENTRY + ".4"))


# -- rules, on rows made here -----------------------------------------------------------
SUPPLIES = oids.PRT_MARKER_SUPPLIES_ENTRY
GENERAL = oids.PRT_GENERAL_ENTRY
HR_DEVICE = oids.HR_DEVICE_ENTRY


def test_unknown_amounts_and_nameless_supplies() -> None:
    varbinds: dict[str, Value] = {
        f"{HR_DEVICE}.2.1": "1.3.6.1.2.1.25.3.1.1",  # a processor first
        f"{HR_DEVICE}.2.2": "1.3.6.1.2.1.25.3.1.5",
        f"{HR_DEVICE}.3.2": b"Brother MFC-L2710DW series",
        f"{GENERAL}.17.2": b"E78123A9N123456",
        f"{oids.PRT_MARKER_ENTRY}.4.2.1": 4321,
        f"{SUPPLIES}.5.2.1": 3, f"{SUPPLIES}.6.2.1": b"Black Toner", f"{SUPPLIES}.8.2.1": -2,
        f"{SUPPLIES}.9.2.1": -3,
        f"{SUPPLIES}.5.2.2": 9, f"{SUPPLIES}.8.2.2": 12000, f"{SUPPLIES}.9.2.2": 11501,
    }  # fmt: skip
    printer = parse_printer(varbinds)
    assert printer is not None
    assert (printer.model, printer.serial, printer.page_count) == (
        "Brother MFC-L2710DW series", "E78123A9N123456", 4321)  # fmt: skip
    assert printer.supplies == (SupplyFacts("Black Toner", "toner", None, None),)


def test_no_printer_mib_no_printer() -> None:
    assert parse_printer({f"{HR_DEVICE}.2.1": "1.3.6.1.2.1.25.3.1.5"}) is None


# -- UPS ----------------------------------------------------------------------------------
APC_CARD_DESCR = (b"APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.4.6 PN:apc_hw05_aos_646.bin "
                  b"AF1:v6.4.6 AN1:apc_hw05_sumx_646.bin MN:AP9631 HR:05 SN: 5A1234E56789 "
                  b"MD:06/12/2012) (Embedded PowerNet SNMP Agent SW v2.2 compatible)")  # fmt: skip


def _apc_ups(**scalars: bytes) -> DeviceFacts:
    varbinds: dict[str, Value] = {
        oids.SYS_DESCR: APC_CARD_DESCR,
        oids.SYS_OBJECT_ID: "1.3.6.1.4.1.318.1.3.27",  # a Smart-UPS behind an AP9631
        oids.SYS_NAME: b"ups-dc01",
    }
    names = {"model": oids.APC_UPS_BASIC_IDENT_MODEL, "serial": oids.APC_UPS_ADV_IDENT_SERIAL,
             "firmware": oids.APC_UPS_ADV_IDENT_FIRMWARE}  # fmt: skip
    varbinds.update({names[k]: v for k, v in scalars.items()})
    return snmp_facts(parse_device(varbinds), None)


def test_an_apc_ups_is_the_ups_and_its_card_a_component() -> None:
    facts = _apc_ups(model=b"Smart-UPS X 3000", serial=b"AS1234567890", firmware=b"UPS 09.3")
    assert (facts.system.kind, facts.system.model, facts.system.serial) == (
        "ups", "Smart-UPS X 3000", "AS1234567890")  # fmt: skip
    (card,) = [c for c in facts.components if c.index == CARD_INDEX]
    assert (card.kind, card.model, card.serial, card.hardware_rev, card.firmware_rev) == (
        "module", "AP9631", "5A1234E56789", "05", "v6.4.6")  # fmt: skip


def test_a_ups_that_tells_no_serial_does_not_take_the_cards() -> None:
    facts = _apc_ups(model=b"Smart-UPS 1500")
    assert (facts.system.model, facts.system.serial) == ("Smart-UPS 1500", None)
    assert [c.serial for c in facts.components] == ["5A1234E56789"]


def test_a_pdu_with_its_built_in_card_stays_as_it_was() -> None:
    facts = snmp_case("UPS-apc-7902b")  # sysDescr's MN/SN are the PDU's own
    assert (facts.system.kind, facts.system.model, facts.system.serial) == (
        "pdu", "AP7902B", "5A1551F39430")  # fmt: skip
    assert not [c for c in facts.components if c.index == CARD_INDEX]


@pytest.mark.parametrize(
    ("name", "card_serial"),
    [("UPS-eastpower-istars-swv053", None), ("UPS-ingrasys-power-switch", "11120051132123")],
)
def test_ups_mib_agent_is_the_card(name: str, card_serial: str | None) -> None:
    facts = snmp_case(name)
    assert facts.system.kind == "ups"
    assert facts.system.model == _text(name, oids.UPS_IDENT_MODEL)
    (card,) = [c for c in facts.components if c.index == CARD_INDEX]
    assert card.description is not None and card.serial == card_serial
    assert card.description == _text(name, oids.UPS_IDENT_AGENT_SOFTWARE)


def test_an_apc_smart_ups_walk_is_the_ups() -> None:
    name = "apc_smt750x-nmc2"  # a Smart-UPS X behind an AP9631 card
    facts = snmp_case(name)
    system = facts.system
    assert (system.kind, system.model, system.serial) == (
        "ups", _text(name, oids.APC_UPS_BASIC_IDENT_MODEL),
        _text(name, oids.APC_UPS_ADV_IDENT_SERIAL))  # fmt: skip
    (card,) = [c for c in facts.components if c.index == CARD_INDEX]
    descr = _text(name, oids.SYS_DESCR) or ""
    assert card.serial and f"SN: {card.serial} " in descr and card.serial != system.serial
    assert card.model and f"MN:{card.model} " in descr


@pytest.mark.parametrize("name", ["eaton-mgeups_9px", "UPS-eaton-93e-80"])
def test_an_eaton_mge_ups_is_told_by_its_own_mib(name: str) -> None:
    facts = snmp_case(name)
    family, model = _text(name, oids.MGE_UPS_IDENT_FAMILY), _text(name, oids.MGE_UPS_IDENT_MODEL)
    assert facts.system.model == " ".join(t for t in (family, model) if t)
    assert facts.system.serial == _text(name, oids.MGE_UPS_IDENT_SERIAL)
    (card,) = [c for c in facts.components if c.index == CARD_INDEX]
    assert card.description == _text(name, oids.UPS_IDENT_AGENT_SOFTWARE)


def _text(name: str, oid: str) -> str | None:
    """The recording's value of `oid`, read from its line, as text."""
    path = snmp_source(name).path
    opener = bz2.open if path.suffix == ".bz2" else open
    with opener(path, "rt", encoding="latin-1") as lines:
        for lineno, line in enumerate(lines, 1):
            if line.startswith(oid + "|"):
                parsed = parse_snmprec_line(str(path), lineno, line.strip())
                if isinstance(parsed, tuple) and isinstance(parsed[1], bytes):
                    return parsed[1].decode().strip()
    return None


# -- where the Printer-MIB is walked (oids.WALK_WHEN), against the collector's agent double
PRINTER_TABLES = ("prtMarkerSuppliesTable", "prtGeneralTable", "prtMarkerTable")


def _printer_tables_walked(rows: dict[str, Any]) -> dict[str, tuple[str, int]]:
    base = {"1.3.6.1.2.1.1.1.0": rfc1902.OctetString(b"double"),
            "1.3.6.1.2.1.2.2.1.1.1": rfc1902.Integer32(1)}  # fmt: skip
    loop = asyncio.new_event_loop()
    try:
        transport, _double = loop.run_until_complete(loop.create_datagram_endpoint(
            lambda: AgentDouble({**base, **rows}), local_addr=("127.0.0.1", 0)))  # fmt: skip
        target = Target("127.0.0.1", transport.get_extra_info("sockname")[1])

        async def run() -> CollectResult:
            async with SnmpCollector(CollectOptions(timeout=0.5, retries=0)) as collector:
                return await collector.collect(target, SnmpV2c(Secret(COMMUNITY)))

        result = loop.run_until_complete(run())
        transport.close()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    return {c.name: (c.status, c.requests) for c in result.coverage if c.name in PRINTER_TABLES}


def test_a_switch_pays_one_request_for_the_printer_mib() -> None:
    walked = _printer_tables_walked({})  # no supplies
    assert walked.pop("prtMarkerSuppliesTable") == ("empty", 1)
    assert walked == dict.fromkeys(PRINTER_TABLES[1:], ("empty", 0))


def test_a_printer_without_host_resources_has_its_printer_mib_walked() -> None:
    """A Xerox AltaLink lists no hrDeviceTable; its Printer-MIB is still read."""
    walked = _printer_tables_walked({
        f"{SUPPLIES}.6.1.1": rfc1902.OctetString(b"Black Toner"),
        f"{GENERAL}.17.1": rfc1902.OctetString(b"SN1"),
        f"{oids.PRT_MARKER_ENTRY}.4.1.1": rfc1902.Counter32(100),
    })  # fmt: skip
    assert {name: status for name, (status, _requests) in walked.items()} == dict.fromkeys(
        PRINTER_TABLES, "ok"
    )


def test_a_printer_has_its_printer_mib_walked() -> None:
    walked = _printer_tables_walked({
        f"{HR_DEVICE}.2.1": rfc1902.ObjectIdentifier(HR_DEVICE_PRINTER),
        f"{SUPPLIES}.6.1.1": rfc1902.OctetString(b"Black Toner"),
        f"{GENERAL}.17.1": rfc1902.OctetString(b"SN1"),
        f"{oids.PRT_MARKER_ENTRY}.4.1.1": rfc1902.Counter32(100),
    })  # fmt: skip
    assert {name: status for name, (status, _requests) in walked.items()} == dict.fromkeys(
        PRINTER_TABLES, "ok"
    )
