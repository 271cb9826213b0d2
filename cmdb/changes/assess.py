"""Assessment: the impact of taking the request's CIs out (cmdb.impact, mode MAINTENANCE
or DOWN) computed now, stored on the request as a JSON snapshot with the time it was
computed, and graded (cmdb.changes.risk) with its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cmdb.changes.cab import cleared_note
from cmdb.changes.model import ChangeRequest, check_comment
from cmdb.changes.risk import Risk, Touched, grade_risk
from cmdb.changes.states import Action, move
from cmdb.changes.steps import Operation
from cmdb.changes.store import describe, impact_props, read_one, transition
from cmdb.changes.windows import MaintenanceWindow, inside
from cmdb.impact import ImpactMode, ImpactRequest, ImpactResult, ImpactSettings, impact_plan


def assess(
    request_id: str,
    mode: ImpactMode,
    settings: ImpactSettings,
    windows: Sequence[MaintenanceWindow],
    actor: str,
    now: datetime,
    comment: str | None = None,
) -> Operation[ChangeRequest]:
    current = yield from read_one(request_id)
    step = move(current.id, Action.ASSESS, current.state, current.category, current.decided)
    check_comment(comment)
    uids = tuple(a.uid for a in current.affected)
    request = ImpactRequest(uids, mode=mode, max_depth=settings.config.max_depth)
    result = yield from impact_plan(request, settings)
    touched = yield from touched_cis(uids, result)
    in_window = inside(current.window_start, current.window_end, tuple(windows))
    risk = grade_risk(touched, in_window, _windows_note(windows))
    services = sorted(set(result.by_business_service) |
                      {t.name for t in touched if t.class_name == "BusinessService"})  # fmt: skip
    props = impact_props(
        computed_at=result.computed_at,
        mode=mode.value,
        risk=risk.grade.label,
        reasons=risk.reasons,
        in_window=in_window,
        impact=result.to_json(),
        touched=[t.uid for t in touched],
        services=services,
    )
    yield from transition(current, step, actor, now, comment, props, cleared_note(current))
    return (yield from read_one(request_id))


def touched_cis(uids: Sequence[str], result: ImpactResult) -> Operation[list[Touched]]:
    """The CIs the change names (DOWN: taken out) and those its impact reaches, with the
    name, class and criticality each has now."""
    states = {uid: "DOWN" for uid in uids}
    for ci in result.affected:
        states.setdefault(ci.uid, ci.state)
    info = yield from describe(list(states))
    return [
        Touched(uid, str(info[uid].get("name") or uid), str(info[uid].get("class") or "CI"),
                state, info[uid].get("criticality"))
        for uid, state in states.items()
        if uid in info
    ]  # fmt: skip


def _windows_note(windows: Sequence[MaintenanceWindow]) -> str:
    return "; ".join(w.describe() for w in windows) or "none agreed"


__all__ = ["Risk", "assess", "touched_cis"]
