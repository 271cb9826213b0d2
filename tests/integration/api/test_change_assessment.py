"""Assessing a change request over GraphQL: the impact (cmdb.impact, on the sample estate
as the real ingest wrote it) stored as a snapshot with its time, the risk grade with its
reasons, the whole normal life of a change, and conflicts through the assessed impact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.schema import Schema
from tests.integration.api.changes_client import (
    FRIDAY,
    READ,
    act,
    create,
    data,
    error,
    estate,
)

pytestmark = pytest.mark.neo4j
Clients = Callable[[str], httpx.Client]
ASSESS = """
mutation($id: String!, $mode: AssessmentMode!) {
  assessChangeRequest(id: $id, mode: $mode) {
    state assessment { computedAt mode risk reasons insideMaintenanceWindow impact }
  }
}"""


EDIT = """
mutation($uid: String!) {
  updateAttributes(uid: $uid, attributes: {criticality: "low"}, reason: "downgraded") {
    changed
  }
}"""


@pytest.fixture
def uids(graph: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    return estate(graph, schema, config)


@pytest.fixture
def cab(http_as: Clients) -> httpx.Client:
    """A reviewer other than `http`'s token: who decides on what `http` requested."""
    return http_as("reviewer")


def test_a_change_is_assessed_approved_carried_out_and_reviewed(
    http_as: Clients, uids: dict[str, str]
) -> None:
    engineer, reviewer = http_as("engineer"), http_as("reviewer")
    cr = create(engineer, [uids["app-erp"]])["id"]  # the ERP application, Saturday night
    assessed = data(reviewer, ASSESS, id=cr, mode="MAINTENANCE")["assessChangeRequest"]
    assert assessed["state"] == "ASSESSED"
    a = assessed["assessment"]
    impact = a["impact"]
    assert impact["request"]["uids"] == [uids["app-erp"]]
    assert impact["request"]["mode"] == a["mode"] == "MAINTENANCE"
    assert datetime.fromisoformat(impact["computed_at"]) == datetime.fromisoformat(a["computedAt"])
    down = {ci["uid"]: ci["state"] for ci in impact["affected"]}
    assert down[uids["bs-erp"]] == "DOWN"  # Order to cash depends on the ERP
    assert a["insideMaintenanceWindow"] is True
    assert a["risk"] == "high"
    assert "business service down: Order to cash (high)" in a["reasons"]
    assert "highest criticality touched: high (ERP) (medium)" in a["reasons"]
    assert "2 CIs touched (low)" in a["reasons"]
    assert a["reasons"][-1] == "inside the maintenance window sat 22:00-06:00 UTC"
    for client, action, state in ((reviewer, "approve", "APPROVED"),
                                  (engineer, "start", "IN_PROGRESS"),
                                  (engineer, "complete", "COMPLETED"),
                                  (reviewer, "review", "REVIEWED")):  # fmt: skip
        assert act(client, action, cr)["state"] == state
    data(engineer, EDIT, uid=uids["app-erp"])  # the graph changes after the assessment
    final = data(engineer, READ, id=cr)["changeRequest"]
    assert final["approvals"] == [{"approver": "reviewer", "decision": "approve",
                                   "comment": None, "afterTheFact": False,
                                   "cleared": False}]  # fmt: skip
    assert final["assessment"] == a  # the snapshot stays as computed


def test_outside_the_maintenance_window_the_grade_rises(
    http: httpx.Client, uids: dict[str, str]
) -> None:
    cr = create(http, [uids["app-erp"]], window=FRIDAY)["id"]
    a = data(http, ASSESS, id=cr, mode="DOWN")["assessChangeRequest"]["assessment"]
    assert (a["mode"], a["insideMaintenanceWindow"], a["risk"]) == ("DOWN", False, "critical")
    assert a["reasons"][-1] == (
        "outside every agreed maintenance window (sat 22:00-06:00 UTC): high raised to critical"
    )


def test_an_assessed_change_may_be_assessed_again_and_a_rejected_one_not(
    http: httpx.Client, cab: httpx.Client, uids: dict[str, str]
) -> None:
    cr = create(http, [uids["app-mail"]])["id"]
    first = data(http, ASSESS, id=cr, mode="MAINTENANCE")["assessChangeRequest"]["assessment"]
    again = data(http, ASSESS, id=cr, mode="MAINTENANCE")["assessChangeRequest"]["assessment"]
    assert again["computedAt"] > first["computedAt"]
    act(cab, "reject", cr, "not now")
    assert error(http, ASSESS, id=cr, mode="MAINTENANCE") == (
        f"change request {cr} is rejected (normal): cannot assess; allowed: none"
    )


CONFLICTS = """
query($id: String!) {
  conflicts(id: $id) { changeRequest { id } sharedCis { name } sharedBusinessServices }
}"""


def test_conflicts_are_found_through_the_assessed_impact(
    http: httpx.Client, cab: httpx.Client, uids: dict[str, str]
) -> None:
    """Two changes name different CIs (the ERP's database, the ERP application) but their
    impacts meet: the ERP application and its business service."""
    database = create(http, [uids["db-erp"]])["id"]
    data(http, ASSESS, id=database, mode="MAINTENANCE")
    act(cab, "approve", database)
    app = create(http, [uids["app-erp"]], window=("2026-12-05T23:00:00Z", "2026-12-06T02:00Z"))
    data(http, ASSESS, id=app["id"], mode="MAINTENANCE")
    found = data(http, CONFLICTS, id=app["id"])["conflicts"]
    assert [c["changeRequest"]["id"] for c in found] == [database]
    shared = {ci["name"] for ci in found[0]["sharedCis"]}
    assert {"ERP", "Order to cash"} <= shared
    assert "Order to cash" in found[0]["sharedBusinessServices"]
    elsewhere = create(http, [uids["app-web"]])["id"]  # the web shop: its own VM, its own DB
    data(http, ASSESS, id=elsewhere, mode="MAINTENANCE")
    assert data(http, CONFLICTS, id=elsewhere)["conflicts"] == []
