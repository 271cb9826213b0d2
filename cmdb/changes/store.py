"""Change requests read and written: each function an operation (cmdb.changes.steps) that
the CLI and the API run alike. Times (`now`) and the actor come from the caller."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cmdb.changes.cab import CabPolicy, decide
from cmdb.changes.model import (
    AffectedRef,
    ChangeRequest,
    Conflict,
    Draft,
    check_comment,
    from_row,
)
from cmdb.changes.states import DECISIONS, Action, ChangeRequestError, Move, State, move
from cmdb.changes.steps import Operation, Write
from cmdb.properties import native_props
from cmdb.queries.changes import (
    CHANGE_SETS,
    CONFLICTS,
    COUNT,
    CREATE_REQUEST,
    PAGE,
    READ_REQUESTS,
    TOUCHED_CIS,
    TRANSITION,
    UPDATE_DRAFT,
)
from cmdb.queryplan import Plan, Query

ALL_STATES = [s.value for s in State]
# the states whose changes may collide with another's: approved and running
ACTIVE = [State.APPROVED.value, State.IN_PROGRESS.value]


@dataclass(frozen=True)
class Page:
    items: tuple[ChangeRequest, ...]
    total: int
    has_next: bool


def read(ids: Sequence[str]) -> Plan[list[ChangeRequest]]:
    rows = yield Query(READ_REQUESTS, {"ids": list(ids)})
    found = {r.id: r for r in map(from_row, rows)}
    return [found[i] for i in ids if i in found]


def read_one(request_id: str) -> Plan[ChangeRequest]:
    found = yield from read([request_id])
    if not found:
        raise ChangeRequestError(f"no change request {request_id[:40]!r}")
    return found[0]


def page(state: State | None, first: int, after: str | None) -> Plan[Page]:
    states = ALL_STATES if state is None else [state.value]
    rows = yield Query(PAGE, {"states": states, "after": after, "limit": first + 1})
    ids = [r["id"] for r in rows]
    count = yield Query(COUNT, {"states": states})
    items = yield from read(ids[:first])
    return Page(tuple(items), int(count[0]["n"]), len(ids) > first)


def change_sets(ids: Sequence[str]) -> Plan[dict[str, list[dict[str, Any]]]]:
    """Each request's change sets, oldest first (their stored fields)."""
    rows = yield Query(CHANGE_SETS, {"ids": list(ids)})
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in rows:
        out[row["id"]].append(native_props(row["cs"]))
    return out


def describe(uids: Sequence[str]) -> Plan[dict[str, dict[str, Any]]]:
    """uid -> {uid, name, class, criticality} of the CIs that exist."""
    rows = yield Query(TOUCHED_CIS, {"uids": list(uids)})
    return {r["uid"]: r for r in rows}


def create(draft: Draft, actor: str, now: datetime, comment: str | None = None) -> Operation[str]:
    """A new request in state draft; every CI it names must exist. Returns its id."""
    yield from _require_cis(draft.affected)
    rows = yield Write(CREATE_REQUEST, {
        "props": draft.props(), "affected": list(draft.affected), "actor": actor, "at": now,
        "comment": check_comment(comment)})  # fmt: skip
    return str(rows[0]["id"])


def update(
    request_id: str,
    props: dict[str, Any],
    affected: tuple[str, ...] | None,
    actor: str,
    now: datetime,
    comment: str | None = None,
) -> Operation[ChangeRequest]:
    """Edit a draft: `props` the fields given (already checked), `affected` the new CIs."""
    current = yield from read_one(request_id)
    if current.state is not State.DRAFT:
        raise ChangeRequestError(
            f"change request {request_id} is {current.state}: only a draft can be edited"
        )
    if affected is not None:
        yield from _require_cis(affected)
    rows = yield Write(UPDATE_DRAFT, {
        "id": request_id, "revision": current.revision, "props": props,
        "affected": None if affected is None else list(affected), "actor": actor, "at": now,
        "comment": check_comment(comment)})  # fmt: skip
    _written(rows, request_id)
    return (yield from read_one(request_id))


