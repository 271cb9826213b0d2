"""Coverage rules on values: what a scope held and no longer reports closes (a reported
symmetric link, stored either way, stays open), and CIs it did not report count a
missed run, absent at the configured number."""

from __future__ import annotations

from cmdb.ingest import coverage
from cmdb.ingest.reader import OpenLink
from tests.unit.cmdb.ingest.ingest_values import SCHEMA, context

CONNECTED = SCHEMA.relationships["CONNECTED_TO"]
HAS_INTERFACE = SCHEMA.relationships["HAS_INTERFACE"]


def test_unreported_links_close_a_reported_one_stays_whichever_way_stored() -> None:
    wanted = {("CONNECTED_TO", "a", "z"): (CONNECTED, "lldp"),
              ("HAS_INTERFACE", "d", "i1"): (HAS_INTERFACE, "scope")}  # fmt: skip
    stored = [OpenLink("l1", "CONNECTED_TO", "z", "a"),  # symmetric, stored reversed: reported
              OpenLink("l2", "HAS_INTERFACE", "i1", "d"),  # directed, the other way: not
              OpenLink("l3", "HAS_INTERFACE", "d", "i2"),
              OpenLink("l4", "HAS_INTERFACE", "d", "i3")]  # fmt: skip
    closes = coverage.unreported_links(context(scope="snmp:x"), stored, wanted, closing={"l4"})
    assert closes == ["l2", "l3"]


def test_a_change_set_certifies_only_the_link_types_it_names() -> None:
    ctx = context(scope="snmp:x", certified_links=["CONNECTED_TO"])
    assert [r.name for r in coverage.certified_rels(ctx)] == ["CONNECTED_TO"]
    assert len(coverage.certified_rels(context(scope="snmp:x"))) == len(SCHEMA.relationships)


def test_a_missed_run_counts_and_the_configured_miss_makes_absent() -> None:
    ctx = context(scope="snmp:x")
    limit = ctx.config.lifecycle.absent_after_missed_runs
    out = coverage.misses(ctx, [("a", 0), ("b", limit - 1)])
    assert out.touches == [{"uid": "a", "set": {"_missed": 1}, "seen": False}]
    assert out.absent == ["b"]
    assert [(u.uid, u.set) for u in out.updates] == [("b", {"status": "absent", "_missed": limit})]
