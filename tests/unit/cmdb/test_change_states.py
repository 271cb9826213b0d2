"""The change request's state machine (cmdb/changes/states.py), pure: every move, every
refusal naming the allowed actions, and what only an emergency change may do."""

from __future__ import annotations

import pytest

from cmdb.changes.states import Action, Category, ChangeRequestError, State, allowed, move

NORMAL = Category.NORMAL
EMERGENCY = Category.EMERGENCY


def walk(category: Category, actions: list[Action]) -> list[State]:
    state, decided, seen = State.DRAFT, False, []
    for action in actions:
        step = move("CHG1", action, state, category, decided)
        decided = decided or action in (Action.APPROVE, Action.REJECT)
        state = step.to_state
        seen.append(state)
    return seen


def test_the_normal_life_of_a_change() -> None:
    actions = [Action.ASSESS, Action.APPROVE, Action.START, Action.COMPLETE, Action.REVIEW]
    assert walk(NORMAL, actions) == [
        State.ASSESSED, State.APPROVED, State.IN_PROGRESS, State.COMPLETED, State.REVIEWED,
    ]  # fmt: skip
    assert walk(NORMAL, [Action.ASSESS, Action.REJECT]) == [State.ASSESSED, State.REJECTED]
    fails = [Action.ASSESS, Action.APPROVE, Action.START, Action.FAIL, Action.REVIEW]
    assert walk(NORMAL, fails)[-2:] == [State.FAILED, State.REVIEWED]


def test_an_assessed_change_may_be_assessed_again() -> None:
    assert walk(NORMAL, [Action.ASSESS, Action.ASSESS]) == [State.ASSESSED, State.ASSESSED]


@pytest.mark.parametrize(
    ("state", "action", "allowed_text"),
    [
        (State.DRAFT, Action.APPROVE, "allowed: assess"),
        (State.DRAFT, Action.START, "allowed: assess"),
        (State.ASSESSED, Action.COMPLETE, "allowed: assess, approve, reject"),
        (State.APPROVED, Action.APPROVE, "allowed: start"),
        (State.IN_PROGRESS, Action.REVIEW, "allowed: complete, fail"),
        (State.REJECTED, Action.START, "allowed: none"),
        (State.REVIEWED, Action.ASSESS, "allowed: none"),
    ],
)
def test_an_invalid_move_is_refused_naming_the_allowed_ones(
    state: State, action: Action, allowed_text: str
) -> None:
    with pytest.raises(ChangeRequestError) as caught:
        move("CHG0000007", action, state, NORMAL, decided=False)
    assert str(caught.value) == (
        f"change request CHG0000007 is {state} (normal): cannot {action}; {allowed_text}"
    )


def test_an_emergency_change_starts_before_approval_and_is_approved_after_the_fact() -> None:
    assert allowed(State.DRAFT, EMERGENCY, decided=False) == [Action.ASSESS, Action.START]
    started = move("CHG1", Action.START, State.DRAFT, EMERGENCY, decided=False)
    assert (started.to_state, started.after_the_fact) == (State.IN_PROGRESS, False)
    approved = move("CHG1", Action.APPROVE, State.IN_PROGRESS, EMERGENCY, decided=False)
    assert (approved.to_state, approved.after_the_fact) == (State.IN_PROGRESS, True)
    late = move("CHG1", Action.APPROVE, State.COMPLETED, EMERGENCY, decided=False)
    assert (late.to_state, late.after_the_fact) == (State.COMPLETED, True)


def test_an_emergency_change_is_reviewed_only_once_the_cab_decided() -> None:
    assert allowed(State.COMPLETED, EMERGENCY, decided=False) == [Action.APPROVE, Action.REJECT]
    assert allowed(State.COMPLETED, EMERGENCY, decided=True) == [Action.REVIEW]
    with pytest.raises(ChangeRequestError, match="cannot approve; allowed: review"):
        move("CHG1", Action.APPROVE, State.COMPLETED, EMERGENCY, decided=True)


def test_only_an_emergency_change_skips_approval() -> None:
    for category in (Category.STANDARD, NORMAL):
        assert Action.START not in allowed(State.DRAFT, category, decided=False)
        assert Action.APPROVE not in allowed(State.IN_PROGRESS, category, decided=False)
