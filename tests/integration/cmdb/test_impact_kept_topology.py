"""The network topology impact analysis keeps between analyses (cmdb/impact/topology.py)
is read once per version of the graph: a second analysis of an unchanged graph reads no
network, a change set (the second uplink removed, through the real ingest) makes the
next analysis read it again and answer from the new topology, and an as-of analysis
keeps the topology of its own time apart from the current one."""

from __future__ import annotations

from datetime import timedelta

import neo4j
import pytest

from cmdb.config import Config, ImpactConfig
from cmdb.impact import ImpactRequest, ImpactResult, ImpactSettings, impact_plan
from cmdb.impact.kept import TopologyCache
from cmdb.ingest import Ingestor
from cmdb.queries import impact as q
from cmdb.queryplan import Plan, Query, run_plan
from cmdb.schema import Schema
from tests.impact_estates import T0, T1, campus

pytestmark = pytest.mark.neo4j


def counted(plan: Plan[ImpactResult], texts: list[str]) -> Plan[ImpactResult]:
    """The plan, each query's text noted in `texts`."""
    query: Query = next(plan)
    while True:
        texts.append(query.text)
        rows = yield query
        try:
            query = plan.send(rows)
        except StopIteration as stop:
            result: ImpactResult = stop.value
            return result


def states(result: ImpactResult) -> dict[str, str]:
    return {a.name or a.uid: a.state for a in result.affected if a.class_name != "Interface"}


def test_the_network_is_read_once_per_graph_version_and_again_after_a_change(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    Ingestor(graph, schema, config).ingest(campus().changeset(T0))
    settings = ImpactSettings(schema, ImpactConfig(), TopologyCache())

    def impact(**kw: object) -> tuple[dict[str, str], int]:
        texts: list[str] = []
        plan = counted(impact_plan(ImpactRequest(("dist2",), **kw), settings), texts)  # type: ignore[arg-type]
        return states(run_plan(graph, plan)), texts.count(q.NETWORK)

    first, reads = impact()
    assert (first["acc1"], reads) == ("DEGRADED", 1)
    again, reads = impact()
    assert (again, reads) == (first, 0)  # kept: nothing changed

    Ingestor(graph, schema, config).ingest(campus(second_uplink=False).changeset(T1))
    now, reads = impact()
    assert (now["acc1"], now["srv-dual"], reads) == ("DOWN", "DEGRADED", 1)
    before, reads = impact(as_of=T1 - timedelta(hours=1))
    assert (before["acc1"], "srv-dual" in before, reads) == ("DEGRADED", False, 1)
    assert impact(as_of=T1 - timedelta(hours=1)) == (before, 0)
    assert impact() == (now, 0)  # the current one is still kept beside it
    assert settings.topologies is not None and settings.topologies.reads == 3
