"""Printer-MIB (RFC 3805) -> PrinterInfo: the printer's name, serial, lifetime page count
and supplies. Pure.

The printer is the first hrDeviceTable row of type hrDevicePrinter (its hrDeviceDescr is
the model, e.g. "HP Color LaserJet Pro M252dw"), else the first prtGeneralTable row;
prtGeneralPrinterName when the device has no such row. Page count: the sum of that
printer's prtMarkerLifeCount over its markers (one marker on nearly every printer).
Supplies: prtMarkerSuppliesTable rows in index order (a row without a description is
left out); a negative level or capacity (-1 other, -2 unknown, -3 some remaining) is
not an amount and becomes None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from discovery.facts import SupplyFacts
from discovery.snmp import oids
from discovery.snmp.decode import Index, as_int, as_text_or_none, table
from discovery.snmp.records import Classification, PrinterInfo, Value, Varbinds

HR_DEVICE_PRINTER = "1.3.6.1.2.1.25.3.1.5"
# PrtMarkerSuppliesTypeTC (RFC 3805)
SUPPLY_TYPES = {
    1: "other", 2: "unknown", 3: "toner", 4: "wasteToner", 5: "ink", 6: "inkCartridge",
    7: "inkRibbon", 8: "wasteInk", 9: "opc", 10: "developer", 11: "fuserOil",
    12: "solidWax", 13: "ribbonWax", 14: "wasteWax", 15: "fuser", 16: "coronaWire",
    17: "fuserOilWick", 18: "cleanerUnit", 19: "fuserCleaningPad", 20: "transferUnit",
    21: "tonerCartridge", 22: "fuserOiler", 23: "water", 24: "wasteWater",
    25: "glueWaterAdditive", 26: "wastePaper", 27: "bindingSupply", 28: "bandingSupply",
    29: "stitchingWire", 30: "shrinkWrap", 31: "paperWrap", 32: "staples", 33: "inserts",
    34: "covers",
}  # fmt: skip
# columns
_HR_TYPE, _HR_DESCR = 2, 3
_PRINTER_NAME, _SERIAL = 16, 17
_LIFE_COUNT = 4
_SUPPLY_TYPE, _SUPPLY_DESCR, _SUPPLY_MAX, _SUPPLY_LEVEL = 5, 6, 8, 9


def _amount(value: int | None) -> int | None:
    return value if value is not None and value >= 0 else None


def _printer_index(varbinds: Varbinds, general: Mapping[Index, Mapping[int, Value]]
                   ) -> tuple[int | None, str | None]:  # fmt: skip
    """(hrDeviceIndex, hrDeviceDescr) of the printer device."""
    devices = table(varbinds, oids.HR_DEVICE_ENTRY)
    for index in sorted(devices):
        if devices[index].get(_HR_TYPE) == HR_DEVICE_PRINTER:
            return index[0], as_text_or_none(devices[index].get(_HR_DESCR))
    return (min(general)[0] if general else None), None


def parse_printer(varbinds: Varbinds) -> PrinterInfo | None:
    """None when the agent answered no Printer-MIB table."""
    general = table(varbinds, oids.PRT_GENERAL_ENTRY)
    markers = table(varbinds, oids.PRT_MARKER_ENTRY)
    supplies = table(varbinds, oids.PRT_MARKER_SUPPLIES_ENTRY)
    if not (general or markers or supplies):
        return None
    device, model = _printer_index(varbinds, general)
    row = general.get((device,), {}) if device is not None else {}
    counts = [as_int(m.get(_LIFE_COUNT)) for i, m in sorted(markers.items()) if i[0] == device]
    known = [c for c in counts if c is not None and c >= 0]
    return PrinterInfo(
        model=model or as_text_or_none(row.get(_PRINTER_NAME)),
        serial=as_text_or_none(row.get(_SERIAL)),
        page_count=sum(known) if known else None,
        supplies=tuple(_supplies(supplies)),
    )


def _supplies(rows: Mapping[Index, Mapping[int, Value]]) -> list[SupplyFacts]:
    """In index order; a row that does not say what it is (no description) is left out."""
    out = []
    for index in sorted(rows):
        row = rows[index]
        description = as_text_or_none(row.get(_SUPPLY_DESCR))
        if description is None:
            continue
        out.append(SupplyFacts(
            description=description,
            kind=SUPPLY_TYPES.get(as_int(row.get(_SUPPLY_TYPE)) or 0),
            level=_amount(as_int(row.get(_SUPPLY_LEVEL))),
            capacity=_amount(as_int(row.get(_SUPPLY_MAX))),
        ))  # fmt: skip
    return out


def printer_identity(found: Classification, printer: PrinterInfo | None) -> Classification:
    """The classification, its missing model and serial filled from Printer-MIB."""
    if printer is None:
        return found
    return replace(found, hardware=found.hardware or printer.model,
                   serial=found.serial or printer.serial)  # fmt: skip
