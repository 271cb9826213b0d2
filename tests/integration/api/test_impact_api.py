"""Impact analysis through the served API (real HTTP, real Neo4j) on the campus
topology (tests/impact_estates.py) loaded through the real ingest: `impact` with states,
paths, owners, contracts and summaries, as of a time; `dependencies`; `path`; bad input
as one clear error; the `read` permission."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from api.schema import build_schema
from cli.sample import sample_estate
from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.schema import Schema
from tests.impact_estates import T0, T1, campus

pytestmark = pytest.mark.neo4j

IMPACT = """
query($cis: [String!]!, $mode: ImpactMode! = DOWN, $asOf: DateTime, $depth: Int) {
  impact(cis: $cis, mode: $mode, asOf: $asOf, maxDepth: $depth) {
    cis mode computedAt
    affected { name className state depth owners supportTeams businessServices
               paths { name relationship direction }
               contracts { contractNumber responseTimeHours onsiteTimeHours fixTimeHours endDate } }
    byClass { name down degraded }
    byBusinessService { name down degraded }
    byOwner { name down degraded }
  }
}
"""


def ask(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def estate(graph: neo4j.Driver, schema: Schema, config: Config) -> None:
    ingest = Ingestor(graph, schema, config).ingest
    ingest(campus().changeset(T0))
    ingest(campus(second_uplink=False).changeset(T1))


def by_name(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in body["data"]["impact"]["affected"]}


def test_impact_states_paths_and_what_it_says_about_each_ci(
    http: httpx.Client, estate: None
) -> None:
    body = ask(http, IMPACT, cis=["esx1", "esx2"])
    assert "errors" not in body, body
    got = by_name(body)
    shop = got["shop"]
    assert (shop["state"], shop["depth"]) == ("DOWN", 4)
    assert [(s["name"], s["relationship"]) for s in shop["paths"][0]][1:] == [
        ("cl1", "HOSTED_ON"), ("vm1", "RUNS_ON"), ("app1", "DEPENDS_ON"), ("shop", None),
    ]  # fmt: skip
    assert got["app1"]["owners"] == ["App Team"] and got["app1"]["supportTeams"] == ["Ops Team"]
    assert got["app1"]["businessServices"] == ["shop"]
    assert got["esx1"]["contracts"] == [{"contractNumber": "C-1", "responseTimeHours": 4.0,
                                         "onsiteTimeHours": 8.0, "fixTimeHours": 24.0,
                                         "endDate": "2027-12-31"}]  # fmt: skip
    impact = body["data"]["impact"]
    assert {"name": "shop", "down": 6, "degraded": 0} in impact["byBusinessService"]
    assert {"name": "App Team", "down": 1, "degraded": 0} in impact["byOwner"]
    assert {"name": "Server", "down": 2, "degraded": 0} in impact["byClass"]
    one = by_name(ask(http, IMPACT, cis=["esx1"], mode="MAINTENANCE"))
    assert one["shop"]["state"] == "DEGRADED" and one["cl1"]["state"] == "DEGRADED"


def test_impact_as_of_before_the_second_uplink_was_removed(
    http: httpx.Client, estate: None
) -> None:
    now = by_name(ask(http, IMPACT, cis=["dist2"]))
    before = by_name(ask(http, IMPACT, cis=["dist2"], asOf="2026-05-02T07:00:00Z"))
    assert now["acc1"]["state"] == "DOWN" and now["srv-dual"]["state"] == "DEGRADED"
    assert before["acc1"]["state"] == "DEGRADED" and "srv-dual" not in before
    hop = before["acc1"]["paths"][0]
    assert [s["name"] for s in hop] == ["dist2", "Gi1", "Gi1", "acc1"]
    assert [s["relationship"] for s in hop] == [
        "HAS_INTERFACE",
        "CONNECTED_TO",
        "HAS_INTERFACE",
        None,
    ]


def test_dependencies_and_path(http: httpx.Client, estate: None) -> None:
    query = 'query { dependencies(ci: "shop", maxDepth: 16) { needs { name depth redundant } } }'
    body = ask(http, query)
    needs = {n["name"]: n for n in body["data"]["dependencies"]["needs"]}
    assert needs["app1"]["depth"] == 1 and needs["vm1"]["depth"] == 2 and needs["cl1"]["depth"] == 3
    assert needs["esx1"]["redundant"] and not needs["vm1"]["redundant"]
    # esx1 is on the network: it needs acc2, then dist1, then core
    assert {"acc2", "dist1", "core"} <= needs.keys()
    body = ask(http, 'query { path(from: "shop", to: "esx3") { name relationship direction } }')
    assert [(s["name"], s["relationship"], s["direction"]) for s in body["data"]["path"]] == [
        ("shop", "DEPENDS_ON", "out"), ("app1", "RUNS_ON", "out"), ("vm1", "HOSTED_ON", "out"),
        ("cl1", "MEMBER_OF", "in"), ("esx3", None, None),
    ]  # fmt: skip


def test_bad_input_is_one_clear_error_and_reading_needs_read(
    http: httpx.Client, http_as: Any, estate: None, schema: Schema
) -> None:
    body = ask(http, IMPACT, cis=["esx1", "no-such-ci"])
    assert body["data"] is None and [e["message"] for e in body["errors"]] == [
        "no CI with uid or name 'no-such-ci'"
    ]
    body = ask(http, IMPACT, cis=["esx1"], depth=99)
    assert [e["message"] for e in body["errors"]] == ["maxDepth must be from 1 to 32, got 99"]
    body = ask(http, IMPACT, cis=[])
    assert [e["message"] for e in body["errors"]] == ["cis: give 1 to 1000 CIs, got 0"]
    sdl = build_schema(schema).as_str()
    for field in ("impact(", "dependencies(", "path("):
        (line,) = [text for text in sdl.splitlines() if text.strip().startswith(field)]
        assert line.endswith('@needs(permission: "read")'), line
    assert "errors" not in ask(http_as("reader"), IMPACT, cis=["esx1"])


def readme_query() -> str:
    """The example of the README's section on impact analysis."""
    text = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Impact analysis") :]
    start = section.index("```graphql\n") + len("```graphql\n")
    return section[start : section.index("```\n", start)]


def test_the_readme_example_answers(
    http: httpx.Client, graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    Ingestor(graph, schema, config).ingest(sample_estate(T0))
    body = ask(http, readme_query())
    assert "errors" not in body, body
    data = body["data"]
    got = {a["name"]: a for a in data["impact"]["affected"]}
    assert got["hq-core-01"]["depth"] == 0 and got["hq-esx-01"]["state"] == "DOWN"
    assert got["ERP"]["state"] == "DOWN" and got["ERP"]["businessServices"] == ["Order to cash"]
    assert {"name": "Network Operations"} not in data["impact"]["byBusinessService"]
    assert any(c["name"] == "Order to cash" and c["down"] > 0
               for c in data["impact"]["byBusinessService"])  # fmt: skip
    needs = {n["name"] for n in data["dependencies"]["needs"]}
    assert {"ERP", "erp-app-01", "HQ ESXi cluster", "hq-esx-01"} <= needs
    assert [s["name"] for s in data["path"]] == [
        "Order to cash", "ERP", "erp-app-01", "HQ ESXi cluster", "hq-esx-01",
    ]  # fmt: skip
