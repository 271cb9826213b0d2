"""A device refused as a duplicate identity leaves out its hardware with it: its
serialized modules (one CI wherever they are) must not rewrite the owner's, run after
run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, check_rels

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def chassis(target: str, at: datetime, card_descr: str) -> ChangeSet:
    cis: list[dict[str, Any]] = [
        {"key": "dev", "class": "NetworkDevice", "attributes": {"serial_number": "SN1"}},
        {"key": "card", "class": "SerializedComponent",
         "attributes": {"serial_number": "CARD1", "name": "4/0", "component_kind": "module",
                        "description": card_descr}},
        {"key": "sfp", "class": "SerializedComponent",
         "attributes": {"serial_number": "SFP1", "name": "4/0/1", "component_kind": "transceiver",
                        "description": card_descr + " optic"}},
    ]  # fmt: skip
    links = [
        {"type": "HAS_COMPONENT", "source": {"ref": "dev"}, "target": {"ref": "card"}},
        {"type": "HAS_COMPONENT", "source": {"ref": "dev"}, "target": {"ref": "sfp"}},
        {"type": "CONTAINS", "source": {"ref": "card"}, "target": {"ref": "sfp"}},
    ]
    return ChangeSet.model_validate({"source": "snmp", "actor": "discovery", "observed_at": at,
                                     "discovery_run": None, "scope": f"snmp:{target}",
                                     "cis": cis, "links": links})  # fmt: skip


def test_a_refused_duplicates_components_are_left_out(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(chassis("127.0.0.9", T0, "Fixed Card"))
    rival = ing.ingest(chassis("127.0.0.10", T0 + timedelta(minutes=1), "ME60,CR57,Fixed Card"))
    assert [d.parts for d in rival.duplicates] == [2]
    assert check_nodes(graph, "SerializedComponent", ["serial_number", "description"]) == {
        ("CARD1", "Fixed Card"), ("SFP1", "Fixed Card optic")}  # fmt: skip
    assert len(check_rels(graph, "NetworkDevice", "HAS_COMPONENT", "SerializedComponent",
                          ["b.serial_number"], open_only=True)) == 2  # fmt: skip
    again = ing.ingest(chassis("127.0.0.10", T0 + timedelta(minutes=2), "ME60,CR57,Fixed Card"))
    assert (again.created, again.updated, again.links_opened) == (0, 0, 0)
