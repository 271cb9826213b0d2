"""The summaries `cmdb demo` prints (cmdb.queries.report), on a small discovered network, and
the server's version (cmdb.queries.server, what `cmdb db status` prints)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.queries.report import CICount, best_connected_device, count_cis
from cmdb.queries.server import neo4j_version
from cmdb.schema import Schema

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def switch(host: str, links: dict[str, tuple[str, str]], ports: tuple[str, ...] = ()) -> ChangeSet:
    """A discovered switch (scoped by its address) with ports, some linked by LLDP."""
    cis: list[dict[str, Any]] = [{"key": "d", "class": "NetworkDevice",
                                  "attributes": {"serial_number": host.upper(), "hostname": host}}]  # fmt: skip
    cis += [{"key": p, "class": "Interface", "parent": {"ref": "d"}, "attributes": {"name": p}}
            for p in sorted({*links, *ports})]  # fmt: skip
    wired = [{"type": "CONNECTED_TO", "source": {"ref": port}, "evidence": "lldp",
              "target": {"class": "Interface", "identifiers": {"name": rport},
                         "parent": {"class": "NetworkDevice", "identifiers": {"hostname": rhost}}}}
             for port, (rhost, rport) in links.items()]  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "t", "observed_at": T0,
                                     "scope": f"snmp:{host}", "cis": cis, "links": wired})  # fmt: skip


def test_counts_by_class_and_status_and_the_best_connected_device(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    assert count_cis(graph) == [] and best_connected_device(graph) is None
    # the sample estate is not discovered (no scope): its devices are never the best
    ing.ingest(sample_estate(T0))
    assert best_connected_device(graph) is None
    ing.ingest(switch("sw2", {}, ("Eth7", "Eth8")))
    ing.ingest(switch("sw3", {}, ("Eth1",)))
    ing.ingest(switch("sw1", {"Gi1": ("sw2", "Eth7"), "Gi2": ("sw3", "Eth1")}, ("Gi3",)))
    ing.ingest(switch("sw0", {"Gi1": ("sw2", "Eth8")}))
    # open links: sw1 2, sw2 2, sw3 1, sw0 1; the tie goes to the first name
    assert best_connected_device(graph) == "sw1"
    # every CI is active: the sample estate's by the class of its facts, and the switches'
    expected = Counter((fact.class_, "active") for fact in sample_estate(T0).cis)
    expected.update({("NetworkDevice", "active"): 4, ("Interface", "active"): 7})
    assert count_cis(graph) == [CICount(cls, status, n) for (cls, status), n in sorted(expected.items())]


def test_the_server_says_its_version(driver: neo4j.Driver) -> None:
    assert re.fullmatch(r"5\.26\.\d+", neo4j_version(driver))
