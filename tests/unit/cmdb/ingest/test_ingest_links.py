"""Link rules on values: which links a change set wants (a symmetric pair in uid order),
which wait as pending links, which open, stay closed (late), move scope, open for a CI
created now, park or drop, and the link fingerprint that skips look-ups."""

from __future__ import annotations

from cmdb.ingest import links
from cmdb.ingest.fingerprint import fingerprint
from cmdb.ingest.links import LinkPlan
from cmdb.ingest.reader import LinkState, Pending
from cmdb.validate import Ref
from tests.unit.cmdb.ingest.ingest_values import (
    HOUR,
    SCHEMA,
    T0,
    context,
    group,
    new,
    stored,
    summary,
)

CONNECTED = SCHEMA.relationships["CONNECTED_TO"]
RUNS_ON = SCHEMA.relationships["RUNS_ON"]
SERVER = Ref(cls=SCHEMA.classes["Server"], identifiers=(("serial_number", "SN9"),))


def test_wanted_links_keep_a_symmetric_pair_in_uid_order_and_park_a_missing_end() -> None:
    specs = [links.LinkSpec(CONNECTED, "z", "a", "lldp"), links.LinkSpec(CONNECTED, "a", "z", "cdp"),
             links.LinkSpec(RUNS_ON, "svc", SERVER, "manual")]  # fmt: skip
    wanted, pending = links.wanted_links(context(), specs, {}, {SERVER: None})
    assert wanted == {("CONNECTED_TO", "a", "z"): (CONNECTED, "lldp", "")}
    (key, rel, known), row = next(iter(pending.items()))
    assert (key, rel, known) == ("Server||serial_number=SN9", "RUNS_ON", "svc")
    assert row["known_end"] == "source"
    found, none_pending = links.wanted_links(context(), specs[2:], {}, {SERVER: "srv"})
    assert list(found) == [("RUNS_ON", "svc", "srv")] and not none_pending


def test_missing_links_open_late_ones_stay_closed_moved_ones_follow_the_scope() -> None:
    ctx = context("snmp", scope="snmp:10.0.0.1")
    wanted = {("CONNECTED_TO", "a", "b"): (CONNECTED, "lldp", ""),
              ("CONNECTED_TO", "c", "d"): (CONNECTED, "lldp", ""),
              ("CONNECTED_TO", "e", "f"): (CONNECTED, "lldp", ""),
              ("RUNS_ON", "n", "f"): (RUNS_ON, "manual", "")}  # fmt: skip
    states = [
        LinkState(0, None, False, False, False),  # missing
        LinkState(1, None, False, False, True),  # closed after the facts' time
        LinkState(2, "r-ef", True, True, False),
    ]  # stale, under another scope
    plan = LinkPlan()
    links.open_or_keep(ctx, wanted, {"n"}, states, plan)  # n: created now
    assert [(c.type, c.a, c.b) for c in plan.creates] == [("CONNECTED_TO", "a", "b"),
                                                          ("RUNS_ON", "n", "f")]  # fmt: skip
    assert plan.creates[0].props == {"source": "snmp", "evidence": "lldp", "cs_open": "cs-now",
                                     "scope": "snmp:10.0.0.1"}  # fmt: skip
    assert plan.late == 1
    assert plan.touches == [{"id": "r-ef", "set": {"scope": "snmp:10.0.0.1", "source": "snmp"},
                             "seen": True}]  # fmt: skip


def test_a_pending_link_opens_for_a_new_ci_under_the_scope_that_reported_it() -> None:
    ctx = context("ssh", scope="ssh:10.0.0.9")
    waiting = [Pending("p1", "Server||serial_number=SN9", "RUNS_ON", "svc", "source", "manual",
                       "register", None),
               Pending("p2", "Interface|*|mac=aa", "CONNECTED_TO", "z", "target", "fdb",
                       "snmp", "snmp:10.0.0.1")]  # fmt: skip
    new_keys = {"Server||serial_number=SN9": "srv", "Interface|*|mac=aa": "a"}
    plan = LinkPlan()
    links.open_waiting(ctx, waiting, new_keys, {("RUNS_ON", "svc", "srv"): (RUNS_ON, "manual", "")},
                       plan)  # fmt: skip
    assert plan.pending_deletes == ["p1", "p2"] and plan.pending == -2
    # the first is reported by this change set itself: not opened twice
    assert [(c.type, c.a, c.b, c.props.get("scope")) for c in plan.creates] == [
        ("CONNECTED_TO", "a", "z", "snmp:10.0.0.1")]  # fmt: skip


