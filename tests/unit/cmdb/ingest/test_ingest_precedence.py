"""Reconcile rules on values: source precedence per attribute, the staleness period,
late facts (older than the stored value), bookkeeping of a late report, reappearance
and a takeover clearing what only the previous owner said."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cmdb.ingest import reconcile
from tests.unit.cmdb.ingest.ingest_values import HOUR, T0, context, group, new, state, stored

DAY = timedelta(days=1)


def _update(source: str, attrs: dict[str, Any], cur: dict[str, Any],
            replaces: bool = False, **cs: Any) -> reconcile.Reconciled:  # fmt: skip
    ctx = context(source, **cs)
    ident = stored("u1", "Server", group("Server", attrs))
    prep = reconcile.prepare_update(ctx, ident, cur, replaces)
    return reconcile.update(ctx, prep, set(), claims=None)


def _server(prov_source: str, seen_at: datetime, vfrom: datetime = T0 - 2 * HOUR,
            last_seen: datetime | None = None, bookkeeping: dict[str, Any] | None = None,
            **attrs: object) -> dict[str, Any]:  # fmt: skip
    values = {"serial_number": "SN1", "os_version": "1.0", **attrs}
    return state("u1", "Server", values, {a: prov_source for a in values}, {prov_source: seen_at},
                 vfrom=vfrom, last_seen=last_seen, **(bookkeeping or {}))  # fmt: skip


def test_a_weaker_source_does_not_overwrite_a_fresh_stronger_one() -> None:
    cur = _server("ssh", T0 - DAY)
    out = _update("snmp", {"serial_number": "SN1", "os_version": "2.0"}, cur)
    assert out.update is None
    assert out.suppressed == 1


def test_a_weaker_source_overwrites_a_stronger_one_silent_past_staleness() -> None:
    cur = _server("ssh", T0 - 31 * DAY)
    out = _update("snmp", {"serial_number": "SN1", "os_version": "2.0"}, cur)
    assert out.update is not None
    assert out.update.set["os_version"] == "2.0"
    assert '"os_version": "snmp"' in out.update.set["_prov"]
    assert out.suppressed == 0


def test_a_stronger_source_overwrites_and_takes_ownership() -> None:
    cur = _server("snmp", T0 - HOUR)
    out = _update("ssh", {"serial_number": "SN1", "os_version": "2.0"}, cur)
    assert out.update is not None and out.update.changed == ["os_version"]
    assert out.change == ("update", "u1", "Server", {"os_version": ("1.0", "2.0")})


def test_precedence_is_per_attribute() -> None:
    # overall ssh > register, but for `name` register > ssh
    cur = _server("ssh", T0 - HOUR, name="web-1")
    out = _update("register", {"serial_number": "SN1", "name": "WEB01", "os_version": "9"}, cur)
    assert out.update is not None
    assert out.update.changed == ["name"]
    assert out.suppressed == 1  # os_version stays ssh's


def test_a_fact_older_than_the_owners_last_report_is_late() -> None:
    cur = _server("snmp", T0 + HOUR)  # snmp confirmed 1.0 after this change set's time
    ctx = context("snmp")
    ident = stored("u1", "Server", group("Server", {"serial_number": "SN1", "os_version": "2.0"}))
    prep = reconcile.prepare_update(ctx, ident, cur, replaces=False)
    assert prep.late == {"os_version"}
    out = reconcile.update(ctx, prep, set(), claims=None)
    assert out.update is None and out.late == 1


def test_an_attribute_set_after_the_facts_per_the_versions_is_late() -> None:
    cur = _server("ssh", T0 - 2 * HOUR, vfrom=T0 + HOUR)  # changed after the facts' time
    ctx = context("ssh")
    ident = stored("u1", "Server", group("Server", {"serial_number": "SN1", "os_version": "2.0"}))
    prep = reconcile.prepare_update(ctx, ident, cur, replaces=False)
    assert prep.unsure == ("os_version",)  # the versions must tell
    assert reconcile.update(ctx, prep, {"os_version"}, claims=None).update is None
    written = reconcile.update(ctx, prep, set(), claims=None)
    assert written.update is not None and written.update.set["os_version"] == "2.0"


def test_a_late_report_moves_no_scope_and_clears_no_miss() -> None:
    cur = _server(
        "snmp",
        T0 - HOUR,
        last_seen=T0 + HOUR,
        bookkeeping={"_scope": "snmp:10.0.0.1", "_missed": 2},
    )
    attrs = {"serial_number": "SN1", "os_version": "1.0"}
    late = _update("snmp", attrs, cur, scope="snmp:10.0.0.2")
    assert late.touch is not None and "_scope" not in late.touch["set"]
    assert "_missed" not in late.touch["set"]
    fresh_cur = {**cur, "last_seen": T0 - HOUR}
    fresh = _update("snmp", attrs, fresh_cur, scope="snmp:10.0.0.2")
    assert fresh.touch is not None
    assert fresh.touch["set"]["_scope"] == "snmp:10.0.0.2" and fresh.touch["set"]["_missed"] == 0


def test_an_absent_ci_reported_again_is_active() -> None:
    cur = {**_server("snmp", T0 - HOUR), "status": "absent"}
    out = _update("snmp", {"serial_number": "SN1", "os_version": "1.0"}, cur)
    assert out.update is not None and out.update.set["status"] == "active"


def test_a_takeover_clears_what_only_the_previous_owner_said() -> None:
    cur = _server("snmp", T0 - HOUR, kernel="5.10")
    attrs = {"serial_number": "SN1", "os_version": "1.0"}
    assert _update("snmp", attrs, cur).update is None
    out = _update("snmp", attrs, cur, replaces=True)
    assert out.update is not None and out.update.set["kernel"] is None


def test_a_new_ci_is_owned_wholly_by_its_source_and_claimed_when_a_scoped_device() -> None:
    ctx = context("snmp", scope="snmp:10.0.0.1", discovery_run="r1")
    out = reconcile.create(ctx, new(group("Server", {"serial_number": "SN1", "hostname": "h"})))
    assert out.create is not None
    assert out.create["name"] == "h"
    assert out.create["_prov"] == '{"hostname": "snmp", "name": "snmp", "serial_number": "snmp"}'
    assert out.create["_claims"] == '{"snmp": {"run": "r1", "scope": "snmp:10.0.0.1"}}'
    assert out.create["_scope"] == "snmp:10.0.0.1"
