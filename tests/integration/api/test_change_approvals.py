"""The CAB's rules over GraphQL (cmdb/changes/cab.py): whoever requested, implements or
created a request may not decide on it; a request needs the approvals of its category
(cmdb.yaml `changes.approvals_required`) from distinct reviewers, each recorded while it
waits; one rejection rejects; an emergency change is approved after the fact under the
same rule; assessing again clears the approvals given. Two apps are served: the session's
(the defaults: one approval each) and one of this module needing two."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import neo4j
import pytest

from cmdb.config import ApprovalsRequired, ChangesConfig, Config
from cmdb.schema import Schema
from tests.integration.api.changes_client import (
    CREATE,
    FRIDAY,
    READ,
    act,
    act_error,
    create,
    data,
    draft,
    estate,
)
from tests.integration.api.conftest import Served, bearer

pytestmark = pytest.mark.neo4j
Clients = Callable[[str], httpx.Client]
Named = Callable[..., httpx.Client]  # (token name, role="reviewer")
ASSESS = """
mutation($id: String!, $comment: String) {
  assessChangeRequest(id: $id, mode: MAINTENANCE, comment: $comment) { state }
}"""
TWO = ApprovalsRequired(standard=1, normal=2, emergency=2)


@pytest.fixture
def uids(graph: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    return estate(graph, schema, config)


@pytest.fixture(scope="module")
def served_two(dbms_config: Config, schema: Schema, driver: object) -> Iterator[Served]:
    """The API of a cmdb.yaml whose normal and emergency changes need two approvals."""
    two = dbms_config.with_overrides(changes=ChangesConfig(approvals_required=TWO))
    with Served(two, schema) as app:
        yield app


@pytest.fixture
def two_as(served_two: Served, graph: neo4j.Driver) -> Iterator[Named]:
    """`two_as(name, role)`: a client of that app with a new token."""
    clients: list[httpx.Client] = []

    def client_as(name: str, role: str = "reviewer") -> httpx.Client:
        headers = bearer(graph, role, name)
        clients.append(httpx.Client(base_url=served_two.url, timeout=60, headers=headers))
        return clients[-1]

    yield client_as
    for client in clients:
        client.close()


def assessed(requester: httpx.Client, assessor: httpx.Client, uid: str, **fields: str) -> str:
    cr: str = create(requester, [uid], **fields)["id"]
    assert data(assessor, ASSESS, id=cr)["assessChangeRequest"]["state"] == "ASSESSED"
    return cr


def decisions(cr: dict[str, object]) -> list[tuple[object, ...]]:
    approvals = cr["approvals"]
    assert isinstance(approvals, list)
    return [(a["approver"], a["decision"], a["afterTheFact"], a["cleared"]) for a in approvals]


def test_the_requester_implementer_or_creator_may_not_decide(
    http: httpx.Client, http_as: Clients, graph: neo4j.Driver, uids: dict[str, str],
    dump: Callable[..., object],
) -> None:  # fmt: skip
    first, second = http_as("reviewer"), http_as("reviewer")  # reviewer, reviewer-2
    mine = assessed(first, second, uids["app-erp"])
    before = dump(graph)
    for action in ("approve", "reject"):
        assert act_error(first, action, mine) == (
            f"reviewer requested {mine} and may not decide on it "
            "(changes.self_approval is off: another reviewer decides)"
        )
    assert dump(graph) == before  # nothing recorded
    now = data(first, READ, id=mine)["changeRequest"]
    assert (now["state"], now["approvals"], now["approvalsRemaining"]) == ("ASSESSED", [], 1)
    # reviewer-2 implements the next one (names compared without case), drafted by the admin
    made = data(http, CREATE, input={**draft([uids["app-erp"]]), "requester": "carol",
                                     "implementer": "Reviewer-2"})["createChangeRequest"]  # fmt: skip
    data(first, ASSESS, id=made["id"])
    assert act_error(second, "approve", made["id"]).startswith(
        f"reviewer-2 implements {made['id']} and may not decide on it"
    )
    assert act_error(http, "approve", made["id"]).startswith(
        f"test-admin created {made['id']} and may not decide on it"
    )
    approved = act(first, "approve", made["id"], "fine")
    assert (approved["state"], decisions(approved)) == (
        "APPROVED", [("reviewer", "approve", False, False)],
    )  # fmt: skip
    assert act(second, "approve", mine)["state"] == "APPROVED"  # another reviewer decides


def test_two_distinct_reviewers_approve_and_one_rejection_rejects(
    two_as: Named, uids: dict[str, str]
) -> None:
    engineer = two_as("erin", "engineer")
    alice, bob = two_as("alice"), two_as("bob")
    cr = assessed(engineer, alice, uids["app-erp"])
    first = act(alice, "approve", cr, "looks safe")
    assert (first["state"], first["approvalsRequired"], first["approvalsRemaining"]) == (
        "ASSESSED", 2, 1,
    )  # fmt: skip
    assert first["approvals"] == [{"approver": "alice", "decision": "approve",
                                   "comment": "looks safe", "afterTheFact": False,
                                   "cleared": False}]  # fmt: skip
    assert first["allowedActions"] == ["assess", "approve", "reject"]
    assert act_error(alice, "approve", cr) == (
        f"alice approved {cr} already: it needs 2 approvals from distinct reviewers (1 so far)"
    )
    assert act_error(engineer, "start", cr).endswith(
        "cannot start; allowed: assess, approve, reject"
    )
    second = act(bob, "approve", cr)
    assert (second["state"], second["approvalsRemaining"]) == ("APPROVED", 0)
    assert [(t["action"], t["fromState"], t["toState"], t["actor"])
            for t in second["transitions"][-2:]] == [
        ("approve", "assessed", "assessed", "alice"), ("approve", "assessed", "approved", "bob"),
    ]  # fmt: skip
    assert act(engineer, "start", cr)["state"] == "IN_PROGRESS"
    other = assessed(engineer, alice, uids["app-mail"])
    act(alice, "approve", other)
    rejected = act(bob, "reject", other, "not this week")
    assert (rejected["state"], decisions(rejected)) == (
        "REJECTED", [("alice", "approve", False, False), ("bob", "reject", False, False)],
    )  # fmt: skip
    standard = assessed(engineer, alice, uids["app-web"], category="STANDARD")
    assert act(bob, "approve", standard)["state"] == "APPROVED"  # standard: one is enough


def test_an_emergency_change_needs_both_approvals_after_the_fact(
    two_as: Named, uids: dict[str, str]
) -> None:
    engineer, alice, bob = two_as("erin", "engineer"), two_as("alice"), two_as("bob")
    cr = create(engineer, [uids["fw-HQ"]], category="EMERGENCY", window=FRIDAY)["id"]
    act(engineer, "start", cr, "firewall down")
    act(engineer, "complete", cr)
    first = act(alice, "approve", cr)
    assert (first["state"], first["approvedAfterTheFact"], first["approvalsRemaining"]) == (
        "COMPLETED", False, 1,
    )  # fmt: skip
    assert first["allowedActions"] == ["approve", "reject"]
    assert act_error(bob, "review", cr).endswith("cannot review; allowed: approve, reject")
    assert act_error(alice, "approve", cr).startswith(f"alice approved {cr} already")
    second = act(bob, "approve", cr, "justified")
    assert (second["state"], second["approvedAfterTheFact"], second["allowedActions"]) == (
        "COMPLETED", True, ["review"],
    )  # fmt: skip
    assert decisions(second) == [("alice", "approve", True, False), ("bob", "approve", True, False)]
    assert act(bob, "review", cr)["state"] == "REVIEWED"


def test_assessing_again_clears_the_approvals_given(two_as: Named, uids: dict[str, str]) -> None:
    engineer, alice, bob = two_as("erin", "engineer"), two_as("alice"), two_as("bob")
    cr = assessed(engineer, alice, uids["app-erp"])
    act(alice, "approve", cr)
    data(bob, ASSESS, id=cr, comment="the database moved")
    again = data(bob, READ, id=cr)["changeRequest"]
    assert again["transitions"][-1]["comment"] == (
        "the database moved; assessed again, the impact may have changed: approvals cleared (alice)"
    )
    assert (again["state"], again["approvalsRemaining"]) == ("ASSESSED", 2)
    assert decisions(again) == [("alice", "approve", False, True)]
    assert act(alice, "approve", cr)["state"] == "ASSESSED"  # her approval counts anew
    done = act(bob, "approve", cr)
    assert done["state"] == "APPROVED"
    assert decisions(done) == [("alice", "approve", False, True),
                               ("alice", "approve", False, False),
                               ("bob", "approve", False, False)]  # fmt: skip
    quiet = assessed(engineer, alice, uids["app-mail"])
    data(bob, ASSESS, id=quiet)  # no approval to clear: nothing added to the record
    assert data(bob, READ, id=quiet)["changeRequest"]["transitions"][-1]["comment"] is None
