"""`discovery.run` over a scaled lab (`--scale`): a spine/leaf fabric of cloned SNMP
devices with dual-homed servers, checked against the lab's own ground truth.

- every device, with its serial and sysName-derived host name (the manifest's facts);
- every LLDP/CDP neighbour pair inside the lab as ONE open CONNECTED_TO between the
  right two interfaces (both ends from the manifest's neighbour facts), none pending;
- servers placed on their leaf ports by FDB evidence (each port learned one MAC; the
  MACs and the ports' owners come from what the lab's agents serve);
- a second run records nothing;
- a device taken out of the sweep (`exclude`) does not go absent by missed runs.

The lab runs on its own prefix and 127.83/127.84 blocks, SNMP only, always torn down.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
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
from discovery.identifiers import canonical_ifname, normalize_mac, split_fqdn
from discovery.jobs import load_job
from discovery.run import run_job
from discovery.run_report import RunReport
from lab import oids
from lab.config import LabOptions, isolated_config
from lab.sources import lab_data_dir
from tests.graph_checks import check_nodes, check_rels, count_rels

pytestmark = [pytest.mark.lab, pytest.mark.neo4j]
LAB_DATA = lab_data_dir()
SCALE = 30  # 2 spines, 4 leaves (2 pairs), 24 dual-homed servers

Pair = frozenset[tuple[str, str]]  # {(host, port), (host, port)}


def _config() -> lab.LabConfig:
    return isolated_config("cmdbscl", "127.83.0.0/16", "127.84.0.0/16")


@pytest.fixture(scope="module")
def scaled_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[lab.Manifest]:
    options = LabOptions(
        state_dir=tmp_path_factory.mktemp("scaled-lab"), data_dirs=(LAB_DATA,),
        scale=SCALE, linux=False, ssh=False, config=_config(),
    )  # fmt: skip
    try:
        yield lab.up(options)
    finally:
        lab.down(options.state_dir, options.config)


def _job(tmp_path: Path, manifest: lab.Manifest, exclude: tuple[str, ...] = (),
         processes: int = 1) -> Path:  # fmt: skip
    targets = "\n".join(f"  - {d.address}" for d in manifest.of_kind("snmp-sim"))
    excluded = f"exclude: [{', '.join(exclude)}]\n" if exclude else ""
    path = tmp_path / f"scaled-{len(exclude)}-{processes}.yaml"
    path.write_text(
        f"name: scaled-lab\ntargets:\n{targets}\n{excluded}"
        "protocols:\n"
        "  - protocol: snmp\n    credentials: [{secret: lab-v2c}, {secret: lab-v3}]\n"
        f"    processes: {processes}\n"
        "concurrency: 16\ntimeout: 2\nretries: 1\n"
    )
    return path


def _run(path: Path, manifest: lab.Manifest, graph: neo4j.Driver, schema: Schema,
         config: Config, memory: Path) -> RunReport:  # fmt: skip
    return run_job(
        load_job(path),
        ingestor=Ingestor(graph, schema, config),
        resolver=CredentialResolver(env={}, secrets_file=Path(manifest.secrets_file)),
        memory=CredentialMemory(memory),
    )


def _host(name: str) -> str:
    host, _domain = split_fqdn(name)
    assert host is not None
    return host


# -- ground truth from the lab ---------------------------------------------------------
def expected_neighbour_pairs(manifest: lab.Manifest) -> set[Pair]:
    """Both ends of every neighbour link, from the manifest's facts: A's row names B and
    B's port, B's row names A and A's port (the fabric has one link per device pair)."""
    port_of: dict[tuple[str, str], set[str]] = {}  # (me, peer) -> peer's port names
    names = {d.name for d in manifest.devices}
    for device in manifest.of_kind("snmp-sim"):
        # a clone of a small router keeps its recorded neighbours: not lab devices
        for row in (r for r in device.facts["neighbours"] if r["remote_name"] in names):
            port_of.setdefault((device.name, row["remote_name"]), set()).add(
                canonical_ifname(row["remote_port"]) or row["remote_port"]
            )
    pairs: set[Pair] = set()
    for (me, peer), ports in port_of.items():
        mine = port_of.get((peer, me), set())
        assert len(ports) == 1 and len(mine) == 1, f"{me}-{peer}: not one link per pair"
        pairs.add(frozenset({(_host(me), next(iter(mine))), (_host(peer), next(iter(ports)))}))
    return pairs


