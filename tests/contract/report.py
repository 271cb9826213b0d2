"""The share of mapped fields equal to LibreNMS's discovery, per device and overall.

    .venv/bin/python -m tests.contract.report               # the committed expected files
    .venv/bin/python -m tests.contract.report --live        # what the SNMP driver makes now
    .venv/bin/python -m tests.contract.report --mismatches  # and every unequal field

For every LibreNMS walk with expected results (lab/recordings/snmp/expected/<name>.json)
each mapped field is one check, equal or not; `test_contract_oracles.py` asserts the
issue's bar on them (THRESHOLDS). The field mapping, LibreNMS -> ours:

- device (the device-level fields): os.type -> system.kind through LIBRENMS_TYPE (one
  LibreNMS type covers several of our kinds; LIBRENMS_OS_KINDS where LibreNMS files an
  os under another type: a video recorder under network, a BMC under appliance); os.os -> os_name through LIBRENMS_OS;
  the vendor LibreNMS's os stands for (LIBRENMS_VENDOR; an os of many makers, linux,
  has none) -> vendor; os.version / hardware / serial -> os_version / model / serial,
  each where LibreNMS has a value (where it has none we may: a JetDirect's serial from
  sysDescr); the version through VERSION_IN and against os_version_raw too, a VRP series
  for its models, a Linux board as "<maker> <model>" (see device_field). NOT_COMPARABLE
  lists the values LibreNMS keeps under a name they are not (printed as not compared).
- system: os.sysObjectID (leading dot dropped) -> object_id, os.sysDescr -> description
  (LibreNMS drops a wrapping in quotes or backslashes: _librenms_text).
- interfaces, per port LibreNMS keeps (its per-OS ignore rules drop some): ifName
  (canonical) -> name; ifDescr -> descr, LibreNMS filling an empty one with ifName;
  ifAlias -> alias, LibreNMS filling an empty one with ifDescr; ifType; from its poller ifMtu, ifAdminStatus, ifOperStatus,
  ifPhysAddress (all zeros: none; a Dahua's hex of the MAC's text: librenms_mac),
  ifSpeed (bit/s; none: 0 or none).
- addresses: each (address, prefix length, ifIndex) of LibreNMS's or ours on a port it
  keeps, equal when both have it (IPv6 ::1 skipped and an IPv4 address without a
  netmask: LibreNMS drops them; its IPv6 prefix length 0 is "none given":
  librenms_keeps_address, librenms_address).
- neighbours: each (protocol, local port name, remote name) of LibreNMS's or ours,
  equal when both have it; per LibreNMS link its remote port (LLDP: LibreNMS appends
  `` (<chassis MAC>)`` when it does not know the remote device, stripped) and for CDP
  its platform.
- chassis: the ENTITY-MIB chassis rows' serials, by position (Junos: LibreNMS builds
  the rows from JUNIPER-MIB, we read ENTITY-MIB only: those count as unequal).
`MAPPINGS` lists these; a helper mapping another section adds its function there.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from discovery.identifiers import canonical_ifname
from lab.sources import lab_data_dir
from tests.contract.cases import (
    LIBRENMS_OS,
    LIBRENMS_VENDOR,
    expected_path,
    getters_json,
    librenms_expected,
    librenms_kinds,
    snmp_case,
)

DEVICE = "device"  # the device-level area: class, vendor, model, serial, OS, version
THRESHOLDS = {"overall": 0.995, DEVICE: 0.97}  # the bar: overall, each device's
LAB = lab_data_dir() / "snmp"
LIBRENMS_CASES = sorted(p.stem for p in LAB.glob("*.snmprec")
                        if (LAB / "expected" / f"{p.stem}.json").is_file())  # fmt: skip
Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Check:
    """One mapped field: what LibreNMS found and what we did."""

    area: str
    field: str
    theirs: object
    ours: object

    @property
    def equal(self) -> bool:
        return self.theirs == self.ours


def _presence(area: str, theirs: Iterable[object], ours: Iterable[object]) -> list[Check]:
    """Each row either side has is one check, equal when both have it."""
    want, got = set(theirs), set(ours)
    return [Check(area, repr(row), row in want, row in got)
            for row in sorted(want | got, key=repr)]  # fmt: skip


# (LibreNMS os, field) -> why LibreNMS's value is not that field: listed by the report
# as not compared, never counted either way.
NOT_COMPARABLE = {
    ("hikvision-nvr", "version"): "hikEntitySubType, a product sub-type code (200: NVR), "
    "not a version; HIKVISION-MIB has no firmware version",
}


def device_checks(librenms: Json, ours: Json) -> list[Check]:
    (device,) = librenms["os"]["discovery"]["devices"]
    system = ours["system"]
    kinds = librenms_kinds(device["os"], device["type"])
    out = [
        Check(DEVICE, "kind", device["type"], device["type"] if system.get("kind") in kinds
              else f"{system.get('kind')} (not one of {sorted(kinds)})"),
        Check(DEVICE, "os_name", LIBRENMS_OS.get(device["os"], device["os"]),
              system.get("os_name")),
        Check("system", "object_id", (device["sysObjectID"] or "").lstrip(".") or None,
              system.get("object_id")),
        Check("system", "description", device["sysDescr"],
              _librenms_text(system.get("description"))),
    ]  # fmt: skip
    vendor = LIBRENMS_VENDOR.get(device["os"])
    if vendor is not None:
        out.append(Check(DEVICE, "vendor", vendor, system.get("vendor")))
    for theirs, field in (("version", "os_version"), ("hardware", "model"), ("serial", "serial")):
        if device[theirs] is not None and (device["os"], theirs) not in NOT_COMPARABLE:
            out.append(device_field(device["os"], theirs, device[theirs] or None, system, field,
                                    ours.get("components", ())))
    return out


# LibreNMS os -> how its version is written around the release we keep: VRP's is "<VRP
# version> (<release>) [<patch>]", IOS-XE's "<image feature set> <release>".
# APC's is its management card's "AOS v<firmware> / App v<application>".
VERSION_IN = {"vrp": r"\((?P<v>[^)]+)\)", "iosxe": r"(?P<v>\S+)$", "apc": r"^AOS v(?P<v>\S+)"}


def device_field(os_name: str, theirs: str, value: str | None, system: Json, field: str,
                 components: Iterable[Json] = ()) -> Check:  # fmt: skip
    """LibreNMS's version is compared with our normalised and our raw version (it keeps
    FortiOS's "v7.2.6,build1575,230926 (GA.F)" as printed), after VERSION_IN; a VRP
    hardware LibreNMS names by its series (S5300: the model's digits after the series'
    zeroed) equals a model of that series (S5328C-EI); a Linux server's hardware from its
    maker's agent LibreNMS writes "<maker> <model>" (our vendor and model); APC's version
    is its management card's AOS (our card component's firmware, or our version where
    the card is the device) and its hardware our model with a revision appended;
    LibreNMS's empty string is None."""
    ours = system.get(field)
    if theirs == "version" and value is not None:
        inner = re.search(VERSION_IN[os_name], value) if os_name in VERSION_IN else None
        value = inner.group("v") if inner else value
        cards = [c.get("firmware_rev", "").lstrip("v") for c in components
                 if os_name == "apc" and c.get("index") == "nmc"]  # fmt: skip
        if value in (system.get("os_version_raw"), *cards):
            ours = value
    if theirs == "hardware" and os_name == "linux" and ours and system.get("vendor"):
        if value == f"{system['vendor']} {ours}":
            ours = value  # LibreNMS names a server maker's board as "<maker> <model>"
    if theirs == "hardware" and os_name == "apc" and value and ours:
        if value.startswith(f"{ours} "):
            ours = value  # LibreNMS appends a revision: the PDU's HR, the UPS's firmware
    if theirs == "hardware" and os_name == "vrp" and value and ours and value != ours:
        series = re.fullmatch(r"(?P<head>[A-Z]+\d*?[1-9])(?P<zeros>0+)", value)
        if series and re.match(rf"{series['head']}\d{{{len(series['zeros'])}}}", ours):
            ours = value
    return Check(DEVICE, field, value, ours)


