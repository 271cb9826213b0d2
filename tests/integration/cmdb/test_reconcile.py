"""Precedence with staleness, idempotent re-ingest, and bad input leaving no trace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.errors import ObservationError
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
pytestmark = pytest.mark.neo4j


def cs(source: str, at: datetime, attrs: dict[str, Any]) -> ChangeSet:
    return ChangeSet.model_validate({
        "source": source, "actor": "test", "observed_at": at,
        "cis": [{"key": "s", "class": "Server", "attributes": {"serial_number": "SN1", **attrs}}],
    })  # fmt: skip


def model(driver: neo4j.Driver) -> Any:
    [(found,)] = check_nodes(driver, "Server", ["model"], {"serial_number": "SN1"})
    return found


def test_higher_source_wins_until_it_goes_silent(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(cs("ssh", T0, {"model": "PowerEdge R750"}))
    weak = ing.ingest(cs("snmp", T0 + timedelta(days=1), {"model": "R750"}))
    assert model(graph) == "PowerEdge R750" and weak.suppressed == 1 and weak.updated == 0
    # register ranks below snmp too; a manual edit ranks above everything
    staleness = schema.precedence.staleness
    late = ing.ingest(cs("snmp", T0 + staleness + timedelta(days=1), {"model": "R750"}))
    assert late.updated == 1 and model(graph) == "R750"  # ssh silent past the staleness period
    # once snmp owns the value, ssh (stronger) takes it back at once
    ing.ingest(cs("ssh", T0 + staleness + timedelta(days=2), {"model": "PowerEdge R750"}))
    assert model(graph) == "PowerEdge R750"


def test_per_attribute_precedence(graph: neo4j.Driver, schema: Schema, config: Config) -> None:
    # for the name, the register outranks discovery (precedence.yaml)
    assert schema.precedence.rank("name", "register") < schema.precedence.rank("name", "ssh")
    ing = Ingestor(graph, schema, config)
    ing.ingest(cs("register", T0, {"name": "Payroll DB host"}))
    ing.ingest(cs("ssh", T0 + timedelta(hours=1), {"name": "srv-0042"}))
    assert check_nodes(graph, "Server", ["name"]) == {("Payroll DB host",)}


def test_identical_reingest_writes_nothing(
    graph: neo4j.Driver, schema: Schema, config: Config, dump: Callable[..., Any]
) -> None:
    ing = Ingestor(graph, schema, config)
    first = ing.ingest(sample_estate(T0))
    before = dump(graph)
    again = ing.ingest(sample_estate(T0 + timedelta(minutes=10)))
    assert first.created == 88 and first.changeset_id is not None
    assert again.changeset_id is None and again.created == again.updated == again.links_opened == 0
    assert again.unchanged == 88
    assert dump(graph) == before  # not one property written


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"class": "Serverr"}, "unknown class 'Serverr'"),
        ({"attributes": {"serial_number": "X", "colour": "red"}}, "has no attribute 'colour'"),
        ({"attributes": {"serial_number": "X", "cpu_count": "eight"}}, "expected integer"),
        ({"attributes": {"cpu_count": 8}}, "no usable identifier"),
    ],
)
def test_bad_input_is_rejected_and_nothing_is_written(
    graph: neo4j.Driver, schema: Schema, config: Config, dump: Callable[..., Any],
    change: dict[str, Any], message: str,
) -> None:  # fmt: skip
    ing = Ingestor(graph, schema, config)
    ing.ingest(sample_estate(T0))
    before = dump(graph)
    good = {"key": "ok", "class": "Server", "attributes": {"serial_number": "GOOD1"}}
    bad = {"key": "broken", "class": "Server", "attributes": {}, **change}
    changeset = ChangeSet.model_validate({
        "source": "ssh", "actor": "t", "observed_at": T0 + timedelta(hours=1),
        "cis": [good, bad],
    })  # fmt: skip
    with pytest.raises(ObservationError, match=message) as info:
        ing.ingest(changeset)
    assert "cis[1]" in str(info.value) and "'broken'" in str(info.value)
    assert dump(graph) == before  # the good fact of the same change set was not written either


def test_bad_link_endpoint_class_is_rejected(
    graph: neo4j.Driver, schema: Schema, config: Config, dump: Callable[..., Any]
) -> None:
    before = dump(graph)
    changeset = ChangeSet.model_validate({
        "source": "manual", "actor": "t", "observed_at": T0,
        "cis": [{"key": "a", "class": "Application", "attributes": {"name": "A"}},
                {"key": "t", "class": "Team", "attributes": {"name": "T"}}],
        "links": [{"type": "RUNS_ON", "source": {"ref": "a"}, "target": {"ref": "t"}}],
    })  # fmt: skip
    with pytest.raises(ObservationError, match="RUNS_ON does not allow a Team as its target"):
        Ingestor(graph, schema, config).ingest(changeset)
    assert dump(graph) == before
