"""The in-process parts of impact analysis on small graphs with known answers:
dependency propagation by the schema's impact directions and redundancy quorum, network
reachability (only network devices forward), root selection, summaries and JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from cmdb.config import ImpactRoots
from cmdb.impact.model import AffectedCI, ImpactRequest, ImpactResult, summarize
from cmdb.impact.propagate import Link, flows_of, propagate
from cmdb.impact.reach import DeviceLink, NodeInfo, reach_effects, select_roots
from cmdb.schema import load_schema

MODEL = load_schema()


def test_dependents_fail_parts_fail_and_nothing_flows_against_the_direction() -> None:
    links = [Link("app", "RUNS_ON", "srv"), Link("srv", "HAS_INTERFACE", "eth0"),
             Link("app2", "RUNS_ON", "app")]  # fmt: skip
    flows = flows_of(links, MODEL)
    assert propagate({"srv": "DOWN"}, flows, {}) == {
        "srv": "DOWN", "app": "DOWN", "eth0": "DOWN", "app2": "DOWN",
    }  # fmt: skip
    assert propagate({"app": "DOWN"}, flows, {}) == {"app": "DOWN", "app2": "DOWN"}
    # a device only cut off from the network fails what runs on it, not its ports
    assert propagate({"srv": "DOWN"}, flows, {}, frozenset({"srv"})) == {
        "srv": "DOWN", "app": "DOWN", "app2": "DOWN",
    }  # fmt: skip


def test_quorum_down_only_below_min_members_up_degraded_while_any_member_is_down() -> None:
    links = [Link(f"m{n}", "MEMBER_OF", "g") for n in (1, 2, 3)] + [Link("vm", "HOSTED_ON", "g")]
    flows = flows_of(links, MODEL)
    one = propagate({"m1": "DOWN"}, flows, {"g": 2})
    assert one["g"] == "DEGRADED" and one["vm"] == "DEGRADED"
    two = propagate({"m1": "DOWN", "m2": "DOWN"}, flows, {"g": 2})
    assert two["g"] == "DOWN" and two["vm"] == "DOWN"
    # a LAG's aggregate has no quorum of its own: down only when every member is
    lag = flows_of([Link("p1", "LAG_MEMBER_OF", "po"), Link("p2", "LAG_MEMBER_OF", "po")], MODEL)
    assert propagate({"p1": "DOWN"}, lag, {})["po"] == "DEGRADED"
    assert propagate({"p1": "DOWN", "p2": "DOWN"}, lag, {})["po"] == "DOWN"


def _link(a: str, b: str, n: int = 0) -> DeviceLink:
    return DeviceLink(a, f"{a}:{b}:{n}", f"{b}:{a}:{n}", b)


def test_reachability_single_dual_homed_and_parallel_links() -> None:
    links = [_link("core", "d1"), _link("core", "d2"), _link("d1", "a1"), _link("d2", "a1"),
             _link("d1", "a2"), _link("a1", "srv"), _link("a2", "srv"), _link("a2", "s1"),
             _link("a1", "d1", 1)]  # fmt: skip
    transit = frozenset({"core", "d1", "d2", "a1", "a2"})
    roots = frozenset({"core"})
    assert reach_effects(links, roots, transit, {"a2": "DOWN"}) == (
        frozenset({"s1"}),
        frozenset({"srv"}),
    )
    # a2 is reached through d1 only; the server joining a1 and a2 forwards nothing
    unreachable, degraded = reach_effects(links, roots, transit, {"d1": "DOWN"})
    assert unreachable == {"a2", "s1"} and degraded == {"a1", "srv"}
    # one of two parallel links a1-d1 lost: a1 degraded, nothing down
    assert reach_effects(links, roots, transit, {"a1:d1:1": "DOWN"}) == (
        frozenset(),
        frozenset({"a1"}),
    )


def test_roots_configured_by_name_or_class_and_attribute_else_core_else_best_connected() -> None:
    devices = {
        "u1": NodeInfo("u1", "r1", "NetworkDevice", values=(("criticality", "core"),)),
        "u2": NodeInfo("u2", "sw", "NetworkDevice", values=(("criticality", None),)),
        "u3": NodeInfo("u3", "host", "Server", values=(("criticality", None),)),
    }
    links = [_link("u2", "u1"), _link("u2", "u3"), _link("u2", "u3", 1)]
    assert select_roots(devices, links, None, MODEL) == {"u1"}
    assert select_roots(devices, links, ImpactRoots(names=("sw", "u3")), MODEL) == {"u2", "u3"}
    by_class = ImpactRoots(class_name="Device", attributes=(("criticality", "core"),))
    assert select_roots(devices, links, by_class, MODEL) == {"u1"}
    plain = {u: NodeInfo(u, i.name, i.class_name) for u, i in devices.items()}
    assert select_roots(plain, links, None, MODEL) == {"u1", "u2"}  # one link each, tied


def test_summaries_count_down_and_degraded_and_json_is_plain_data() -> None:
    affected = (
        AffectedCI("a", "app", "Application", "DOWN", 1, (), owners=("T",), business_services=("S",)),
        AffectedCI("b", "vm", "VirtualMachine", "DEGRADED", 1, (), business_services=("S",)),
    )  # fmt: skip
    by_class, by_service, by_owner = summarize(affected)
    assert (by_service["S"].down, by_service["S"].degraded) == (1, 1)
    assert by_owner["T"].down == 1 and by_class["VirtualMachine"].degraded == 1
    at = datetime(2026, 1, 1, tzinfo=UTC)
    result = ImpactResult(ImpactRequest(("a",)), at, affected, by_class, by_service, by_owner)
    data = result.to_json()
    assert data["computed_at"] == "2026-01-01T00:00:00+00:00"
    assert data["by_business_service"] == {"S": {"down": 1, "degraded": 1}}
    assert data["affected"][0]["state"] == "DOWN"


def test_paths_go_through_affected_cis_and_pass_through_a_cut_off_devices_ports() -> None:
    from cmdb.impact.paths import explain, flow_edges
    from cmdb.impact.topology import Topology

    links = [_link("sw", "srv")]
    flows = flows_of(
        [Link("app", "RUNS_ON", "srv"), Link("sw", "HAS_INTERFACE", "sw:srv:0")], MODEL
    )
    state = {"sw": "DOWN", "sw:srv:0": "DOWN", "srv": "DOWN", "app": "DOWN"}
    edges, network = flow_edges(flows), Topology.build(links, {}, None, MODEL).outgoing
    ports = frozenset({"sw:srv:0", "srv:sw:0"})
    why = explain(["sw"], state, edges, network, ports, frozenset({"srv"}), 8)  # type: ignore[arg-type]
    assert why.depth == {"sw": 0, "sw:srv:0": 1, "srv:sw:0": 2, "srv": 3, "app": 4}
    (path,) = why.paths("app")
    assert path == [("sw", "HAS_INTERFACE", "out"), ("sw:srv:0", "CONNECTED_TO", "out"),
                    ("srv:sw:0", "HAS_INTERFACE", "in"), ("srv", "RUNS_ON", "in"),
                    ("app", None, None)]  # fmt: skip
    assert why.above(["app"])["sw"] == {"app"}
    assert explain(["sw"], state, edges, network, ports, frozenset(), 2).depth.keys() == {  # type: ignore[arg-type]
        "sw", "sw:srv:0", "srv:sw:0",
    }  # fmt: skip
