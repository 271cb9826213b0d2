"""The recorded cases of the contract suite, and their facts as JSON, per getter.

A case is one device as a driver sees it from recordings the project holds:
- snmp: every SNMP recording the lab serves (lab/recordings/snmp and the snmpsim-data
  package), read as the collector would get it (every walked table and scalar);
- ssh: per network OS, the first ntc-templates recording of every command the platform
  parses (case ``<platform>``), and that set with one command's other recordings swapped
  in (case ``<platform>~<recording>``); the Debian host's outputs (case ``linux``).

`expected_path(driver, case)` is the case's data file: one JSON object, a key per getter.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path
from typing import Any

from discovery.facts import DeviceFacts
from discovery.snmp import oids
from discovery.snmp.facts import snmp_facts
from discovery.snmp.parse import parse_device
from discovery.ssh.facts import ssh_facts
from discovery.ssh.platforms import get_platform
from lab.sources import Source, default_cache_dir, default_data_dirs, prepare_all, snmp_sources
from tests.snmprec import read_prepared

# LibreNMS os -> ours, and LibreNMS type -> the kinds it covers (the oracle mapping of
# classification, used by the contract and the parser tests).
LIBRENMS_OS = {
    "arista_eos": "eos", "ios": "ios", "nxos": "nxos", "junos": "junos",
    "routeros": "routeros", "linux": "linux", "windows": "windows", "jetdirect": "printer",
    "iosxe": "iosxe", "asa": "asa", "fortigate": "fortios", "vrp": "vrp", "comware": "comware",
    "procurve": "procurve", "ruijie": "rgos", "stoneos": "stoneos", "hikvision-nvr": "hikvision",
    "dahua-nvr": "dahua", "hpe-ilo": "ilo", "xerox": "printer",
    "brother": "printer", "canonprinter": "printer", "hikvision-cam": "hikvision",
    "huaweiups": "huaweiups", "konica": "printer", "ricoh": "printer", "drac": "drac",
    "apc": "apc", "eaton-mgeups": "mgeups", "sharp": "printer", "ibmc": "ibmc",
}  # fmt: skip
# LibreNMS os -> the maker it stands for (an os of many makers stands for none: linux;
# comware, H3C's own brand and HP's and HPE's).
LIBRENMS_VENDOR = {
    "arista_eos": "Arista", "ios": "Cisco", "nxos": "Cisco", "junos": "Juniper",
    "routeros": "MikroTik", "windows": "Microsoft", "jetdirect": "HP",
    "iosxe": "Cisco", "asa": "Cisco", "fortigate": "Fortinet", "vrp": "Huawei", "procurve": "HP",
    "ruijie": "Ruijie", "stoneos": "Hillstone", "hikvision-nvr": "Hikvision", "dahua-nvr": "Dahua",
    "hpe-ilo": "HPE", "xerox": "Xerox", "brother": "Brother",
    "canonprinter": "Canon", "hikvision-cam": "Hikvision", "huaweiups": "Huawei",
    "konica": "Konica Minolta", "ricoh": "Ricoh", "drac": "Dell", "apc": "APC",
    "eaton-mgeups": "Eaton", "sharp": "Sharp", "ibmc": "Huawei",
}  # fmt: skip
LIBRENMS_TYPE = {
    "network": {"switch", "router", "firewall"},
    "firewall": {"firewall"},
    "server": {"server"},
    "printer": {"printer"},
    "power": {"ups", "pdu"},
}
# LibreNMS os -> our kinds, where LibreNMS files the os under a type that is not what we
# call the device: a video recorder under network (ours: camera, with the cameras it
# records), a server's BMC under appliance (ours: the server it speaks for).
LIBRENMS_OS_KINDS = {
    "hikvision-nvr": {"camera"}, "dahua-nvr": {"camera"}, "hikvision-cam": {"camera"},
    "hpe-ilo": {"server"}, "drac": {"server"}, "ibmc": {"server"},
}  # fmt: skip


def librenms_kinds(os_name: str, type_name: str) -> set[str]:
    """The kinds of ours LibreNMS's os and type stand for."""
    return LIBRENMS_OS_KINDS.get(os_name) or LIBRENMS_TYPE.get(type_name, set())


