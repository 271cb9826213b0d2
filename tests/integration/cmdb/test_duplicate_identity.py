"""Two scopes of one source reporting one device (cmdb.ingest.claims): one owner, the same
stored CI whatever the order, the rival reported and not written, no change on the next
run; and a device that moved to a new address is taken over once the old CI is absent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
import pytest

from cmdb.config import Config, Lifecycle
from cmdb.ingest import Ingestor, IngestResult
from cmdb.observations import ChangeSet
from cmdb.schema import Schema, load_schema
from tests.graph_checks import check_keys, check_nodes, check_rels

pytestmark = pytest.mark.neo4j
T0 = datetime(2026, 5, 1, tzinfo=UTC)
A, B, C = "127.0.0.9", "127.0.0.10", "127.0.0.20"  # A's scope sorts first, then B, then C
WIPE = "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n"


def box(target: str, at: datetime, run: str | None, source: str = "snmp") -> ChangeSet:
    """What one target reports of the box with serial SN1. Each address shows the box a
    little differently: its own name, one port of its own, an address on that port, a
    software version, a neighbour on that port that is not known yet (pending), and B
    an attribute the others do not report."""
    host, port, ip, version = {
        A: ("dumsys-55", "Gi2", "10.0.0.1", "8.0"),
        B: ("dumsys-82", "Gi3", "10.0.0.2", "8.1"),
        C: ("dumsys-55", "Gi4", "10.0.0.3", "8.0"),
    }[target]
    attrs: dict[str, Any] = {"serial_number": "SN1", "hostname": host, "management_ip": target,
                             "vendor": "Huawei"}  # fmt: skip
    if target == B:
        attrs["os_version"] = "V800R011"
    cis: list[dict[str, Any]] = [
        {"key": "dev", "class": "NetworkDevice", "attributes": attrs},
        {"key": "gi1", "class": "Interface", "parent": {"ref": "dev"}, "attributes": {"name": "Gi1"}},
        {"key": "own", "class": "Interface", "parent": {"ref": "dev"}, "attributes": {"name": port}},
        {"key": "ip", "class": "IPAddress", "parent": {"ref": "own"},
         "attributes": {"address": ip, "prefix_length": 24}},
        {"key": "net", "class": "Subnet", "attributes": {"cidr": "10.0.0.0/24"}},
        {"key": "sw", "class": "Software", "attributes": {"product": "VRP", "version": version}},
    ]
    links = [
        {"type": "HAS_ADDRESS", "source": {"ref": "own"}, "target": {"ref": "ip"}},
        {"type": "IN_SUBNET", "source": {"ref": "ip"}, "target": {"ref": "net"}},
        {"type": "INSTALLED_ON", "source": {"ref": "sw"}, "target": {"ref": "dev"}},
        {"type": "CONNECTED_TO", "evidence": "lldp", "source": {"ref": "own"},
         "target": {"class": "Interface", "identifiers": {"name": "Eth1"},
                    "parent": {"class": "NetworkDevice", "identifiers": {"hostname": "core"}}}},
    ]  # fmt: skip
    return ChangeSet.model_validate({
        "source": source, "actor": "discovery", "observed_at": at, "discovery_run": run,
        "scope": f"{source}:{target}", "cis": cis, "links": links,
    })  # fmt: skip


def gone(target: str, at: datetime, run: str) -> ChangeSet:
    """The target refused on every protocol: an empty change set for its scope."""
    return ChangeSet.model_validate({"source": "snmp", "actor": "discovery", "observed_at": at,
                                     "discovery_run": run, "scope": f"snmp:{target}",
                                     "certified_links": []})  # fmt: skip


def stored(driver: neo4j.Driver) -> dict[str, Any]:
    """The active graph, described by names instead of uids (uids differ from graph to
    graph): the device, every active CI, every open link and every pending link."""
    fields = ["uid", "_class", "status", "_scope", "_parent", "name", "address", "cidr",
              "product", "version", "serial_number"]  # fmt: skip
    cis = [dict(zip(fields, row, strict=True)) for row in check_nodes(driver, "CI", fields)]
    by_uid = {r["uid"]: r for r in cis}

    def label(uid: str) -> str:
        r = by_uid[uid]
        if r["_class"] == "Interface":
            return f"{label(r['_parent'])}:{r['name']}"
        return str(r["address"] or r["cidr"] or
                   (f"{r['product']} {r['version']}" if r["_class"] == "Software" else r["name"]))  # fmt: skip

    devices = [r for r in cis if r["_class"] == "NetworkDevice" and r["serial_number"]]
    assert len(devices) == 1  # one CI, whatever happened
    uid = devices[0]["uid"]
    [keys] = [keys for of, keys in check_keys(driver, "NetworkDevice", "uid") if of == uid]
    shown = [k for k in keys if not k.startswith("_") and not k.endswith("_seen") and k != "uid"]
    [values] = check_nodes(driver, "NetworkDevice", shown, {"uid": uid})
    links = {(a, rel_type, b, scope) for rel_type in sorted(load_schema().relationships)
             for a, b, scope in check_rels(driver, "CI", rel_type, "CI",
                                           ["a.uid", "b.uid", "r.scope"], open_only=True)}  # fmt: skip
    pending = check_nodes(driver, "PendingLink", ["key", "known_uid", "scope"])
    return {
        "device": (dict(zip(shown, values, strict=True)), devices[0]["_scope"]),
        "active": {(label(r["uid"]), r["_scope"] if r["_class"] == "Interface" else None)
                   for r in cis if r["status"] == "active"},
        "links": {(label(a), t, label(b), scope) for a, t, b, scope in links},
        "pending": {(key, label(known), scope) for key, known, scope in pending},
    }  # fmt: skip


def no_change(result: IngestResult) -> bool:
    return result.changeset_id is None and not (
        result.created or result.updated or result.links_opened or result.links_closed
        or result.went_absent
    )  # fmt: skip


def run(ing: Ingestor, targets: tuple[str, ...], at: datetime, name: str) -> dict[str, IngestResult]:
    return {t: ing.ingest(box(t, at + timedelta(minutes=i), name)) for i, t in enumerate(targets)}


def test_two_targets_one_serial_one_ci_whatever_the_order(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    outcome = {}
    for order in ((A, B), (B, A)):
        graph.execute_query(WIPE)
        ing = Ingestor(graph, schema, config)
        first = run(ing, order, T0, "run-1")
        # B lost the device: reported as a duplicate, naming the serial and the owner
        duplicates = [d for r in first.values() for d in r.duplicates]
        assert [(d.scope, d.owner, d.identifiers, d.withdrawn) for d in duplicates] == [
            (f"snmp:{B}", f"snmp:{A}", {"serial_number": "SN1"}, order == (B, A))
        ]
        after_first = stored(graph)
        # the second run, in either order, records no change and refuses B again
        for again, later in (((A, B), 1), ((B, A), 2)):
            second = run(ing, again, T0 + timedelta(hours=later), f"run-{later + 1}")
            assert all(no_change(r) for r in second.values()), {t: r.diff for t, r in second.items()}
            assert second[A].duplicates == []
            [refused] = second[B].duplicates
            # left out: its two ports and the address on one (a part of the port), and
            # the four links touching them (address, subnet, software, neighbour)
            assert (refused.owner, refused.identifiers, refused.withdrawn, refused.parts,
                    refused.links) == (f"snmp:{A}", {"serial_number": "SN1"}, False, 3, 4)  # fmt: skip
            assert f"snmp:{B} reports NetworkDevice serial_number=SN1" in refused.message()
            assert stored(graph) == after_first
        outcome[order] = after_first
    assert outcome[(A, B)] == outcome[(B, A)]
    state = outcome[(A, B)]
    a = f"snmp:{A}"
    assert state["device"] == ({"serial_number": "SN1", "hostname": "dumsys-55", "name": "dumsys-55",
                                "management_ip": A, "vendor": "Huawei", "status": "active"}, a)  # fmt: skip
    # B's own port and the address on it are nowhere; its subnet and software are,
    # attached to nothing
    assert state["active"] == {("dumsys-55:Gi1", a), ("dumsys-55:Gi2", a), ("10.0.0.1", None),
                               ("10.0.0.0/24", None), ("VRP 8.0", None), ("VRP 8.1", None),
                               ("dumsys-55", None)}  # fmt: skip
    assert state["links"] == {
        ("dumsys-55", "HAS_INTERFACE", "dumsys-55:Gi1", a),
        ("dumsys-55", "HAS_INTERFACE", "dumsys-55:Gi2", a),
        ("dumsys-55:Gi2", "HAS_ADDRESS", "10.0.0.1", a),
        ("10.0.0.1", "IN_SUBNET", "10.0.0.0/24", a),
        ("VRP 8.0", "INSTALLED_ON", "dumsys-55", a),
    }
    assert [(known, scope) for _key, known, scope in state["pending"]] == [("dumsys-55:Gi2", a)]


def test_a_device_stored_before_the_rule_gets_one_owner_in_the_next_run(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    run(ing, (A,), T0, "run-1")
    graph.execute_query("MATCH (d:NetworkDevice) REMOVE d._claims")  # as older code stored it
    before = stored(graph)
    second = run(ing, (B, A), T0 + timedelta(hours=1), "run-2")  # B first claims, A takes it
    assert [d.scope for d in second[A].duplicates] == [f"snmp:{B}"]
    after = stored(graph)  # A's device as it was; of B only what is not on it
    assert after["device"] == before["device"] and after["pending"] == before["pending"]
    assert after["active"] - before["active"] == {("VRP 8.1", None)}
    assert after["links"] == before["links"]
    assert before["links"] <= after["links"] and before["active"] <= after["active"]
    third = run(ing, (A, B), T0 + timedelta(hours=2), "run-3")
    assert all(no_change(r) for r in third.values())
    assert [d.scope for d in third[B].duplicates] == [f"snmp:{B}"]


@pytest.mark.parametrize("gone_first", [True, False])
def test_a_device_that_moved_is_taken_over_once_the_old_ci_is_absent(
    graph: neo4j.Driver, schema: Schema, config: Config, gone_first: bool
) -> None:
    """The box moves from A to C: A refuses from run 2 on and its CI goes absent in run 3
    (two missed runs). C is refused until then, whichever finishes first in run 3, and
    takes the device over in run 4; A's old port, address link and neighbour are
    withdrawn, what C reports is C's. A answering again later is the duplicate."""
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=2))
    ing = Ingestor(graph, schema, config)
    run(ing, (A,), T0, "run-1")
    for n in (2, 3):
        at = T0 + timedelta(hours=n - 1)
        changesets = [gone(A, at, f"run-{n}"), box(C, at + timedelta(minutes=1), f"run-{n}")]
        results = [ing.ingest(cs) for cs in (changesets if gone_first else changesets[::-1])]
        [refused] = [d for r in results for d in r.duplicates]
        assert (refused.scope, refused.owner) == (f"snmp:{C}", f"snmp:{A}")
        absent = stored(graph)["device"][0]["status"] == "absent"
        assert absent == (n == 3)
        if n == 3 and gone_first:
            assert "went absent in this run" in refused.message()
    moved = ing.ingest(box(C, T0 + timedelta(hours=3), "run-4"))
    assert moved.duplicates == []
    c = f"snmp:{C}"
    state = stored(graph)
    assert state["device"] == ({"serial_number": "SN1", "hostname": "dumsys-55", "name": "dumsys-55",
                                "management_ip": C, "vendor": "Huawei", "status": "active"}, c)  # fmt: skip
    assert {name for name, scope in state["active"] if scope} == {"dumsys-55:Gi1", "dumsys-55:Gi4"}
    # A's old port and the address on it went absent, their links closed with them
    assert {(a, t, b) for a, t, b, scope in state["links"] if scope != c} == set()
    assert ("10.0.0.1", None) not in state["active"] and ("10.0.0.3", None) in state["active"]
    assert [(known, scope) for _key, known, scope in state["pending"]] == [("dumsys-55:Gi4", c)]
    back = ing.ingest(box(A, T0 + timedelta(hours=4), "run-5"))
    assert [(d.scope, d.owner) for d in back.duplicates] == [(f"snmp:{A}", c)]
    assert stored(graph)["device"][1] == c


