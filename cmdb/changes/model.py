"""What a change request is: the draft a requester writes (checked here, before anything is
stored) and the request as read back, with its transitions and its assessment."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cmdb.changes.states import Action, Category, ChangeRequestError, State
from cmdb.properties import native

MAX_TITLE = 200
MAX_TEXT = 10_000  # description, comments
MAX_NAME = 200  # requester, implementer
MAX_AFFECTED = 1000


@dataclass(frozen=True)
class Draft:
    """A new request's fields, checked (`check_draft`)."""

    title: str
    category: Category
    window_start: datetime
    window_end: datetime
    affected: tuple[str, ...]  # CI uids
    description: str = ""
    requester: str | None = None
    implementer: str | None = None

    def props(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "category": self.category.value,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "requester": self.requester,
            "implementer": self.implementer,
        }


def check_draft(
    title: str,
    category: str,
    window_start: datetime,
    window_end: datetime,
    affected: list[str],
    description: str = "",
    requester: str | None = None,
    implementer: str | None = None,
) -> Draft:
    """The draft, or ChangeRequestError naming the first field that is wrong."""
    title = title.strip()
    if not title:
        raise ChangeRequestError("title: must not be empty")
    _length("title", title, MAX_TITLE)
    _length("description", description, MAX_TEXT)
    for name, value in (("requester", requester), ("implementer", implementer)):
        if value is not None:
            _length(name, value, MAX_NAME)
    try:
        kind = Category(category)
    except ValueError:
        raise ChangeRequestError(
            f"category: {category[:40]!r} is none of {', '.join(c.value for c in Category)}"
        ) from None
    for name, when in (("window_start", window_start), ("window_end", window_end)):
        if when.tzinfo is None:
            raise ChangeRequestError(f"{name}: a time with its zone (e.g. 2026-12-05T22:00Z)")
    if window_end <= window_start:
        raise ChangeRequestError("window_end: must be after window_start")
    uids = tuple(dict.fromkeys(u.strip() for u in affected))
    if not uids or "" in uids:
        raise ChangeRequestError("affected: name at least one CI by uid (no empty uid)")
    if len(uids) > MAX_AFFECTED:
        raise ChangeRequestError(f"affected: at most {MAX_AFFECTED} CIs, got {len(uids)}")
    for uid in uids:
        _length("affected", uid, MAX_NAME)
    start, end = window_start.astimezone(UTC), window_end.astimezone(UTC)
    return Draft(title, kind, start, end, uids, description, requester, implementer)


def check_comment(comment: str | None) -> str | None:
    if comment is not None:
        _length("comment", comment, MAX_TEXT)
    return comment


def _length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise ChangeRequestError(f"{name}: at most {limit} characters, got {len(value)}")


@dataclass(frozen=True)
class AffectedRef:
    uid: str
    name: str | None
    class_name: str


@dataclass(frozen=True)
class Transition:
    """One recorded step: the creation, an edit of the draft, or an action."""

    seq: int
    action: str  # create, update or an Action
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    comment: str | None
    after_the_fact: bool = False


@dataclass(frozen=True)
class Assessment:
    computed_at: datetime
    mode: str
    risk: str
    reasons: tuple[str, ...]
    in_window: bool
    impact: dict[str, Any]  # cmdb.impact.ImpactResult.to_json()


@dataclass(frozen=True)
class Verification:
    """Planned against observed once the window closed (audits/authorized/verify.py
    stores it): the changes as planned, the unplanned extras in the window, and the
    affected CIs with no change observed. `changes` holds both lists' rows."""

    verified_at: datetime
    as_planned: int
    extras: int
    not_observed: tuple[str, ...]  # uids
    changes: dict[str, Any]  # {"as_planned": [...], "extras": [...]}: the rows as stored


