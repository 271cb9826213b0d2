"""The expected files against the independent oracles, through a written field mapping.

The contract suite compares drivers with tests/contract/expected/; this module proves
those files right where someone else read the same recording:
- SNMP: LibreNMS's discovery of the lab-data recordings (lab/recordings/snmp/expected),
  field by field through the mapping in `tests.contract.report` (device-level fields,
  system, interfaces, addresses, neighbours, chassis serials). The share of mapped
  fields equal is held to the issue's bar (report.THRESHOLDS): >= 97% of the
  device-level fields (class, vendor, model, serial, OS, version) of every recording,
  >= 99.5% of every field overall. `python -m tests.contract.report` prints the table.
- SSH: ntc-templates' parsed_sample of every recording a case uses: interface names
  (canonical) -> interfaces, `show version`/`show hostname` hostname -> system.name,
  `show vlan` ids and names -> vlans.
The Linux case and the snmpsim-data recordings have no oracle: see README.md.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
import yaml

from discovery.identifiers import canonical_ifname
from tests.contract.cases import (
    expected_path,
    librenms_expected,
    snmp_case_names,
    ssh_recordings,
)
from tests.contract.report import (
    DEVICE,
    LIBRENMS_CASES,
    THRESHOLDS,
    Check,
    checks,
    share,
    table,
)


@cache
def file(driver: str, case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(expected_path(driver, case).read_text())
    return data


@cache
def librenms_checks(name: str) -> tuple[Check, ...]:
    return tuple(checks(name))


def _unequal(found: tuple[Check, ...], area: str | None = None) -> list[str]:
    return [f"{c.area} {c.field}: LibreNMS {c.theirs!r}, ours {c.ours!r}"
            for c in found if not c.equal and area in (None, c.area)]  # fmt: skip


def test_the_librenms_cases_are_the_recordings_with_results() -> None:
    with_results = [n for n in snmp_case_names() if librenms_expected(n) is not None]
    assert with_results == LIBRENMS_CASES and len(with_results) >= 8


@pytest.mark.parametrize("name", LIBRENMS_CASES)
def test_device_level_fields_agree_with_librenms(name: str) -> None:
    found = librenms_checks(name)
    equal, compared = share(found, DEVICE)
    assert compared >= 3  # at least class, OS and one of vendor/model/serial/version
    assert equal / compared >= THRESHOLDS[DEVICE], _unequal(found, DEVICE)


def test_mapped_fields_agree_with_librenms_overall() -> None:
    results = {name: list(librenms_checks(name)) for name in LIBRENMS_CASES}
    every = [c for found in results.values() for c in found]
    equal, compared = share(every)
    assert equal / compared >= THRESHOLDS["overall"], table(results)


# -- SSH: ntc-templates' parses -------------------------------------------------------
NETWORK_CASES = [c for c in ssh_recordings() if c != "linux"]


def parsed_sample(case: str, command: str) -> list[dict[str, Any]] | None:
    """ntc-templates' parse of the recording; where the yml is our own template's parse
    (rows OWN in SOURCES.tsv), the independent one kept beside it if any (*.ntc_fork.yml)."""
    raw = ssh_recordings()[case].get(command)
    if raw is None:
        return None
    fork = raw.with_suffix(".ntc_fork.yml")
    oracle = fork if fork.is_file() else raw.with_suffix(".yml")
    rows: list[dict[str, Any]] = yaml.safe_load(oracle.read_text())["parsed_sample"]
    return rows


@pytest.mark.parametrize("case", NETWORK_CASES)
def test_interface_names_agree_with_ntc_templates(case: str) -> None:
    rows = (parsed_sample(case, "show interfaces") or parsed_sample(case, "show interface")
            or parsed_sample(case, "display interface"))  # fmt: skip
    assert rows
    want = {canonical_ifname(str(r["interface"]).strip()) for r in rows}
    assert {i.get("name") for i in file("ssh", case)["interfaces"]} == want


@pytest.mark.parametrize("case", NETWORK_CASES)
def test_host_name_agrees_with_ntc_templates(case: str) -> None:
    rows = parsed_sample(case, "show hostname") or parsed_sample(case, "show version") or []
    names: set[str | None] = {str(r["hostname"]).strip() for r in rows if r.get("hostname")}
    assert {file("ssh", case)["system"].get("name")} == (names or {None})


@pytest.mark.parametrize("case", [c for c in NETWORK_CASES if parsed_sample(c, "show vlan")])
def test_vlans_agree_with_ntc_templates(case: str) -> None:
    rows = parsed_sample(case, "show vlan") or []
    want = {(int(r["vlan_id"]), r["vlan_name"]) for r in rows}
    assert {(v["vlan_id"], v.get("name")) for v in file("ssh", case)["vlans"]} == want
