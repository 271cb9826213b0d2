"""Manual changes over GraphQL, through the served app: each lands as a change set of
source manual with the token's name as actor, the reason and the change request; bad
input is one error naming the field (the messages of `cmdb load`) and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.schema import Schema
from tests.graph_checks import check_nodes
from tests.integration.api.conftest import ADMIN
from tests.integration.api.history_data import data, error, gql, two_servers

pytestmark = pytest.mark.neo4j

RESULT = "changeSetId uid created changed ci { uid name status className }"
CREATE = f"""
mutation($class: String!, $attributes: JSON!, $reason: String!, $cr: String,
         $parent: String, $status: String) {{
  createCI(class: $class, attributes: $attributes, reason: $reason, changeRequest: $cr,
           parent: $parent, status: $status) {{ {RESULT} }}
}}"""
UPDATE = f"""
mutation($uid: String!, $attributes: JSON!, $reason: String!, $cr: String) {{
  updateAttributes(uid: $uid, attributes: $attributes, reason: $reason, changeRequest: $cr)
  {{ {RESULT} }}
}}"""
RETIRE = f"""mutation($uid: String!, $reason: String!) {{
  retireCI(uid: $uid, reason: $reason) {{ {RESULT} }} }}"""
RESTORE = f"""mutation($uid: String!, $reason: String!) {{
  restoreCI(uid: $uid, reason: $reason) {{ {RESULT} }} }}"""
LINK = """
mutation($type: String!, $source: String!, $target: String!, $reason: String!,
         $attributes: JSON) {
  createRelationship(type: $type, source: $source, target: $target, reason: $reason,
                     attributes: $attributes) { changeSetId }
}"""
UNLINK = """
mutation($type: String!, $source: String!, $target: String!, $reason: String!) {
  closeRelationship(type: $type, source: $source, target: $target, reason: $reason) {
    changeSetId }
}"""
CI_HISTORY = """
query($uid: String!) { ci(uid: $uid) { history(first: 50) { events {
  kind attribute before after changeSet { id source actor reason changeRequest } } } } }"""


def changeset(driver: neo4j.Driver, cs_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "MATCH (c:ChangeSet {id: $id}) RETURN properties(c) AS p", id=cs_id
    )
    [record] = records
    props: dict[str, Any] = record["p"]
    return props


def test_create_ci_is_a_manual_change_set_of_the_token(
    http: httpx.Client, graph: neo4j.Driver
) -> None:
    done = data(http, CREATE, **{"class": "Server", "attributes": {
        "name": "db9", "serial_number": "SN-DB9", "cpu_count": 4}},
        reason="racked today", cr="CR-12")["createCI"]  # fmt: skip
    assert done["created"] is True
    assert done["ci"] == {"uid": done["uid"], "name": "db9", "status": "active",
                          "className": "Server"}  # fmt: skip
    cs = changeset(graph, done["changeSetId"])
    assert (cs["source"], cs["actor"], cs["reason"], cs["change_request"]) == (
        "manual", ADMIN, "racked today", "CR-12",
    )  # fmt: skip
    assert check_nodes(graph, "Server", ["serial_number", "cpu_count"]) == {("SN-DB9", 4)}


def test_a_refused_create_names_the_field_as_cmdb_load_does_and_writes_nothing(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config, dump: Any
) -> None:
    two_servers(graph, schema, config)
    stored = dump(graph)
    prefix = "change set (source manual), cis[0] (key 'ci'), "
    cases = [
        ({"class": "Server", "attributes": {"name": "x", "cpu_count": "eight"}},
         prefix + "field 'attributes.cpu_count': expected integer, got 'eight'"),
        ({"class": "Server", "attributes": {"name": "x", "colour": "red"}},
         prefix + "field 'attributes.colour': Server has no attribute 'colour'"),
        ({"class": "Nope", "attributes": {"name": "x"}},
         prefix + "field 'class': unknown class 'Nope'"),
        ({"class": "Server", "attributes": {"name": "x"}, "status": "gone"},
         prefix + "field 'status': status must be one of ['planned', 'active', 'absent', "
         "'retired']"),
        ({"class": "Server", "attributes": {"name": "x"}, "parent": "no-such-uid"},
         "field 'parent': no CI with uid 'no-such-uid'"),
        ({"class": "Server", "attributes": ["name"]},
         "attributes: expected a map of attribute names to values"),
    ]  # fmt: skip
    for variables, message in cases:
        assert error(http, CREATE, reason="r", **variables) == message
    assert error(http, CREATE, reason="  ", **{"class": "Server", "attributes": {}}) == (
        "reason: a manual change needs a reason"
    )
    assert dump(graph) == stored


def test_update_attributes_retire_and_restore_each_land_in_the_history(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    db1 = two_servers(graph, schema, config)["db1"]
    done = data(http, UPDATE, uid=db1, attributes={"cpu_count": 32, "os_version": None},
                reason="resized", cr="CR-9")["updateAttributes"]  # fmt: skip
    assert done["changed"] == ["cpu_count", "os_version"]
    retired = data(http, RETIRE, uid=db1, reason="decommissioned")["retireCI"]
    assert retired["ci"]["status"] == "retired"
    assert error(http, RETIRE, uid=db1, reason="again") == f"uid: CI {db1} is retired already"
    restored = data(http, RESTORE, uid=db1, reason="back in service")["restoreCI"]
    assert restored["ci"]["status"] == "active"
    events = data(http, CI_HISTORY, uid=db1)["ci"]["history"]["events"]
    manual = [(e["attribute"], e["before"], e["after"], e["changeSet"]["reason"])
              for e in events if e["changeSet"]["source"] == "manual"]  # fmt: skip
    assert manual == [
        ("status", "retired", "active", "back in service"),
        ("status", "active", "retired", "decommissioned"),
        ("os_version", "9.2", None, "resized"),
        ("cpu_count", 16, 32, "resized"),
    ]
    assert {e["changeSet"]["actor"] for e in events if e["changeSet"]["source"] == "manual"} == {
        ADMIN
    }


def test_refused_edits_name_the_field_and_write_nothing(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config, dump: Any
) -> None:
    db1 = two_servers(graph, schema, config)["db1"]
    stored = dump(graph)
    assert error(http, UPDATE, uid=db1, attributes={"cpu_count": "many"}, reason="r") == (
        f"CI {db1}, field 'cpu_count': expected integer, got 'many'"
    )
    assert error(http, UPDATE, uid=db1, attributes={"colour": "red"}, reason="r") == (
        "Server has no attribute 'colour'"
    )
    assert error(http, UPDATE, uid=db1, attributes={"serial_number": None}, reason="r") == (
        "'serial_number' identifies Servers and cannot be cleared"
    )
    assert error(http, UPDATE, uid="nope", attributes={"cpu_count": 1}, reason="r") == (
        "no CI with uid 'nope'"
    )
    assert error(http, UPDATE, uid=db1, attributes={}, reason="r") == (
        "attributes: name at least one attribute"
    )
    assert error(http, RESTORE, uid=db1, reason="r") == f"uid: CI {db1} is active already"
    assert dump(graph) == stored


def test_relationships_open_and_close_by_hand(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config, dump: Any
) -> None:
    db1 = two_servers(graph, schema, config)["db1"]
    team = data(http, CREATE, reason="new team", **{
        "class": "Team", "attributes": {"name": "DBA"}})["createCI"]["uid"]  # fmt: skip
    opened = data(http, LINK, type="OWNED_BY", source=db1, target=team, reason="owns it")
    assert opened["createRelationship"]["changeSetId"]
    stored = dump(graph)
    refused = [
        ({"type": "OWNED_BY", "source": db1, "target": team},
         f"a OWNED_BY link from {db1} to {team} is open already"),
        ({"type": "OWNED_BY", "source": team, "target": db1},
         "change set (source manual), links[0] (OWNED_BY), field 'target': OWNED_BY does not "
         "allow a Server as its target"),
        ({"type": "LIKES", "source": db1, "target": team},
         "change set (source manual), links[0] (LIKES), field 'type': unknown relationship "
         "type 'LIKES'"),
        ({"type": "OWNED_BY", "source": "nope", "target": team},
         "field 'source': no CI with uid 'nope'"),
    ]  # fmt: skip
    for variables, message in refused:
        assert error(http, LINK, reason="r", **variables) == message
    assert error(http, UNLINK, type="OWNED_BY", source=team, target=db1, reason="r") == (
        f"no open OWNED_BY link from {team!r} to {db1!r}"
    )
    assert dump(graph) == stored
    closed = data(http, UNLINK, type="OWNED_BY", source=db1, target=team, reason="handed over")
    cs = changeset(graph, closed["closeRelationship"]["changeSetId"])
    assert (cs["source"], cs["actor"], cs["reason"]) == ("manual", ADMIN, "handed over")
    events = data(http, CI_HISTORY, uid=db1)["ci"]["history"]["events"]
    links = [(e["kind"], e["changeSet"]["reason"]) for e in events if e["kind"].startswith("link")]
    assert links == [("link_close", "handed over"), ("link_open", "owns it")]


def test_a_reader_may_not_change_anything(
    http_as: Callable[[str], httpx.Client],
    graph: neo4j.Driver,
    schema: Schema,
    config: Config,
    dump: Any,
) -> None:
    db1 = two_servers(graph, schema, config)["db1"]
    reader = http_as("reader")
    stored = dump(graph)
    assert error(reader, RETIRE, uid=db1, reason="r") == (
        "permission 'edit_cis' needed (role reader has: read)"
    )
    assert dump(graph) == stored


HOSTILE = [
    "'", '"', "`", "})", "'}) MATCH (n) DETACH DELETE n //", "MATCH (n) DETACH DELETE n",
    "\u202eevil\u200b", "ü🚀漢字", "x" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_mutation_arguments_write_nothing_or_only_the_text(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config, dump: Any,
    hostile: str,
) -> None:  # fmt: skip
    db1 = two_servers(graph, schema, config)["db1"]
    stored = dump(graph)
    attempts: list[tuple[str, dict[str, Any]]] = [
        (CREATE, {"class": hostile, "attributes": {"name": "x"}}),
        (CREATE, {"class": "Server", "attributes": {hostile: "x"}}),
        (CREATE, {"class": "Server", "attributes": {"name": "x"}, "parent": hostile}),
        (CREATE, {"class": "Server", "attributes": {"name": "x"}, "status": hostile}),
        (UPDATE, {"uid": hostile, "attributes": {"cpu_count": 1}}),
        (UPDATE, {"uid": db1, "attributes": {"cpu_count": hostile}}),
        (RETIRE, {"uid": hostile}),
        (LINK, {"type": hostile, "source": db1, "target": db1}),
        (LINK, {"type": "OWNED_BY", "source": hostile, "target": db1}),
        (UNLINK, {"type": "OWNED_BY", "source": db1, "target": hostile}),
    ]
    for mutation, variables in attempts:
        answer = gql(http, mutation, reason="r", **variables)
        [err] = answer["errors"]
        assert "Traceback" not in err["message"] and "Neo4j" not in err["message"]
    assert dump(graph) == stored
    # as a reason, the text is what is stored, nothing more
    if len(hostile) <= 1024:
        done = data(http, UPDATE, uid=db1, attributes={"cpu_count": 2}, reason=hostile, cr=hostile)
        cs = changeset(graph, done["updateAttributes"]["changeSetId"])
        assert (cs["reason"], cs["change_request"]) == (hostile, hostile)
