"""Two lab agents answering as one device (cmdb.ingest.claims): the snmpsim-data recordings
huawei-unknown-001 and -002 (sysName dumsys-82 and dumsys-55) carry the same chassis
serial. Discovery stores one CI, owned by the target whose address comes first, reports
the other target as a `duplicate_identity` failure, and a second run records no change.

A lab of its own (prefix `cmdbdup`, SNMP only, 127.88.0.0/16).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import neo4j
import pytest

import lab
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.ingest.claims import scope_order
from cmdb.schema import Schema
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run import run_job
from discovery.run_report import RunReport
from lab.config import LabOptions, isolated_config
from lab.sources import data_dir_of
from tests.graph_checks import check_nodes, check_rels

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
RECORDINGS = Path(str(resources.files("snmpsim_data"))) / "data" / "network" / "router"
NAMES = ("huawei-unknown-001", "huawei-unknown-002")
SERIAL = "2102352021N0H6000098"


def test_two_agents_with_one_serial_are_one_device_and_one_duplicate(
    graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    data = data_dir_of(tmp_path / "data", (RECORDINGS / f"{n}.snmprec.bz2" for n in NAMES))
    options = LabOptions(state_dir=tmp_path / "lab", data_dirs=(data,), linux=False,
                         ssh=False, config=isolated_config("cmdbdup", "127.88.0.0/16",
                                                           "127.89.0.0/16"))  # fmt: skip
    try:
        manifest = lab.up(options)
        address = {d.name: d.address for d in manifest.of_kind("snmp-sim")}
        assert sorted(address) == sorted(NAMES)
        owner, rival = sorted(address.values(), key=lambda a: scope_order(f"snmp:{a}"))
        job = tmp_path / "duplicates.yaml"
        job.write_text(
            "name: duplicates\ntargets:\n" + "".join(f"  - {a}\n" for a in address.values())
            + "protocols:\n  - protocol: snmp\n    credentials: [{secret: lab-v2c}]\n"
            "concurrency: 2\ntimeout: 10\nretries: 1\n"  # a loaded CI machine is slow
        )

        def run() -> RunReport:
            return run_job(load_job(job), ingestor=Ingestor(graph, schema, config),
                           resolver=CredentialResolver(env={}, secrets_file=Path(manifest.secrets_file)),
                           memory=CredentialMemory(tmp_path / "memory.json"))  # fmt: skip

        reports = [run(), run()]
    finally:
        lab.down(options.state_dir, options.config)

    for report in reports:
        assert report.answered == {"snmp": 2}
        # The premise of "the second run records no change": both runs read every table
        # (a table that timed out leaves what it holds as it was, and the next run's
        # complete read would then rightly update it).
        timed_out = {(address, table) for address, seen in report.run.coverage.items()
                     for table, status in seen["snmp"]["tables"].items() if status == "timeout"}  # fmt: skip
        assert not timed_out, timed_out
        [failure] = report.run.failures
        assert (failure.target, failure.protocol, failure.kind) == (rival, "snmp",
                                                                    "duplicate_identity")
        assert f"serial_number={SERIAL}" in failure.message
        assert f"snmp:{owner}" in failure.message
    second = reports[1].totals
    assert second.changesets == 0, (second, _changed_by(graph, reports[1].run.id))
    assert (second.created, second.updated, second.links_opened, second.links_closed,
            second.went_absent) == (0, 0, 0, 0, 0)  # fmt: skip

    serial = {"serial_number": SERIAL}
    device = check_nodes(graph, "CI:Device", ["uid", "management_ip", "_scope"], serial)
    [(_uid, ip, scope)] = device
    assert (ip, scope) == (owner, f"snmp:{owner}")  # one CI, the owner's
    ports = check_rels(graph, "CI:Device", "HAS_INTERFACE", "Interface",
                       ["b.uid", "b._scope"], match_from=serial, match_to={"status": "active"})  # fmt: skip
    assert ports and {part_scope for _port, part_scope in ports} == {f"snmp:{owner}"}


def _changed_by(driver: neo4j.Driver, run_id: str) -> list[tuple[str, str, dict[str, object]]]:
    """What a run's change sets changed: class, name, and each attribute's before and
    after (a failure's message, to tell which read differed between the runs)."""
    rows = driver.execute_query(
        "MATCH (cs:ChangeSet {discovery_run: $run}) MATCH (v:CIVersion {_cs_to: cs.id}) "
        "MATCH (c:CI {uid: v.uid}) RETURN v._class AS cls, c.name AS name, "
        "properties(v) AS before, properties(c) AS now LIMIT 20", {"run": run_id}
    ).records
    return [(r["cls"], r["name"], {k: (r["before"].get(k), r["now"].get(k))
                                   for k in set(r["before"]) | set(r["now"])
                                   if not k.startswith("_") and k not in ("last_seen",)
                                   and r["before"].get(k) != r["now"].get(k)})
            for r in rows]  # fmt: skip
