"""`discovery.run` against the device lab and a real Neo4j: a job over a few SNMP agents,
the SSH CLIs and a namespace Linux host, plus a dead address and a wrong credential.

The lab runs on its own prefix and blocks (beside a lab a user may run), with the
shared lab-data recordings only, and is always torn down.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
import yaml

import lab
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.runs import read_run, read_runs
from cmdb.schema import Schema
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run import run_job
from discovery.run_report import RunReport
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from tests.graph_checks import check_labels, check_nodes, check_rels, count_nodes

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
LAB_DATA = lab_data_dir()
SNMP_DEVICES = 3
DEAD = "127.92.0.250"


def _config() -> lab.LabConfig:
    return isolated_config("cmdbdsc", "127.92.0.0/16", "127.93.0.0/16", "198.19.1.0/24",
                           hosts=("dsc-srv-01",))


@pytest.fixture(scope="module")
def running_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lab.Manifest]:
    options = LabOptions(
        state_dir=tmp_path_factory.mktemp("discover-lab"),
        data_dirs=(LAB_DATA,),
        config=_config(),
    )
    try:
        yield lab.up(options)
    finally:
        lab.down(options.state_dir, options.config)


def _job_file(tmp_path: Path, manifest: lab.Manifest, ssh: bool = True) -> Path:
    snmp = [d.address for d in manifest.of_kind("snmp-sim")][:SNMP_DEVICES]
    cli = [d.address for d in manifest.of_kind("ssh-sim")] if ssh else []
    linux = [d.address for d in manifest.of_kind("linux-host")] if ssh else []
    targets = "\n".join(f"  - {a}" for a in [*snmp, *cli, *linux, DEAD])
    path = tmp_path / ("job.yaml" if ssh else "snmp-job.yaml")
    ssh_spec = "  - protocol: ssh\n    credentials: [{secret: lab-ssh}, {secret: lab-linux}]\n"
    path.write_text(
        f"name: {'lab-test' if ssh else 'lab-snmp'}\ntargets:\n{targets}\n"
        "protocols:\n"
        "  - protocol: snmp\n    credentials: [{secret: lab-v3}, {secret: lab-v2c}]\n"
        f"{ssh_spec if ssh else ''}concurrency: 8\ntimeout: 1\nretries: 0\n"
    )
    return path


def _run(path: Path, manifest: lab.Manifest, graph: neo4j.Driver, schema: Schema,
         config: Config, memory: Path, **kw: Any) -> RunReport:  # fmt: skip
    return run_job(
        load_job(path),
        ingestor=Ingestor(graph, schema, config),
        resolver=CredentialResolver(env=kw.pop("env", {}), secrets_file=Path(manifest.secrets_file)),
        memory=CredentialMemory(memory),
        **kw,
    )


def _secrets(manifest: lab.Manifest) -> list[str]:
    body = json.loads(Path(manifest.credentials_file).read_text())
    out = [c["community"] for c in body["snmp"]["communities"]]
    out += [v for u in body["snmp"]["v3_users"] for v in (u["auth_key"], u["priv_key"])]
    out += [u["password"] for u in body["ssh"]["users"]] + [body["linux"]["user"]["password"]]
    return out


# capabilities (as CDP's and LLDP's detail outputs spell them, lower case) of a host, a
# phone, a station or an access point; a router is a network device whatever else it says
ENDPOINT_CAPABILITIES = {"host", "phone", "telephone", "station", "t", "s", "w"}
ROUTER_CAPABILITIES = {"router", "r"}


def recorded_endpoints(manifest: lab.Manifest) -> set[str]:
    """The management addresses of the neighbours that tell they are endpoints, in the
    CLI devices' neighbour detail recordings as ntc-templates parse them (each recording's
    .yml beside it: an oracle other than our parser). The SNMP walks of the job tell of
    none (their neighbours are bridges and routers)."""
    out: set[str] = set()
    for device in manifest.of_kind("ssh-sim"):
        for command, raw in dict(device.facts["commands"]).items():
            if "neighbor" not in command or not re.search(r"detail|verbose|^display", command):
                continue
            for row in yaml.safe_load(Path(raw).with_suffix(".yml").read_text())["parsed_sample"]:
                told = set(re.split(r"[\s,]+", str(row.get("capabilities", "")).lower()))
                if told & ENDPOINT_CAPABILITIES and not told & ROUTER_CAPABILITIES:
                    out.add(row["mgmt_address"])
    return out


def test_discover_lab(
    running_lab: lab.Manifest, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path,
) -> None:  # fmt: skip
    manifest = running_lab
    memory = tmp_path / "memory.json"
    path = _job_file(tmp_path, manifest)
    snmp = [d.address for d in manifest.of_kind("snmp-sim")][:SNMP_DEVICES]
    ssh = [d.address for d in manifest.of_kind("ssh-sim")]
    linux = [d.address for d in manifest.of_kind("linux-host")]
    assert ssh and linux

    # A dry run plans and writes nothing (SNMP only: SSH platform detection is slow the
    # first time, and a dry run does not remember what it detected).
    dry = _job_file(tmp_path, manifest, ssh=False)
    planned = _run(dry, manifest, graph, schema, config, memory, dry_run=True)
    assert sorted(planned.diffs) == sorted(f"{a} snmp" for a in snmp)
    assert planned.totals.created > 0 and planned.totals.changesets == len(snmp)
    assert check_labels(graph) <= {("SchemaMigration",)}
    assert not memory.exists()

    report = _run(path, manifest, graph, schema, config, memory)
    run = report.run
    assert report.answered == {"snmp": len(snmp) + len(linux), "ssh": len(ssh) + len(linux)}
    assert (run.targets, run.answered, run.failed) == (len(snmp) + len(ssh) + len(linux) + 1,
                                                       run.targets - 1, 1)  # fmt: skip

    # The run is in the graph, with coverage per target, protocol and table.
    stored = read_run(graph, run.id)
    assert stored is not None and read_runs(graph, job="lab-test")[0].id == run.id
    assert stored.coverage[snmp[0]]["snmp"]["status"] == "answered"
    assert stored.coverage[snmp[0]]["snmp"]["tables"]["system"] == "ok"
    assert stored.coverage[ssh[0]]["ssh"]["status"] == "answered"
    assert stored.coverage[ssh[0]]["ssh"]["tables"]
    # Nothing listens at DEAD: both ports refuse (discovery.reach), so it is "gone".
    assert stored.coverage[DEAD] == {
        "snmp": {"status": "gone", "kind": "refused"},
        "ssh": {"status": "gone", "kind": "refused"},
    }
    kinds = {(f.target, f.protocol): f.kind for f in stored.failures}
    assert kinds[(DEAD, "snmp")] == "refused"
    assert kinds[(snmp[0], "ssh")] == "refused"  # an SNMP agent's address has no SSH port
    assert kinds[(ssh[0], "snmp")] == "refused"  # and a CLI's no SNMP port

    # One change set per answering target and protocol, each scoped, all of this run.
    this_run = {"discovery_run": run.id}
    scopes = {f"snmp:{a}" for a in [*snmp, *linux]} | {f"ssh:{a}" for a in [*ssh, *linux]}
    assert check_nodes(graph, "ChangeSet", ["scope"], this_run) == {(s,) for s in scopes}
    assert count_nodes(graph, "ChangeSet", this_run) == report.totals.changesets == len(scopes)
    # a device per answering address (the Linux host once for both protocols); beside
    # them the endpoints the devices' neighbour tables tell of (Endpoint is a Device)
    devices = check_nodes(graph, "CI:Device", ["uid", "management_ip"])
    devices -= check_nodes(graph, "CI:Endpoint", ["uid", "management_ip"])
    assert sorted(ip for _uid, ip in devices) == sorted([*snmp, *ssh, *linux])
    endpoints = {ip for (ip,) in check_nodes(graph, "CI:Endpoint", ["management_ip"])}
    assert endpoints == recorded_endpoints(manifest)
    assert {ip for (ip,) in check_nodes(graph, "CI:Server", ["management_ip"])} >= set(linux)

    # No secret anywhere in the run record or the memory file; the memory has names.
    text = json.dumps(stored.coverage) + json.dumps([f.as_dict() for f in stored.failures])
    remembered = memory.read_text()
    for secret in _secrets(manifest):
        assert secret not in text and secret not in remembered
    names = json.loads(remembered)["credentials"]
    assert names["ssh"][f"{linux[0]}:22"] == "secret:lab-linux"
    assert names["snmp"][f"{snmp[0]}:161"] == "secret:lab-v3"

    # A second run changes nothing: no new ChangeSet nodes, a second DiscoveryRun.
    before = check_nodes(graph, "ChangeSet", ["id"])
    again = _run(path, manifest, graph, schema, config, memory)
    assert check_nodes(graph, "ChangeSet", ["id"]) == before
    assert again.totals.changesets == 0 and again.totals.created == 0
    assert again.answered == report.answered
    assert len(read_runs(graph, job="lab-test")) == 2


def test_wrong_credential_is_a_failure_and_the_others_are_ingested(
    running_lab: lab.Manifest, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path,
) -> None:  # fmt: skip
    manifest = running_lab
    ssh = manifest.of_kind("ssh-sim")
    linux = manifest.of_kind("linux-host")[0]
    path = tmp_path / "wrong.yaml"
    path.write_text(
        f"name: wrong-creds\ntargets: [{ssh[0].address}, {linux.address}]\n"
        "protocols:\n"
        "  - protocol: ssh\n    platform: linux\n"
        "    credentials:\n"
        "      - {name: bad, env: {username: BAD_USER, password: BAD_PASS}}\n"
        "      - {secret: lab-linux}\n"
        "timeout: 2\nretries: 0\n"
    )
    env = {"BAD_USER": "labops", "BAD_PASS": "not-the-password"}
    report = _run(path, manifest, graph, schema, config, tmp_path / "m.json", env=env)
    failures = {f.target: f for f in report.run.failures}
    # The CLI simulator knows neither credential: rejected, recorded, never printed.
    assert failures[ssh[0].address].kind == "auth_failed"
    assert "not-the-password" not in failures[ssh[0].address].message
    # The Linux host refused the first credential and took the second.
    assert linux.address not in failures
    assert report.answered == {"ssh": 1}
    [(_uid, address)] = check_nodes(graph, "CI:Server", ["uid", "management_ip"])
    assert address == linux.address


def _in_namespace(namespace: str, *argv: str) -> str:
    """What a command prints inside the lab host's namespace (the lab's ground truth)."""
    done = subprocess.run(["ip", "netns", "exec", namespace, *argv], capture_output=True,
                          text=True, check=True, timeout=60)  # fmt: skip
    return done.stdout


def test_linux_host_with_os_packages_and_services(
    running_lab: lab.Manifest, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path,
) -> None:  # fmt: skip
    """A job over the namespace host (real sshd + snmpd, platform auto-detected) against
    what the host itself says: identity, OS, kernel, every installed package, every
    listening socket."""
    host = running_lab.of_kind("linux-host")[0]
    namespace = str(host.facts["namespace"])
    path = tmp_path / "linux.yaml"
    path.write_text(
        f"name: linux\ntargets: [{host.address}]\nprotocols:\n"
        "  - protocol: ssh\n    credentials: [{secret: lab-linux}]\n"
        "timeout: 5\nretries: 0\n"
    )
    report = _run(path, running_lab, graph, schema, config, tmp_path / "m.json")
    assert report.run.failures == [] and report.answered == {"ssh": 1}

    fields = ["uid", "hostname", "machine_id", "os_version", "kernel", "cpu_count"]
    [(uid, *server)] = check_nodes(graph, "CI:Server", fields, {"management_ip": host.address})
    os_release = dict(
        line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
    )
    assert server == [
        host.facts["hostname"],
        host.facts["machine_id"],
        os_release["VERSION_ID"].strip('"'),
        _in_namespace(namespace, "uname", "-r").strip(),
        int(_in_namespace(namespace, "nproc", "--all")),
    ]

    # Every installed package, with its version, on this host (and nothing else).
    listing = _in_namespace(namespace, "dpkg-query", "-W",
                            "-f=${db:Status-Abbrev}\t${Package}\t${Version}\n")  # fmt: skip
    installed = {tuple(line.split("\t")[1:3]) for line in listing.splitlines()
                 if line.startswith("ii")}  # fmt: skip
    packages = check_rels(graph, "CI:Software", "INSTALLED_ON", "Server",
                          ["a.product", "a.version"], open_only=True, match_to={"uid": uid})  # fmt: skip
    assert len(installed) > 100
    assert packages == installed

    # Every listening socket is a Service running on the host. (The lab's account is not
    # root, so `ss -p` does not show it root's daemons: sshd and snmpd stay unnamed.)
    sockets = set()
    for line in _in_namespace(namespace, "ss", "-H", "-tuln").splitlines():
        fields = line.split()
        address, _, port = fields[4].rpartition(":")
        sockets.add((fields[0], address.strip("[]"), int(port)))
    services = check_rels(graph, "CI:Service", "RUNS_ON", "Server",
                          ["a.protocol", "a.listen_address", "a.port"], open_only=True,
                          match_to={"uid": uid})  # fmt: skip
    assert services == sockets
    assert {("tcp", 22), ("udp", 161)} <= {(proto, port) for proto, _address, port in services}
