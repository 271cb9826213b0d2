"""The risk grade of a change (cmdb/changes/risk.py) and the maintenance windows it is
graded against (cmdb/changes/windows.py), pure."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from cmdb.changes.model import check_draft
from cmdb.changes.risk import Grade, Touched, grade_risk
from cmdb.changes.states import ChangeRequestError
from cmdb.changes.windows import (
    DEFAULT_WINDOWS,
    MaintenanceWindow,
    configured_windows,
    inside,
    parse_window,
)
from cmdb.config import load_config
from cmdb.errors import ConfigError

SAT = datetime(2026, 12, 5, tzinfo=UTC)  # a Saturday


def ci(uid: str, cls: str = "Server", state: str = "DOWN", crit: str | None = None) -> Touched:
    return Touched(uid, f"n-{uid}", cls, state, crit)


def test_a_small_change_inside_the_window_is_low() -> None:
    risk = grade_risk([ci("a"), ci("b")], True, "sat 22:00-06:00 UTC")
    assert risk.grade is Grade.LOW
    assert risk.reasons == (
        "no business service affected (low)",
        "no CI touched has a criticality (low)",
        "2 CIs touched (low)",
        "inside the maintenance window sat 22:00-06:00 UTC",
    )


def test_business_services_down_decide_the_grade() -> None:
    one = grade_risk([ci("a"), ci("bs1", "BusinessService")], True, "w")
    assert one.grade is Grade.HIGH
    assert "business service down: n-bs1 (high)" in one.reasons
    two = grade_risk([ci("bs1", "BusinessService"), ci("bs2", "BusinessService")], True, "w")
    assert (two.grade, two.reasons[0]) == (
        Grade.CRITICAL, "2 business services down: n-bs1, n-bs2 (critical)",
    )  # fmt: skip
    degraded = grade_risk([ci("bs1", "BusinessService", "DEGRADED")], True, "w")
    assert (degraded.grade, degraded.reasons[0]) == (
        Grade.MEDIUM, "business services degraded: n-bs1 (medium)",
    )  # fmt: skip


def test_criticality_and_count_raise_the_grade() -> None:
    assert grade_risk([ci("a", crit="high")], True, "w").grade is Grade.MEDIUM
    critical = grade_risk([ci("a", crit="critical"), ci("b", crit="low")], True, "w")
    assert (critical.grade, critical.reasons[1]) == (
        Grade.HIGH, "highest criticality touched: critical (n-a) (high)",
    )  # fmt: skip
    assert grade_risk([ci(str(i)) for i in range(19)], True, "w").grade is Grade.LOW
    assert grade_risk([ci(str(i)) for i in range(20)], True, "w").grade is Grade.MEDIUM
    assert grade_risk([ci(str(i)) for i in range(100)], True, "w").grade is Grade.HIGH


def test_outside_every_window_raises_one_step() -> None:
    risk = grade_risk([ci("a", crit="high")], False, "sat 22:00-06:00 UTC")
    assert risk.grade is Grade.HIGH
    assert risk.reasons[-1] == (
        "outside every agreed maintenance window (sat 22:00-06:00 UTC): medium raised to high"
    )
    top = grade_risk([ci("bs1", "BusinessService"), ci("bs2", "BusinessService")], False, "w")
    assert top.grade is Grade.CRITICAL


def test_the_default_window_runs_saturday_night_into_sunday() -> None:
    night = SAT.replace(hour=22)
    assert inside(night, night + timedelta(hours=8), DEFAULT_WINDOWS)
    assert inside(night + timedelta(hours=3), night + timedelta(hours=4), DEFAULT_WINDOWS)
    assert not inside(night, night + timedelta(hours=8, minutes=1), DEFAULT_WINDOWS)
    assert not inside(night - timedelta(minutes=1), night + timedelta(hours=1), DEFAULT_WINDOWS)
    friday = night - timedelta(days=1)
    assert not inside(friday, friday + timedelta(hours=1), DEFAULT_WINDOWS)
    # the same instants told in another zone
    cet = timezone(timedelta(hours=1))
    assert inside(night.astimezone(cet), (night + timedelta(hours=2)).astimezone(cet),
                  DEFAULT_WINDOWS)  # fmt: skip


def test_configured_windows() -> None:
    weekdays = configured_windows(((("mon", "tue"), "12:00", "13:00"),))
    assert weekdays == (MaintenanceWindow(("mon", "tue"), time(12), time(13)),)
    monday = SAT + timedelta(days=2, hours=12)
    assert inside(monday, monday + timedelta(minutes=30), weekdays)
    assert not inside(SAT.replace(hour=22), SAT.replace(hour=23), weekdays)
    assert configured_windows(None) == DEFAULT_WINDOWS
    with pytest.raises(ValueError, match="start must be a time of day HH:MM, got '7'"):
        parse_window(["mon"], "7", "08:00")
    with pytest.raises(ValueError, match="days must be some of mon"):
        parse_window(["funday"], "07:00", "08:00")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "title: must not be empty"),
        ({"title": "x" * 201}, "title: at most 200 characters, got 201"),
        ({"category": "urgent"}, "category: 'urgent' is none of standard, normal, emergency"),
        ({"window_end": SAT}, "window_end: must be after window_start"),
        ({"window_start": datetime(2026, 12, 5)}, "window_start: a time with its zone"),
        ({"affected": []}, "affected: name at least one CI by uid"),
        ({"affected": ["a", " "]}, "affected: name at least one CI by uid (no empty uid)"),
        ({"description": "d" * 10_001}, "description: at most 10000 characters"),
    ],
)
def test_a_bad_draft_names_its_field(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"title": "Patch", "category": "normal", "window_start": SAT,
                                 "window_end": SAT + timedelta(hours=1), "affected": ["a"]}  # fmt: skip
    with pytest.raises(ChangeRequestError) as caught:
        check_draft(**{**fields, **change})  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_a_draft_keeps_each_ci_once_and_its_window_in_utc() -> None:
    cet = timezone(timedelta(hours=1))
    draft = check_draft(
        "Patch", "normal", SAT.astimezone(cet), SAT.replace(hour=2), ["a", "a", "b"]
    )
    assert draft.affected == ("a", "b")
    assert draft.window_start.utcoffset() == timedelta(0)


def test_cmdb_yaml_agrees_the_maintenance_windows(tmp_path: Path) -> None:
    good = tmp_path / "cmdb.yaml"
    good.write_text('changes:\n  maintenance_windows:\n'
                    '    - {days: [wed], start: "12:00", end: "13:00"}\n')  # fmt: skip
    slots = load_config(good, env={}).changes.maintenance_windows
    assert configured_windows(slots) == (MaintenanceWindow(("wed",), time(12), time(13)),)
    assert load_config(None, env={}).changes.maintenance_windows is None
    bad = tmp_path / "bad.yaml"
    bad.write_text('changes:\n  maintenance_windows:\n'
                   '    - {days: [someday], start: "12:00", end: "13:00"}\n')  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_config(bad, env={})
    assert str(caught.value).startswith(f"{bad}:3: changes.maintenance_windows.0.days.0:")
