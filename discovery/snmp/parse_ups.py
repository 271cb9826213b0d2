"""A UPS behind a network management card (NMC) -> UpsInfo: the UPS's own identity, and
the card as a component. Pure.

The SNMP agent runs on the card, so the system group (APC's sysDescr "APC Web/SNMP
Management Card (... MN:AP9631 HR:05 SN: 5A1234 ...)") describes the card. The UPS is
who the device is:
- APC PowerNet-MIB: upsBasicIdentModel, upsAdvIdentSerialNumber,
  upsAdvIdentFirmwareRevision; the card from sysDescr (MN model, SN serial, HR hardware
  revision, PF firmware), unless it carries the UPS's own serial (a built-in card);
- Eaton/MGE MG-SNMP-UPS-MIB: upsmgIdentFamilyName + upsmgIdentModelName,
  upsmgIdentSerialNumber, upsmgIdentFirmwareVersion; the card as for UPS-MIB below;
- UPS-MIB (RFC 1628): upsIdentManufacturer, upsIdentModel, upsIdentUPSSoftwareVersion
  (no serial); the card is upsIdentAgentSoftwareVersion, when it differs from the UPS's.
A PDU (no UPS ident) is not a UPS here: its sysDescr names the PDU itself.
"""

from __future__ import annotations

import re
from dataclasses import replace

from discovery.facts import ComponentFacts
from discovery.snmp import oids
from discovery.snmp.decode import as_text_or_none, scalar
from discovery.snmp.records import Classification, UpsInfo, Varbinds

CARD_INDEX = "nmc"  # the card's ComponentFacts.index: never an entPhysicalIndex
CARD_NAME = "Network Management Card"
_APC_CARD = re.compile(r"^(?P<descr>APC [^(]*Management Card)\s*\((?P<fields>[^)]*)\)")
_APC_FIELD = re.compile(r"\b(?P<key>MN|SN|HR|PF):\s*(?P<value>\S+)")
_AGENT_SERIAL = re.compile(r"\(SN:?\s*(?P<v>[^)]+?)\s*\)")
_AGENT_VERSION = re.compile(r"\bV\d{3}R\d{3}\w*|(?i:\bv?(?P<v>\d+(?:\.\w+)+))")


def _text(varbinds: Varbinds, oid: str) -> str | None:
    return as_text_or_none(scalar(varbinds, oid))


def _apc_card(sys_descr: str | None, ups_serial: str | None) -> ComponentFacts | None:
    found = _APC_CARD.match(sys_descr or "")
    if found is None:
        return None
    fields = {m.group("key"): m.group("value") for m in _APC_FIELD.finditer(found["fields"])}
    serial = fields.get("SN")
    if serial is not None and serial == ups_serial:
        return None  # the card is the UPS's own
    return ComponentFacts(
        index=CARD_INDEX, kind="module", name=CARD_NAME, description=found["descr"].strip(),
        vendor="APC", model=fields.get("MN"), serial=serial, hardware_rev=fields.get("HR"),
        firmware_rev=fields.get("PF"),
    )  # fmt: skip


def _agent_card(agent: str | None, ups_software: str | None) -> ComponentFacts | None:
    if agent is None or agent == ups_software:
        return None
    serial = _AGENT_SERIAL.search(agent)
    version = _AGENT_VERSION.search(agent)
    return ComponentFacts(
        index=CARD_INDEX, kind="module", name=CARD_NAME, description=agent,
        serial=serial["v"] if serial else None,
        firmware_rev=(version["v"] or version[0]) if version else agent,
    )  # fmt: skip


def _mge_ups(varbinds: Varbinds, agent: str | None) -> UpsInfo | None:
    family = _text(varbinds, oids.MGE_UPS_IDENT_FAMILY)
    model = _text(varbinds, oids.MGE_UPS_IDENT_MODEL)
    serial = _text(varbinds, oids.MGE_UPS_IDENT_SERIAL)
    if not (family or model or serial):
        return None
    firmware = _text(varbinds, oids.MGE_UPS_IDENT_FIRMWARE)
    return UpsInfo(vendor="Eaton", model=" ".join(t for t in (family, model) if t) or None,
                   serial=serial, firmware=firmware, card=_agent_card(agent, firmware))  # fmt: skip


def parse_ups(varbinds: Varbinds, sys_descr: str | None) -> UpsInfo | None:
    """None when the agent speaks for no UPS (no PowerNet, MGE or UPS-MIB ident)."""
    apc_model = _text(varbinds, oids.APC_UPS_BASIC_IDENT_MODEL)
    apc_serial = _text(varbinds, oids.APC_UPS_ADV_IDENT_SERIAL)
    apc_firmware = _text(varbinds, oids.APC_UPS_ADV_IDENT_FIRMWARE)
    if apc_model or apc_serial:
        return UpsInfo(vendor="APC", model=apc_model, serial=apc_serial, firmware=apc_firmware,
                       card=_apc_card(sys_descr, apc_serial))  # fmt: skip
    agent = _text(varbinds, oids.UPS_IDENT_AGENT_SOFTWARE)
    mge = _mge_ups(varbinds, agent)
    if mge is not None:
        return mge
    model = _text(varbinds, oids.UPS_IDENT_MODEL)
    software = _text(varbinds, oids.UPS_IDENT_UPS_SOFTWARE)
    vendor = _text(varbinds, oids.UPS_IDENT_MANUFACTURER)
    if not (model or software or agent or vendor):
        return None
    return UpsInfo(vendor=vendor, model=model, serial=None, firmware=software,
                   card=_agent_card(agent, software))  # fmt: skip


def ups_identity(found: Classification, ups: UpsInfo | None) -> Classification:
    """The classification with the device's model, serial and version the UPS's where it
    told them; what was found otherwise, except the card's own model and serial."""
    if ups is None:
        return found
    card = ups.card
    card_model = card.model if card else None
    card_serial = card.serial if card else None
    return replace(
        found,
        hardware=ups.model or (found.hardware if found.hardware != card_model else None),
        serial=ups.serial or (found.serial if found.serial != card_serial else None),
        version=ups.firmware or found.version,
    )