def test_a_link_with_other_attributes_closes_and_opens_again_with_the_new_ones() -> None:
    """History keeps both: the link as it was (closed now) and as it is (opened now)."""
    ctx = context("snmp", scope="snmp:10.0.0.1")
    in_vlan = SCHEMA.relationships["IN_VLAN"]
    wanted = {("IN_VLAN", "p1", "v10"): (in_vlan, "snmp", '{"tagged":true}'),
              ("IN_VLAN", "p2", "v10"): (in_vlan, "snmp", '{"tagged":false}')}  # fmt: skip
    states = [LinkState(0, "r-1", False, False, False, changed=True),
              LinkState(1, "r-2", False, False, False)]  # fmt: skip
    plan = LinkPlan()
    links.open_or_keep(ctx, wanted, set(), states, plan)
    assert plan.closes == ["r-1"]
    assert [(c.a, c.props["tagged"], c.props["_a"]) for c in plan.creates] == [
        ("p1", True, '{"tagged":true}')]  # fmt: skip
    assert plan.touches == [{"id": "r-2", "set": {}, "seen": False}]


def test_a_links_attributes_are_in_its_owners_fingerprint_only_when_it_has_some() -> None:
    ctx = context("snmp")
    in_vlan = SCHEMA.relationships["IN_VLAN"]
    ident = stored("u1", "Server", group("Server", {"serial_number": "SN1"}))
    plain = fingerprint(sorted([("IN_VLAN", "u1", "v", "snmp")]))
    wanted = {("IN_VLAN", "u1", "v"): (in_vlan, "snmp", "")}
    assert links.link_fingerprints(ctx, wanted, [ident], {"u1"},
                                   {"u1": summary(lfp=plain)}).known == {"u1"}  # fmt: skip
    tagged = {("IN_VLAN", "u1", "v"): (in_vlan, "snmp", '{"tagged":true}')}
    changed = links.link_fingerprints(ctx, tagged, [ident], {"u1"}, {"u1": summary(lfp=plain)})
    assert changed.known == set()
    assert links.rows_to_check(tagged, set(), changed.known, {"u1"}) == {
        "IN_VLAN": [{"i": 0, "a": "u1", "b": "v", "attrs": '{"tagged":true}'}]}  # fmt: skip


def test_a_scope_drops_the_pending_links_it_no_longer_reports_and_parks_new_ones() -> None:
    ctx = context("snmp", scope="snmp:10.0.0.1")
    pending = {("k1", "RUNS_ON", "svc"): {"key": "k1", "spec": "x"},
               ("k2", "RUNS_ON", "svc"): {"key": "k2", "spec": "y"}}  # fmt: skip
    existing = [Pending("old", "k0", "RUNS_ON", "svc"), Pending("kept", "k1", "RUNS_ON", "svc")]
    plan = LinkPlan()
    links.park(ctx, pending, existing, plan)
    assert plan.pending_deletes == ["old"]
    assert [row["key"] for row in plan.pending_creates] == ["k2"] and plan.pending == 1
    unscoped = LinkPlan()
    links.park(context("manual"), pending, existing, unscoped)
    assert unscoped.pending_deletes == []


def test_unchanged_links_of_an_unchanged_ci_need_no_look_up() -> None:
    ctx = context("snmp")
    wanted = {("CONNECTED_TO", "u1", "u2"): (CONNECTED, "lldp", "")}
    lfp = fingerprint(sorted([("CONNECTED_TO", "u1", "u2", "lldp")]))
    ident = stored("u1", "Server", group("Server", {"serial_number": "SN1"}))
    same = links.link_fingerprints(ctx, wanted, [ident], {"u1"}, {"u1": summary(lfp=lfp)})
    assert same.known == {"u1"} and same.touches == []
    assert links.rows_to_check(wanted, set(), same.known, {"u1"}) == {}
    other = links.link_fingerprints(ctx, wanted, [ident], {"u1"}, {"u1": summary(lfp="old")})
    assert other.known == set() and other.touches[0]["set"] == {"_lfp": f'{{"snmp": "{lfp}"}}'}
    assert links.rows_to_check(wanted, set(), other.known, {"u1"}) == {
        "CONNECTED_TO": [{"i": 0, "a": "u1", "b": "u2", "attrs": ""}]}  # fmt: skip
    late = links.link_fingerprints(ctx, wanted, [ident], set(),
                                   {"u1": summary(lfp="old", last_seen=T0 + HOUR)})  # fmt: skip
    assert late.touches == [] and late.known == set()
    created = links.link_fingerprints(ctx, wanted, [new(ident.group, "n1")], set(), {})
    assert created.created == {"n1": ctx.one_source_json(fingerprint([]))}
