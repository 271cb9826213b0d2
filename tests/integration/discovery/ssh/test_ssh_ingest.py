"""SSH change sets into a real Neo4j: a Debian host (packages, services, interfaces)
and an Arista switch from ntc-templates recordings; a re-run ten minutes later changes
nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from discovery.identifiers import canonical_ifname
from discovery.ssh.normalize import normalize_ssh
from discovery.ssh.platforms import get_platform
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.records import Interface, LinuxInterface, ListeningService, Package
from tests.graph_checks import check_nodes, check_rels

FIXTURES = Path(__file__).parents[3] / "unit" / "discovery" / "ssh" / "fixtures"
AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
HOST = "192.0.2.2"
SWITCH = "192.0.2.10"

pytestmark = pytest.mark.neo4j


def linux() -> ParsedTarget:
    platform = get_platform("linux")
    outputs = {c.key: (FIXTURES / "linux" / f"{c.key}.txt").read_text() for c in platform.commands}
    outputs["listening"] = (FIXTURES / "linux" / "listening_with_sshd.txt").read_text()
    return platform.parse(outputs)


def arista() -> ParsedTarget:
    platform = get_platform("arista_eos")
    outputs = {}
    for folder in sorted((FIXTURES / "ntc" / "arista_eos").iterdir()):
        outputs[folder.name.replace("_", " ")] = sorted(folder.glob("*.raw"))[0].read_text()
    return platform.parse(outputs)


def changesets(at: datetime) -> list[ChangeSet]:
    return [
        normalize_ssh(linux(), target=HOST, observed_at=at, run_id="run-1"),
        normalize_ssh(arista(), target=SWITCH, observed_at=at, run_id="run-1"),
    ]


def waiting(sets: list[ChangeSet]) -> Counter[tuple[str | None, object]]:
    """(scope, port name) of every neighbour a change set reports from a port it holds to
    a far end it does not."""
    out: Counter[tuple[str | None, object]] = Counter()
    for cs in sets:
        name = {ci.key: ci.attributes.get("name") for ci in cs.cis}
        out.update((cs.scope, name[lk.source.ref]) for lk in cs.links
                   if lk.type == "CONNECTED_TO" and lk.source.ref and not lk.target.ref)  # fmt: skip
    return out


def test_a_host_and_a_switch_ingest_and_a_rerun_changes_nothing(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ingestor = Ingestor(graph, schema, config)
    for cs in changesets(AT):
        assert ingestor.ingest(cs).changeset_id is not None, cs.label()

    host = linux()
    assert check_nodes(graph, "Server", ["hostname", "machine_id", "management_ip"]) == {
        ("vm", "3d1219c7c4c5404aaa1f6d2a48adfda4", HOST)
    }
    vm = {"hostname": "vm"}

    packages = host.of(Package)
    installed = check_rels(graph, "Software", "INSTALLED_ON", "Server",
                           ["a.product", "a.version", "a.arch"], open_only=True, match_to=vm)  # fmt: skip
    assert installed == {(p.name, p.version, p.arch) for p in packages}
    assert ("bash", "5.2.15-2+b8", "amd64") in installed

    services = check_rels(graph, "Service", "RUNS_ON", "Server",
                          ["a.protocol", "a.listen_address", "a.port", "a.process"],
                          open_only=True, match_to=vm)  # fmt: skip
    assert services == {
        (s.proto, s.local_address, s.port, s.process) for s in host.of(ListeningService)
    }
    assert ("tcp", "127.0.0.1", 44095, "sshd") in services

    host_ports = check_rels(graph, "Server", "HAS_INTERFACE", "Interface", ["b.uid", "b.name"],
                            open_only=True, match_from=vm)  # fmt: skip
    assert {(name,) for _uid, name in host_ports} == {(i.name,) for i in host.of(LinuxInterface)}
    [eth0] = [uid for uid, name in host_ports if name == "eth0"]
    addresses = check_rels(graph, "Interface", "HAS_ADDRESS", "IPAddress", ["b.uid", "b.address"],
                           open_only=True, match_from={"uid": eth0})  # fmt: skip
    subnet = dict(check_rels(graph, "IPAddress", "IN_SUBNET", "Subnet", ["a.uid", "b.cidr"]))
    assert {(address, subnet[uid]) for uid, address in addresses} == {
        ("192.0.2.2", "192.0.2.0/24"),
        ("fd00::2", "fd00::/64"),
    }

    switch = check_rels(graph, "NetworkDevice", "HAS_INTERFACE", "Interface",
                        ["a.hostname", "a.serial_number", "b.name"], open_only=True)  # fmt: skip
    switch_ports = {canonical_ifname(i.name) for i in arista().of(Interface)}
    assert switch == {("spine1", "JPE13120702", name) for name in switch_ports}
    # no far end of an LLDP neighbour is known yet: every link from a port of the device
    # waits for its CI, parked under the scope that reported it
    pending = check_nodes(graph, "PendingLink", ["key", "scope", "known_uid"],
                          {"type": "CONNECTED_TO"})  # fmt: skip
    port = dict(check_nodes(graph, "Interface", ["uid", "name"]))
    assert pending and Counter((scope, port[uid]) for _key, scope, uid in pending) == waiting(
        changesets(AT)
    )

    for cs in changesets(AT + timedelta(minutes=10)):
        result = ingestor.ingest(cs)
        assert result.changeset_id is None, (cs.label(), result.diff[:3])