def act(
    request_id: str,
    action: Action,
    actor: str,
    now: datetime,
    comment: str | None = None,
    *,
    policy: CabPolicy,
) -> Operation[ChangeRequest]:
    """Move the request by `action` (refused with the allowed actions named); a decision
    (approve, reject) as the CAB's rules (`policy`, cmdb.changes.cab) have it."""
    current = yield from read_one(request_id)
    if action in DECISIONS:
        decision = decide(current, action, actor, policy)
        step, props = decision.move, {"decided": True} if decision.final else {}
    else:
        step, props = move(current.id, action, current.state, current.category, current.decided), {}
    yield from transition(current, step, actor, now, comment, props)
    return (yield from read_one(request_id))


def transition(
    current: ChangeRequest,
    step: Move,
    actor: str,
    now: datetime,
    comment: str | None,
    props: dict[str, Any],
    note: str | None = None,
) -> Operation[None]:
    """Write `step` made from the request as read (`current`), with `props`; `note` (the
    system's, e.g. approvals cleared) follows the actor's comment in the record."""
    text = "; ".join(c for c in (check_comment(comment), note) if c) or None
    params = {"id": current.id, "revision": current.revision, "props": props,
              "action": step.action.value, "from_state": step.from_state.value,
              "to_state": step.to_state.value, "actor": actor, "at": now,
              "comment": text, "after_the_fact": step.after_the_fact}  # fmt: skip
    rows = yield Write(TRANSITION, params)
    _written(rows, current.id)


def conflicts(request_id: str) -> Plan[list[Conflict]]:
    """Approved or running requests whose windows overlap this one's and whose impact
    touches the same CIs or business services (as assessed; the named CIs before that)."""
    me = yield from read_one(request_id)
    rows = yield Query(CONFLICTS, {
        "id": me.id, "states": ACTIVE, "start": me.window_start, "end": me.window_end,
        "touched": list(me.touched), "services": list(me.touched_services)})  # fmt: skip
    others = yield from read([r["id"] for r in rows])
    shared_uids = sorted({u for r in rows for u in r["shared"]})
    refs = yield from describe(shared_uids)
    by_id = {o.id: o for o in others}
    return [
        Conflict(
            request=by_id[r["id"]],
            shared=tuple(_ref(refs, u) for u in sorted(r["shared"])),
            shared_services=tuple(sorted(r["shared_services"])),
        )
        for r in rows
        if r["id"] in by_id
    ]


def _ref(refs: dict[str, dict[str, Any]], uid: str) -> AffectedRef:
    row = refs.get(uid) or {}
    return AffectedRef(uid, row.get("name"), row.get("class") or "CI")


def _require_cis(uids: Sequence[str]) -> Plan[None]:
    found = yield from describe(uids)
    missing = [u for u in uids if u not in found]
    if missing:
        shown = ", ".join(repr(u[:60]) for u in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ChangeRequestError(f"affected: no CI with uid {shown}{more}")


def _written(rows: list[dict[str, Any]], request_id: str) -> None:
    if not rows:
        raise ChangeRequestError(
            f"change request {request_id} was changed by someone else meanwhile: "
            "read it again and retry"
        )


def impact_props(
    computed_at: datetime,
    mode: str,
    risk: str,
    reasons: Sequence[str],
    in_window: bool,
    impact: dict[str, Any],
    touched: Sequence[str],
    services: Sequence[str],
) -> dict[str, Any]:
    """What an assessment stores on the request (the impact as JSON text)."""
    return {
        "assessed_at": computed_at,
        "impact_mode": mode,
        "risk": risk,
        "risk_reasons": list(reasons),
        "in_window": in_window,
        "impact_json": json.dumps(impact, sort_keys=True),
        "touched": list(touched),
        "touched_services": list(services),
    }
