"""Change requests over GraphQL (api/changes.py) on the sample estate: drafting and
editing, the roles, the state machine's refusals, emergency changes approved after the
fact, conflicts of running changes, paging, and the change sets written under a request.
The assessment (impact snapshot and risk) is tests/integration/api/test_change_assessment.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from tests.graph_checks import check_nodes
from tests.integration.api.changes_client import (
    CREATE,
    FRIDAY,
    READ,
    SAT_NIGHT,
    act,
    act_error,
    create,
    data,
    draft,
    error,
    estate,
)

pytestmark = pytest.mark.neo4j
Clients = Callable[[str], httpx.Client]

UPDATE = """
mutation($id: String!, $input: ChangeRequestEdit!) {
  updateChangeRequest(id: $id, input: $input, comment: "moved") {
    title windowStart affectedCis { name } transitions { action actor comment } }
}"""


@pytest.fixture
def uids(graph: neo4j.Driver, schema: Schema, config: Config) -> dict[str, str]:
    return estate(graph, schema, config)


def test_an_engineer_drafts_a_change_and_edits_it_while_a_draft(
    http_as: Clients, uids: dict[str, str]
) -> None:
    engineer = http_as("engineer")
    made = data(engineer, CREATE, input={**draft([uids["core-HQ"]]), "implementer": "Alice"},
                comment="spare arrived")["createChangeRequest"]  # fmt: skip
    assert re.fullmatch(r"CHG\d{7}", made["id"])
    assert (made["state"], made["category"], made["requester"], made["implementer"]) == (
        "DRAFT", "NORMAL", "engineer", "Alice",
    )  # fmt: skip
    assert made["affectedCis"] == [
        {"uid": uids["core-HQ"], "name": "hq-core-01", "className": "NetworkDevice"}
    ]
    assert made["windowStart"] == "2026-12-05T22:00:00+00:00"
    assert made["transitions"] == [{"seq": 1, "action": "create", "fromState": None,
        "toState": "draft", "actor": "engineer", "comment": "spare arrived",
        "afterTheFact": False}]  # fmt: skip
    assert made["allowedActions"] == ["assess"]
    edit = {"title": "Replace two line cards", "affectedCis": [uids["acc-HQ-1"], uids["acc-HQ-2"]],
            "windowStart": "2026-12-05T22:30:00Z"}  # fmt: skip
    edited = data(engineer, UPDATE, id=made["id"], input=edit)["updateChangeRequest"]
    assert edited["title"] == "Replace two line cards"
    assert edited["windowStart"] == "2026-12-05T22:30:00+00:00"
    assert sorted(a["name"] for a in edited["affectedCis"]) == ["hq-acc-01", "hq-acc-02"]
    assert edited["transitions"][-1] == {"action": "update", "actor": "engineer",
                                         "comment": "moved"}  # fmt: skip
    second = create(engineer, [uids["core-HQ"]])
    assert int(second["id"][3:]) == int(made["id"][3:]) + 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"affectedCis": ["no-such-uid"]}, "affected: no CI with uid 'no-such-uid'"),
        ({"windowEnd": "2026-12-05T21:00:00Z"}, "window_end: must be after window_start"),
        ({"windowStart": "2026-12-05T22:00:00"}, "window_start: a time with its zone"),
        ({"title": " "}, "title: must not be empty"),
        ({"title": "x" * 300}, "title: at most 200 characters, got 300"),
        ({"title": "'}) DETACH DELETE n //` \u202e"}, None),  # hostile text is just text
    ],
)
def test_a_bad_draft_is_one_error_naming_the_field_and_stores_nothing(
    http: httpx.Client, graph: neo4j.Driver, uids: dict[str, str],
    change: dict[str, object], message: str | None,
) -> None:  # fmt: skip
    fields = {**draft([uids["core-HQ"]]), **change}
    if message is None:
        made = data(http, CREATE, input=fields)["createChangeRequest"]
        assert made["title"] == change["title"]
        assert data(http, READ, id=made["id"])["changeRequest"]["title"] == change["title"]
        return
    assert error(http, CREATE, input=fields).startswith(message)
    assert check_nodes(graph, "ChangeRequest", ["id"]) == set()


def test_each_role_does_only_its_part(http_as: Clients, uids: dict[str, str]) -> None:
    reader, engineer, reviewer = http_as("reader"), http_as("engineer"), http_as("reviewer")
    assert error(reader, CREATE, input=draft([uids["core-HQ"]])) == (
        "permission 'request_changes' needed (role reader has: read)"
    )
    made = create(engineer, [uids["core-HQ"]])
    for action, needed in (("assess", "assess_changes"), ("approve", "approve_changes"),
                           ("reject", "approve_changes"), ("review", "approve_changes")):  # fmt: skip
        assert act_error(engineer, action, made["id"]).startswith(f"permission '{needed}' needed")
    assert error(reader, "mutation($id: String!) { startChangeRequest(id: $id) { id } }",
                 id=made["id"]).startswith("permission 'request_changes' needed")  # fmt: skip
    # nothing moved; the reader reads it, the reviewer too
    assert data(reader, READ, id=made["id"])["changeRequest"]["state"] == "DRAFT"
    assert len(data(reviewer, READ, id=made["id"])["changeRequest"]["transitions"]) == 1


def test_an_invalid_transition_is_refused_with_the_allowed_ones_named(
    http: httpx.Client, uids: dict[str, str]
) -> None:
    made = create(http, [uids["core-HQ"]])
    cr = made["id"]
    assert act_error(http, "start", cr) == (
        f"change request {cr} is draft (normal): cannot start; allowed: assess"
    )
    assert act_error(http, "approve", cr).endswith("cannot approve; allowed: assess")
    assert act_error(http, "review", "CHG9999999") == "no change request 'CHG9999999'"
    emergency = create(http, [uids["core-HQ"]], category="EMERGENCY")
    act(http, "start", emergency["id"])
    assert error(http, UPDATE, id=emergency["id"], input={"title": "late edit"}) == (
        f"change request {emergency['id']} is in_progress: only a draft can be edited"
    )
    assert data(http, READ, id=cr)["changeRequest"]["transitions"][-1]["action"] == "create"


def test_an_emergency_change_runs_first_and_is_approved_after_the_fact(
    http_as: Clients, uids: dict[str, str]
) -> None:
    engineer, reviewer = http_as("engineer"), http_as("reviewer")
    made = create(engineer, [uids["fw-HQ"]], category="EMERGENCY", window=FRIDAY)
    assert made["allowedActions"] == ["assess", "start"]
    cr = made["id"]
    assert act(engineer, "start", cr, "firewall down")["state"] == "IN_PROGRESS"
    done = act(engineer, "complete", cr)
    assert (done["state"], done["allowedActions"]) == ("COMPLETED", ["approve", "reject"])
    assert act_error(reviewer, "review", cr).endswith("cannot review; allowed: approve, reject")
    assert (done["approvalsRequired"], done["approvalsRemaining"]) == (1, 1)
    approved = act(reviewer, "approve", cr, "justified outage")
    assert approved["state"] == "COMPLETED"  # a decision after the fact moves nothing
    assert approved["approvedAfterTheFact"] is True
    assert approved["approvals"] == [{"approver": "reviewer", "decision": "approve",
                                      "comment": "justified outage", "afterTheFact": True,
                                      "cleared": False}]  # fmt: skip
    assert (approved["approvalsRequired"], approved["approvalsRemaining"]) == (1, 0)
    reviewed = act(reviewer, "review", cr, "root cause found")
    assert reviewed["state"] == "REVIEWED"
    assert [(t["action"], t["fromState"], t["toState"], t["actor"], t["afterTheFact"])
            for t in reviewed["transitions"]] == [
        ("create", None, "draft", "engineer", False),
        ("start", "draft", "in_progress", "engineer", False),
        ("complete", "in_progress", "completed", "engineer", False),
        ("approve", "completed", "completed", "reviewer", True),
        ("review", "completed", "reviewed", "reviewer", False),
    ]  # fmt: skip


CONFLICTS = """
query($id: String!) {
  conflicts(id: $id) {
    changeRequest { id state } sharedCis { uid name } sharedBusinessServices }
}"""


def test_running_changes_whose_windows_overlap_on_shared_cis_conflict(
    http: httpx.Client, uids: dict[str, str]
) -> None:
    def running(keys: list[str], window: tuple[str, str]) -> str:
        made = create(http, [uids[k] for k in keys], category="EMERGENCY", window=window)
        act(http, "start", made["id"])
        return str(made["id"])

    a = running(["core-HQ", "acc-HQ-1"], SAT_NIGHT)
    b = running(["acc-HQ-1", "acc-HQ-2"], ("2026-12-05T23:00:00Z", "2026-12-06T01:00:00Z"))
    # c starts as a ends (no overlap with a), within b
    c = running(["acc-HQ-1"], ("2026-12-05T23:30:00Z", "2026-12-06T00:00:00Z"))
    running(["acc-DC2-1"], SAT_NIGHT)  # overlaps, shares nothing
    create(http, [uids["acc-HQ-1"]], window=SAT_NIGHT)  # a draft: not yet a conflict
    found = data(http, CONFLICTS, id=a)["conflicts"]
    assert found == [{"changeRequest": {"id": b, "state": "IN_PROGRESS"},
                      "sharedCis": [{"uid": uids["acc-HQ-1"], "name": "hq-acc-01"}],
                      "sharedBusinessServices": []}]  # fmt: skip
    assert [x["changeRequest"]["id"] for x in data(http, CONFLICTS, id=b)["conflicts"]] == [a, c]
    assert error(http, CONFLICTS, id="CHG0") == "no change request 'CHG0'"


PAGE = """
query($state: ChangeState, $first: Int, $after: String) {
  changeRequests(state: $state, first: $first, after: $after) {
    totalCount edges { cursor node { id state } } pageInfo { hasNextPage endCursor }
  }
}"""


def test_change_requests_page_newest_first(http: httpx.Client, uids: dict[str, str]) -> None:
    ids = [create(http, [uids["core-HQ"]], title=f"change {n}")["id"] for n in range(3)]
    act(http, "start", create(http, [uids["core-HQ"]], category="EMERGENCY")["id"])
    first = data(http, PAGE, state="DRAFT", first=2)["changeRequests"]
    assert first["totalCount"] == 3
    assert [e["node"]["id"] for e in first["edges"]] == [ids[2], ids[1]]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = data(http, PAGE, state="DRAFT", first=2, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in rest["changeRequests"]["edges"]] == [ids[0]]
    assert rest["changeRequests"]["pageInfo"]["hasNextPage"] is False
    running = data(http, PAGE, state="IN_PROGRESS")["changeRequests"]
    assert [e["node"]["state"] for e in running["edges"]] == ["IN_PROGRESS"]
    assert data(http, PAGE)["changeRequests"]["totalCount"] == 4
    assert "not a cursor of this list" in error(http, PAGE, after="bm9wZQ==")
    assert error(http, PAGE, first=-1).startswith("first must be between 0 and 500")


SET = """
mutation($uid: String!, $cr: String) {
  updateAttributes(uid: $uid, attributes: {os_version: "17.12.1"}, reason: "upgrade",
                   changeRequest: $cr) { changeSetId }
}"""


def test_the_change_sets_written_under_a_request_are_its_history(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config,
    uids: dict[str, str],
) -> None:  # fmt: skip
    cr = create(http, [uids["core-HQ"]])["id"]
    written = data(http, SET, uid=uids["core-HQ"], cr=cr)["updateAttributes"]["changeSetId"]
    data(http, SET, uid=uids["rtr-HQ"], cr=None)  # under no request
    Ingestor(graph, schema, config).ingest(ChangeSet.model_validate({
        "source": "ssh", "actor": "sweep", "observed_at": datetime.now(UTC),
        "reason": "after the change", "change_request": cr,
        "cis": [{"key": "c", "class": "Server", "attributes": {"serial_number": "NEW-1"}}],
    }))  # fmt: skip
    sets = data(http, READ, id=cr)["changeRequest"]["changeSets"]
    assert [(s["source"], s["actor"], s["reason"]) for s in sets] == [
        ("manual", "test-admin", "upgrade"), ("ssh", "sweep", "after the change"),
    ]  # fmt: skip
    assert written in {s["id"] for s in sets}


HOSTILE = [
    "'}) MATCH (n) DETACH DELETE n //",
    "`) RETURN 1 //",
    "\u202e\u0000é",
    "CHG0000001 OR 1=1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_argument_is_an_answer_or_a_clean_error(
    http: httpx.Client, graph: neo4j.Driver, uids: dict[str, str], text: str, dump: Callable[..., object]
) -> None:  # fmt: skip
    cr = create(http, [uids["core-HQ"]])["id"]
    before = dump(graph)
    assert data(http, READ, id=text)["changeRequest"] is None
    assert error(http, CONFLICTS, id=text) == f"no change request {text[:40]!r}"
    assert error(http, PAGE, state=text).startswith("Variable '$state' has invalid value")
    assert "not a cursor of this list" in error(http, PAGE, after=text)
    assert act_error(http, "assess", text) == f"no change request {text[:40]!r}"
    assert error(http, UPDATE, id=cr, input={"affectedCis": [text]}) == (
        f"affected: no CI with uid {text[:60]!r}"
    )
    assert dump(graph) == before
    commented = act(
        http, "start", create(http, [uids["core-HQ"]], category="EMERGENCY")["id"], text
    )
    assert commented["transitions"][-1]["comment"] == text


VERIFICATION = """query($id: String!) { changeRequest(id: $id) {
  verification { verifiedAt asPlanned unplannedExtras notObserved changes } } }"""


def test_a_verified_request_shows_planned_against_observed(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config,
    uids: dict[str, str],
) -> None:  # fmt: skip
    """After its window the check verifies a request (audits/authorized/verify.py); its
    review reads the result here. Nothing observed: both CIs planned but not observed."""
    from audits.authorized.verify import verify

    made = create(http, [uids["core-HQ"], uids["app-erp"]], window=FRIDAY)
    assert data(http, VERIFICATION, id=made["id"])["changeRequest"]["verification"] is None
    when = datetime(2026, 12, 5, tzinfo=UTC)
    verify(graph, schema, config, made["id"], when)
    shown = data(http, VERIFICATION, id=made["id"])["changeRequest"]["verification"]
    assert shown == {"verifiedAt": "2026-12-05T00:00:00+00:00", "asPlanned": 0,
                     "unplannedExtras": 0, "changes": {"as_planned": [], "extras": []},
                     "notObserved": sorted([uids["core-HQ"], uids["app-erp"]])}  # fmt: skip
