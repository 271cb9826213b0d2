"""The CAB's rules (cmdb/changes/cab.py), pure, on requests as read back: which approvals
count, when the last one settles the decision, and what an emergency change approved in
part before it started and in part after the fact is."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cmdb.changes.cab import CabPolicy, current_approvals, decide, is_cleared, remaining
from cmdb.changes.model import ChangeRequest, Transition
from cmdb.changes.states import Action, Category, ChangeRequestError, State
from cmdb.config import ApprovalsRequired

T = datetime(2026, 12, 1, tzinfo=UTC)
TWO = CabPolicy(approvals_required=ApprovalsRequired(normal=2, emergency=2))


def request(category: Category, state: State, *steps: tuple[str, str, bool]) -> ChangeRequest:
    """A request created by erin, with `steps` (action, actor, after the fact) recorded."""
    transitions = [Transition(1, "create", None, "draft", "erin", T, None)]
    transitions += [Transition(n, action, "x", "x", actor, T, None, late)
                    for n, (action, actor, late) in enumerate(steps, start=2)]  # fmt: skip
    return ChangeRequest(
        id="CHG0000001", title="t", description="", category=category, state=state,
        window_start=T, window_end=T, requester="erin", implementer=None, created_at=T,
        updated_at=T, revision=len(transitions), affected=(), transitions=tuple(transitions),
        touched=(), touched_services=(),
    )  # fmt: skip


def test_approvals_count_from_the_latest_assessment() -> None:
    cr = request(Category.NORMAL, State.ASSESSED, ("assess", "ann", False),
                 ("approve", "ann", False), ("assess", "bob", False), ("approve", "bob", False))  # fmt: skip
    assert [t.actor for t in current_approvals(cr)] == ["bob"]
    assert [is_cleared(cr, t) for t in cr.approvals] == [True, False]
    assert remaining(cr, TWO) == 1
    assert remaining(cr, CabPolicy()) == 0
    final = decide(cr, Action.APPROVE, "ann", TWO)  # her earlier approval was cleared
    assert (final.final, final.move.to_state) == (True, State.APPROVED)


def test_an_emergency_change_approved_once_before_it_started_and_once_after() -> None:
    cr = request(Category.EMERGENCY, State.IN_PROGRESS, ("assess", "ann", False),
                 ("approve", "ann", False), ("start", "erin", False))  # fmt: skip
    assert not cr.approved_after_the_fact
    with pytest.raises(ChangeRequestError, match="ann approved CHG0000001 already"):
        decide(cr, Action.APPROVE, "ANN ", TWO)  # names compared without case and spaces
    last = decide(cr, Action.APPROVE, "bob", TWO)
    assert (last.final, last.move.after_the_fact, last.move.to_state) == (
        True, True, State.IN_PROGRESS,
    )  # fmt: skip
    done = replace(request(Category.EMERGENCY, State.IN_PROGRESS, ("approve", "ann", True),
                           ("reject", "bob", True)), decided=True)  # fmt: skip
    assert not done.approved_after_the_fact  # rejected after the fact: not approved
    approved = replace(request(Category.EMERGENCY, State.IN_PROGRESS, ("approve", "ann", True),
                               ("approve", "bob", True)), decided=True)  # fmt: skip
    assert approved.approved_after_the_fact
    assert remaining(approved, TWO) == 0


def test_the_rules_refuse_before_anything_is_written() -> None:
    cr = request(Category.NORMAL, State.ASSESSED, ("assess", "ann", False))
    with pytest.raises(ChangeRequestError, match="Erin requested CHG0000001 and may not"):
        decide(cr, Action.REJECT, "Erin", TWO)
    own = decide(cr, Action.APPROVE, "erin", replace(TWO, self_approval=True))
    assert (own.final, own.move.to_state) == (False, State.ASSESSED)  # one of two
    with pytest.raises(
        ChangeRequestError, match=r"is draft \(normal\): cannot approve; allowed: assess"
    ):
        decide(replace(cr, state=State.DRAFT), Action.APPROVE, "ann", TWO)
