"""Late facts: a fact observed before the stored value of its attribute was set or
confirmed never overwrites it (counted late); a fact for an attribute never set applies,
written no earlier than the CI's last change so that history stays ordered; a late link
report does not reopen a link closed after it, and a late scoped report closes nothing
reported after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb import history
from cmdb.config import Config, Lifecycle
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes, check_rels

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
T1, T2, T3 = T0 + timedelta(days=1), T0 + timedelta(days=2), T0 + timedelta(days=3)


def server(at: datetime, source: str = "ssh", **attrs: Any) -> ChangeSet:
    return ChangeSet.model_validate({
        "source": source, "actor": "test", "observed_at": at,
        "cis": [{"key": "s", "class": "Server", "attributes": {"serial_number": "SN1", **attrs}}],
    })  # fmt: skip


def estate(at: datetime, linked: bool) -> ChangeSet:
    """A scoped report of an application and its server, with or without RUNS_ON."""
    links = [{"type": "RUNS_ON", "source": {"ref": "app"}, "target": {"ref": "s"}}]
    return ChangeSet.model_validate({
        "source": "ssh", "actor": "test", "observed_at": at, "scope": "estate",
        "cis": [{"key": "s", "class": "Server", "attributes": {"serial_number": "SN1"}},
                {"key": "app", "class": "Application", "attributes": {"name": "billing"}}],
        "links": links if linked else [],
    })  # fmt: skip


def runs_on(driver: neo4j.Driver) -> set[tuple[Any, Any]]:
    """Every RUNS_ON record as (since, until), as plain datetimes."""
    return check_rels(driver, "CI", "RUNS_ON", "CI", ["r.since", "r.until"])


def changesets(driver: neo4j.Driver) -> list[tuple[datetime, datetime]]:
    """(at, observed_at) of every change set, by `at`, then in the order they were written."""
    rows = check_nodes(driver, "ChangeSet", ["at", "recorded_at", "observed_at"])
    return [(at, observed) for at, _recorded, observed in sorted(rows)]


def test_an_older_fact_never_overwrites_a_newer_value(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uid = ing.ingest(server(T0, model="R640")).uids["s"]
    ing.ingest(server(T2, model="R750"))
    late = ing.ingest(server(T1, model="R740"))  # observed before R750 was
    assert late.late == 1 and late.updated == 0 and late.changeset_id is None
    assert history.as_of(graph, uid, None)["model"] == "R750"  # type: ignore[index]
    # a weaker source's late fact is late too (before precedence is asked)
    assert ing.ingest(server(T1, source="snmp", model="x")).late == 1
    # the case: observed in 2020, before the CI existed
    old = ing.ingest(server(datetime(2020, 1, 1, tzinfo=UTC), model="R630"))
    assert old.late == 1 and history.as_of(graph, uid, None)["model"] == "R750"  # type: ignore[index]


def test_a_value_set_after_the_fact_within_the_sighting_granularity_wins(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """`_seen` is refreshed once per sighting granularity, so a change made within it is
    found in the CI's versions."""
    ing = Ingestor(graph, schema, config)
    uid = ing.ingest(server(T0, os_version="12")).uids["s"]
    ing.ingest(server(T0 + timedelta(minutes=20), os_version="13"))  # `_seen` stays T0
    r = ing.ingest(server(T0 + timedelta(minutes=10), os_version="12.1"))
    assert r.late == 1 and history.as_of(graph, uid, None)["os_version"] == "13"  # type: ignore[index]


def test_a_late_fact_for_an_attribute_never_set_applies_after_the_last_change(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    uid = ing.ingest(server(T0, model="R640")).uids["s"]
    ing.ingest(server(T2, model="R750"))
    r = ing.ingest(server(T1, model="R740", os_version="12"))
    assert r.late == 1 and r.updated == 1
    now = history.as_of(graph, uid, None)
    assert now is not None and (now["model"], now["os_version"]) == ("R750", "12")
    # written at the CI's last change (T2), not in its past: the change set keeps both times
    assert changesets(graph)[-1] == (T2, T1)
    # as-of reads: each time shows what was known to hold then
    before = history.as_of(graph, uid, T2 - timedelta(seconds=1))
    assert before is not None and (before["model"], before.get("os_version")) == ("R640", None)
    at_t2 = history.as_of(graph, uid, T2)
    assert at_t2 is not None and (at_t2["model"], at_t2["os_version"]) == ("R750", "12")
    assert history.as_of(graph, uid, T0 - timedelta(seconds=1)) is None
    # and the next ordinary report still applies
    ing.ingest(server(T3, model="R760", os_version="12"))
    assert history.as_of(graph, uid, T3)["model"] == "R760"  # type: ignore[index]


def test_a_late_link_report_does_not_reopen_a_link_closed_after_it(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(estate(T0, linked=True))
    assert ing.ingest(estate(T2, linked=False)).links_closed == 1
    late = ing.ingest(estate(T1, linked=True))  # seen at T1, closed at T2
    assert late.late == 1 and late.links_opened == 0
    assert runs_on(graph) == {(T0, T2)}
    # a report a few minutes after the closing is not late: the link opens again (the
    # late report left no fingerprint that would let this one skip its links)
    again = ing.ingest(estate(T2 + timedelta(minutes=10), linked=True))
    assert again.links_opened == 1
    assert runs_on(graph) == {(T0, T2), (T2 + timedelta(minutes=10), None)}


def test_a_late_scoped_report_closes_nothing_reported_after_it(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    ing.ingest(estate(T0, linked=False))
    ing.ingest(estate(T2, linked=True))
    late = ing.ingest(estate(T1, linked=False))
    assert late.links_closed == 0 and runs_on(graph) == {(T2, None)}


def test_a_late_report_does_not_bring_back_a_ci_gone_absent(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config.with_overrides(lifecycle=Lifecycle(1)))
    uid = ing.ingest(estate(T0, linked=False)).uids["s"]
    only_app = estate(T2, linked=False)
    only_app = only_app.model_copy(update={"cis": only_app.cis[1:]})
    assert ing.ingest(only_app).went_absent == 1
    late = ing.ingest(estate(T1, linked=False))
    assert late.late == 1 and history.as_of(graph, uid, None)["status"] == "absent"  # type: ignore[index]