def _mac(mac: str | None) -> str | None:
    return None if mac is None or set(mac) <= {"0"} else mac


def librenms_mac(theirs: str | None, ours: str | None) -> str | None:
    """LibreNMS's ifPhysAddress (bare hex) as we write it (colons). All zeros is none;
    where LibreNMS hex-encoded the first six characters of the MAC's text instead of
    its bytes (a Dahua's ``33633a65663a``: "3c:ef:"), it stands for that MAC."""
    theirs = _mac(theirs)
    if theirs is None:
        return None
    if ours is not None:
        try:
            as_text = bytes.fromhex(theirs).decode("ascii")
        except (ValueError, UnicodeDecodeError):
            as_text = ""
        if len(as_text) == 6 and ours.startswith(as_text):
            return ours
    return ":".join(theirs[i : i + 2] for i in range(0, len(theirs), 2))


def interface_checks(librenms: Json, ours: Json) -> list[Check]:
    if "ports" not in librenms:
        return []
    mine = {i["if_index"]: i for i in ours["interfaces"]}
    ports = librenms["ports"]
    polled = {p["ifIndex"]: p for p in ports["poller"]["ports"]} if isinstance(
        ports["poller"], dict) else {}  # fmt: skip
    out = []
    for port in ports["discovery"]["ports"]:
        index = port["ifIndex"]
        iface, poll = mine.get(index, {}), polled.get(index, port)
        speed = poll["ifSpeed"] // 1_000_000 if poll["ifSpeed"] else None
        pairs = (
            ("name", canonical_ifname(port["ifName"]), _our_name(iface)),
            ("descr", port["ifDescr"], _librenms_descr(iface)),
            ("alias", port["ifAlias"], _librenms_alias(iface)),
            ("if_type", port["ifType"], iface.get("if_type")),
            ("mtu", poll["ifMtu"], iface.get("mtu")),
            ("admin_status", poll["ifAdminStatus"], iface.get("admin_status")),
            ("oper_status", poll["ifOperStatus"], iface.get("oper_status")),
            ("mac", librenms_mac(poll["ifPhysAddress"], iface.get("mac")), iface.get("mac")),
            ("speed_mbps", speed, iface.get("speed_mbps") or None),
        )  # fmt: skip
        out += [Check("interfaces", f"{index} {what}", t, o) for what, t, o in pairs]
    return out


