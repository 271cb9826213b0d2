"""History over GraphQL, through the served app on data the real ingest wrote: the
change log in a window (filters, cursor pages), diffs of a CI and of a class between two
times (as of before a change the old values), and hostile arguments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import neo4j
import pytest

from cmdb.config import Config
from cmdb.schema import Schema
from tests.integration.api.history_data import T0, T1, data, error, gql, two_servers

pytestmark = pytest.mark.neo4j

HISTORY = """
query($first: Int!, $after: String, $since: DateTime, $until: DateTime, $source: String,
      $actor: String, $cr: String) {
  history(first: $first, after: $after, since: $since, until: $until, source: $source,
          actor: $actor, changeRequest: $cr) {
    hasNextPage endCursor
    events { at kind ciUid attribute before after cursor
             changeSet { source actor reason changeRequest } }
  }
}"""

DIFF = """
query($from: DateTime!, $to: DateTime!, $uid: String, $class: String) {
  diff(from: $from, to: $to, uid: $uid, class: $class) {
    uid name attributes { attribute before after }
    linksOpened { type source target } linksClosed { type }
  }
}"""


def iso(t: Any) -> str:
    return str(t.isoformat())


def history(http: httpx.Client, **variables: Any) -> dict[str, Any]:
    variables.setdefault("first", 50)
    page: dict[str, Any] = data(http, HISTORY, **variables)["history"]
    return page


def test_history_of_a_window_tells_each_change_with_its_change_set(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    uids = two_servers(graph, schema, config)
    page = history(http, since=iso(T0 + timedelta(hours=1)), until=iso(T1 + timedelta(hours=1)))
    changes = {(e["ciUid"], e["kind"], e["attribute"], e["before"], e["after"])
               for e in page["events"]}  # fmt: skip
    assert changes == {
        (uids["db1"], "change", "cpu_count", 8, 16),
        (uids["db1"], "change", "os_version", "8.8", "9.2"),
    }
    assert {e["changeSet"]["reason"] for e in page["events"]} == {"memory upgrade"}
    assert {e["changeSet"]["changeRequest"] for e in page["events"]} == {"CR-7"}
    assert page["hasNextPage"] is False
    # the window of T0 holds the two creations, with their state then
    created = history(http, since=iso(T0), until=iso(T0 + timedelta(hours=1)))["events"]
    assert {(e["kind"], e["ciUid"], e["after"]["cpu_count"]) for e in created} == {
        ("create", uids["db1"], 8),
        ("create", uids["app1"], 4),
    }


def test_history_filters_by_source_actor_and_change_request(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    two_servers(graph, schema, config)
    window = {"since": iso(T0), "until": iso(T1 + timedelta(days=1))}
    everything = history(http, **window)["events"]
    assert len(everything) == 4  # two creations, two changes
    under_cr = history(http, cr="CR-7", **window)["events"]
    assert {e["attribute"] for e in under_cr} == {"cpu_count", "os_version"}
    assert history(http, cr="CR-8", **window)["events"] == []
    assert len(history(http, source="ssh", actor="discovery", **window)["events"]) == 4
    assert history(http, source="snmp", **window)["events"] == []
    assert history(http, actor="someone", **window)["events"] == []


def test_history_pages_by_cursor_cover_the_window_once(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    two_servers(graph, schema, config)
    window = {"since": iso(T0), "until": iso(T1 + timedelta(days=1))}
    whole = [e["cursor"] for e in history(http, **window)["events"]]
    seen: list[str] = []
    after = None
    while True:
        page = history(http, first=1, after=after, **window)
        seen += [e["cursor"] for e in page["events"]]
        if not page["hasNextPage"]:
            break
        after = page["endCursor"]
    assert seen == whole and len(whole) == 4
    ats = [e["at"] for e in history(http, **window)["events"]]
    assert ats == sorted(ats, reverse=True)  # newest first


def test_diff_of_a_ci_and_of_a_class_reads_as_of_each_time(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    uids = two_servers(graph, schema, config)
    before, after = iso(T0 + timedelta(hours=1)), iso(T1 + timedelta(hours=1))
    [d] = data(http, DIFF, uid=uids["db1"], **{"from": before, "to": after})["diff"]
    assert {(a["attribute"], a["before"], a["after"]) for a in d["attributes"]} == {
        ("cpu_count", 8, 16),
        ("os_version", "8.8", "9.2"),
    }
    # read the other way round: as of before the change, the old values
    [back] = data(http, DIFF, uid=uids["db1"], **{"from": after, "to": before})["diff"]
    assert {(a["attribute"], a["after"]) for a in back["attributes"]} == {
        ("cpu_count", 8),
        ("os_version", "8.8"),
    }
    # of the class, only db1 changed in between (app1 did not)
    scope = data(http, DIFF, **{"class": "Server", "from": before, "to": after})["diff"]
    assert [(c["uid"], c["name"]) for c in scope] == [(uids["db1"], "db1")]
    assert data(http, DIFF, **{"class": "Rack", "from": before, "to": after})["diff"] == []
    unchanged = data(http, DIFF, uid=uids["app1"], **{"from": before, "to": after})["diff"]
    assert unchanged == []


def test_bad_history_and_diff_arguments_are_one_clear_error(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config, dump: Any
) -> None:
    two_servers(graph, schema, config)
    stored = dump(graph)
    assert error(http, HISTORY, first=0) == "first: must be between 1 and 500, got 0"
    assert error(http, HISTORY, first=5, after="not-a-cursor") == (
        "after: not a cursor this list handed out"
    )
    assert error(http, HISTORY, first=5, since=iso(T1), until=iso(T0)) == "since: is after until"
    assert error(http, DIFF, **{"class": "Nope", "from": iso(T0), "to": iso(T1)}) == (
        "class: unknown class 'Nope'"
    )
    assert error(http, DIFF, uid="x", **{"class": "Server", "from": iso(T0), "to": iso(T1)}) == (
        "class: give uid or class, not both"
    )
    assert dump(graph) == stored


HOSTILE = [
    "'", '"', "`", "})", "'}) MATCH (n) DETACH DELETE n //", "MATCH (n) DETACH DELETE n",
    "$uid", "\\u0000", "\u202eevil\u200b", "ü🚀漢字", "x" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_every_history_argument_are_harmless(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config, dump: Any,
    hostile: str,
) -> None:  # fmt: skip
    two_servers(graph, schema, config)
    stored = dump(graph)
    window = {"first": 5, "since": iso(T0), "until": iso(T1 + timedelta(days=1))}
    for name in ("source", "actor", "cr", "after"):
        answer = gql(http, HISTORY, **window, **{name: hostile})
        _clean_or_empty(answer, "history", "events")
    for name in ("uid", "class"):
        answer = gql(http, DIFF, **{"from": iso(T0), "to": iso(T1), name: hostile})
        _clean_or_empty(answer, "diff", None)
    assert dump(graph) == stored


def _clean_or_empty(answer: dict[str, Any], field: str, items: str | None) -> None:
    """Either one error naming an argument, or a correct empty answer."""
    if answer.get("errors"):
        [err] = answer["errors"]
        assert err["message"].split(":")[0] in {"after", "source", "actor", "changeRequest",
                                                 "uid", "class"}, err  # fmt: skip
        assert "Traceback" not in err["message"] and "Neo" not in err["message"]
        return
    value = answer["data"][field]
    assert (value[items] if items else value) == []


CI_HISTORY = """
query($uid: String!, $asOf: DateTime, $first: Int!, $after: String, $attrs: Boolean = true,
      $source: String, $cr: String) {
  ci(uid: $uid, asOf: $asOf) {
    history(first: $first, after: $after, source: $source, changeRequest: $cr) {
      totalCount hasNextPage endCursor
      events { kind attribute before after @include(if: $attrs) changeSet { reason } }
    }
  }
}"""


def test_a_ci_s_history_pages_filters_and_stops_at_the_time_it_is_read_at(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    db1 = two_servers(graph, schema, config)["db1"]
    now = data(http, CI_HISTORY, uid=db1, first=50)["ci"]["history"]
    assert [(e["kind"], e["attribute"]) for e in now["events"]] == [
        ("change", "os_version"),
        ("change", "cpu_count"),
        ("create", None),
    ]
    assert now["totalCount"] == 3
    # read as of before the change: its history then is the creation only
    then = data(http, CI_HISTORY, uid=db1, first=50, asOf=iso(T0 + timedelta(hours=1)))
    assert [e["kind"] for e in then["ci"]["history"]["events"]] == ["create"]
    # pages of one follow one another
    first = data(http, CI_HISTORY, uid=db1, first=1)["ci"]["history"]
    second = data(http, CI_HISTORY, uid=db1, first=1, after=first["endCursor"])["ci"]["history"]
    assert [first["events"][0]["attribute"], second["events"][0]["attribute"]] == [
        "os_version",
        "cpu_count",
    ]
    assert first["hasNextPage"] and second["hasNextPage"]
    under_cr = data(http, CI_HISTORY, uid=db1, first=50, cr="CR-7")["ci"]["history"]
    assert {e["changeSet"]["reason"] for e in under_cr["events"]} == {"memory upgrade"}
    assert under_cr["totalCount"] == 2
    assert data(http, CI_HISTORY, uid=db1, first=50, source="snmp")["ci"]["history"] == {
        "totalCount": 0, "hasNextPage": False, "endCursor": None, "events": []
    }  # fmt: skip
