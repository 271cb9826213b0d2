"""A relationship's own attributes (a port's VLAN membership, tagged or not): stored on the
link, unchanged when reported alike, closed and opened again when they change, carried by
a pending link until its far end appears."""

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
VLAN_10 = {"class": "VLAN", "identifiers": {"vlan_domain": "sw1", "vlan_id": 10}}


def switch(at: datetime, tagged: dict[str, bool | None], with_vlan: bool = True) -> ChangeSet:
    cis: list[dict[str, Any]] = [
        {"key": "d", "class": "NetworkDevice", "attributes": {"serial_number": "SW1"}},
        *({"key": p, "class": "Interface", "parent": {"ref": "d"}, "attributes": {"name": p}}
          for p in tagged),
    ]  # fmt: skip
    if with_vlan:
        cis.append({"key": "v", "class": "VLAN", "attributes": {"vlan_id": 10, "vlan_domain": "sw1"}})
    links = [
        {"type": "IN_VLAN", "source": {"ref": port}, "target": {"ref": "v"} if with_vlan else VLAN_10,
         "evidence": "snmp",
         "attributes": {} if flag is None else {"tagged": flag}}
        for port, flag in tagged.items()
    ]  # fmt: skip
    return ChangeSet.model_validate({"source": "snmp", "actor": "t", "observed_at": at,
                                     "scope": "snmp:127.0.0.9", "cis": cis, "links": links})  # fmt: skip


def memberships(driver: neo4j.Driver) -> set[tuple[Any, ...]]:
    return check_rels(driver, "Interface", "IN_VLAN", "VLAN", ["a.name", "r.tagged", "r.until"])


def test_a_membership_that_changes_is_closed_and_opened_again(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(switch(T0, {"Gi1": True, "Gi2": False, "Gi3": None}))
    assert memberships(graph) == {("Gi1", True, None), ("Gi2", False, None), ("Gi3", None, None)}
    again = ing.ingest(switch(T0 + timedelta(hours=1), {"Gi1": True, "Gi2": False, "Gi3": None}))
    assert (again.links_opened, again.links_closed) == (0, 0)
    t2 = T0 + timedelta(hours=2)
    changed = ing.ingest(switch(t2, {"Gi1": False, "Gi2": False, "Gi3": True}))
    assert (changed.links_opened, changed.links_closed) == (2, 2)
    assert memberships(graph) == {
        ("Gi1", True, t2), ("Gi1", False, None), ("Gi2", False, None),
        ("Gi3", None, t2), ("Gi3", True, None),
    }  # fmt: skip
    same = ing.ingest(switch(T0 + timedelta(hours=3), {"Gi1": False, "Gi2": False, "Gi3": True}))
    assert (same.links_opened, same.links_closed) == (0, 0)


def test_a_pending_membership_opens_with_its_attributes(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    parked = ing.ingest(switch(T0, {"Gi1": True}, with_vlan=False))
    assert parked.pending == 1 and memberships(graph) == set()
    vlan = ChangeSet.model_validate({
        "source": "manual", "actor": "t", "observed_at": T0 + timedelta(minutes=5),
        "cis": [{"class": "VLAN", "attributes": {"vlan_id": 10, "vlan_domain": "sw1"}}],
    })  # fmt: skip
    ing.ingest(vlan)
    assert memberships(graph) == {("Gi1", True, None)}