def expected_fdb(manifest: lab.Manifest) -> set[tuple[str, str, str]]:
    """(leaf, server, server MAC) for every MAC a leaf's agent serves in its MAC table.

    Read from the overlays the lab's SNMP agent serves (the manifest's facts do not list
    MAC tables): a leaf's dot1dTpFdbAddress values, matched to the server clone whose
    ifPhysAddress it is."""
    spec = json.loads((Path(manifest.state_dir) / "snmp-agent.json").read_text())
    served = {d["name"]: d["overlay"]["rows"] for d in spec["devices"]}
    owner: dict[str, str] = {}
    for device in manifest.of_kind("snmp-sim"):
        if device.role == "server":
            for oid, tag, value in served[device.name]:
                if oid.startswith(oids.IF_PHYS_ADDRESS + ".") and tag == "4x":
                    owner[value.upper()] = device.name
    out: set[tuple[str, str, str]] = set()
    for device in manifest.of_kind("snmp-sim"):
        if device.role == "leaf":
            for oid, _tag, value in served[device.name]:
                if oid.startswith(f"{oids.DOT1D_TP_FDB}.1.1."):
                    mac = normalize_mac(value)
                    assert mac is not None
                    out.add((_host(device.name), _host(owner[value.upper()]), mac))
    return out


# -- what the graph holds --------------------------------------------------------------
Port = tuple[Any, Any, Any]  # (device host name, port name, port MAC)


def open_links(graph: neo4j.Driver, evidence: set[str]) -> list[tuple[Port, Port]]:
    """Both ends of every open CONNECTED_TO between two devices' ports with one of
    `evidence`, as stored (a -> b)."""
    port = {uid: (host, name, mac) for uid, host, name, mac in check_rels(
        graph, "Device", "HAS_INTERFACE", "Interface", ["b.uid", "a.hostname", "b.name", "b.mac"])}  # fmt: skip
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface",
                       ["a.uid", "b.uid", "r.evidence"], open_only=True)  # fmt: skip
    # no link stored twice alike (rows would hide it)
    assert len(links) == count_rels(graph, "Interface", "CONNECTED_TO", "Interface", open_only=True)
    return [(port[a], port[b]) for a, b, found_by in links
            if found_by in evidence and a in port and b in port]  # fmt: skip


def graph_pairs(graph: neo4j.Driver) -> Counter[Pair]:
    return Counter(
        frozenset({(ha, pa), (hb, pb)})
        for (ha, pa, _ma), (hb, pb, _mb) in open_links(graph, {"lldp", "cdp"})
    )


def graph_fdb(graph: neo4j.Driver, leaves: set[str]) -> list[tuple[str, str, str]]:
    """(leaf, host, host port's MAC) for every open FDB link (stored in either direction:
    CONNECTED_TO is symmetric)."""
    out = []
    for a, b in open_links(graph, {"fdb"}):
        leaf, host = (a, b) if a[0] in leaves else (b, a)
        out.append((leaf[0], host[0], host[2]))
    return out


