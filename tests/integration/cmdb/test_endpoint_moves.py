"""An endpoint (a phone two switches may tell of) has no owner: when it moves to another
switch, that switch's report is taken, not refused as a duplicate identity."""

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


def switch_with_phone(at: datetime, serial: str, scope: str, phone: bool = True) -> ChangeSet:
    cis: list[dict[str, Any]] = [
        {"key": "d", "class": "NetworkDevice", "attributes": {"serial_number": serial}},
        {"key": "p", "class": "Interface", "parent": {"ref": "d"}, "attributes": {"name": "Gi0/5"}},
    ]
    links = []
    if phone:
        cis += [{"key": "phone", "class": "Endpoint",
                 "attributes": {"primary_mac": "00:1b:54:aa:bb:cc", "endpoint_kind": "phone"}},
                {"key": "pp", "class": "Interface", "parent": {"ref": "phone"},
                 "attributes": {"name": "Port 1"}}]  # fmt: skip
        links = [{"type": "CONNECTED_TO", "source": {"ref": "p"}, "target": {"ref": "pp"},
                  "evidence": "lldp"}]  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "t", "observed_at": at,
                                     "scope": scope, "cis": cis, "links": links})  # fmt: skip


def test_a_phone_moved_to_another_switch_is_reported_by_it(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    first = ing.ingest(switch_with_phone(T0, "SWA", "snmp:127.0.0.1"))
    moved = ing.ingest(switch_with_phone(T0 + timedelta(hours=1), "SWB", "snmp:127.0.0.2"))
    assert moved.duplicates == []
    assert moved.uids["phone"] == first.uids["phone"]
    # the first switch's next run no longer sees it: its link closes
    ing.ingest(switch_with_phone(T0 + timedelta(hours=2), "SWA", "snmp:127.0.0.1", phone=False))
    ports = check_rels(graph, "NetworkDevice", "HAS_INTERFACE", "Interface",
                       ["a.serial_number", "b.uid"])  # fmt: skip
    switch_of = {uid: serial for serial, uid in ports}
    links = check_rels(graph, "Interface", "CONNECTED_TO", "Interface", ["a.uid", "b.uid"],
                       open_only=True)  # fmt: skip
    assert {switch_of.get(a) or switch_of.get(b) for a, b in links} == {"SWB"}
