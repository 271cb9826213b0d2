"""Identification rules on values: grouping facts by identity key (a stronger set's
contradiction keeps them apart), choosing among the CIs the look-ups found (conflicts,
ruled-out weaker matches, two groups on one CI), skipping sets, and 'unchanged'."""

from __future__ import annotations

from cmdb.ingest import identify
from cmdb.ingest.fingerprint import fingerprint
from tests.unit.cmdb.ingest.ingest_values import HOUR, SCHEMA, T0, context, fact, group, summary

SW = {"product": "openssl", "version": "3.0"}


def test_facts_with_one_identity_key_form_one_group() -> None:
    facts = [fact(0, "Server", {"serial_number": "SN1"}),
             fact(1, "Server", {"serial_number": "SN1", "hostname": "h"}),
             fact(2, "Server", {"serial_number": "SN2"})]  # fmt: skip
    groups = identify.group_facts(SCHEMA, facts, {0: None, 1: None, 2: None})
    assert [[f.index for f in g.facts] for g in groups] == [[0, 1], [2]]
    assert groups[0].attrs == {"serial_number": "SN1", "hostname": "h"}


def test_a_stronger_set_keeps_a_weaker_keys_facts_apart() -> None:
    facts = [fact(0, "Software", {**SW, "arch": "x86_64"}),
             fact(1, "Software", {**SW, "arch": "arm64"}),
             fact(2, "Software", dict(SW))]  # fmt: skip
    groups = identify.group_facts(SCHEMA, facts, {0: None, 1: None, 2: None})
    # another arch is another CI; the arch-less fact joins the first it matches
    assert [[f.index for f in g.facts] for g in groups] == [[0, 2], [1]]


def test_several_cis_found_the_first_is_chosen_and_the_conflict_recorded() -> None:
    g = group("Server", {"serial_number": "SN1", "machine_id": "m1"})
    choice = identify.choose(SCHEMA, [g], {0: [(1, "b"), (0, "c"), (0, "a")]}, {})
    assert choice.of_fact[0].uid == "a" and choice.of_fact[0].matched == 0
    assert [(c["uids"], c["chosen"]) for c in choice.conflicts] == [(["a", "b", "c"], "a")]


def test_a_weaker_match_contradicted_by_a_stronger_set_is_another_ci() -> None:
    g = group("Software", {**SW, "arch": "arm64"})
    stored = {"uid": "x86", **SW, "arch": "x86_64"}
    choice = identify.choose(SCHEMA, [g], {0: [(1, "x86")]}, {"x86": stored})
    assert choice.of_fact[0].new and choice.of_fact[0].uid != "x86"
    assert choice.of_fact[0].idk == "Software||product=openssl;version=3.0;arch=arm64"
    same_arch = identify.choose(
        SCHEMA, [g], {0: [(1, "x86")]}, {"x86": {**stored, "arch": "arm64"}}
    )
    assert same_arch.of_fact[0].uid == "x86"


def test_two_groups_finding_one_ci_become_one() -> None:
    a = group("Server", {"serial_number": "SN1"}, index=0)
    b = group("Server", {"machine_id": "m1", "hostname": "h"}, index=1)
    choice = identify.choose(SCHEMA, [a, b], {0: [(0, "u1")], 1: [(1, "u1")]}, {})
    assert choice.of_fact[0] is choice.of_fact[1]
    assert choice.of_fact[0].group.attrs == {"serial_number": "SN1", "machine_id": "m1",
                                             "hostname": "h"}  # fmt: skip
    assert [i.uid for i in choice.matched] == ["u1"]


def test_a_later_set_is_skipped_when_it_cannot_find_another_ci() -> None:
    ctx = context("ssh")
    g = group("Server", {"serial_number": "SN1", "machine_id": "m1"})
    ids = ("machine_id",)
    assert identify.skip_set(ctx, summary(g.fp, "ssh"), None, g.fp, ids, g.attrs)  # same facts
    assert not identify.skip_set(ctx, summary("other", "ssh"), None, g.fp, ids, g.attrs)
    assert identify.skip_set(ctx, summary("other", "ssh"), {"machine_id": "m1"}, g.fp, ids, g.attrs)
    assert not identify.skip_set(ctx, None, {"machine_id": "m2"}, g.fp, ids, g.attrs)


def test_unchanged_needs_the_same_facts_active_in_scope_and_fresh() -> None:
    ctx = context("snmp", scope="snmp:10.0.0.1")
    fp = fingerprint("Server", None, {"serial_number": "SN1"}, None)
    fresh = summary(fp, last_seen=T0 - HOUR / 2, scope="snmp:10.0.0.1")
    assert identify.unchanged(ctx, fresh, fp, changes_hands=False)
    assert not identify.unchanged(ctx, fresh, fp, changes_hands=True)
    assert not identify.unchanged(ctx, fresh, "another", changes_hands=False)
    assert not identify.unchanged(ctx, fresh._replace(missed=1), fp, changes_hands=False)
    assert not identify.unchanged(ctx, fresh._replace(status="absent"), fp, changes_hands=False)
    assert not identify.unchanged(ctx, fresh._replace(scope="snmp:10.0.0.2"), fp, False)
    stale = summary(fp, last_seen=T0 - 2 * HOUR, scope="snmp:10.0.0.1")
    assert not identify.unchanged(ctx, stale, fp, changes_hands=False)