def test_scaled_lab_discovered_as_the_lab_says(
    scaled_lab: lab.Manifest, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path,
) -> None:  # fmt: skip
    manifest = scaled_lab
    devices = manifest.of_kind("snmp-sim")
    roles = Counter(d.role for d in devices)
    assert len(devices) == SCALE and roles["spine"] >= 2 and roles["leaf"] >= 4
    memory = tmp_path / "memory.json"
    path = _job(tmp_path, manifest)

    report = _run(path, manifest, graph, schema, config, memory)
    assert report.run.failures == []
    assert report.answered == {"snmp": SCALE}

    # Every device, once, with its serial and the host name from its sysName.
    rows = check_nodes(graph, "CI:Device", ["uid", "hostname", "serial_number", "status"])
    found = {host: (serial, status) for _uid, host, serial, status in rows}
    assert len(found) == len(rows)  # each device once
    assert set(found) == {_host(d.facts["sys_name"]) for d in devices}
    network = {host for (host,) in check_nodes(graph, "CI:NetworkDevice", ["hostname"])}
    for device in devices:
        serial, status = found[_host(device.facts["sys_name"])]
        serials = device.facts["serials"]
        # the chassis serial: one of the serials the recording carries (modules have theirs)
        assert (serial in serials) if serials else serial is None, device.name
        assert status == "active"
        if device.role in ("spine", "leaf"):  # "servers" are any small host-like base,
            assert _host(device.facts["sys_name"]) in network  # a RouterOS box among them

    # Every neighbour pair: one open link between the right two interfaces, none pending.
    expected = expected_neighbour_pairs(manifest)
    assert len(expected) == 2 * roles["leaf"]  # each leaf uplinks to two spines
    pairs = graph_pairs(graph)
    assert set(pairs) == expected
    assert set(pairs.values()) == {1}
    # pending: only neighbours a clone kept from its recording (names and MACs from
    # outside the lab; the lab's own MACs are locally administered 02:4c:...)
    pending = check_nodes(graph, "PendingLink", ["key"])
    hosts = {_host(d.name) for d in devices}
    for (key,) in pending:
        assert "02:4c:" not in key.lower() and not any(f"={h}" in key for h in hosts), key

    # Servers on their leaf ports, by the FDB (one MAC per port), each on two leaves.
    fdb = graph_fdb(graph, {_host(d.name) for d in devices if d.role == "leaf"})
    assert len(fdb) == len(set(fdb))
    assert set(fdb) == expected_fdb(manifest)
    assert Counter(server for _leaf, server, _mac in fdb) == {
        _host(d.name): 2 for d in devices if d.role == "server"
    }


def test_a_second_run_records_no_change(
    scaled_lab: lab.Manifest, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path,
) -> None:  # fmt: skip
    manifest = scaled_lab
    memory = tmp_path / "memory.json"
    _run(_job(tmp_path, manifest), manifest, graph, schema, config, memory)
    pairs = graph_pairs(graph)
    before = check_nodes(graph, "ChangeSet", ["id"])
    # the second run collects in two worker processes: what it finds is the same
    again = _run(_job(tmp_path, manifest, processes=2), manifest, graph, schema, config, memory)
    assert again.run.failures == [] and graph_pairs(graph) == pairs
    assert (again.totals.links_opened, again.totals.links_closed) == (0, 0)
    assert again.totals.changesets == 0
    assert check_nodes(graph, "ChangeSet", ["id"]) == before


def test_a_device_excluded_from_the_sweep_is_not_missed(
    scaled_lab: lab.Manifest, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path,
) -> None:  # fmt: skip
    """A target taken out of the job (`exclude`) is not swept, so it is not missed
    either: misses count per scope (``snmp:<address>``), and only a sweep of that target
    that the network answers with "nobody here" sends one (test_discover_absence.py has
    the removed and the silent device). Excluded devices age only by the time rule
    (`cmdb lifecycle`, absent_after_days)."""
    manifest = scaled_lab
    lifecycle = replace(config.lifecycle, absent_after_missed_runs=2)
    config = replace(config, lifecycle=lifecycle)
    memory = tmp_path / "memory.json"
    gone = next(d for d in manifest.of_kind("snmp-sim") if d.role == "spine")
    _run(_job(tmp_path, manifest), manifest, graph, schema, config, memory)

    partial = _job(tmp_path, manifest, exclude=(gone.address,))
    for _ in range(lifecycle.absent_after_missed_runs):  # enough misses, were they counted
        report = _run(partial, manifest, graph, schema, config, memory)
        assert report.answered == {"snmp": SCALE - 1} and report.totals.went_absent == 0
    [(_uid, status, missed)] = check_nodes(graph, "CI:Device", ["uid", "status", "_missed"],
                                           {"hostname": _host(gone.name)})  # fmt: skip
    assert (status, missed or 0) == ("active", 0)
