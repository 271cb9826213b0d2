"""The change request's life as a pure state machine: which action moves which state
where, and what an emergency change may do that another may not.

    draft -assess-> assessed -approve-> approved -start-> in_progress -complete-> completed
                    assessed -reject->  rejected          in_progress -fail->     failed
    completed | failed -review-> reviewed

An assessed request may be assessed again (a fresh snapshot) and, like a draft, edited
only while a draft. An emergency change may start from draft or assessed, before any
approval; the CAB approves (or rejects) it after the fact while it runs or once it ended,
which records the decision flagged `after_the_fact` and leaves the state as it is. It is
reviewed only once it has such a decision. Who may decide and how many approvals a
decision takes (the move's target stays the current state until they are in) is
cmdb.changes.cab.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cmdb.errors import CMDBError


class ChangeRequestError(CMDBError):
    """A change request could not be created, changed or moved on. Names the request and
    what was wrong (the field, the state and the actions it allows)."""


class State(StrEnum):
    DRAFT = "draft"
    ASSESSED = "assessed"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    REVIEWED = "reviewed"


class Category(StrEnum):
    STANDARD = "standard"
    NORMAL = "normal"
    EMERGENCY = "emergency"


class Action(StrEnum):
    ASSESS = "assess"
    APPROVE = "approve"
    REJECT = "reject"
    START = "start"
    COMPLETE = "complete"
    FAIL = "fail"
    REVIEW = "review"


# action -> (the states it is allowed in, the state it leads to)
MOVES: dict[Action, tuple[frozenset[State], State]] = {
    Action.ASSESS: (frozenset({State.DRAFT, State.ASSESSED}), State.ASSESSED),
    Action.APPROVE: (frozenset({State.ASSESSED}), State.APPROVED),
    Action.REJECT: (frozenset({State.ASSESSED}), State.REJECTED),
    Action.START: (frozenset({State.APPROVED}), State.IN_PROGRESS),
    Action.COMPLETE: (frozenset({State.IN_PROGRESS}), State.COMPLETED),
    Action.FAIL: (frozenset({State.IN_PROGRESS}), State.FAILED),
    Action.REVIEW: (frozenset({State.COMPLETED, State.FAILED}), State.REVIEWED),
}
# what an emergency change may do besides
EMERGENCY_START = frozenset({State.DRAFT, State.ASSESSED})
AFTER_THE_FACT = frozenset({State.IN_PROGRESS, State.COMPLETED, State.FAILED})
DECISIONS = frozenset({Action.APPROVE, Action.REJECT})


@dataclass(frozen=True)
class Move:
    """What one action does: from which state to which, and whether it is a decision
    taken after the fact (an emergency change approved while running or after)."""

    action: Action
    from_state: State
    to_state: State
    after_the_fact: bool = False


def allowed(state: State, category: Category, decided: bool) -> list[Action]:
    """The actions a request in `state` allows (`decided`: the CAB has approved or
    rejected it already)."""
    return [a for a in Action if _move(a, state, category, decided) is not None]


def move(request_id: str, action: Action, state: State, category: Category, decided: bool) -> Move:
    """The move `action` makes, or ChangeRequestError naming the actions allowed."""
    found = _move(action, state, category, decided)
    if found is None:
        can = ", ".join(allowed(state, category, decided)) or "none"
        raise ChangeRequestError(
            f"change request {request_id} is {state} ({category}): cannot {action}; allowed: {can}"
        )
    return found


def _move(action: Action, state: State, category: Category, decided: bool) -> Move | None:
    emergency = category is Category.EMERGENCY
    if emergency and action is Action.START and state in EMERGENCY_START:
        return Move(action, state, State.IN_PROGRESS)
    if emergency and action in DECISIONS and state in AFTER_THE_FACT and not decided:
        return Move(action, state, state, after_the_fact=True)
    if emergency and action is Action.REVIEW and not decided:
        return None  # an emergency change is reviewed once the CAB has decided on it
    sources, target = MOVES[action]
    return Move(action, state, target) if state in sources else None
