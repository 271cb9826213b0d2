"""Impact analysis on hand-built topologies with known answers, loaded through the real
ingest (tests/impact_estates.py), the plan run by the sync driver as `cmdb impact` runs
it: network reachability (single- and dual-homed, two uplinks, a LAG), redundancy groups
(a cluster of 3 with quorum 2), dependencies up to a business service with their paths,
owners and contracts, as-of answers, dependencies and paths; the scaled lab fabric."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from cli.sample import sample_estate
from cmdb.config import Config, ImpactConfig, ImpactRoots
from cmdb.errors import NotFoundError
from cmdb.impact import ImpactMode, ImpactRequest, ImpactResult, ImpactSettings, impact_plan
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.queryplan import run_plan
from cmdb.schema import Schema
from tests.impact_estates import T0, T1, campus, scaled_fabric

pytestmark = pytest.mark.neo4j


Load = Callable[..., dict[str, str]]


@pytest.fixture
def load(graph: neo4j.Driver, schema: Schema, config: Config) -> Load:
    def ingest(*changesets: ChangeSet) -> dict[str, str]:
        uids: dict[str, str] = {}
        for changeset in changesets:
            result = Ingestor(graph, schema, config).ingest(changeset)
            uids.update(result.uids)
        return uids

    return ingest


def impact(
    driver: neo4j.Driver, schema: Schema, *keys: str, roots: ImpactRoots | None = None, **kw: Any
) -> ImpactResult:
    settings = ImpactSettings(schema, ImpactConfig(roots=roots))
    return run_plan(driver, impact_plan(ImpactRequest(tuple(keys), **kw), settings))


def states(result: ImpactResult) -> dict[str, str]:
    """The state of each affected CI but ports (a failed device's ports are down too)."""
    return {a.name or a.uid: a.state for a in result.affected if a.class_name != "Interface"}


def test_single_homed_down_dual_homed_degraded(
    graph: neo4j.Driver, schema: Schema, load: Load
) -> None:
    load(campus().changeset())
    got = states(impact(graph, schema, "acc2"))
    assert got["acc2"] == "DOWN"
    assert got["srv-single"] == "DOWN"  # its only switch
    assert got["srv-dual"] == "DEGRADED"  # still reached through acc1
    assert "acc1" not in got and "core" not in got and "dist1" not in got


def test_a_switch_with_two_uplinks_is_degraded_when_one_distribution_switch_fails(
    graph: neo4j.Driver, schema: Schema, load: Load
) -> None:
    load(campus().changeset())
    got = states(impact(graph, schema, "dist2"))
    assert got == {"dist2": "DOWN", "acc1": "DEGRADED"}
    got = states(impact(graph, schema, "dist1"))
    assert got["acc1"] == "DEGRADED" and got["acc2"] == "DOWN" and got["acc3"] == "DOWN"
    assert got["srv-single"] == "DOWN" and got["srv-dual"] == "DEGRADED"


def test_a_lag_member_failing_degrades(graph: neo4j.Driver, schema: Schema, load: Load) -> None:
    uids = load(campus().changeset())
    result = impact(graph, schema, uids["acc3:Gi1"])
    got = {(a.class_name, a.name): a.state for a in result.affected}
    assert got[("Interface", "Po1")] == "DEGRADED"  # one of two members down
    assert got[("NetworkDevice", "acc3")] == "DEGRADED"  # a parallel link remains
    both = impact(graph, schema, uids["acc3:Gi1"], uids["acc3:Gi2"])
    got = {(a.class_name, a.name): a.state for a in both.affected}
    assert got[("Interface", "Po1")] == "DOWN" and got[("NetworkDevice", "acc3")] == "DOWN"


def test_cluster_quorum_and_what_runs_on_it_with_paths(
    graph: neo4j.Driver, schema: Schema, load: Load
) -> None:
    load(campus().changeset())
    one = states(impact(graph, schema, "esx1"))
    assert {k: one[k] for k in ("cl1", "vm1", "app1", "shop")} == dict.fromkeys(
        ("cl1", "vm1", "app1", "shop"), "DEGRADED"
    )
    two = impact(graph, schema, "esx1", "esx2")
    got = {a.name: a for a in two.affected}
    assert {k: got[k].state for k in ("cl1", "vm1", "app1", "shop")} == dict.fromkeys(
        ("cl1", "vm1", "app1", "shop"), "DOWN"
    )
    assert got["shop"].depth == 4
    path = got["shop"].paths[0]
    assert [(s.name, s.relationship, s.direction) for s in path] == [
        (path[0].name, "MEMBER_OF", "out"),
        ("cl1", "HOSTED_ON", "in"),
        ("vm1", "RUNS_ON", "in"),
        ("app1", "DEPENDS_ON", "in"),
        ("shop", None, None),
    ]
    assert {p[0].name for p in got["shop"].paths} == {"esx1", "esx2"}
    assert got["app1"].owners == ("App Team",) and got["app1"].support_teams == ("Ops Team",)
    assert got["app1"].business_services == ("shop",)
    (contract,) = got["esx1"].contracts
    assert (contract.response_time_hours, contract.onsite_time_hours, contract.fix_time_hours) == (
        4.0, 8.0, 24.0,
    )  # fmt: skip
    assert two.by_business_service["shop"].down == 6  # esx1, esx2, cl1, vm1, app1, shop
    assert two.by_owner["App Team"].down == 1
    assert two.by_class["Server"].down == 2


def test_as_of_before_the_second_uplink_was_removed(
    graph: neo4j.Driver, schema: Schema, load: Load
) -> None:
    load(campus().changeset(T0), campus(second_uplink=False).changeset(T1))
    now = states(impact(graph, schema, "dist2"))
    before = states(impact(graph, schema, "dist2", as_of=T1 - timedelta(hours=1)))
    assert now["acc1"] == "DOWN" and now["srv-dual"] == "DEGRADED"
    assert before["acc1"] == "DEGRADED" and "srv-dual" not in before


def test_maintenance_mode_and_configured_roots(
    graph: neo4j.Driver, schema: Schema, load: Load
) -> None:
    load(campus().changeset())
    result = impact(graph, schema, "acc2", mode=ImpactMode.MAINTENANCE)
    assert result.request.mode == ImpactMode.MAINTENANCE
    assert result.to_json()["request"]["mode"] == "MAINTENANCE"
    assert states(result)["srv-single"] == "DOWN"
    # roots at acc2: the rest of the network is reached through it
    got = states(impact(graph, schema, "dist1", roots=ImpactRoots(names=("acc2",))))
    assert got["core"] == "DOWN" and got["acc1"] == "DOWN" and "acc2" not in got


def test_unknown_ci_is_one_error_naming_it(graph: neo4j.Driver, schema: Schema, load: Load) -> None:
    load(campus().changeset())
    with pytest.raises(NotFoundError, match="'nope'"):
        impact(graph, schema, "acc2", "nope")


def test_scaled_lab_fabric_leaf_failure(graph: neo4j.Driver, schema: Schema, load: Load) -> None:
    estate, wired = scaled_fabric(60)
    load(estate.changeset())
    only = {leaf: {s for s in servers if not any(s in o for k, o in wired.items() if k != leaf)}
            for leaf, servers in wired.items()}  # fmt: skip
    assert only["leaf-001"] and only["leaf-003"]  # and none only on leaf-002
    for leaf in ("leaf-001", "leaf-002", "leaf-003"):
        result = states(impact(graph, schema, leaf))
        down = {k for k, v in result.items() if v == "DOWN" and k.startswith("server-")}
        degraded = {k for k, v in result.items() if v == "DEGRADED" and k.startswith("server")}
        assert down == only[leaf]
        assert degraded == wired[leaf] - only[leaf]
        assert not any(k.startswith(("spine", "leaf")) for k in result if k != leaf)


def test_cli_table_and_json(cli: CliRunner, tmp_path: Path) -> None:
    from cli.main import app

    data = campus().changeset().model_dump(mode="json", by_alias=True, exclude_none=True)
    (tmp_path / "campus.json").write_text(json.dumps(data), encoding="utf-8")
    loaded = cli.invoke(app, ["load", str(tmp_path / "campus.json")])
    assert loaded.exit_code == 0, loaded.output
    result = cli.invoke(app, ["impact", "esx1", "esx2", "--format", "json"])
    assert result.exit_code == 0, result.output
    got = {a["name"]: a for a in json.loads(result.output)["affected"]}
    assert got["shop"]["state"] == "DOWN" and got["shop"]["depth"] == 4
    table = cli.invoke(app, ["impact", "acc2", "--mode", "maintenance"])
    assert table.exit_code == 0, table.output
    assert "impact (maintenance): " in table.output
    (row,) = [line for line in table.output.splitlines() if " srv-single " in line]
    assert "DOWN" in row
    assert "C-1 (response 4h, on-site 8h, fix 24h)" in cli.invoke(app, ["impact", "esx1"]).output
    bad = cli.invoke(app, ["impact", "nope"])
    assert bad.exit_code != 0 and "no CI with uid or name 'nope'" in str(bad.exception)
    bad = cli.invoke(app, ["impact", "acc2", "--max-depth", "0"])
    assert bad.exit_code != 0 and "--max-depth must be from 1 to 32" in str(bad.exception)


def test_sample_estate_core_switch_and_access_switch(
    graph: neo4j.Driver, schema: Schema, load: Load
) -> None:
    """The demo's estate: roots by default are the best-connected network devices (the
    two sites' core switches); a site's core takes its business services down with it
    at the default depth, an access switch only degrades the dual-homed ESXi hosts."""
    load(sample_estate(T0))
    core = impact(graph, schema, "hq-core-01")
    got = states(core)
    assert got["hq-acc-01"] == "DOWN" and got["hq-esx-01"] == "DOWN"
    assert got["HQ ESXi cluster"] == "DOWN" and got["Order to cash"] == "DOWN"
    assert "dc2-core-01" not in got and "Online sales" not in got
    acc = states(impact(graph, schema, "hq-acc-01"))
    assert {k for k, v in acc.items() if v == "DEGRADED"} >= {"hq-esx-01", "hq-esx-02"}
    assert [k for k, v in acc.items() if v == "DOWN"] == ["hq-acc-01"]
