"""`restart_snmp_agent`: the running lab's agent started again with its pysnmp responder
(what the benchmark does to compare the two), serving the same devices."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

import lab
from lab import procs
from lab.config import LabOptions, isolated_config
from lab.control import restart_snmp_agent
from lab.errors import LabStartError
from tests.unit.lab.snmp_wire import decode, request

pytestmark = pytest.mark.lab
SYS_NAME = "1.3.6.1.2.1.1.5.0"


def _sys_name(address: str, community: str) -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(request("get", [SYS_NAME], community), (address, 161))
        return decode(sock.recv(65535))[3][0][2]


def test_restart_with_pysnmp_responder_serves_the_same(tmp_path: Path) -> None:
    config = isolated_config("cmdbrst", "127.116.0.0/16", "127.117.0.0/16")
    options = LabOptions(state_dir=tmp_path / "lab", scale=6, linux=False, ssh=False,
                         config=config)
    try:
        manifest = lab.up(options)
        community = json.loads(Path(manifest.credentials_file).read_text())["snmp"][
            "communities"][0]["community"]
        before = {d.address: _sys_name(d.address, community) for d in manifest.devices}
        assert sorted(before.values()) == sorted(d.name for d in manifest.devices)
        old_pid = manifest.processes["snmp-agent"]
        pid = restart_snmp_agent(options.state_dir, fast=False)
        assert pid != old_pid
        spec = json.loads((options.state_dir.resolve() / "snmp-agent.json").read_text())
        assert spec["fast"] is False
        assert [r.pid for r in procs.read_records(options.state_dir) if r.alive] == [pid]
        loaded = lab.manifest.load(options.state_dir.resolve())
        assert loaded is not None and loaded.processes["snmp-agent"] == pid
        assert {a: _sys_name(a, community) for a in before} == before
    finally:
        lab.down(options.state_dir, config)
    with pytest.raises(LabStartError, match="no lab with an SNMP agent"):
        restart_snmp_agent(options.state_dir, fast=True)
