"""A device removed from the lab goes absent after the configured missed runs; a device
that only times out never does; a removed device that comes back is active again.

A small lab of its own (two recordings, SNMP only, prefix `cmdbabs`, 127.86.0.0/16):
run 1 discovers both devices. Then the lab goes down: one device is simply gone (its
address refuses: ICMP port unreachable, and TCP RST on the SSH port), the other keeps
its address but answers nothing (a socket that swallows every request: a busy agent,
a dropping firewall). The job asks SNMP and SSH (on a port nothing listens on, so SSH
refuses on both devices throughout): only the removed one refuses on every protocol.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import neo4j
import pytest

import lab
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run import run_job
from discovery.run_report import RunReport
from lab.config import LabOptions, isolated_config
from lab.sources import data_dir_of, lab_data_dir
from tests.graph_checks import check_nodes, check_rels

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
LAB_DATA = lab_data_dir()
RECORDINGS = ("ios_2960x", "arista_eos")
MISSES = 2


def _lab_options(state_dir: Path, data_dir: Path) -> LabOptions:
    config = isolated_config("cmdbabs", "127.86.0.0/16", "127.87.0.0/16")
    return LabOptions(state_dir=state_dir, data_dirs=(data_dir,), linux=False, ssh=False,
                      config=config)  # fmt: skip


@contextmanager
def _lab(options: LabOptions) -> Iterator[lab.Manifest]:
    try:
        yield lab.up(options)
    finally:
        lab.down(options.state_dir, options.config)


@contextmanager
def _silent_agent(address: str, port: int) -> Iterator[None]:
    """Something at the address that reads every request and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((address, port))
        yield
    finally:
        sock.close()


def _closed_tcp_port(address: str) -> int:
    """A port nothing listens on at `address` (the kernel's pick, released again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def _job(tmp_path: Path, addresses: list[str], snmp_port: int, ssh_port: int) -> Path:
    path = tmp_path / "absence.yaml"
    targets = "\n".join(f"  - {a}" for a in addresses)
    path.write_text(
        f"name: absence\ntargets:\n{targets}\n"
        "protocols:\n"
        f"  - protocol: snmp\n    port: {snmp_port}\n"
        "    credentials: [{name: ro, env: {community: LAB_COMMUNITY}}]\n"
        f"  - protocol: ssh\n    port: {ssh_port}\n"
        "    credentials: [{name: ops, env: {username: LAB_USER, password: LAB_PASSWORD}}]\n"
        "concurrency: 4\ntimeout: 1\nretries: 0\n"
    )
    return path


def _device(graph: neo4j.Driver, serial_of_address: dict[str, Any], address: str) -> dict[str, Any]:
    """The one device of the target's scope (not the endpoints its neighbour tables told
    of): its status, misses and its ports' statuses."""
    scope = {"_scope": f"snmp:{address}"}
    rows = {(uid, status, missed) for uid, status, missed, cls
            in check_nodes(graph, "CI:Device", ["uid", "status", "_missed", "_class"], scope)
            if cls != "Endpoint"}  # fmt: skip
    assert len(rows) == 1, (address, serial_of_address)
    [(uid, status, missed)] = rows
    ports = check_rels(graph, "CI:Device", "HAS_INTERFACE", "Interface", ["b.uid", "b.status"],
                       match_from={"uid": uid})  # fmt: skip
    return {"status": status, "missed": missed or 0,
            "interfaces": {port_status for _port, port_status in ports}}  # fmt: skip


def test_removed_device_goes_absent_a_silent_one_never_does(
    graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    data = data_dir_of(tmp_path / "data", (LAB_DATA / "snmp" / f"{n}.snmprec" for n in RECORDINGS))
    options = _lab_options(tmp_path / "lab", data)
    lab_config = options.config
    env = {"LAB_COMMUNITY": lab_config.snmp.communities[0].community,
           "LAB_USER": lab_config.ssh.users[0].username,
           "LAB_PASSWORD": lab_config.ssh.users[0].password}  # fmt: skip
    config = replace(config, lifecycle=replace(config.lifecycle, absent_after_missed_runs=MISSES))
    memory = tmp_path / "memory.json"

    def run(path: Path) -> RunReport:
        return run_job(load_job(path), ingestor=Ingestor(graph, schema, config),
                       resolver=CredentialResolver(env=env), memory=CredentialMemory(memory))  # fmt: skip

    with _lab(options) as manifest:
        devices = sorted(manifest.of_kind("snmp-sim"), key=lambda d: d.name)
        assert [d.name for d in devices] == sorted(RECORDINGS)
        removed, silent = devices
        ssh_port = _closed_tcp_port(removed.address)
        path = _job(tmp_path, [removed.address, silent.address], lab_config.snmp.port, ssh_port)
        first = run(path)
        assert first.answered == {"snmp": 2, "ssh": 0}
        assert {f.kind for f in first.run.failures} == {"refused"}  # SSH only
        assert first.totals.went_absent == 0
        serials = {d.address: d.facts.get("serial") for d in devices}
        for d in devices:
            assert _device(graph, serials, d.address)["status"] == "active"

    with _silent_agent(silent.address, lab_config.snmp.port):
        for n in range(1, MISSES + 1):
            report = run(path)
            kinds = {(f.target, f.protocol): f.kind for f in report.run.failures}
            assert kinds == {
                (removed.address, "snmp"): "refused", (removed.address, "ssh"): "refused",
                (silent.address, "snmp"): "timeout", (silent.address, "ssh"): "refused",
            }  # fmt: skip
            assert report.run.coverage[removed.address]["snmp"]["status"] == "gone"
            gone = _device(graph, serials, removed.address)
            assert gone["missed"] == n
            assert gone["status"] == ("absent" if n == MISSES else "active")
            still = _device(graph, serials, silent.address)
            assert (still["status"], still["missed"]) == ("active", 0)
        gone = _device(graph, serials, removed.address)
        assert gone["interfaces"] == {"absent"}  # its parts went with it
        assert report.totals.went_absent > 0

    with _lab(options) as manifest:
        assert {d.address for d in manifest.of_kind("snmp-sim")} == set(serials)
        back = run(path)
        assert back.answered["snmp"] == 2
        for d in devices:
            state = _device(graph, serials, d.address)
            assert (state["status"], state["missed"]) == ("active", 0)
            assert state["interfaces"] == {"active"}