@pytest.mark.parametrize("order", [(C, A), (A, C)])
def test_the_old_owner_answering_in_the_run_the_device_would_pass_keeps_it(
    graph: neo4j.Driver, schema: Schema, config: Config, order: tuple[str, str]
) -> None:
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=1))
    ing = Ingestor(graph, schema, config)
    run(ing, (A,), T0, "run-1")
    expected = stored(graph)
    ing.ingest(gone(A, T0 + timedelta(hours=1), "run-2"))  # absent
    results = run(ing, order, T0 + timedelta(hours=2), "run-3")
    assert [(d.scope, d.withdrawn) for r in results.values() for d in r.duplicates] == [
        (f"snmp:{C}", order == (C, A))
    ]
    state = stored(graph)
    assert state["device"] == expected["device"]
    assert {name for name, scope in state["active"] if scope} == {"dumsys-55:Gi1", "dumsys-55:Gi2"}
    # C's own address is on C's port: left out with it
    assert state["links"] == expected["links"]


def test_a_silent_owner_passes_the_device_on_after_the_staleness_period(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    run(ing, (A,), T0, "run-1")
    staleness = schema.precedence.staleness
    early = ing.ingest(box(C, T0 + staleness - timedelta(hours=1), "run-2"))
    assert [d.owner for d in early.duplicates] == [f"snmp:{A}"]
    late = ing.ingest(box(C, T0 + staleness + timedelta(hours=1), "run-3"))
    assert late.duplicates == [] and stored(graph)["device"][1] == f"snmp:{C}"


def test_other_sources_and_unscoped_change_sets_are_not_rivals(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """An import (no scope) and another source's scope update the device as before:
    reconciled by source precedence, never refused."""
    ing = Ingestor(graph, schema, config)
    run(ing, (A,), T0, "run-1")
    unscoped = box(B, T0 + timedelta(minutes=5), None).model_copy(update={"scope": None})
    imported = ing.ingest(unscoped)
    assert imported.duplicates == [] and stored(graph)["device"][0]["management_ip"] == B
    ssh = ing.ingest(box(C, T0 + timedelta(minutes=6), "run-1", source="ssh"))
    assert ssh.duplicates == [] and stored(graph)["device"][0]["management_ip"] == C
    again = ing.ingest(box(A, T0 + timedelta(minutes=7), "run-1"))
    assert again.duplicates == [] and stored(graph)["device"][1] == f"snmp:{A}"


def with_address(cs: ChangeSet, vrf: str | None) -> ChangeSet:
    """The report with an address on Gi1, the port every target reports."""
    data = cs.model_dump(by_alias=True, exclude_none=True)
    attrs = {"address": "192.0.2.50", **({"vrf": vrf} if vrf else {})}
    data["cis"].append({"key": "mgmt", "class": "IPAddress", "parent": {"ref": "gi1"},
                        "attributes": attrs})  # fmt: skip
    data["links"].append({"type": "HAS_ADDRESS", "source": {"ref": "gi1"},
                          "target": {"ref": "mgmt"}})  # fmt: skip
    return ChangeSet.model_validate(data)


def test_a_takeover_replaces_what_the_old_owner_said_of_an_address_on_a_port(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """An address is a part of a part (device, port, address): the new owner's report of
    it replaces the old owner's too, so a VRF only the old owner reported goes."""
    config = config.with_overrides(lifecycle=Lifecycle(absent_after_missed_runs=1))
    ing = Ingestor(graph, schema, config)
    ing.ingest(with_address(box(A, T0, "run-1"), vrf="blue"))
    ing.ingest(gone(A, T0 + timedelta(hours=1), "run-2"))  # absent
    moved = ing.ingest(with_address(box(C, T0 + timedelta(hours=2), "run-3"), vrf=None))
    assert moved.duplicates == []
    [(_uid, *address)] = check_rels(graph, "Interface", "HAS_ADDRESS", "IPAddress",
                                    ["b.uid", "b.address", "b.vrf", "b._scope", "b.status"],
                                    match_from={"name": "Gi1"})  # fmt: skip
    assert address == ["192.0.2.50", None, f"snmp:{C}", "active"]


# -- what a run reports going absent when it withdraws a rival's report ------------------
# Parts the rival created in that same run never existed before it: they count with the
# duplicate, not as going absent. Parts that existed before the run do go absent.
STRIP_CLAIMS = "MATCH (d:NetworkDevice) REMOVE d._claims"  # as code before the rule stored it


def absent_ports(graph: neo4j.Driver) -> set[tuple[str, str]]:
    found = check_nodes(graph, "CI", ["_class", "name", "address"], {"status": "absent"})
    return {(cls, name if name is not None else address) for cls, name, address in found}


def test_a_first_run_withdrawing_a_rival_reports_nothing_absent(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    ing = Ingestor(graph, schema, config)
    rival = ing.ingest(box(B, T0, "run-1"))  # B finishes first and claims the box
    owner = ing.ingest(box(A, T0 + timedelta(minutes=1), "run-1"))  # A comes first: takes it
    assert rival.duplicates == [] and rival.went_absent == 0
    [withdrawn] = owner.duplicates
    # B's own port and the address on it, created in this run, withdrawn in it
    assert (withdrawn.scope, withdrawn.withdrawn, withdrawn.parts) == (f"snmp:{B}", True, 2)
    assert owner.went_absent == 0
    assert absent_ports(graph) == {("Interface", "Gi3"), ("IPAddress", "10.0.0.2")}
    assert stored(graph)["device"][1] == f"snmp:{A}"


def test_parts_that_existed_before_the_run_still_go_absent(
    graph: neo4j.Driver, schema: Schema, config: Config
) -> None:
    """Both targets stored their parts before the ownership rule; in the next run B claims
    the box first and A takes it over: B's port and address existed, and go absent."""
    ing = Ingestor(graph, schema, config)
    ing.ingest(box(A, T0, "run-1"))
    graph.execute_query(STRIP_CLAIMS)
    ing.ingest(box(B, T0 + timedelta(minutes=1), "run-1"))
    graph.execute_query(STRIP_CLAIMS)
    assert absent_ports(graph) == set()
    ing.ingest(box(B, T0 + timedelta(hours=1), "run-2"))
    owner = ing.ingest(box(A, T0 + timedelta(hours=1, minutes=1), "run-2"))
    [withdrawn] = owner.duplicates
    assert (withdrawn.scope, withdrawn.withdrawn, withdrawn.parts) == (f"snmp:{B}", True, 2)
    assert owner.went_absent == 2
    assert absent_ports(graph) == {("Interface", "Gi3"), ("IPAddress", "10.0.0.2")}
