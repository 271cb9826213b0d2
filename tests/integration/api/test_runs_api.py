"""Discovery runs over GraphQL, through the served app: runs as discovery records them
(cmdb.runs.record_run), newest first and paged, one run's failures and coverage, the
duplicate identities among their failures, and the identification conflicts the real
ingest recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.runs import DiscoveryRun, Failure, record_run
from cmdb.schema import Schema
from tests.integration.api.history_data import T0, data, error, gql, observation, server

pytestmark = pytest.mark.neo4j

RUNS = """
query($job: String, $first: Int!, $after: String) {
  discoveryRuns(job: $job, first: $first, after: $after) {
    hasNextPage endCursor runs { id job site status targets answered failed }
  }
}"""
RUN = """
query($id: String!) { discoveryRun(id: $id) {
  id job site startedAt finishedAt targets reached answered failed
  failures { target protocol kind message command }
  coverage { target protocol status tables }
} }"""
DUPLICATES = """
query($job: String) { duplicateIdentities(job: $job) { runId job target protocol message } }"""
CONFLICTS = """
query { identificationConflicts { className uids chosen identifiers status changeSetId } }"""


def lab_runs(driver: neo4j.Driver) -> list[DiscoveryRun]:
    """Three runs of job lab an hour apart (the last met a duplicate), one of job dc by the
    collector at site lyon."""
    runs = []
    for i, job in enumerate(["lab", "lab", "dc", "lab"]):
        start = T0 + timedelta(hours=i)
        failures = [Failure("10.0.0.9", "ssh", "auth_failed", "authentication failed")]
        if i == 3:
            failures.append(Failure("10.0.0.7", "snmp", "duplicate_identity",
                                    "answers as the device 10.0.0.5 owns"))  # fmt: skip
        run = DiscoveryRun(
            id=f"run-{i}", job=job, started_at=start, finished_at=start + timedelta(minutes=5),
            targets=3, answered=2, failed=1, failures=failures,
            coverage={"10.0.0.5": {"snmp": {"status": "complete", "tables": {"ifTable": "ok"}}}},
            site="lyon" if job == "dc" else None,
        )  # fmt: skip
        record_run(driver, run)
        runs.append(run)
    return runs


def test_runs_of_a_job_newest_first_in_pages(http: httpx.Client, graph: neo4j.Driver) -> None:
    lab_runs(graph)
    first = data(http, RUNS, job="lab", first=2)["discoveryRuns"]
    assert [r["id"] for r in first["runs"]] == ["run-3", "run-1"]
    assert first["hasNextPage"] is True
    rest = data(http, RUNS, job="lab", first=2, after=first["endCursor"])["discoveryRuns"]
    assert [r["id"] for r in rest["runs"]] == ["run-0"]
    assert rest["hasNextPage"] is False
    every = data(http, RUNS, first=10)["discoveryRuns"]["runs"]
    assert [r["id"] for r in every] == ["run-3", "run-2", "run-1", "run-0"]
    assert [r["site"] for r in every] == [None, "lyon", None, None]
    assert data(http, RUNS, job="nope", first=10)["discoveryRuns"]["runs"] == []


def test_one_run_with_its_failures_and_coverage(http: httpx.Client, graph: neo4j.Driver) -> None:
    lab_runs(graph)
    run = data(http, RUN, id="run-3")["discoveryRun"]
    assert (run["targets"], run["reached"], run["answered"], run["failed"]) == (3, 3, 2, 1)
    assert run["site"] is None  # run here
    assert data(http, RUN, id="run-2")["discoveryRun"]["site"] == "lyon"
    assert {(f["target"], f["kind"]) for f in run["failures"]} == {
        ("10.0.0.9", "auth_failed"),
        ("10.0.0.7", "duplicate_identity"),
    }
    assert run["coverage"] == [{"target": "10.0.0.5", "protocol": "snmp", "status": "complete",
                                "tables": {"ifTable": "ok"}}]  # fmt: skip
    assert data(http, RUN, id="run-99")["discoveryRun"] is None
    duplicates = data(http, DUPLICATES, job="lab")["duplicateIdentities"]
    assert [(d["runId"], d["target"]) for d in duplicates] == [("run-3", "10.0.0.7")]
    assert data(http, DUPLICATES, job="dc")["duplicateIdentities"] == []


def test_identification_conflicts_the_ingest_recorded(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    made = ing.ingest(observation(T0, [
        server("a", serial_number="SN-A", hostname="app1", domain="x"),
        server("b", serial_number="SN-B", hostname="app2", domain="x"),
    ]))  # fmt: skip
    assert data(http, CONFLICTS)["identificationConflicts"] == []
    # a report whose serial says a and whose host name says b
    r = ing.ingest(observation(T0 + timedelta(hours=1), [
        server("c", serial_number="SN-A", hostname="app2", domain="x")]))  # fmt: skip
    [conflict] = data(http, CONFLICTS)["identificationConflicts"]
    assert conflict["className"] == "Server"
    assert set(conflict["uids"]) == {made.uids["a"], made.uids["b"]}
    assert conflict["chosen"] == made.uids["a"]
    assert conflict["status"] == "open"
    assert conflict["changeSetId"] == r.changeset_id


@pytest.mark.parametrize("hostile", ["'", "`})", "MATCH (n) DETACH DELETE n", "ü🚀", "x" * 5000])
def test_hostile_run_arguments_are_an_error_or_empty(
    http: httpx.Client, graph: neo4j.Driver, dump: Any, hostile: str
) -> None:
    lab_runs(graph)
    stored = dump(graph)
    for query, variables, field in [
        (RUNS, {"job": hostile, "first": 5}, "discoveryRuns"),
        (RUNS, {"first": 5, "after": hostile}, "discoveryRuns"),
        (RUN, {"id": hostile}, "discoveryRun"),
        (DUPLICATES, {"job": hostile}, "duplicateIdentities"),
    ]:
        answer = gql(http, query, **variables)
        if answer.get("errors"):
            [err] = answer["errors"]
            assert err["message"].split(":")[0] in {"job", "after", "id"}, err
        else:
            value = answer["data"][field]
            assert value in (None, []) or value["runs"] == []
    assert dump(graph) == stored
    assert error(http, RUNS, first=0) == "first: must be between 1 and 500, got 0"