HERE = Path(__file__).parent
EXPECTED = HERE / "expected"
NTC = HERE.parent / "unit" / "discovery" / "ssh" / "fixtures" / "ntc"
LINUX = HERE.parent / "unit" / "discovery" / "ssh" / "fixtures" / "linux"
NETWORK_OSES = ("arista_eos", "cisco_ios", "cisco_nxos", "juniper_junos", "huawei_vrp", "hp_comware",
                "cisco_asa", "ruijie_os")  # fmt: skip
COLLECTED = (*oids.SUBTREES.values(), *oids.SCALARS.values())
GETTERS = tuple(f.name for f in dataclasses.fields(DeviceFacts) if f.name != "source")
TARGET = "192.0.2.10"


def expected_path(driver: str, case: str) -> Path:
    return EXPECTED / driver / f"{case}.json"


# -- SNMP ---------------------------------------------------------------------------
def snmp_case_names() -> list[str]:
    """Listed from the files (cheap, at collection); prepared when a test runs."""
    return sorted(s.name for s in snmp_sources(default_data_dirs()))


@cache
def _prepared() -> dict[str, tuple[Source, Path]]:
    sources = snmp_sources(default_data_dirs())
    return {s.name: (s, p) for s, p, _facts in prepare_all(sources, default_cache_dir())}


def snmp_source(name: str) -> Source:
    return _prepared()[name][0]


@cache
def snmp_case(name: str) -> DeviceFacts:
    _source, path = _prepared()[name]
    return snmp_facts(parse_device(read_prepared(path, COLLECTED)), None)


def librenms_expected(name: str) -> dict[str, Any] | None:
    """LibreNMS's discovery of the recording (lab/recordings/snmp/expected), if any."""
    source = snmp_source(name)
    path = source.path.parent / "expected" / f"{source.path.stem}.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


# -- SSH ----------------------------------------------------------------------------
def _parsable(platform: str) -> set[str]:
    found = get_platform(platform)
    return set(found.parsers) | {key for combo in found.combined for key in combo.keys}


def _folders(platform: str) -> dict[str, list[Path]]:
    parsable = _parsable(platform)
    folders = {f.name.replace("_", " "): sorted(f.glob("*.raw"))
               for f in sorted((NTC / platform).iterdir()) if f.is_dir()}  # fmt: skip
    return {command: raws for command, raws in folders.items() if command in parsable and raws}


@cache
def ssh_recordings() -> dict[str, dict[str, Path]]:
    """Case name -> (command -> recording); Linux outputs are named by command key."""
    cases: dict[str, dict[str, Path]] = {}
    for platform in NETWORK_OSES:
        folders = _folders(platform)
        base = {command: raws[0] for command, raws in folders.items()}
        cases[platform] = base
        for command, raws in folders.items():
            for raw in raws[1:]:
                cases[f"{platform}~{raw.stem}"] = {**base, command: raw}
    linux = {c.key: LINUX / f"{c.key}.txt" for c in get_platform("linux").commands}
    cases["linux"] = {**linux, "listening": LINUX / "listening_with_sshd.txt"}
    return cases


def ssh_platform(case: str) -> str:
    return case.split("~", 1)[0]


@cache
def ssh_case(case: str) -> DeviceFacts:
    outputs = {command: path.read_text() for command, path in ssh_recordings()[case].items()}
    parsed = get_platform(ssh_platform(case)).parse(outputs)
    return ssh_facts(parsed, target=TARGET)


def facts_of(driver: str, case: str) -> DeviceFacts:
    return snmp_case(case) if driver == "snmp" else ssh_case(case)


def cases() -> list[tuple[str, str]]:
    return [("snmp", n) for n in snmp_case_names()] + [("ssh", n) for n in ssh_recordings()]


# -- facts as JSON ------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dict):  # a field the device did not tell is left out
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def getters_json(facts: DeviceFacts) -> dict[str, Any]:
    """Every getter's value as JSON data: tuples as lists, sets sorted, a None field of
    a row left out."""
    whole = dataclasses.asdict(facts)
    return {getter: _plain(whole[getter]) for getter in GETTERS}