def _librenms_text(text: str | None) -> str | None:
    """LibreNMS's parsing of net-snmp's output drops a wrapping in backslashes
    (``\\A EDICION-1\\``, recorded so on Arista) or double quotes (a VRP sysDescr)."""
    if text is not None and len(text) >= 2 and text[0] == text[-1] and text[0] in '\\"':
        return text[1:-1]
    return text


def _our_name(iface: Json) -> str | None:
    """A port whose name another port of the device has is an Interface CI named with its
    ifIndex ('NC-8800w [3]', discovery.normalize_rows.duplicate_name); LibreNMS keeps the
    name as told: the suffix is dropped to compare."""
    name, index = iface.get("name"), iface.get("if_index")
    suffix = f" [{index}]"
    if isinstance(name, str) and index is not None and name.endswith(suffix):
        return name[: -len(suffix)]
    return name


def _librenms_descr(iface: Json) -> str | None:
    """LibreNMS fills an empty ifDescr with ifName (a FortiGate's are empty): ours, else
    our name."""
    return iface.get("descr") or iface.get("name")


def _librenms_alias(iface: Json) -> str | None:
    """LibreNMS fills an empty ifAlias with ifDescr (and see _librenms_text)."""
    return _librenms_text(iface.get("alias")) or _librenms_descr(iface)


def address_checks(librenms: Json, ours: Json) -> list[Check]:
    """Where LibreNMS's results hold an address section (its test of that module)."""
    if "ports" not in librenms or not {"ipv4-addresses", "ipv6-addresses"} & set(librenms):
        return []
    kept = {p["ifIndex"] for p in librenms["ports"]["discovery"]["ports"]}
    want = set()
    for version, key in (("ipv4", "ipv4_address"), ("ipv6", "ipv6_compressed")):
        section = librenms.get(f"{version}-addresses", {}).get("discovery", {})
        want |= {(r[key], r[f"{version}_prefixlen"], r["ifIndex"])
                 for r in section.get(f"{version}_addresses", [])}  # fmt: skip
    got = {(a["address"], a.get("prefix_length"), a["port"]) for a in ours["addresses"]
           if a["port"] in kept and librenms_keeps_address(a["address"], a.get("prefix_length"))}  # fmt: skip
    return _presence("addresses", {librenms_address(*row) for row in want}, got)


def librenms_keeps_address(address: str, prefix_length: int | None) -> bool:
    """LibreNMS drops IPv6 ::1, and an IPv4 address whose netmask the agent did not
    give (an APC's 192.168.101.9); we keep that one, without a prefix length."""
    return address != "::1" and (prefix_length is not None or ":" in address)


def librenms_address(
    address: str, prefix_length: int, if_index: int
) -> tuple[str, int | None, int]:
    """LibreNMS writes an IPv6 prefix length the agent did not give (ipAddressPrefix
    0.0, an ASA's link-local address) as 0; ours is None."""
    return address, (None if prefix_length == 0 and ":" in address else prefix_length), if_index


_UNKNOWN_REMOTE = re.compile(r" \([0-9a-f]{12}\)$")


def strip_unknown_remote(port: str | None) -> str | None:
    """LibreNMS appends `` (<chassis MAC>)`` to the remote port of a device it does not
    know (all zeros where the chassis ID is no MAC: a ProCurve's "41 (000000000000)")."""
    return _UNKNOWN_REMOTE.sub("", port or "") or None


