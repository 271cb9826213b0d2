"""The claims stage on values: a scoped change set's decision on each device it
identified (claim, keep, refuse as a DuplicateIdentity, take over when the owner's claim
lapsed or a rival of the run sorts later), and what a takeover retracts."""

from __future__ import annotations

from datetime import timedelta

from cmdb.ingest import claims
from cmdb.ingest.reader import OpenLink, Part
from tests.unit.cmdb.ingest.ingest_values import T0, context, group, state, stored, summary

A, B = "snmp:10.0.0.1", "snmp:10.0.0.2"  # A sorts first
DEVICE = {"serial_number": "SN1"}


def _decide(scope: str, owner: dict[str, object] | None, run: str = "r2",
            seen_days: int = 1, status: str = "active",
            state_run: str | None = None) -> claims.ClaimOutcome | None:  # fmt: skip
    ctx = context("snmp", scope=scope, discovery_run=run)
    ident = stored("u1", "NetworkDevice", group("NetworkDevice", DEVICE))
    stored_claims = {"snmp": owner} if owner is not None else None
    s = summary(claims=stored_claims)
    cur = state("u1", "NetworkDevice", {**DEVICE, "name": "sw1"}, {},
                {"snmp": T0 - timedelta(days=seen_days)}, status=status)  # fmt: skip
    assert claims.contested(ctx, ident, s) == (owner is not None and owner["scope"] != scope)
    return claims.decide_claim(ctx, ident, s, cur, state_run)


def test_an_unclaimed_device_is_claimed_by_the_scope() -> None:
    out = _decide(B, None)
    assert out is not None and out.refused is None and out.retract is None
    assert out.claims == '{"snmp": {"run": "r2", "scope": "snmp:10.0.0.2"}}'


def test_the_owner_keeps_it_without_writing_a_claim() -> None:
    out = _decide(A, {"scope": A, "run": "r1"})
    assert out is not None and out.claims is None and out.refused is None


def test_a_rival_is_refused_naming_the_identity_and_the_owner() -> None:
    out = _decide(B, {"scope": A, "run": "r1"})
    assert out is not None and out.refused is not None
    dup = out.refused
    assert (dup.scope, dup.owner, dup.uid, dup.name) == (B, A, "u1", "sw1")
    assert dup.identifiers == {"serial_number": "SN1"}


def test_a_claim_silent_past_staleness_lapses_and_the_rival_takes_over() -> None:
    out = _decide(B, {"scope": A, "run": "r1"}, seen_days=31)
    assert out is not None and out.refused is None
    assert out.retract == A and out.withdrawn is None
    assert '"scope": "snmp:10.0.0.2"' in str(out.claims)


def test_an_owner_gone_absent_before_this_run_lapses_in_it_refuses() -> None:
    before = _decide(B, {"scope": A, "run": "r1"}, status="absent", state_run="r1")
    assert before is not None and before.retract == A
    during = _decide(B, {"scope": A, "run": "r1"}, status="absent", state_run="r2")
    assert during is not None and during.refused is not None
    assert "went absent in this run" in during.refused.why


def test_claims_of_one_run_go_by_address() -> None:
    first = _decide(A, {"scope": B, "run": "r2"})  # B claimed it earlier in this run
    assert first is not None and first.retract == B
    assert first.withdrawn is not None and first.withdrawn.scope == B
    later = _decide(B, {"scope": A, "run": "r2"})
    assert later is not None and later.refused is not None


def test_only_top_level_devices_of_scoped_change_sets_have_owners() -> None:
    ident = stored("i1", "Interface", group("Interface", {"name": "eth0"}, parent_uid="u1"))
    assert claims.decide_claim(context("snmp", scope=B), ident, summary(), None, None) is None
    device = stored("u1", "NetworkDevice", group("NetworkDevice", DEVICE))
    assert claims.decide_claim(context("snmp"), device, summary(), None, None) is None


def test_a_takeover_retracts_what_the_old_scope_held_and_the_new_one_does_not_report() -> None:
    ctx = context("snmp", scope=B, discovery_run="r2")
    parts = [
        Part("p1", "Interface", A, "active", "r1"),  # not reported: absent
        Part("p2", "Interface", A, "active", "r1"),  # reported again: stays
        Part("p3", "Interface", "snmp:other", "active", "r1"),  # another scope's
        Part("p4", "Interface", A, "active", "r2"),
    ]  # made in this run by the loser
    links = [OpenLink("l1", "HAS_INTERFACE", "u1", "p1"),
             OpenLink("l2", "HAS_INTERFACE", "u1", "p2")]  # fmt: skip
    held = {"u1": claims.Held(A, parts, links, [("q1", "CONNECTED_TO"), ("q2", "CONNECTED_TO")])}
    out = claims.retract(ctx, held, withdrawn=set(), reported={("HAS_INTERFACE", "u1", "p2")},
                         seen={"u1", "p2"}, deleted={"q2"})  # fmt: skip
    assert out.absent == ["p1", "p4"] and out.went_absent == 2
    assert out.closes == ["l1"] and out.pending_deletes == ["q1"]
    withdrawn = claims.retract(ctx, held, withdrawn={"u1"}, reported=set(), seen={"u1", "p2"},
                               deleted=set())  # fmt: skip
    assert withdrawn.went_absent == 1  # p4 never existed before this run
    assert withdrawn.parts_of == {"u1": 2} and withdrawn.links_of == {"u1": 2}


def test_a_takeover_retracts_only_what_the_change_set_certifies() -> None:
    ctx = context("snmp", scope=B, certified_classes=["NetworkDevice"],
                  certified_links=["CONNECTED_TO"])  # fmt: skip
    held = {"u1": claims.Held(A, [Part("p1", "Interface", A, "active", None)],
                              [OpenLink("l1", "HAS_INTERFACE", "u1", "p1")], [])}  # fmt: skip
    out = claims.retract(ctx, held, set(), set(), {"u1"}, set())
    assert out.absent == [] and out.closes == []


def test_an_endpoint_has_no_owner_so_another_switch_may_report_it() -> None:
    """A phone moved to another switch, or seen by two: no DuplicateIdentity."""
    ctx = context("snmp", scope=B, discovery_run="r2")
    assert claims.owned(ctx.schema, ctx.changeset, "NetworkDevice", None)
    assert not claims.owned(ctx.schema, ctx.changeset, "Endpoint", None)
    assert not claims.owned(ctx.schema, ctx.changeset, "Interface", "u-parent")
