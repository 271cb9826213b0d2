"""Garbage from a device is that target's parse error, naming the command; everything
else (the rest of that device, the other devices) is ingested.

A lab of its own (prefix `cmdbgbg`): an IOS CLI whose `show interfaces` and
`show inventory` answer line noise, an EOS CLI that answers its recordings, an SNMP
agent serving a good recording, and one whose ifMtu column holds text instead of
INTEGERs (a value of the wrong type: reported per target, read as unknown).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import neo4j
import pytest

import lab
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.jobs import load_job
from discovery.run import run_job
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from tests.graph_checks import check_nodes, check_rels

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
LAB_DATA = lab_data_dir()
MTU = "1.3.6.1.2.1.2.2.1.4"  # IF-MIB ifMtu: an INTEGER
NOISE = "\x1b[2J%%%% \x07 ~~~~ 0xDEADBEEF ~~~~ ##\n" * 5 + "\u00ff\u00fe garbled \\\\ ////\n"


def _data(root: Path) -> Path:
    (root / "snmp").mkdir(parents=True)
    shutil.copy(LAB_DATA / "snmp" / "arista_eos.snmprec", root / "snmp" / "a_good.snmprec")
    lines = (LAB_DATA / "snmp" / "ios_2960x.snmprec").read_text(encoding="latin-1").splitlines()
    (root / "snmp" / "b_badtypes.snmprec").write_text("".join(
        f"{line.split('|')[0]}|4|jumbo\n" if line.startswith(MTU + ".") else line + "\n"
        for line in lines), encoding="latin-1")  # fmt: skip
    for platform in ("cisco_ios", "arista_eos"):
        shutil.copytree(LAB_DATA / "cli" / platform, root / "cli" / platform)
    for command in ("show_interfaces", "show_inventory"):
        for raw in (root / "cli" / "cisco_ios" / command).glob("*.raw"):
            raw.write_text(NOISE, encoding="utf-8")
    return root


def test_garbage_output_is_a_parse_error_and_the_rest_is_ingested(
    graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path
) -> None:
    lab_config = isolated_config("cmdbgbg", "127.94.0.0/16", "127.95.0.0/16")
    options = LabOptions(state_dir=tmp_path / "lab", data_dirs=(_data(tmp_path / "data"),),
                         linux=False, config=lab_config)  # fmt: skip
    try:
        manifest = lab.up(options)
        snmp = {d.name: d.address for d in manifest.of_kind("snmp-sim")}
        cli = {d.platform: d.address for d in manifest.of_kind("ssh-sim")}
        assert sorted(snmp) == ["a_good", "b_badtypes"] and sorted(cli) == sorted(
            ["cisco_ios", "arista_eos"]
        )
        job = tmp_path / "garbage.yaml"
        job.write_text(
            "name: garbage\ntargets:\n"
            + "".join(f"  - {a}\n" for a in snmp.values())
            + "protocols:\n  - protocol: snmp\n    credentials: [{secret: lab-v2c}]\n"
            "timeout: 2\nretries: 0\n"
        )
        ssh_job = tmp_path / "garbage-ssh.yaml"
        ssh_job.write_text(
            "name: garbage-ssh\ntargets:\n"
            + "".join(f"  - {a}\n" for a in cli.values())
            + "protocols:\n  - protocol: ssh\n    credentials: [{secret: lab-ssh}]\n"
            "timeout: 5\nretries: 0\n"
        )
        reports = [
            run_job(load_job(path), ingestor=Ingestor(graph, schema, config),
                    resolver=CredentialResolver(env={}, secrets_file=Path(manifest.secrets_file)),
                    memory=CredentialMemory(tmp_path / "memory.json"))
            for path in (job, ssh_job)
        ]
    finally:
        lab.down(options.state_dir, options.config)

    failures = [f for r in reports for f in r.run.failures]
    by_target = {(f.target, f.protocol, f.command) for f in failures if f.kind == "parse_error"}
    assert (cli["cisco_ios"], "ssh", "show interfaces") in by_target
    assert (cli["cisco_ios"], "ssh", "show inventory") in by_target
    # the wrong-typed column: one failure for the column, naming it, an example and a count
    bad = [f for f in failures if f.kind == "bad_value"]
    assert [(f.target, f.protocol) for f in bad] == [(snmp["b_badtypes"], "snmp")]
    assert "ifMtu (1.3.6.1.2.1.2.2.1.4) is an INTEGER" in bad[0].message
    assert "b'jumbo'" in bad[0].message and "(and 139 more rows)" in bad[0].message
    # no failure for the good ones, and nothing raw reached a message
    assert {f.target for f in failures} == {cli["cisco_ios"], snmp["b_badtypes"]}
    assert all("DEADBEEF" not in f.message for f in failures)

    # The good devices are in the graph with their interfaces; the IOS device too, from
    # the commands that parsed (show version), without the interfaces it garbled.
    devices = {ip: (serial, os) for ip, serial, os in check_nodes(
        graph, "CI:Device", ["management_ip", "serial_number", "os_version"])}  # fmt: skip
    ports: dict[str, set[tuple[str, object]]] = {}  # device address -> (port, MTU)
    for ip, name, mtu in check_rels(graph, "CI:Device", "HAS_INTERFACE", "Interface",
                                    ["a.management_ip", "b.name", "b.mtu"]):  # fmt: skip
        ports.setdefault(ip, set()).add((name, mtu))
    assert ports[snmp["a_good"]] and devices[snmp["a_good"]][0]
    # the device with the wrong-typed column is in, its interfaces too, with no MTU
    assert ports[snmp["b_badtypes"]] and {mtu for _name, mtu in ports[snmp["b_badtypes"]]} == {None}
    assert ports[cli["arista_eos"]] and devices[cli["arista_eos"]][1]
    assert devices[cli["cisco_ios"]][1]
