"""The audit benchmark's estate: device CIs observed by discovery (change sets of source
`ssh`, through the real ingest, beside bench/ingest.py's reference set of racks, teams
and contracts) and a register of the same devices as a CSV file with the headings
audits/register/headings.yaml reads, with planted differences.

Device s (0 <= s < n) is a Server: serial `BA{s:07}`, host name `bsrv{s}`, model R750,
a warranty end, LOCATED_IN `rack-{s % 100}`, OWNED_BY `team-{s % 10}`, COVERED_BY a
contract. The register lists every device but the planted ones, as they are recorded:
- extra (unregistered): s % 50 == 1, left out of the register;
- missing: `n // 50` rows of serials `BM{m:07}` discovery never saw (no address: the
  register creates them, and discovery observing the estate makes them missing);
- drifted model: s % 50 == 2, the register says R740;
- drifted place: s % 50 == 3, the register names the next rack.
So the register has n rows, and reconciliation must find n // 50 of each kind (drift:
two kinds of row, one finding per CI)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.ingest import ref
from cmdb.observations import ChangeSet

PER_SET = 1000  # devices per change set
EVERY = 50  # one planted difference of each kind per EVERY devices
HEADINGS = ["name", "type", "brand", "model", "serial", "hostname", "location", "room",
            "rack", "department", "warranty end"]  # fmt: skip
WARRANTY = date(2027, 6, 30)


@dataclass(frozen=True)
class Planted:
    """What reconciliation must find in the estate of `devices` devices."""

    devices: int

    @property
    def missing(self) -> int:
        return self.devices // EVERY

    @property
    def unregistered(self) -> int:
        return len(range(1, self.devices, EVERY))

    @property
    def drift(self) -> int:
        return len(range(2, self.devices, EVERY)) + len(range(3, self.devices, EVERY))

    @property
    def rows(self) -> int:
        return self.devices - self.unregistered + self.missing


def warranty(s: int) -> date:
    return WARRANTY + timedelta(days=s % 365)


def device_set(first: int, count: int, at: datetime) -> ChangeSet:
    """Devices first..first+count-1 as discovery reports them (one change set)."""
    cis: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for s in range(first, first + count):
        attrs = {"serial_number": f"BA{s:07}", "hostname": f"bsrv{s}", "domain": "bench",
                 "vendor": "Dell", "model": "R750", "warranty_end": warranty(s).isoformat(),
                 "cpu_count": 16, "os_version": "12.1"}  # fmt: skip
        key = f"d{s}"
        cis.append({"key": key, "class": "Server", "attributes": attrs})
        links += [
            {"type": "LOCATED_IN", "source": {"ref": key}, "target": ref("Rack", name=f"rack-{s % 100}")},
            {"type": "OWNED_BY", "source": {"ref": key}, "target": ref("Team", name=f"team-{s % 10}")},
            {"type": "COVERED_BY", "source": {"ref": key},
             "target": ref("Contract", contract_number=f"C-{s % 10}")},
        ]  # fmt: skip
    return ChangeSet.model_validate({"source": "ssh", "actor": "bench", "observed_at": at,
                                     "scope": f"bench-audit-{first}", "cis": cis,
                                     "links": links})  # fmt: skip


def device_sets(devices: int, at: datetime) -> list[ChangeSet]:
    return [device_set(first, min(PER_SET, devices - first), at)
            for first in range(0, devices, PER_SET)]  # fmt: skip


def register_rows(devices: int) -> list[list[str]]:
    """The register's rows (HEADINGS' order), the planted differences in."""
    rows = []
    for s in range(devices):
        if s % EVERY == 1:
            continue  # extra: observed, not registered
        model = "R740" if s % EVERY == 2 else "R750"
        rack = f"rack-{(s + 1) % 100 if s % EVERY == 3 else s % 100}"
        rows.append([f"bsrv{s}", "server", "Dell", model, f"BA{s:07}", f"bsrv{s}", "Bench",
                     "R1", rack, f"team-{s % 10}", warranty(s).isoformat()])  # fmt: skip
    for m in range(devices // EVERY):  # missing: registered, never observed
        rows.append([f"gone{m}", "server", "Dell", "R750", f"BM{m:07}", "", "Bench", "R1",
                     f"rack-{m % 100}", f"team-{m % 10}", WARRANTY.isoformat()])  # fmt: skip
    return rows


def write_register(path: Path, devices: int, per_file: int = 0) -> list[Path]:
    """The register at `path`, and when `per_file` is given, the same rows in files of
    `per_file` rows beside it (`path`'s name with .1, .2, ...): the parts to import."""
    rows = register_rows(devices)
    parts = [(path, rows)]
    if per_file:
        parts += [(path.with_suffix(f".{n + 1}{path.suffix}"), rows[at:at + per_file])
                  for n, at in enumerate(range(0, len(rows), per_file))]  # fmt: skip
    for where, part in parts:
        with where.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADINGS)
            writer.writerows(part)
    return [where for where, _ in parts]
