"""An IPAddress is one CI per assignment (schema version 3): one address on two devices,
with different masks, is two CIs that neither device's report rewrites; and a graph of
version 2 (one CI per address, shared) is split by migration 0003 so that the next
discovery finds every CI it had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import neo4j
import pytest

from cmdb import migrations
from cmdb.config import Config
from cmdb.errors import MigrationError
from cmdb.ingest import Ingestor, IngestResult
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, check_rels

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 6, 1, tzinfo=UTC)
ADDRESS = "10.10.10.2"
# two unrelated routers that both use ADDRESS (private space reused): serial, port, prefix
ROUTERS = {"127.0.0.31": ("SN-A", "Gi0/1", 24), "127.0.0.32": ("SN-B", "ge-0/0/1", 30)}
MIGRATION = "file:0003_ip_per_assignment.cypher"


def report(target: str, at: datetime) -> ChangeSet:
    serial, port, prefix = ROUTERS[target]
    cidr = {24: "10.10.10.0/24", 30: "10.10.10.0/30"}[prefix]
    return ChangeSet.model_validate({
        "source": "snmp", "actor": "discovery", "observed_at": at, "scope": f"snmp:{target}",
        "cis": [
            {"key": "dev", "class": "NetworkDevice", "attributes": {"serial_number": serial}},
            {"key": "if", "class": "Interface", "parent": {"ref": "dev"},
             "attributes": {"name": port}},
            {"key": "ip", "class": "IPAddress", "parent": {"ref": "if"},
             "attributes": {"address": ADDRESS, "prefix_length": prefix, "version": 4}},
            {"key": "net", "class": "Subnet", "attributes": {"cidr": cidr}},
        ],
        "links": [
            {"type": "HAS_ADDRESS", "source": {"ref": "if"}, "target": {"ref": "ip"}},
            {"type": "IN_SUBNET", "source": {"ref": "ip"}, "target": {"ref": "net"}},
        ],
    })  # fmt: skip


def discover(ing: Ingestor, at: datetime) -> list[IngestResult]:
    return [ing.ingest(report(t, at + timedelta(seconds=i))) for i, t in enumerate(ROUTERS)]


def assignments(graph: neo4j.Driver) -> set[tuple[str, str, int, str]]:
    """(device serial, port, prefix length, subnet) of every active address CI."""
    active = {"address": ADDRESS, "status": "active"}
    port = {uid: (serial, name) for uid, serial, name in check_rels(
        graph, "NetworkDevice", "HAS_INTERFACE", "Interface", ["b.uid", "a.serial_number", "b.name"])}  # fmt: skip
    held = check_rels(graph, "Interface", "HAS_ADDRESS", "IPAddress",
                      ["a.uid", "b.uid", "b._parent", "b.prefix_length"], open_only=True,
                      match_to=active)  # fmt: skip
    subnets = check_rels(graph, "IPAddress", "IN_SUBNET", "Subnet", ["a.uid", "b.cidr"],
                         open_only=True, match_from=active)  # fmt: skip
    return {(*port[owner], length, cidr) for owner, address, parent, length in held
            if parent == owner and owner in port
            for ip, cidr in subnets if ip == address}  # fmt: skip


EXPECTED = {("SN-A", "Gi0/1", 24, "10.10.10.0/24"), ("SN-B", "ge-0/0/1", 30, "10.10.10.0/30")}


def address_uids(graph: neo4j.Driver) -> set[str]:
    return {uid for (uid,) in check_nodes(graph, "CI:IPAddress", ["uid"], {"address": ADDRESS})}


def unchanged(result: IngestResult) -> bool:
    return result.changeset_id is None and not (
        result.created or result.updated or result.links_opened or result.links_closed
    )


def test_one_address_on_two_devices_is_two_cis_that_stay_put(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    first = discover(ing, T0)
    assert [r.created for r in first] == [4, 4]  # device, port, address, subnet each
    assert assignments(graph) == EXPECTED and len(address_uids(graph)) == 2
    for later in (1, 2):  # each device's report leaves the other's address alone
        again = discover(ing, T0 + timedelta(hours=later))
        assert all(unchanged(r) for r in again), [r.diff for r in again]
    assert assignments(graph) == EXPECTED


# The graph as schema version 2 stored the two reports: one CI for the address, owned by
# no parent, linked from both ports, its prefix the last report's, a subnet link of each.
AS_VERSION_2 = """
MATCH (ia:Interface {name: 'Gi0/1'})-[ha:HAS_ADDRESS]->(a:IPAddress)
MATCH (ib:Interface {name: 'ge-0/0/1'})-[hb:HAS_ADDRESS]->(b:IPAddress)
MATCH (b)-[sb:IN_SUBNET]->(nb:Subnet)
CREATE (ib)-[h:HAS_ADDRESS]->(a) SET h = properties(hb)
CREATE (a)-[s:IN_SUBNET]->(nb) SET s = properties(sb)
SET a.prefix_length = b.prefix_length, a._scope = b._scope
REMOVE a._parent
SET a._idk = 'IPAddress||address=' + a.address
DETACH DELETE b
RETURN a.uid AS uid
"""


def test_migration_0003_splits_a_shared_address_and_discovery_finds_both(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    discover(ing, T0)
    [original] = [r["uid"] for r in graph.execute_query(AS_VERSION_2).records]
    graph.execute_query("MATCH (m:SchemaMigration {id: $id}) DELETE m", id=MIGRATION)
    try:
        # code of version 3 refuses to work on it until it is migrated
        with pytest.raises(MigrationError, match=r"0003_ip_per_assignment\.cypher not applied"):
            migrations.require(graph, schema)
        assert [a.id for a in migrations.apply(graph, schema)] == [MIGRATION]
    finally:
        migrations.apply(graph, schema)
    migrations.require(graph, schema)

    uids = address_uids(graph)
    assert len(uids) == 2 and original in uids  # one owner kept the CI and its history
    [(port, copy, parent)] = check_rels(graph, "Interface", "HAS_ADDRESS", "IPAddress",
                                        ["a.uid", "b.uid", "b._parent"],
                                        match_to={"_cs": "migration-0003"})  # fmt: skip
    assert copy in uids - {original} and parent == port
    assert check_nodes(graph, "ChangeSet", ["source"], {"id": "migration-0003"}) == {("migration",)}
    addresses = check_nodes(graph, "IPAddress", ["uid", "_parent", "_split_from"])
    assert addresses and all(parent and split is None for _, parent, split in addresses)

    # the next discovery identifies both CIs (nothing created) and corrects what the copy
    # took from the other report; the one after records no change
    corrected = discover(ing, T0 + timedelta(hours=1))
    assert [r.created for r in corrected] == [0, 0]
    assert sum(r.links_opened for r in corrected) == 0
    assert address_uids(graph) == uids and assignments(graph) == EXPECTED
    assert all(unchanged(r) for r in discover(ing, T0 + timedelta(hours=2)))


def test_an_address_without_an_owner_is_kept_unscoped(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """Written by hand under version 2, with no HAS_ADDRESS: the migration leaves it as it
    is (readable), and touches nothing else."""
    graph.execute_query(
        "CREATE (:CI:State:IPAddress {uid: 'u1', _class: 'IPAddress', address: '192.0.2.9',"
        " name: '192.0.2.9', status: 'active', _idk: 'IPAddress||address=192.0.2.9'})"
    )
    graph.execute_query("MATCH (m:SchemaMigration {id: $id}) DELETE m", id=MIGRATION)
    migrations.apply(graph, schema)
    assert check_nodes(graph, "IPAddress", ["uid", "_idk", "_parent"]) == {
        ("u1", "IPAddress||address=192.0.2.9", None)
    }
    assert check_nodes(graph, "ChangeSet", ["id"]) == set()
