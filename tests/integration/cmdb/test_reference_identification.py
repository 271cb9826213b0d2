"""A far port named only by its ifIndex (LLDP port ID subtype "local") is found within its
device, now or, parked as a pending link, once the device is discovered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_rels

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, tzinfo=UTC)
FAR_PORT_7 = {"class": "Interface", "identifiers": {"if_index": 7},
              "parent": {"class": "NetworkDevice", "identifiers": {"hostname": "dist1"}}}  # fmt: skip


def device(at: datetime, host: str, ports: dict[str, int], links: list[dict[str, Any]]
           ) -> ChangeSet:  # fmt: skip
    cis: list[dict[str, Any]] = [
        {"key": "d", "class": "NetworkDevice", "attributes": {"hostname": host}},
        *({"key": name, "class": "Interface", "parent": {"ref": "d"},
           "attributes": {"name": name, "if_index": index}} for name, index in ports.items()),
    ]  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "t", "observed_at": at,
                                     "scope": f"snmp:{host}", "cis": cis, "links": links})  # fmt: skip


def access_switch(at: datetime) -> ChangeSet:
    uplink = {"type": "CONNECTED_TO", "source": {"ref": "Gi0/1"}, "target": FAR_PORT_7,
              "evidence": "lldp"}  # fmt: skip
    return device(at, "acc1", {"Gi0/1": 1}, [uplink])


def links(driver: neo4j.Driver) -> set[tuple[Any, ...]]:
    return check_rels(driver, "Interface", "CONNECTED_TO", "Interface", ["a.name", "b.name"],
                      open_only=True)  # fmt: skip


def test_a_far_port_by_ifindex_waits_for_its_device_then_links(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    first = ing.ingest(access_switch(T0))
    assert first.pending == 1 and links(graph) == set()
    ing.ingest(device(T0 + timedelta(minutes=1), "dist1", {"Te1/1": 7, "Te1/2": 8}, []))
    assert links(graph) in ({("Gi0/1", "Te1/1")}, {("Te1/1", "Gi0/1")})


def test_a_far_port_by_ifindex_of_a_known_device_links_at_once(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(device(T0, "dist1", {"Te1/1": 7, "Te1/2": 8}, []))
    result = ing.ingest(access_switch(T0 + timedelta(minutes=1)))
    assert result.pending == 0 and result.links_opened >= 1
    assert links(graph) in ({("Gi0/1", "Te1/1")}, {("Te1/1", "Gi0/1")})