def neighbour_checks(librenms: Json, ours: Json) -> list[Check]:
    if "discovery-protocols" not in librenms:
        return []
    names = {i["if_index"]: i.get("name") for i in ours["interfaces"]}
    links = librenms["discovery-protocols"]["discovery"]["links"]
    mine = {(n["protocol"], names.get(n.get("local_port")), n.get("remote_name")): n
            for n in ours["neighbours"]}  # fmt: skip
    theirs = {(lk["protocol"], canonical_ifname(lk["ifName"]), lk["remote_hostname"]): lk
              for lk in links}  # fmt: skip
    out = _presence("neighbours", theirs, mine)
    for key, link in theirs.items():
        got = mine.get(key, {})
        port = strip_unknown_remote(link["remote_port"])
        out.append(Check("neighbours", f"{key} remote_port", port, got.get("remote_port")))
        if link["protocol"] == "cdp":
            out.append(Check("neighbours", f"{key} remote_platform", link["remote_platform"],
                             got.get("remote_platform")))  # fmt: skip
    return out


def librenms_entity_row(row: Json) -> Json:
    """A LibreNMS entPhysical row in our terms: it stores a missing
    entPhysicalContainedIn as 0 (ours: None), an empty model or serial as "" (ours:
    None) and entPhysicalIsFRU as "true"/"false"."""
    return {
        "index": row["entPhysicalIndex"], "phys_class": row["entPhysicalClass"],
        "descr": row["entPhysicalDescr"], "name": row["entPhysicalName"],
        "model_name": row["entPhysicalModelName"] or None,
        "serial": row["entPhysicalSerialNum"] or None,
        "hardware_rev": row["entPhysicalHardwareRev"],
        "firmware_rev": row["entPhysicalFirmwareRev"],
        "software_rev": row["entPhysicalSoftwareRev"],
        "contained_in": row["entPhysicalContainedIn"] or None,
        "is_fru": {"true": True, "false": False}.get(row["entPhysicalIsFRU"]),
    }  # fmt: skip


def chassis_checks(librenms: Json, ours: Json) -> list[Check]:
    if "entity-physical" not in librenms:
        return []
    rows = librenms["entity-physical"]["discovery"]["entPhysical"]
    chassis = sorted((r for r in rows if r["entPhysicalClass"] == "chassis"),
                     key=lambda r: r["entPhysicalIndex"])  # fmt: skip
    mine = [unit.get("serial") for unit in ours["chassis"]]
    return [Check("chassis", f"{position} serial", row["entPhysicalSerialNum"] or None,
                  mine[position] if position < len(mine) else None)
            for position, row in enumerate(chassis)]  # fmt: skip


Mapping = Callable[[Json, Json], list[Check]]
MAPPINGS: tuple[Mapping, ...] = (
    device_checks, interface_checks, address_checks, neighbour_checks, chassis_checks,
)  # fmt: skip


def committed_facts(name: str) -> Json:
    """The case's committed expected file (what the contract suite holds the driver to)."""
    data: Json = json.loads(expected_path("snmp", name).read_text())
    return data


def live_facts(name: str) -> Json:
    return getters_json(snmp_case(name))


def checks(name: str, facts: Callable[[str], Json] = committed_facts) -> list[Check]:
    librenms = librenms_expected(name)
    assert librenms is not None, name
    ours = facts(name)
    return [check for mapping in MAPPINGS for check in mapping(librenms, ours)]


def share(found: Iterable[Check], area: str | None = None) -> tuple[int, int]:
    """(equal, compared) among the checks of `area` (None: all)."""
    chosen = [c for c in found if area is None or c.area == area]
    return sum(c.equal for c in chosen), len(chosen)


def _percent(equal: int, total: int) -> str:
    return f"{100 * equal / total:6.2f}% {equal:>5}/{total:<5}" if total else f"{'-':>7} {'':11}"


def table(results: dict[str, list[Check]]) -> str:
    """A row per device: device-level share, each area's, all fields; then overall."""
    areas = sorted({c.area for found in results.values() for c in found} - {DEVICE})
    head = f"{'recording':<28} {DEVICE:<19} " + " ".join(f"{a:<19}" for a in areas) + " all"
    lines = [head]
    every: list[Check] = []
    for name, found in results.items():
        every += found
        cells = [_percent(*share(found, area)) for area in (DEVICE, *areas)]
        lines.append(f"{name:<28} " + " ".join(cells) + " " + _percent(*share(found)))
    cells = [_percent(*share(every, area)) for area in (DEVICE, *areas)]
    lines.append(f"{'overall':<28} " + " ".join(cells) + " " + _percent(*share(every)))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="the driver now, not the files")
    parser.add_argument("--mismatches", action="store_true", help="list every unequal field")
    args = parser.parse_args()
    facts = live_facts if args.live else committed_facts
    results = {name: checks(name, facts) for name in LIBRENMS_CASES}
    print(table(results))
    for (os_name, field), why in NOT_COMPARABLE.items():
        print(f"not compared: LibreNMS's {field} of {os_name}: {why}")
    if args.mismatches:
        for name, found in results.items():
            for c in found:
                if not c.equal:
                    print(f"{name}: {c.area} {c.field}: LibreNMS {c.theirs!r}, ours {c.ours!r}")


if __name__ == "__main__":
    main()