@dataclass(frozen=True)
class ChangeRequest:
    id: str
    title: str
    description: str
    category: Category
    state: State
    window_start: datetime
    window_end: datetime
    requester: str | None
    implementer: str | None
    created_at: datetime
    updated_at: datetime
    revision: int
    affected: tuple[AffectedRef, ...]
    transitions: tuple[Transition, ...]
    touched: tuple[str, ...]  # uids: the affected CIs and all their assessed impact reached
    touched_services: tuple[str, ...]  # business services (names) the impact reached
    assessment: Assessment | None = None
    decided: bool = False  # the CAB approved or rejected it
    verification: Verification | None = None  # once its window closed and it was verified

    @property
    def decisions(self) -> tuple[Transition, ...]:
        """The CAB's decisions: who approved or rejected, when, and whether after the fact."""
        return tuple(t for t in self.transitions if t.action in (Action.APPROVE, Action.REJECT))

    @property
    def approvals(self) -> tuple[Transition, ...]:
        """Every approval given, those cleared by a later assessment too (cmdb.changes.cab)."""
        return tuple(t for t in self.transitions if t.action == Action.APPROVE)

    @property
    def approved_after_the_fact(self) -> bool:
        """The CAB approved it (all the approvals it needs) while it ran or after it ended."""
        rejected = any(t.action == Action.REJECT for t in self.transitions)
        late = any(t.after_the_fact for t in self.approvals)
        return self.decided and not rejected and late


@dataclass(frozen=True)
class Conflict:
    """Another approved or running change whose window overlaps this one's and whose impact
    touches the same CIs or business services."""

    request: ChangeRequest
    shared: tuple[AffectedRef, ...] = ()
    shared_services: tuple[str, ...] = field(default=())


def from_row(row: dict[str, Any]) -> ChangeRequest:
    """A request from READ_REQUESTS's row."""
    p = {k: native(v) for k, v in row["request"].items()}
    assessment = None
    if p.get("assessed_at") is not None:
        assessment = Assessment(
            computed_at=p["assessed_at"],
            mode=p["impact_mode"],
            risk=p["risk"],
            reasons=tuple(p.get("risk_reasons") or ()),
            in_window=bool(p.get("in_window")),
            impact=json.loads(p.get("impact_json") or "{}"),
        )
    return ChangeRequest(
        id=p["id"],
        title=p["title"],
        description=p.get("description") or "",
        category=Category(p["category"]),
        state=State(p["state"]),
        window_start=_utc(p["window_start"]),
        window_end=_utc(p["window_end"]),
        requester=p.get("requester"),
        implementer=p.get("implementer"),
        created_at=p["created_at"],
        updated_at=p["updated_at"],
        revision=int(p["revision"]),
        affected=tuple(sorted(map(_affected, row["affected"]), key=lambda a: a.uid)),
        transitions=tuple(_transition(t) for t in row["transitions"]),
        touched=tuple(p.get("touched") or ()),
        touched_services=tuple(p.get("touched_services") or ()),
        assessment=assessment,
        decided=bool(p.get("decided")),
        verification=_verification(p),
    )


def _verification(p: dict[str, Any]) -> Verification | None:
    if not p.get("verification"):
        return None
    stored = json.loads(p["verification"])
    planned, extras = stored.get("as_planned") or [], stored.get("extras") or []
    return Verification(
        verified_at=p.get("verified_at") or datetime.fromisoformat(stored["verified_at"]),
        as_planned=len(planned),
        extras=len(extras),
        not_observed=tuple(stored.get("not_observed") or ()),
        changes={"as_planned": planned, "extras": extras},
    )


def _utc(value: datetime) -> datetime:
    """A stored time in the standard library's UTC: the driver reads times back in a
    named zone, and Neo4j orders equal instants by their zone, so a time read back and
    sent again must be in the zone it was stored in."""
    return value.astimezone(UTC)


def _affected(a: dict[str, Any]) -> AffectedRef:
    return AffectedRef(a["uid"], a.get("name"), a.get("class") or "CI")


def _transition(t: dict[str, Any]) -> Transition:
    return Transition(
        seq=int(t["seq"]),
        action=t["action"],
        from_state=t.get("from_state"),
        to_state=t["to_state"],
        actor=t["actor"],
        at=native(t["at"]),
        comment=t.get("comment"),
        after_the_fact=bool(t.get("after_the_fact")),
    )
